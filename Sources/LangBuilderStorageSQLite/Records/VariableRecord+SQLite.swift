import GRDB
import LangBuilderStorage

extension VariableRecord: SQLiteRecord {
    static let statements = SQLiteStatements(
        table: "variable",
        columns: ["id", "name", "value", "type", "default_fields", "user_id", "created_at", "updated_at"]
    )

    init(row: Row) throws {
        var column = RowReader(row)
        try self.init(
            id: column.uuid(),
            name: column.string(),
            value: column.optionalString(),
            type: column.string(),
            defaultFields: column.stringList(),
            userID: column.uuid(),
            createdAt: column.date(),
            updatedAt: column.date()
        )
    }

    var arguments: StatementArguments {
        [id.sql, name, value, type, defaultFields.sql, userID.sql, createdAt.sql, updatedAt.sql]
    }
}
