import Hummingbird
import LangBuilderCore
import LangBuilderStorage

/// `GET /users/whoami`: the signed-in user in Langflow's `UserRead` shape.
struct UserController {
    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("users/whoami") { _, context in
            Response.json(Self.render(try context.requireUser()))
        }
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
