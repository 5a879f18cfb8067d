public import Foundation

/// A saved flow, Langflow's `FlowRead` without the derived fields. Table `flow`.
///
/// `data` is the flow graph (`{"nodes": [...], "edges": [...], "viewport": {...}}`) as JSON text; storage
/// never parses it. The version token is managed by the driver: an update keeps it when `data` is unchanged
/// (compared as text) and replaces it with a fresh UUID when `data` changed.
///
/// ```swift
/// let flow = try await storage.createFlow(FlowRecord(name: "Echo", data: #"{"nodes":[],"edges":[]}"#, userID: user.id))
/// var edited = flow
/// edited.data = #"{"nodes":[],"edges":[],"viewport":{"x":0,"y":0,"zoom":1}}"#
/// let saved = try await storage.updateFlow(edited, expectedVersionToken: flow.versionToken)  // new token
/// ```
public struct FlowRecord: Codable, Sendable, Equatable, Identifiable {
    public static let privateAccess = "PRIVATE"
    public static let publicAccess = "PUBLIC"

    public var id: UUID
    public var name: String
    public var description: String?
    public var icon: String?
    public var iconBgColor: String?
    public var gradient: String?
    /// The graph as JSON text; nil for a flow saved without one, and in header listings.
    public var data: String?
    public var isComponent: Bool
    public var webhook: Bool
    /// Unique per user when set; `POST /api/v1/run/{endpoint_name}` finds the flow by it.
    public var endpointName: String?
    public var tags: [String]
    public var locked: Bool
    public var mcpEnabled: Bool
    public var actionName: String?
    public var actionDescription: String?
    /// `"PRIVATE"` or `"PUBLIC"`.
    public var accessType: String
    /// Langflow's `flow_type`, `"workflow"` by default.
    public var flowType: String
    /// The owner; nil for example flows.
    public var userID: UUID?
    public var folderID: UUID?
    /// A UUID string that changes whenever `data` changes (optimistic concurrency, `If-Match`).
    public var versionToken: String
    /// The user who saved the flow last (kept for the version conflict answer); nil once that user is deleted.
    public var lastModifiedBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID = UUID(),
        name: String,
        description: String? = nil,
        icon: String? = nil,
        iconBgColor: String? = nil,
        gradient: String? = nil,
        data: String? = nil,
        isComponent: Bool = false,
        webhook: Bool = false,
        endpointName: String? = nil,
        tags: [String] = [],
        locked: Bool = false,
        mcpEnabled: Bool = false,
        actionName: String? = nil,
        actionDescription: String? = nil,
        accessType: String = FlowRecord.privateAccess,
        flowType: String = "workflow",
        userID: UUID?,
        folderID: UUID? = nil,
        versionToken: String = FlowRecord.newVersionToken(),
        lastModifiedBy: UUID? = nil,
        createdAt: Date = Date(),
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.icon = icon
        self.iconBgColor = iconBgColor
        self.gradient = gradient
        self.data = data
        self.isComponent = isComponent
        self.webhook = webhook
        self.endpointName = endpointName
        self.tags = tags
        self.locked = locked
        self.mcpEnabled = mcpEnabled
        self.actionName = actionName
        self.actionDescription = actionDescription
        self.accessType = accessType
        self.flowType = flowType
        self.userID = userID
        self.folderID = folderID
        self.versionToken = versionToken
        self.lastModifiedBy = lastModifiedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// A fresh version token: a lowercase UUID string, as Langflow's.
    public static func newVersionToken() -> String {
        UUID().uuidString.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, icon, gradient, data, webhook, tags, locked
        case iconBgColor = "icon_bg_color"
        case isComponent = "is_component"
        case endpointName = "endpoint_name"
        case mcpEnabled = "mcp_enabled"
        case actionName = "action_name"
        case actionDescription = "action_description"
        case accessType = "access_type"
        case flowType = "flow_type"
        case userID = "user_id"
        case folderID = "folder_id"
        case versionToken = "version_token"
        case lastModifiedBy = "last_modified_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension FlowRecord {
    /// The record with its dates rounded to storage precision.
    public func normalized() -> FlowRecord {
        var copy = self
        copy.createdAt = StorageTimestamp.normalized(createdAt)
        copy.updatedAt = StorageTimestamp.normalized(updatedAt)
        return copy
    }

    /// What an update writes over `stored`: the caller's fields, with `createdAt` kept and the version token
    /// kept or renewed by the rule in the type's summary. Every driver applies this same rule.
    public func applyingUpdate(over stored: FlowRecord) -> FlowRecord {
        applyingUpdate(storedCreatedAt: stored.createdAt, storedToken: stored.versionToken, dataChanged: data != stored.data)
    }

    /// The same rule, for drivers that compare `data` in the database instead of loading it.
    public func applyingUpdate(storedCreatedAt: Date, storedToken: String, dataChanged: Bool) -> FlowRecord {
        var copy = normalized()
        copy.createdAt = storedCreatedAt
        copy.versionToken = dataChanged ? FlowRecord.newVersionToken() : storedToken
        return copy
    }
}
