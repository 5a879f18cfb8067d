import Foundation
import Hummingbird
import LangBuilderAuth
import LangBuilderCore
import LangBuilderStorage

/// `/variables/`: a user's global variables. `Credential` values are sealed with AES-GCM before storage and are
/// never returned (their `value` is null); `Generic` values are returned as stored.
struct VariableController {
    let storage: any StorageDriver
    let credentials: CredentialCipher

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("variables", use: list)
        group.post("variables", use: create)
        group.patch("variables/{id}", use: update)
        group.delete("variables/{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        return Response.json(.array(try await storage.variables(userID: user.id).map(Self.render)))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        let body = try await request.jsonObject(context: context)
        guard let name = body["name"]?.stringValue, !name.isEmpty else { throw APIError(.badRequest, "Variable name cannot be empty") }
        guard let value = body["value"]?.stringValue, !value.isEmpty else { throw APIError(.badRequest, "Variable value cannot be empty") }
        let type = body["type"]?.stringValue ?? VariableRecord.generic
        guard [VariableRecord.generic, VariableRecord.credential].contains(type) else {
            throw APIError.validation(location: ["body", "type"], message: "Input should be 'Generic' or 'Credential'", input: type)
        }
        if try await storage.variable(name: name, userID: user.id) != nil { throw APIError(.badRequest, "Variable name already exists") }
        let stored = type == VariableRecord.credential ? try credentials.seal(value, userID: user.id, variableName: name) : value
        let record = try await storage.createVariable(VariableRecord(
            name: name, value: stored, type: type, defaultFields: try Self.fields(body["default_fields"]), userID: user.id))
        return Response.json(Self.render(record), status: .created)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var variable = try await owned(try context.parameters.requireUUID("id"), user: user)
        var request = request
        let body = try await request.jsonObject(context: context)
        var clear: String?
        if variable.type == VariableRecord.credential, let sealed = variable.value {
            clear = try credentials.open(sealed, userID: variable.userID, variableName: variable.name)
        } else {
            clear = variable.value
        }
        if let name = body["name"]?.stringValue, !name.isEmpty, name != variable.name {
            if try await storage.variable(name: name, userID: variable.userID) != nil { throw APIError(.badRequest, "Variable name already exists") }
            variable.name = name
        }
        if let value = body["value"]?.stringValue { clear = value }
        if body["default_fields"] != nil { variable.defaultFields = try Self.fields(body["default_fields"]) }
        // Sealed again under the (possibly new) name: the name is part of what the seal authenticates.
        if variable.type == VariableRecord.credential {
            if let clear {
                variable.value = try credentials.seal(clear, userID: variable.userID, variableName: variable.name)
            } else {
                variable.value = nil
            }
        } else {
            variable.value = clear
        }
        variable.updatedAt = Date()
        return Response.json(Self.render(try await storage.updateVariable(variable)))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let variable = try await owned(try context.parameters.requireUUID("id"), user: user)
        try await storage.deleteVariable(id: variable.id)
        return Response(status: .noContent)
    }

    private func owned(_ id: UUID, user: UserRecord) async throws -> VariableRecord {
        guard let variable = try await storage.variable(id: id), variable.userID == user.id || user.isSuperuser else {
            throw APIError(.notFound, "Variable not found")
        }
        return variable
    }

    /// The user's variables in clear, for a run whose flow reads some (`load_from_db` fields).
    static func values(for userID: UUID, storage: any StorageDriver, credentials: CredentialCipher) async throws -> [String: String] {
        var values: [String: String] = [:]
        for variable in try await storage.variables(userID: userID) {
            guard let value = variable.value else { continue }
            values[variable.name] = variable.type == VariableRecord.credential
                ? try credentials.open(value, userID: userID, variableName: variable.name) : value
        }
        return values
    }

    private static func fields(_ value: JSONValue?) throws -> [String] {
        guard let value, value != .null else { return [] }
        guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
            throw APIError.validation(location: ["body", "default_fields"], message: "Input should be a valid list of strings", input: value.serialized())
        }
        return list.compactMap(\.stringValue)
    }

    /// Langflow's `VariableRead`; a credential's value is never shown.
    static func render(_ variable: VariableRecord) -> JSONValue {
        let isCredential = variable.type == VariableRecord.credential
        return [
            "id": .id(variable.id), "name": .string(variable.name), "type": .string(variable.type),
            "value": isCredential ? .null : .text(variable.value), "has_value": .bool(variable.value != nil),
            "default_fields": .array(variable.defaultFields.map(JSONValue.string)), "is_owner": true, "can_manage_shares": true,
            "validation_error": nil, "is_valid": nil,
        ]
    }
}
