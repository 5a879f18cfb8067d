import GRDB
import LangBuilderStorage

extension FlowRecord: SQLiteRecord {
    static let statements = SQLiteStatements(
        table: "flow",
        columns: [
            "id", "name", "description", "icon", "icon_bg_color", "gradient", "data", "is_component", "webhook",
            "endpoint_name", "tags", "locked", "mcp_enabled", "action_name", "action_description", "access_type",
            "flow_type", "user_id", "folder_id", "version_token", "last_modified_by", "created_at", "updated_at",
        ]
    )

    /// The selection of header listings: every column but `data`, which reads as NULL.
    static let headerSelection = statements.columns.map { $0 == "data" ? "NULL" : $0 }.joined(separator: ", ")

    init(row: Row) throws {
        var column = RowReader(row)
        try self.init(
            id: column.uuid(),
            name: column.string(),
            description: column.optionalString(),
            icon: column.optionalString(),
            iconBgColor: column.optionalString(),
            gradient: column.optionalString(),
            data: column.optionalString(),
            isComponent: column.bool(),
            webhook: column.bool(),
            endpointName: column.optionalString(),
            tags: column.stringList(),
            locked: column.bool(),
            mcpEnabled: column.bool(),
            actionName: column.optionalString(),
            actionDescription: column.optionalString(),
            accessType: column.string(),
            flowType: column.string(),
            userID: column.optionalUUID(),
            folderID: column.optionalUUID(),
            versionToken: column.string(),
            lastModifiedBy: column.optionalUUID(),
            createdAt: column.date(),
            updatedAt: column.date()
        )
    }

    var arguments: StatementArguments {
        [
            id.sql, name, description, icon, iconBgColor, gradient, data, isComponent, webhook,
            endpointName, tags.sql, locked, mcpEnabled, actionName, actionDescription, accessType,
            flowType, userID.sql, folderID.sql, versionToken, lastModifiedBy.sql, createdAt.sql, updatedAt.sql,
        ]
    }
}
