import GRDB
import LangBuilderStorage

extension MessageRecord: SQLiteInsertable {
    static let statements = SQLiteStatements(
        table: "message",
        columns: [
            "id", "flow_id", "session_id", "context_id", "sender", "sender_name", "text", "files", "timestamp",
            "properties", "category", "content_blocks", "error", "edit",
        ]
    )

    init(row: Row) throws {
        var column = RowReader(row)
        try self.init(
            id: column.uuid(),
            flowID: column.uuid(),
            sessionID: column.string(),
            contextID: column.optionalString(),
            sender: column.string(),
            senderName: column.string(),
            text: column.string(),
            files: column.stringList(),
            timestamp: column.date(),
            properties: column.string(),
            category: column.string(),
            contentBlocks: column.string(),
            error: column.bool(),
            edit: column.bool()
        )
    }

    var arguments: StatementArguments {
        [
            id.sql, flowID.sql, sessionID, contextID, sender, senderName, text, files.sql, timestamp.sql,
            properties, category, contentBlocks, error, edit,
        ]
    }

    func bind(_ row: inout SQLiteRowWriter) {
        row.uuid(id)
        row.uuid(flowID)
        row.text(sessionID)
        row.text(contextID)
        row.text(sender)
        row.text(senderName)
        row.text(text)
        row.text(files.sql)
        row.int64(timestamp.sql)
        row.text(properties)
        row.text(category)
        row.text(contentBlocks)
        row.bool(error)
        row.bool(edit)
    }
}
