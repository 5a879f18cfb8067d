public import Foundation

/// What a ``StorageDriver`` throws. Every driver maps its backend's failures onto these cases, so callers
/// (the REST server) translate them to HTTP statuses without knowing the backend.
public enum StorageError: Error, Sendable, Equatable {
    /// The record does not exist, or a record it refers to (its user, folder or flow) does not exist.
    case notFound
    /// A uniqueness rule was broken; `field` is the column that must be unique (`"id"`, `"username"`,
    /// `"endpoint_name"`, `"hashed_key"`, `"name"`).
    case duplicate(field: String)
    /// A flow update carried an expected version token that is no longer the flow's current one.
    case versionConflict(currentToken: String)
    /// The request itself is malformed (a negative page size, for example).
    case invalid(String)
    /// The backend failed (I/O, a closed storage, a database written by a newer version).
    case backend(String)
}

extension StorageError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .notFound: "Storage: the record, or a record it refers to, was not found"
        case .duplicate(let field): "Storage: another record already has this \(field)"
        case .versionConflict(let token): "Storage: the record was changed since it was read (current version token \(token))"
        case .invalid(let reason): "Storage: invalid request: \(reason)"
        case .backend(let reason): "Storage backend failure: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
