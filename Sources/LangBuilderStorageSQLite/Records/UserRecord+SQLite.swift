import GRDB
import LangBuilderStorage

extension UserRecord: SQLiteRecord {
    static let statements = SQLiteStatements(
        table: "\"user\"",
        columns: ["id", "username", "password_hash", "is_active", "is_superuser", "profile_image", "created_at", "updated_at", "last_login_at"]
    )

    init(row: Row) throws {
        var column = RowReader(row)
        try self.init(
            id: column.uuid(),
            username: column.string(),
            passwordHash: column.string(),
            isActive: column.bool(),
            isSuperuser: column.bool(),
            profileImage: column.optionalString(),
            createdAt: column.date(),
            updatedAt: column.date(),
            lastLoginAt: column.optionalDate()
        )
    }

    var arguments: StatementArguments {
        [id.sql, username, passwordHash, isActive, isSuperuser, profileImage, createdAt.sql, updatedAt.sql, lastLoginAt.sql]
    }
}
