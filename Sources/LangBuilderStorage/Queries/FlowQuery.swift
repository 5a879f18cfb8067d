public import Foundation

/// Which flows ``StorageDriver/flows(_:)`` returns: Langflow's `GET /api/v1/flows/` filters.
///
/// ```swift
/// // remove_example_flows=true&components_only=false&get_all=false&page=2&size=20
/// let page = try await storage.flows(FlowQuery(owner: .user(userID), includeExamples: false, pagination: .page(2, size: 20)))
/// ```
///
/// Flows come newest first (`updated_at` descending), ties in creation order.
public struct FlowQuery: Sendable, Equatable {
    /// Whose flows.
    public enum Owner: Sendable, Equatable {
        /// The flows of one user (and the example flows, unless ``FlowQuery/includeExamples`` is false).
        case user(UUID)
        /// Everyone's flows: what the superuser sees.
        case everyone
    }

    public var owner: Owner
    /// Include example flows, the flows without an owner (Langflow's `remove_example_flows` negated).
    public var includeExamples: Bool
    /// Only the flows in this folder.
    public var folderID: UUID?
    /// Only flows saved as components (`components_only`).
    public var componentsOnly: Bool
    /// Only flows of this `flow_type`.
    public var flowType: String?
    /// Return `data` too; false returns records with `data == nil` (Langflow's `header_flows`), which is cheaper.
    public var includeData: Bool
    /// The window; nil returns every match.
    public var pagination: Pagination?

    public init(
        owner: Owner,
        includeExamples: Bool = true,
        folderID: UUID? = nil,
        componentsOnly: Bool = false,
        flowType: String? = nil,
        includeData: Bool = true,
        pagination: Pagination? = nil
    ) {
        self.owner = owner
        self.includeExamples = includeExamples
        self.folderID = folderID
        self.componentsOnly = componentsOnly
        self.flowType = flowType
        self.includeData = includeData
        self.pagination = pagination
    }
}
