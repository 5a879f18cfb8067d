import GRDB
import LangBuilderStorage

extension FileRecord: SQLiteRecord {
    static let statements = SQLiteStatements(
        table: "file",
        columns: ["id", "user_id", "name", "path", "size", "created_at", "updated_at"]
    )

    init(row: Row) throws {
        var column = RowReader(row)
        try self.init(
            id: column.uuid(),
            userID: column.uuid(),
            name: column.string(),
            path: column.string(),
            size: column.int64(),
            createdAt: column.date(),
            updatedAt: column.date()
        )
    }

    var arguments: StatementArguments {
        [id.sql, userID.sql, name, path, size, createdAt.sql, updatedAt.sql]
    }
}
