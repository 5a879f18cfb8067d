public import Foundation

/// A folder of flows: Langflow's project. Table `folder`. Deleting a folder deletes its subfolders and the
/// flows in them.
public struct FolderRecord: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String
    public var description: String?
    /// The enclosing folder, if any.
    public var parentID: UUID?
    /// The owner; nil for the ownerless folder that holds the example flows.
    public var userID: UUID?

    public init(id: UUID = UUID(), name: String, description: String? = nil, parentID: UUID? = nil, userID: UUID?) {
        self.id = id
        self.name = name
        self.description = description
        self.parentID = parentID
        self.userID = userID
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description
        case parentID = "parent_id"
        case userID = "user_id"
    }
}
