import GRDB
import LangBuilderStorage

extension TransactionRecord: SQLiteInsertable {
    static let statements = SQLiteStatements(
        table: "\"transaction\"",
        columns: ["id", "flow_id", "vertex_id", "target_id", "inputs", "outputs", "status", "error", "timestamp", "run_id"]
    )

    init(row: Row) throws {
        var column = RowReader(row)
        try self.init(
            id: column.uuid(),
            flowID: column.uuid(),
            vertexID: column.string(),
            targetID: column.optionalString(),
            inputs: column.optionalString(),
            outputs: column.optionalString(),
            status: column.string(),
            error: column.optionalString(),
            timestamp: column.date(),
            runID: column.optionalUUID()
        )
    }

    var arguments: StatementArguments {
        [id.sql, flowID.sql, vertexID, targetID, inputs, outputs, status, error, timestamp.sql, runID.sql]
    }

    func bind(_ row: inout SQLiteRowWriter) {
        row.uuid(id)
        row.uuid(flowID)
        row.text(vertexID)
        row.text(targetID)
        row.text(inputs)
        row.text(outputs)
        row.text(status)
        row.text(error)
        row.int64(timestamp.sql)
        row.uuid(runID)
    }
}
