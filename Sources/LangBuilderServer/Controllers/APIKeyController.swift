import Foundation
import Hummingbird
import LangBuilderAuth
import LangBuilderCore
import LangBuilderStorage

/// `/api_key/`: create (the full `sk-…` key shown once), list (masked), delete.
struct APIKeyController {
    let storage: any StorageDriver
    let cache: CredentialCache

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("api_key", use: list)
        group.post("api_key", use: create)
        group.delete("api_key/{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        // Uses are counted in memory and written in batches: write them now so the list is exact.
        await cache.flushUses(to: storage, logger: context.logger)
        let keys = try await storage.apiKeys(userID: user.id)
        return Response.json([
            "total_count": .int(keys.count), "user_id": .id(user.id),
            "api_keys": .array(keys.map { Self.render($0, key: $0.maskedKey) }),
        ])
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        let body = try await request.jsonObject(context: context)
        let name: String?
        switch body["name"] {
        case nil, .null?: name = nil
        case .string(let text)?: name = text
        default: throw APIError.validation(location: ["body", "name"], message: "Input should be a valid string", input: body["name"]?.serialized())
        }
        let generated = APIKeys.generate()
        let record = try await storage.createAPIKey(APIKeyRecord(name: name, hashedKey: generated.hash, maskedKey: generated.mask, userID: user.id))
        return Response.json(Self.render(record, key: generated.key))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try context.parameters.requireUUID("id")
        guard let record = try await storage.apiKey(id: id), record.userID == user.id || user.isSuperuser else {
            throw APIError(.notFound, "API Key not found")
        }
        try await storage.deleteAPIKey(id: record.id)
        cache.invalidateAll()  // a deleted key is refused at once
        return Response.json(["detail": "API Key deleted"])
    }

    static func render(_ record: APIKeyRecord, key: String) -> JSONValue {
        [
            "id": .id(record.id), "name": .text(record.name), "api_key": .string(key), "created_at": .date(record.createdAt),
            "last_used_at": .date(record.lastUsedAt), "total_uses": .int(record.totalUses), "is_active": .bool(record.isActive),
            "expires_at": .date(record.expiresAt), "user_id": .id(record.userID),
        ]
    }
}
