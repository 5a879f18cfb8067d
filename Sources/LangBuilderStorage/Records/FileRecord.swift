public import Foundation

/// An uploaded file. Table `file`; the bytes live under the data directory at `path`.
public struct FileRecord: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var userID: UUID
    public var name: String
    /// Relative to the data directory.
    public var path: String
    /// In bytes.
    public var size: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID = UUID(), userID: UUID, name: String, path: String, size: Int64, createdAt: Date = Date(), updatedAt: Date? = nil) {
        self.id = id
        self.userID = userID
        self.name = name
        self.path = path
        self.size = size
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, path, size
        case userID = "user_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension FileRecord {
    /// The record with its dates rounded to storage precision.
    public func normalized() -> FileRecord {
        var copy = self
        copy.createdAt = StorageTimestamp.normalized(createdAt)
        copy.updatedAt = StorageTimestamp.normalized(updatedAt)
        return copy
    }
}
