public import Foundation

/// A chat message written by a run (Langflow's `MessageTable`). Table `message`; it belongs to a flow, and
/// through it to the flow's owner.
public struct MessageRecord: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var flowID: UUID
    public var sessionID: String
    public var contextID: String?
    /// `"User"` or `"Machine"`.
    public var sender: String
    public var senderName: String
    public var text: String
    public var files: [String]
    public var timestamp: Date
    /// JSON text (an object).
    public var properties: String
    /// `"message"`, `"error"`, ...
    public var category: String
    /// JSON text (an array).
    public var contentBlocks: String
    public var error: Bool
    public var edit: Bool

    public init(
        id: UUID = UUID(),
        flowID: UUID,
        sessionID: String,
        contextID: String? = nil,
        sender: String,
        senderName: String,
        text: String,
        files: [String] = [],
        timestamp: Date = Date(),
        properties: String = "{}",
        category: String = "message",
        contentBlocks: String = "[]",
        error: Bool = false,
        edit: Bool = false
    ) {
        self.id = id
        self.flowID = flowID
        self.sessionID = sessionID
        self.contextID = contextID
        self.sender = sender
        self.senderName = senderName
        self.text = text
        self.files = files
        self.timestamp = timestamp
        self.properties = properties
        self.category = category
        self.contentBlocks = contentBlocks
        self.error = error
        self.edit = edit
    }

    enum CodingKeys: String, CodingKey {
        case id, sender, text, files, timestamp, properties, category, error, edit
        case flowID = "flow_id"
        case sessionID = "session_id"
        case contextID = "context_id"
        case senderName = "sender_name"
        case contentBlocks = "content_blocks"
    }
}

extension MessageRecord {
    /// The record with its dates rounded to storage precision.
    public func normalized() -> MessageRecord {
        var copy = self
        copy.timestamp = StorageTimestamp.normalized(timestamp)
        return copy
    }
}
