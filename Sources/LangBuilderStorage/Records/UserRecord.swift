public import Foundation

/// A person who signs in. Table `user`.
public struct UserRecord: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    /// Unique across all users (case-sensitive).
    public var username: String
    /// The slow hash of the password; hashing happens above storage.
    public var passwordHash: String
    public var isActive: Bool
    public var isSuperuser: Bool
    public var profileImage: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var lastLoginAt: Date?

    public init(
        id: UUID = UUID(),
        username: String,
        passwordHash: String,
        isActive: Bool = false,
        isSuperuser: Bool = false,
        profileImage: String? = nil,
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        lastLoginAt: Date? = nil
    ) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.isActive = isActive
        self.isSuperuser = isSuperuser
        self.profileImage = profileImage
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.lastLoginAt = lastLoginAt
    }

    enum CodingKeys: String, CodingKey {
        case id, username
        case passwordHash = "password_hash"
        case isActive = "is_active"
        case isSuperuser = "is_superuser"
        case profileImage = "profile_image"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastLoginAt = "last_login_at"
    }
}

extension UserRecord {
    /// The record with its dates rounded to storage precision.
    public func normalized() -> UserRecord {
        var copy = self
        copy.createdAt = StorageTimestamp.normalized(createdAt)
        copy.updatedAt = StorageTimestamp.normalized(updatedAt)
        copy.lastLoginAt = lastLoginAt.map(StorageTimestamp.normalized)
        return copy
    }
}
