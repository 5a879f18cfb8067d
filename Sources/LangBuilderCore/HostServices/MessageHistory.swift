/// The chat history of sessions: what `lb_host_api.get_messages` reads and `add_message` appends to.
///
/// Messages are Langflow Message objects (`id`, `text`, `sender`, `sender_name`, `session_id`, `flow_id`,
/// `timestamp`, `files`, `properties`, ...). The host completes a message before ``add(_:userID:)`` (see
/// ``RunContext/completeMessage(_:)``), so an implementation stores what it receives. Each user sees
/// only their own messages. ``MemoryMessageHistory`` keeps them in memory (`langbuilder run`, tests); the server
/// implements the role over its storage.
///
/// The host calls these from a run's worker thread and waits for the answer.
public protocol MessageHistory: Sendable {
    /// The last `query.limit` messages of the session that match the query, oldest first.
    func messages(_ query: MessageQuery) async throws -> [JSONObject]
    /// Appends a complete message to the session named by its `session_id`, owned by `userID`.
    func add(_ message: JSONObject, userID: String?) async throws
}

/// Which messages ``MessageHistory/messages(_:)`` returns.
public struct MessageQuery: Sendable, Equatable {
    /// The owner of the session; nil for runs without a user (`langbuilder run`).
    public var userID: String?
    public var sessionID: String
    /// The flow of the run that asks: information for implementations, not a filter.
    public var flowID: String?
    /// The most messages returned: the latest ones.
    public var limit: Int
    /// `User` or `Machine`; nil: both.
    public var sender: String?
    public var senderName: String?

    public init(userID: String?, sessionID: String, flowID: String? = nil, limit: Int = 100, sender: String? = nil, senderName: String? = nil) {
        self.userID = userID
        self.sessionID = sessionID
        self.flowID = flowID
        self.limit = limit
        self.sender = sender
        self.senderName = senderName
    }

    /// Whether `message` passes the sender filters.
    public func matches(_ message: JSONObject) -> Bool {
        if let sender, message["sender"]?.stringValue != sender { return false }
        if let senderName, message["sender_name"]?.stringValue != senderName { return false }
        return true
    }
}
