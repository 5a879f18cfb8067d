public import Foundation

/// A user's global variable. Table `variable`; the name is unique per user.
///
/// For `Credential` variables `value` holds ciphertext: encryption and decryption happen above storage, which
/// never sees the clear value.
public struct VariableRecord: Codable, Sendable, Equatable, Identifiable {
    public static let generic = "Generic"
    public static let credential = "Credential"

    public var id: UUID
    public var name: String
    public var value: String?
    /// `"Generic"` or `"Credential"`.
    public var type: String
    /// Component fields this variable fills by default.
    public var defaultFields: [String]
    public var userID: UUID
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID = UUID(),
        name: String,
        value: String?,
        type: String = VariableRecord.generic,
        defaultFields: [String] = [],
        userID: UUID,
        createdAt: Date = Date(),
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.value = value
        self.type = type
        self.defaultFields = defaultFields
        self.userID = userID
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, value, type
        case defaultFields = "default_fields"
        case userID = "user_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

extension VariableRecord {
    /// The record with its dates rounded to storage precision.
    public func normalized() -> VariableRecord {
        var copy = self
        copy.createdAt = StorageTimestamp.normalized(createdAt)
        copy.updatedAt = StorageTimestamp.normalized(updatedAt)
        return copy
    }
}
