public import Foundation

/// Which messages ``StorageDriver/messages(_:)`` returns: Langflow's `GET /api/v1/monitor/messages` filters.
/// Every filter left nil matches everything.
public struct MessageQuery: Sendable, Equatable {
    /// Chronological order of the result. Messages with equal timestamps keep the order they were recorded in.
    public enum Order: Sendable, Equatable {
        case oldestFirst
        case newestFirst
    }

    public var flowID: UUID?
    public var sessionID: String?
    public var sender: String?
    public var senderName: String?
    /// Only messages of flows owned by this user; nil for the superuser.
    public var ownedBy: UUID?
    public var order: Order
    /// The window; nil returns every match.
    public var pagination: Pagination?

    public init(
        flowID: UUID? = nil,
        sessionID: String? = nil,
        sender: String? = nil,
        senderName: String? = nil,
        ownedBy: UUID? = nil,
        order: Order = .oldestFirst,
        pagination: Pagination? = nil
    ) {
        self.flowID = flowID
        self.sessionID = sessionID
        self.sender = sender
        self.senderName = senderName
        self.ownedBy = ownedBy
        self.order = order
        self.pagination = pagination
    }
}
