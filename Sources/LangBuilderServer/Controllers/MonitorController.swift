import Foundation
import Hummingbird
import LangBuilderCore
import LangBuilderStorage

/// Langflow's `/monitor` routes over what runs recorded: chat messages (list, sessions, edit, delete, move
/// to another session), transactions (one per vertex per run, paged, newest first) and vertex builds.
///
/// Records belong to the owner of their flow: a user sees and changes only the records of their own flows
/// (the superuser all of them). As Langflow, naming another user's flow gives an empty answer, not an error.
struct MonitorController {
    let storage: any StorageDriver
    /// Flushed before every route: what a run recorded is visible (and deletable) as soon as its response
    /// arrived, as in Langflow, whose runs write their records before answering.
    let recorder: RunRecorder

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("monitor/messages", use: flushed(messages))
        group.delete("monitor/messages", use: flushed(deleteMessages))
        group.get("monitor/messages/sessions", use: flushed(sessions))
        group.put("monitor/messages/{id}", use: flushed(updateMessage))
        // One parameter name for both routes: they share the path.
        group.patch("monitor/messages/session/{session_id}", use: flushed(renameSession))
        group.delete("monitor/messages/session/{session_id}", use: flushed(deleteSession))
        group.get("monitor/transactions", use: flushed(transactions))
        group.get("monitor/builds", use: flushed(vertexBuilds))
        group.delete("monitor/builds", use: flushed(deleteVertexBuilds))
    }

    /// `handler` after the runs answered so far are written: otherwise a run's records could be missing
    /// from a read, or come back after a delete.
    private func flushed(
        _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Response
    ) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { [recorder] request, context in
            await recorder.flush()
            return try await handler(request, context)
        }
    }

    // MARK: - Messages

    @Sendable func messages(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let flowID = try Self.uuidQuery(request, "flow_id")
        if let order = request.uri.queryParameters.get("order_by"), order != "timestamp" {
            throw APIError(.badRequest, "Invalid order_by field: \(order)")
        }
        let limit = try request.intQuery("limit")
        let offset = try request.intQuery("offset") ?? 0
        if let limit, limit < 0 { throw APIError.validation(location: ["query", "limit"], message: "Input should be greater than or equal to 0", input: String(limit)) }
        guard offset >= 0 else { throw APIError.validation(location: ["query", "offset"], message: "Input should be greater than or equal to 0", input: String(offset)) }
        if let flowID, try await ownedFlow(flowID, user) == nil { return Response.json([]) }
        let query = MessageQuery(
            flowID: flowID, sessionID: request.nonEmptyQuery("session_id"), sender: request.nonEmptyQuery("sender"),
            senderName: request.nonEmptyQuery("sender_name"), ownedBy: Self.scope(user),
            pagination: limit.map { Pagination(offset: offset, limit: $0) } ?? (offset > 0 ? Pagination(offset: offset, limit: Int.max / 2) : nil))
        let found = try await storage.messages(query)
        return Response.json(.array(found.map { LangflowMessage.render($0) }))
    }

    @Sendable func sessions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let flowID = try Self.uuidQuery(request, "flow_id")
        if let flowID, try await ownedFlow(flowID, user) == nil { return Response.json([]) }
        let sessions = try await storage.messageSessions(flowID: flowID, ownedBy: Self.scope(user))
        return Response.json(.array(sessions.map(JSONValue.string)))
    }

    /// `DELETE /monitor/messages` with a JSON list of message ids: deletes those of the user's flows (others
    /// are ignored, as Langflow does).
    @Sendable func deleteMessages(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        let body = try await request.jsonBody(context: context)
        guard let list = body.arrayValue else {
            throw APIError.validation(location: ["body"], message: "Input should be a valid list", input: body.serialized(), type: "list_type")
        }
        var ids: [UUID] = []
        for (index, item) in list.enumerated() {
            guard let text = item.stringValue, let id = UUID(uuidString: text) else {
                throw APIError.validation(location: ["body", String(index)], message: "Input should be a valid UUID", input: item.serialized(), type: "uuid_parsing")
            }
            ids.append(id)
        }
        try await storage.deleteMessages(ids: ids, ownedBy: Self.scope(user))
        return Response(status: .noContent)
    }

    /// `PUT /monitor/messages/{id}`: edits a message (Langflow's `MessageUpdate`); a new text marks it edited.
    @Sendable func updateMessage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try context.parameters.requireUUID("id")
        var request = request
        let body = try await request.jsonObject(context: context)
        guard var message = try await storage.message(id: id), try await ownedFlow(message.flowID, user) != nil else {
            throw APIError(.notFound, "Message not found")
        }
        let location = ["body"]
        if let text = try body.optionalString("text", at: location), text != message.text {
            message.text = text
            message.edit = true
        }
        if let sender = try body.optionalString("sender", at: location) { message.sender = sender }
        if let senderName = try body.optionalString("sender_name", at: location) { message.senderName = senderName }
        if let session = try body.optionalString("session_id", at: location) { message.sessionID = session }
        if let contextID = try body.optionalString("context_id", at: location) { message.contextID = contextID }
        if let edit = try Self.optionalBool(body, "edit") { message.edit = edit }
        if let error = try Self.optionalBool(body, "error") { message.error = error }
        switch body["files"] {
        case nil, .null?: break
        case .array(let files)? where files.allSatisfy({ $0.stringValue != nil }): message.files = files.compactMap(\.stringValue)
        default: throw APIError.validation(location: ["body", "files"], message: "Input should be a valid list of strings", input: body["files"]?.serialized())
        }
        switch body["properties"] {
        case nil, .null?: break
        case .object(let properties)?:
            var merged = (try? JSONValue(parsing: message.properties))?.objectValue ?? JSONObject()
            for (key, value) in properties { merged[key] = value }
            message.properties = JSONValue.object(merged).serialized()
        default: throw APIError.validation(location: ["body", "properties"], message: "Input should be a valid dictionary", input: body["properties"]?.serialized())
        }
        let updated = try await storage.updateMessage(message)
        return Response.json(LangflowMessage.render(updated, asRead: true))
    }

    /// `PATCH /monitor/messages/session/{old}?new_session_id=`: moves the session's messages; answers them.
    @Sendable func renameSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let old = context.parameters.get("session_id") ?? ""
        guard let new = request.uri.queryParameters.get("new_session_id") else {
            throw APIError.validation(location: ["query", "new_session_id"], message: "Field required", input: nil, type: "missing")
        }
        let moved = try await storage.messages(MessageQuery(sessionID: old, ownedBy: Self.scope(user)))
        guard !moved.isEmpty else { throw APIError(.notFound, "No messages found with the given session ID") }
        try await storage.renameMessageSession(from: old, to: new, ownedBy: Self.scope(user))
        return Response.json(.array(moved.map { message in
            var message = message
            message.sessionID = new
            return LangflowMessage.render(message)
        }))
    }

    @Sendable func deleteSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let session = context.parameters.get("session_id") ?? ""
        try await storage.deleteMessages(sessionID: session, flowID: nil, ownedBy: Self.scope(user))
        return Response(status: .noContent)
    }

    // MARK: - Transactions and vertex builds

    /// `GET /monitor/transactions?flow_id=&page=&size=`: Langflow's page object, newest first.
    @Sendable func transactions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let flowID = try Self.requiredUUIDQuery(request, "flow_id")
        let page = try request.intQuery("page") ?? 1
        let size = try request.intQuery("size") ?? 50
        guard page >= 1 else { throw APIError.validation(location: ["query", "page"], message: "Input should be greater than or equal to 1", input: String(page)) }
        guard size >= 1 else { throw APIError.validation(location: ["query", "size"], message: "Input should be greater than or equal to 1", input: String(size)) }
        guard try await ownedFlow(flowID, user) != nil else {
            return Response.json(["items": [], "total": 0, "page": 1, "size": .int(size), "pages": 0])
        }
        // Storage pages oldest first; the newest-first window is the mirror image of an oldest-first one.
        let total = try await storage.transactions(flowID: flowID, pagination: Pagination(limit: 0)).total
        let newestFirstEnd = min(total, (page - 1) * size + size)
        let newestFirstStart = min(total, (page - 1) * size)
        let window = Pagination(offset: total - newestFirstEnd, limit: newestFirstEnd - newestFirstStart)
        var items: [TransactionRecord] = []
        if window.limit > 0 { items = try await storage.transactions(flowID: flowID, pagination: window).items.reversed() }
        return Response.json([
            "items": .array(items.map(Self.render)), "total": .int(total), "page": .int(page), "size": .int(size),
            "pages": .int((total + size - 1) / size),
        ])
    }

    /// `GET /monitor/builds?flow_id=`: `{"vertex_builds": {"<vertex id>": [builds, oldest first]}}`.
    @Sendable func vertexBuilds(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let flowID = try Self.requiredUUIDQuery(request, "flow_id")
        var byVertex = JSONObject()
        if try await ownedFlow(flowID, user) != nil {
            for build in try await storage.vertexBuilds(flowID: flowID) {
                var list = byVertex[build.vertexID]?.arrayValue ?? []
                list.append(Self.render(build))
                byVertex[build.vertexID] = .array(list)
            }
        }
        return Response.json(["vertex_builds": .object(byVertex)])
    }

    @Sendable func deleteVertexBuilds(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let flowID = try Self.requiredUUIDQuery(request, "flow_id")
        if try await ownedFlow(flowID, user) != nil {
            try await storage.deleteVertexBuilds(flowID: flowID)
        }
        return Response(status: .noContent)
    }

    // MARK: - Helpers

    /// The flow, if it exists and its records are the user's to see.
    private func ownedFlow(_ id: UUID, _ user: UserRecord) async throws -> FlowRecord? {
        guard let flow = try await storage.flow(id: id), flow.userID == user.id || user.isSuperuser else { return nil }
        return flow
    }

    /// The storage `ownedBy` filter for a user: nil (everything) for the superuser.
    private static func scope(_ user: UserRecord) -> UUID? { user.isSuperuser ? nil : user.id }

    private static func uuidQuery(_ request: Request, _ name: String) throws -> UUID? {
        guard let text = request.uri.queryParameters.get(name), !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else {
            throw APIError.validation(location: ["query", name], message: "Input should be a valid UUID", input: text, type: "uuid_parsing")
        }
        return id
    }

    private static func requiredUUIDQuery(_ request: Request, _ name: String) throws -> UUID {
        guard let id = try uuidQuery(request, name) else {
            throw APIError.validation(location: ["query", name], message: "Field required", input: nil, type: "missing")
        }
        return id
    }

    private static func optionalBool(_ body: JSONObject, _ key: String) throws -> Bool? {
        switch body[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw APIError.validation(location: ["body", key], message: "Input should be a valid boolean", input: body[key]?.serialized(), type: "bool_type")
        }
    }

    /// Langflow's `TransactionLogsResponse`, plus the error text of a failed vertex.
    private static func render(_ transaction: TransactionRecord) -> JSONValue {
        [
            "id": .id(transaction.id), "timestamp": .date(transaction.timestamp), "vertex_id": .string(transaction.vertexID),
            "target_id": .text(transaction.targetID), "inputs": json(transaction.inputs), "outputs": json(transaction.outputs),
            "status": .string(transaction.status), "error": .text(transaction.error),
        ]
    }

    /// Langflow's `VertexBuildTable` row: `id` is the vertex id, `build_id` the record's.
    private static func render(_ build: VertexBuildRecord) -> JSONValue {
        [
            "id": .string(build.vertexID), "build_id": .id(build.id), "flow_id": .id(build.flowID), "timestamp": .date(build.timestamp),
            "valid": .bool(build.valid), "params": .text(build.params), "data": json(build.data), "artifacts": json(build.artifacts),
        ]
    }

    private static func json(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        return (try? JSONValue(parsing: text)) ?? .string(text)
    }
}
