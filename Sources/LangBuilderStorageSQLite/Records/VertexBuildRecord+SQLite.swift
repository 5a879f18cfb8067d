import GRDB
import LangBuilderStorage

extension VertexBuildRecord: SQLiteInsertable {
    static let statements = SQLiteStatements(
        table: "vertex_build",
        columns: ["id", "flow_id", "vertex_id", "data", "artifacts", "params", "valid", "timestamp", "run_id"]
    )

    init(row: Row) throws {
        var column = RowReader(row)
        try self.init(
            id: column.uuid(),
            flowID: column.uuid(),
            vertexID: column.string(),
            data: column.optionalString(),
            artifacts: column.optionalString(),
            params: column.optionalString(),
            valid: column.bool(),
            timestamp: column.date(),
            runID: column.optionalUUID()
        )
    }

    var arguments: StatementArguments {
        [id.sql, flowID.sql, vertexID, data, artifacts, params, valid, timestamp.sql, runID.sql]
    }

    func bind(_ row: inout SQLiteRowWriter) {
        row.uuid(id)
        row.uuid(flowID)
        row.text(vertexID)
        row.text(data)
        row.text(artifacts)
        row.text(params)
        row.bool(valid)
        row.int64(timestamp.sql)
        row.uuid(runID)
    }
}
