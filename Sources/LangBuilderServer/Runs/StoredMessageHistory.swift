import Foundation
import LangBuilderCore
import LangBuilderStorage

/// The chat history of the server's runs, over its storage: what `get_messages` reads (a Memory component,
/// an Agent's history) is what `/monitor/messages` shows, and what `add_message` appends is stored at once,
/// under the run's flow. A user reads only the messages of their own flows.
struct StoredMessageHistory: MessageHistory {
    let storage: any StorageDriver
    /// Flushed before a read, so that the history includes the runs that answered before this one asked.
    let recorder: RunRecorder?

    func messages(_ query: LangBuilderCore.MessageQuery) async throws -> [JSONObject] {
        guard query.limit > 0 else { return [] }
        await recorder?.flush()
        var owner: UUID?
        if let userID = query.userID {
            guard let id = UUID(uuidString: userID) else { throw HistoryError("the run's user id \(userID) is not a UUID") }
            owner = id
        }
        let stored = try await storage.messages(
            LangBuilderStorage.MessageQuery(
                sessionID: query.sessionID, sender: query.sender, senderName: query.senderName, ownedBy: owner, order: .newestFirst,
                pagination: Pagination(limit: query.limit)))
        return stored.reversed().compactMap { LangflowMessage.render($0, asRead: true).objectValue }
    }

    func add(_ message: JSONObject, userID: String?) async throws {
        guard let flow = message["flow_id"]?.stringValue.flatMap(UUID.init(uuidString:)) else {
            throw HistoryError("a message added by a component needs the run's flow (flow_id)")
        }
        guard let session = message["session_id"]?.stringValue, !session.isEmpty else {
            throw HistoryError("a message added by a component needs a session_id")
        }
        let files = message["files"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let record = MessageRecord(
            id: message["id"]?.stringValue.flatMap(UUID.init(uuidString:)) ?? .timeOrdered(), flowID: flow, sessionID: session,
            contextID: message["context_id"]?.stringValue, sender: message["sender"]?.stringValue ?? "Machine",
            senderName: message["sender_name"]?.stringValue ?? "AI", text: message["text"]?.stringValue ?? "", files: files,
            timestamp: message["timestamp"]?.stringValue.flatMap(RunRecordBuilder.parseTimestamp) ?? Date(),
            properties: message["properties"].map { $0.serialized() } ?? "{}", category: message["category"]?.stringValue ?? "message",
            contentBlocks: message["content_blocks"].map { $0.serialized() } ?? "[]")
        try await storage.recordRun(messages: [record])
    }

    struct HistoryError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
