public import Foundation

/// An API key (`sk-...`). Only its hash is stored; the key itself is shown once at creation, above storage.
/// Table `api_key`.
public struct APIKeyRecord: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var name: String?
    /// The hash of the full key; unique. Lookups on every API call use it.
    public var hashedKey: String
    /// What lists show instead of the key, e.g. `"sk-Dl-M7***"`.
    public var maskedKey: String
    public var userID: UUID
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var totalUses: Int
    public var isActive: Bool
    public var expiresAt: Date?

    public init(
        id: UUID = UUID(),
        name: String?,
        hashedKey: String,
        maskedKey: String,
        userID: UUID,
        createdAt: Date = Date(),
        lastUsedAt: Date? = nil,
        totalUses: Int = 0,
        isActive: Bool = true,
        expiresAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.hashedKey = hashedKey
        self.maskedKey = maskedKey
        self.userID = userID
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.totalUses = totalUses
        self.isActive = isActive
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case hashedKey = "hashed_key"
        case maskedKey = "masked_key"
        case userID = "user_id"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case totalUses = "total_uses"
        case isActive = "is_active"
        case expiresAt = "expires_at"
    }
}

extension APIKeyRecord {
    /// The record with its dates rounded to storage precision.
    public func normalized() -> APIKeyRecord {
        var copy = self
        copy.createdAt = StorageTimestamp.normalized(createdAt)
        copy.lastUsedAt = lastUsedAt.map(StorageTimestamp.normalized)
        copy.expiresAt = expiresAt.map(StorageTimestamp.normalized)
        return copy
    }
}
