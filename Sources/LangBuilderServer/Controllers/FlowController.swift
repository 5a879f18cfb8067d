import Foundation
import Hummingbird
import LangBuilderCore
import LangBuilderStorage

/// `/flows/`: Langflow's flow CRUD, per user. Another user's flow is 404 `Flow not found`; example flows (no owner)
/// are readable by everyone; the superuser reaches every flow by id.
struct FlowController {
    let storage: any StorageDriver
    /// The flows' v1 files, removed with their flow; nil: none are kept.
    var files: FileStore? = nil

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("flows", use: create)
        group.get("flows", use: list)
        group.get("flows/{id}", use: read)
        group.patch("flows/{id}", use: update)
        group.delete("flows/{id}", use: delete)
        group.put("flows/{id}", use: upsert)
        group.delete("flows", use: deleteMany)
        group.get("flows/{id}/version-state", use: versionState)
    }

    // MARK: - Payload

    /// The fields of Langflow's `FlowCreate` / `FlowUpdate` present in a body, checked for type.
    struct FlowFields {
        let body: JSONObject

        /// Every field present in the body applied over `flow`; 422 for a field of the wrong type.
        func apply(to flow: inout FlowRecord) throws {
            if let name = try string("name") { flow.name = name }
            for (key, path) in [("description", \FlowRecord.description), ("icon", \.icon), ("icon_bg_color", \.iconBgColor),
                                ("gradient", \.gradient), ("action_name", \.actionName), ("action_description", \.actionDescription)]
            where body[key] != nil {
                flow[keyPath: path] = try string(key)
            }
            for (key, path) in [("is_component", \FlowRecord.isComponent), ("webhook", \.webhook), ("locked", \.locked), ("mcp_enabled", \.mcpEnabled)] {
                if let value = try bool(key) { flow[keyPath: path] = value }
            }
            if body["data"] != nil {
                switch body["data"]! {
                case .null: flow.data = nil
                case .object: flow.data = body["data"]!.serialized()
                default: throw invalid("data", "Input should be a valid dictionary")
                }
            }
            if body["endpoint_name"] != nil {
                let name = try string("endpoint_name")
                if let name, !name.isEmpty {
                    guard name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" }) else {
                        throw invalid("endpoint_name", "Endpoint name must only contain letters, numbers, hyphens, and underscores")
                    }
                    flow.endpointName = name
                } else {
                    flow.endpointName = nil
                }
            }
            if let tags = body["tags"], tags != .null {
                guard let list = tags.arrayValue?.compactMap(\.stringValue), list.count == tags.arrayValue?.count else {
                    throw invalid("tags", "Input should be a valid list of strings")
                }
                flow.tags = list
            }
            if let access = try string("access_type") {
                guard [FlowRecord.privateAccess, FlowRecord.publicAccess].contains(access) else {
                    throw invalid("access_type", "Input should be 'PRIVATE' or 'PUBLIC'")
                }
                flow.accessType = access
            }
            if let type = try string("flow_type") { flow.flowType = type }
            if body["folder_id"] != nil {
                if let text = try string("folder_id") {
                    guard let id = UUID(uuidString: text) else { throw invalid("folder_id", "Input should be a valid UUID") }
                    flow.folderID = id
                } else {
                    flow.folderID = nil
                }
            }
        }

        func string(_ key: String) throws -> String? {
            switch body[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw invalid(key, "Input should be a valid string")
            }
        }

        func bool(_ key: String) throws -> Bool? {
            switch body[key] {
            case nil, .null?: return nil
            case .bool(let value)?: return value
            default: throw invalid(key, "Input should be a valid boolean")
            }
        }

        func invalid(_ key: String, _ message: String) -> APIError {
            APIError.validation(location: ["body", key], message: message, input: body[key]?.serialized())
        }
    }

    // MARK: - Routes

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        let fields = FlowFields(body: try await request.jsonObject(context: context))
        guard let name = try fields.string("name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError(.unprocessableContent, detail: [["type": "missing", "loc": ["body", "name"], "msg": "Field required", "input": nil]])
        }
        var flow = FlowRecord(name: name, userID: user.id)
        try fields.apply(to: &flow)
        flow.name = try await availableName(flow.name, userID: user.id)
        flow.folderID = try await DefaultProject.placement(flow.folderID, owner: user.id, storage: storage)
        flow.lastModifiedBy = user.id
        let created = try await storage.createFlow(flow)
        return Response.json(Self.render(created), status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let getAll = try request.boolQuery("get_all") ?? true
        let headers = try request.boolQuery("header_flows") ?? false
        let removeExamples = try request.boolQuery("remove_example_flows") ?? false
        let componentsOnly = try request.boolQuery("components_only") ?? false
        var query = FlowQuery(owner: .user(user.id), includeExamples: !removeExamples, componentsOnly: componentsOnly, includeData: !headers)
        if let folder = request.uri.queryParameters.get("folder_id"), !folder.isEmpty {
            guard let id = UUID(uuidString: folder) else {
                throw APIError.validation(location: ["query", "folder_id"], message: "Input should be a valid UUID", input: folder, type: "uuid_parsing")
            }
            query.folderID = id
        }
        if let type = request.uri.queryParameters.get("flow_type"), !type.isEmpty { query.flowType = type }
        let render: @Sendable (FlowRecord) -> JSONValue = { headers ? Self.renderHeader($0) : Self.render($0) }
        if getAll {
            let page = try await storage.flows(query)
            return Response.json(.array(page.items.map(render)))
        }
        let number = try request.intQuery("page") ?? 1
        let size = try request.intQuery("size") ?? 50
        guard number >= 1 else { throw APIError.validation(location: ["query", "page"], message: "Input should be greater than or equal to 1", input: String(number)) }
        guard (1...1000).contains(size) else { throw APIError.validation(location: ["query", "size"], message: "Input should be between 1 and 1000", input: String(size)) }
        query.pagination = .page(number, size: size)
        let page = try await storage.flows(query)
        return Response.json([
            "items": .array(page.items.map(render)), "total": .int(page.total), "page": .int(number), "size": .int(size),
            "pages": .int((page.total + size - 1) / size),
        ])
    }

    @Sendable func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let flow = try await visibleFlow(try context.parameters.requireUUID("id"), user: user, writing: false)
        return Response.json(Self.render(flow))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try context.parameters.requireUUID("id")
        let expectedToken = try Self.versionToken(request)
        var request = request
        let fields = FlowFields(body: try await request.jsonObject(context: context))
        let stored = try await visibleFlow(id, user: user, writing: true)
        var flow = stored
        try fields.apply(to: &flow)
        try await place(&flow, stored: stored)
        if flow.name != stored.name {
            let owner = stored.userID ?? user.id
            let others = try await storage.flows(FlowQuery(owner: .user(owner), includeExamples: false, includeData: false))
            if others.items.contains(where: { $0.name == flow.name && $0.id != id }) {
                throw APIError(.badRequest, "Name must be unique")
            }
        }
        flow.lastModifiedBy = user.id
        flow.updatedAt = Date()
        do {
            return Response.json(Self.render(try await storage.updateFlow(flow, expectedVersionToken: expectedToken)))
        } catch StorageError.versionConflict(let current) {
            throw try await conflict(flowID: id, expected: expectedToken ?? "", current: current)
        }
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let flow = try await visibleFlow(try context.parameters.requireUUID("id"), user: user, writing: true)
        try await storage.deleteFlow(id: flow.id)
        _ = try? await files?.removeOrphans(among: [flow.id], storage: storage)
        return Response.json(["message": "Flow deleted successfully"])
    }

    /// `PUT /flows/{id}`: replaces the flow (200) or creates it with this id (201), as langflow-sdk's `upsert_flow`.
    @Sendable func upsert(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try context.parameters.requireUUID("id")
        let expectedToken = try Self.versionToken(request)
        var request = request
        let fields = FlowFields(body: try await request.jsonObject(context: context))
        guard let name = try fields.string("name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError(.unprocessableContent, detail: [["type": "missing", "loc": ["body", "name"], "msg": "Field required", "input": nil]])
        }
        guard try await storage.flow(id: id) != nil else {
            var flow = FlowRecord(id: id, name: name, userID: user.id)
            try fields.apply(to: &flow)
            flow.name = try await availableName(flow.name, userID: user.id)
            flow.folderID = try await DefaultProject.placement(flow.folderID, owner: user.id, storage: storage)
            flow.lastModifiedBy = user.id
            return Response.json(Self.render(try await storage.createFlow(flow)), status: .created)
        }
        let stored = try await visibleFlow(id, user: user, writing: true)
        var flow = stored
        try fields.apply(to: &flow)
        try await place(&flow, stored: stored)
        flow.lastModifiedBy = user.id
        flow.updatedAt = Date()
        do {
            return Response.json(Self.render(try await storage.updateFlow(flow, expectedVersionToken: expectedToken)))
        } catch StorageError.versionConflict(let current) {
            throw try await conflict(flowID: id, expected: expectedToken ?? "", current: current)
        }
    }

    /// `DELETE /flows/` with a JSON array of ids: deletes those the user owns, `{"deleted": n}`.
    @Sendable func deleteMany(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        guard let list = try await request.jsonBody(context: context).arrayValue else {
            throw APIError.validation(location: ["body"], message: "Input should be a valid list of UUIDs", input: nil)
        }
        var ids: [UUID] = []
        for item in list {
            guard let text = item.stringValue, let id = UUID(uuidString: text) else {
                throw APIError.validation(location: ["body"], message: "Input should be a valid UUID", input: item.serialized(), type: "uuid_parsing")
            }
            ids.append(id)
        }
        let deleted = try await storage.deleteFlows(ids: ids, ownedBy: user.id)
        _ = try? await files?.removeOrphans(among: ids, storage: storage)
        return Response.json(["deleted": .int(deleted)])
    }

    /// `GET /flows/{id}/version-state`: the current version token and who saved the flow last.
    @Sendable func versionState(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let flow = try await visibleFlow(try context.parameters.requireUUID("id"), user: user, writing: false)
        var username: JSONValue = nil
        if let userID = flow.lastModifiedBy, let editor = try await storage.user(id: userID) { username = .string(editor.username) }
        return Response.json([
            "version_token": .string(flow.versionToken), "last_modified_by": .id(flow.lastModifiedBy),
            "last_modified_by_username": username, "updated_at": .date(flow.updatedAt),
        ])
    }

    // MARK: - Helpers

    /// The flow if `user` may see it (or change it, when `writing`); 404 `Flow not found` otherwise.
    func visibleFlow(_ id: UUID, user: UserRecord, writing: Bool) async throws -> FlowRecord {
        guard let flow = try await storage.flow(id: id),
            flow.userID == user.id || user.isSuperuser || (!writing && flow.userID == nil)
        else { throw APIError(.notFound, "Flow not found") }
        return flow
    }

    /// A moved flow's project: a `folder_id` of null keeps the flow where it is, a project that is not one of the
    /// owner's sends it to the owner's default project (both as Langflow).
    func place(_ flow: inout FlowRecord, stored: FlowRecord) async throws {
        guard flow.folderID != stored.folderID else { return }
        guard let requested = flow.folderID else {
            flow.folderID = stored.folderID
            return
        }
        guard let owner = stored.userID else { return }
        flow.folderID = try await DefaultProject.placement(requested, owner: owner, storage: storage)
    }

    /// `name`, or `name (n)` with the next free n when the user has a flow called `name`, as Langflow renames.
    func availableName(_ name: String, userID: UUID) async throws -> String {
        let names = try await storage.flows(FlowQuery(owner: .user(userID), includeExamples: false, includeData: false)).items.map(\.name)
        guard names.contains(name) else { return name }
        let prefix = name + " ("
        let numbers = names.compactMap { other -> Int? in
            guard other.hasPrefix(prefix), other.hasSuffix(")") else { return nil }
            return Int(other.dropFirst(prefix.count).dropLast())
        }
        return "\(name) (\((numbers.max() ?? 0) + 1))"
    }

    /// The `If-Match` version token, without quotes; 400 when it is not a token.
    static func versionToken(_ request: Request) throws -> String? {
        guard var value = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.hasPrefix("W/") { value.removeFirst(2) }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        guard UUID(uuidString: value) != nil else { throw APIError(.badRequest, "Invalid If-Match header: expected a version token") }
        return value.lowercased()
    }

    /// Langflow's 409 `flow_version_conflict` answer.
    func conflict(flowID: UUID, expected: String, current: String) async throws -> APIError {
        let stored = try await storage.flow(id: flowID)
        var modifiedBy: JSONValue = nil
        if let userID = stored?.lastModifiedBy, let user = try await storage.user(id: userID) {
            modifiedBy = ["id": .id(user.id), "username": .string(user.username)]
        }
        return APIError(.conflict, detail: [
            "code": "flow_version_conflict", "message": "This flow was changed by someone else after you loaded it.",
            "flow_id": .id(flowID), "expected_version_token": .string(expected), "current_version_token": .string(current),
            "modified_by": modifiedBy, "modified_at": .date(stored?.updatedAt),
        ])
    }

    /// Langflow's `FlowRead`.
    static func render(_ flow: FlowRecord) -> JSONValue {
        [
            "name": .string(flow.name), "description": .text(flow.description), "icon": .text(flow.icon),
            "icon_bg_color": .text(flow.iconBgColor), "gradient": .text(flow.gradient), "data": data(flow),
            "is_component": .bool(flow.isComponent), "updated_at": .date(flow.updatedAt), "webhook": .bool(flow.webhook),
            "endpoint_name": .text(flow.endpointName), "tags": .array(flow.tags.map(JSONValue.string)), "locked": .bool(flow.locked),
            "mcp_enabled": .bool(flow.mcpEnabled), "action_name": .text(flow.actionName), "action_description": .text(flow.actionDescription),
            "access_type": .string(flow.accessType), "flow_type": .string(flow.flowType), "a2a_enabled": false,
            "a2a_card_overrides": nil, "id": .id(flow.id), "user_id": .id(flow.userID), "folder_id": .id(flow.folderID),
            "workspace_id": nil, "name_key": nil, "version_token": .string(flow.versionToken),
        ]
    }

    /// The fields `header_flows=true` lists.
    static func renderHeader(_ flow: FlowRecord) -> JSONValue {
        [
            "id": .id(flow.id), "name": .string(flow.name), "folder_id": .id(flow.folderID), "is_component": .bool(flow.isComponent),
            "endpoint_name": .text(flow.endpointName), "description": .text(flow.description), "data": nil,
            "access_type": .string(flow.accessType), "tags": .array(flow.tags.map(JSONValue.string)), "mcp_enabled": .bool(flow.mcpEnabled),
            "flow_type": .string(flow.flowType), "a2a_enabled": false, "a2a_card_overrides": nil, "action_name": .text(flow.actionName),
            "action_description": .text(flow.actionDescription), "updated_at": .date(flow.updatedAt),
        ]
    }

    private static func data(_ flow: FlowRecord) -> JSONValue {
        guard let text = flow.data else { return nil }
        return (try? JSONValue(parsing: text)) ?? .string(text)
    }
}
