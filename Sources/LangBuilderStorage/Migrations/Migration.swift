/// One named schema change. A driver applies each migration once, in list order, in its own transaction,
/// and records its name in the database; a name recorded there and unknown to the list means the database
/// was written by a newer LangBuilder, and the driver refuses to open it.
///
/// Migrations are append-only: once released, a migration's name and SQL never change (a test pins them);
/// later changes are new migrations at the end of the list.
public struct Migration: Sendable, Equatable {
    /// Unique and stable: `<4-digit number>_<what it does>`, e.g. `0003_create_flow`.
    public let name: String
    /// The statements, separated by semicolons.
    public let sql: String

    public init(_ name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

extension Array where Element == Migration {
    /// Throws ``StorageError/invalid(_:)`` unless the names are unique and non-empty. Drivers call it before
    /// registering the list.
    public func validate() throws {
        var seen = Set<String>()
        for migration in self {
            guard !migration.name.isEmpty else { throw StorageError.invalid("a migration has an empty name") }
            guard seen.insert(migration.name).inserted else { throw StorageError.invalid("migration \(migration.name) is listed twice") }
        }
    }
}
