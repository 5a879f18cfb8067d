import GRDB
import LangBuilderStorage

extension APIKeyRecord: SQLiteRecord {
    static let statements = SQLiteStatements(
        table: "api_key",
        columns: ["id", "name", "hashed_key", "masked_key", "user_id", "created_at", "last_used_at", "total_uses", "is_active", "expires_at"]
    )

    init(row: Row) throws {
        var column = RowReader(row)
        try self.init(
            id: column.uuid(),
            name: column.optionalString(),
            hashedKey: column.string(),
            maskedKey: column.string(),
            userID: column.uuid(),
            createdAt: column.date(),
            lastUsedAt: column.optionalDate(),
            totalUses: column.int(),
            isActive: column.bool(),
            expiresAt: column.optionalDate()
        )
    }

    var arguments: StatementArguments {
        [id.sql, name, hashedKey, maskedKey, userID.sql, createdAt.sql, lastUsedAt.sql, totalUses, isActive, expiresAt.sql]
    }
}
