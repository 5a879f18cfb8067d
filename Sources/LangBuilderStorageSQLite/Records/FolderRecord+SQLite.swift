import GRDB
import LangBuilderStorage

extension FolderRecord: SQLiteRecord {
    static let statements = SQLiteStatements(table: "folder", columns: ["id", "name", "description", "parent_id", "user_id"])

    init(row: Row) throws {
        var column = RowReader(row)
        try self.init(
            id: column.uuid(),
            name: column.string(),
            description: column.optionalString(),
            parentID: column.optionalUUID(),
            userID: column.optionalUUID()
        )
    }

    var arguments: StatementArguments {
        [id.sql, name, description, parentID.sql, userID.sql]
    }
}
