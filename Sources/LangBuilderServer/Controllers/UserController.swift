import Foundation
import Hummingbird
import LangBuilderAuth
import LangBuilderCore
import LangBuilderStorage

/// `/users/`: sign-up (public; new users inactive unless configured otherwise), `whoami`, and the superuser's
/// list, update and delete. A user may update their own name, picture and password, never their own flags.
struct UserController {
    let storage: any StorageDriver
    let auth: AuthServices
    /// The uploaded files, whose folders go with a deleted user's flows and files; nil: none are kept.
    var files: FileStore? = nil

    /// The public route: sign-up.
    func addPublicRoutes(to router: Router<AppRequestContext>) {
        router.post("api/v1/users", use: create)
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("users/whoami") { _, context in
            Response.json(Self.render(try context.requireUser()))
        }
        group.get("users", use: list)
        group.patch("users/{id}", use: update)
        group.delete("users/{id}", use: delete)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let body = try await request.jsonObject(context: context)
        var missing: [JSONValue] = []
        for name in ["username", "password"] where body[name]?.stringValue?.isEmpty ?? true {
            missing.append(["type": "missing", "loc": ["body", .string(name)], "msg": "Field required", "input": nil])
        }
        guard missing.isEmpty, let username = body["username"]?.stringValue, let password = body["password"]?.stringValue else {
            throw APIError(.unprocessableContent, detail: .array(missing))
        }
        if try await storage.user(username: username) != nil { throw APIError(.badRequest, "This username is unavailable.") }
        let hasher = auth.passwords
        let hash = await Offload.run { hasher.hash(password) }
        do {
            let user = try await storage.createUser(UserRecord(username: username, passwordHash: hash, isActive: auth.newUserIsActive))
            return Response.json(Self.render(user), status: .created)
        } catch StorageError.duplicate {
            throw APIError(.badRequest, "This username is unavailable.")
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.requireSuperuser(try context.requireUser())
        let skip = try request.intQuery("skip") ?? 0
        let limit = try request.intQuery("limit") ?? 10
        guard skip >= 0, limit >= 0 else { throw APIError(.unprocessableContent, "skip and limit must not be negative") }
        let page = try await storage.users(Pagination(offset: skip, limit: limit))
        return Response.json(["total_count": .int(page.total), "users": .array(page.items.map(Self.render))])
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireUser()
        let id = try context.parameters.requireUUID("id")
        guard caller.isSuperuser || caller.id == id else {
            throw APIError(.forbidden, "Permission denied")
        }
        guard var user = try await storage.user(id: id) else { throw APIError(.notFound, "User not found") }
        var request = request
        let body = try await request.jsonObject(context: context)
        func string(_ key: String) throws -> String? {
            switch body[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw APIError.validation(location: ["body", key], message: "Input should be a valid string", input: body[key]?.serialized())
            }
        }
        func bool(_ key: String) throws -> Bool? {
            switch body[key] {
            case nil, .null?: return nil
            case .bool(let value)?: return value
            default: throw APIError.validation(location: ["body", key], message: "Input should be a valid boolean", input: body[key]?.serialized())
            }
        }
        let active = try bool("is_active")
        let superuser = try bool("is_superuser")
        if (active != nil || superuser != nil), !caller.isSuperuser {
            throw APIError(.forbidden, "Only a superuser can change is_active or is_superuser")
        }
        if let active { user.isActive = active }
        if let superuser { user.isSuperuser = superuser }
        if let name = try string("username"), name != user.username {
            if try await storage.user(username: name) != nil { throw APIError(.badRequest, "This username is unavailable.") }
            user.username = name
        }
        if body["profile_image"] != nil { user.profileImage = try string("profile_image") }
        if let password = try string("password"), !password.isEmpty {
            let hasher = auth.passwords
            user.passwordHash = await Offload.run { hasher.hash(password) }
        }
        user.updatedAt = Date()
        let updated = try await storage.updateUser(user)
        auth.credentialCache.invalidateAll()  // an inactive user is refused at once
        return Response.json(Self.render(updated))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireUser()
        try Self.requireSuperuser(caller)
        let id = try context.parameters.requireUUID("id")
        guard id != caller.id else { throw APIError(.badRequest, "You can't delete your own user account") }
        guard try await storage.user(id: id) != nil else { throw APIError(.notFound, "User not found") }
        try await storage.deleteUser(id: id)
        auth.credentialCache.invalidateAll()
        _ = try? await files?.removeOrphans(storage: storage)
        return Response.json(["detail": "User deleted"])
    }

    static func requireSuperuser(_ user: UserRecord) throws {
        guard user.isSuperuser else { throw APIError(.forbidden, "The user doesn't have enough privileges") }
    }

    /// Langflow's `UserRead` (its `create_at` spelling included).
    static func render(_ user: UserRecord) -> JSONValue {
        [
            "id": .id(user.id), "username": .string(user.username), "profile_image": .text(user.profileImage),
            "store_api_key": nil, "is_active": .bool(user.isActive), "is_superuser": .bool(user.isSuperuser),
            "create_at": .date(user.createdAt), "updated_at": .date(user.updatedAt), "last_login_at": .date(user.lastLoginAt),
            "optins": nil,
        ]
    }
}
