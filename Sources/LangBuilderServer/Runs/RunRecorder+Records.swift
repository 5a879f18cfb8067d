import Foundation
import LangBuilderCore
import LangBuilderStorage

extension RunRecorder {
    /// The records of a finished run.
    static func records(for finished: FinishedRun, policy: Policy) -> RunRecords {
        var kind = finished.kind
        if !policy.storesVertexBuilds { kind = kind == .run ? .run : .build(logVertexBuilds: false) }
        let builder = RunRecordBuilder(
            plan: finished.plan, flowID: finished.flowID, sessionID: finished.sessionID, runID: finished.runID, kind: kind,
            finishedAt: finished.finishedAt, storesTransactions: policy.storesTransactions)
        return builder.records(events: finished.events, failure: finished.failure)
    }
}

/// Turns a run's events and outcome into Langflow's run records.
///
/// Every vertex that finished reported an `end_vertex` event; its Message outputs are chat messages when
/// it is a chat input or output (ChatInput: sender `User`/`User`, ChatOutput: `Machine`/`AI`, unless the
/// message says otherwise) whose `should_store_message` is not false, and it gets one `success` transaction (and, for builds, a valid vertex build).
/// A vertex that failed gets an `error` transaction (and an invalid vertex build), and the run an error
/// message (category `error`), as Langflow stores them. A cancelled run records what finished before the cancel.
struct RunRecordBuilder {
    let plan: ExecutionPlan
    let flowID: UUID
    let sessionID: String
    let runID: String
    let kind: RunRecorder.Kind
    let finishedAt: Date
    /// Whether to make transactions at all (Langflow's `transactions_storage_enabled`).
    var storesTransactions = true

    /// One finished vertex, from its `end_vertex` event.
    private struct Finished {
        var id: String
        var results: JSONObject
        var outputs: JSONObject
        /// The event's whole `data`, for vertex builds only.
        var data: JSONObject?
        var params: String?
        var timestamp: Date
    }

    func records(events: [RunEvent], failure: RunError?) -> RunRecords {
        let vertices = Dictionary(plan.vertices.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let run = UUID.parsing(runID)
        let logsVertexBuilds = kind == .build(logVertexBuilds: true)
        var finished: [Finished] = []
        for event in events where event.event == "end_vertex" {
            if !logsVertexBuilds, let vertex = event.finishedVertex {
                // Typed: only what messages and transactions need, without rendering the event.
                let (results, outputs) = vertex.shaped()
                finished.append(Finished(id: vertex.vertexID, results: results, outputs: outputs, timestamp: vertex.finishedAt))
                continue
            }
            let data = event.data
            guard let build = data["build_data"]?.objectValue, let id = build["id"]?.stringValue else { continue }
            let timestamp = build["timestamp"]?.stringValue.flatMap(Self.parseTimestamp) ?? finishedAt
            let vertexData = build["data"]?.objectValue ?? JSONObject()
            finished.append(
                Finished(
                    id: id, results: vertexData["results"]?.objectValue ?? JSONObject(), outputs: vertexData["outputs"]?.objectValue ?? JSONObject(),
                    data: vertexData, params: build["params"]?.stringValue, timestamp: timestamp))
        }
        var results: [String: JSONObject] = [:]
        for vertex in finished { results[vertex.id] = vertex.results }

        var records = RunRecords(runID: runID)
        for vertex in finished {
            let planned = vertices[vertex.id]
            let displayName = planned?.displayName
            if let planned, let senders = LangflowMessage.senders[planned.componentType], Self.storesMessages(planned) {
                for (_, value) in vertex.results {
                    guard let message = value.objectValue, let text = message["text"]?.stringValue else { continue }
                    records.messages.append(
                        MessageRecord(
                            id: message["id"]?.stringValue.flatMap(UUID.parsing) ?? .timeOrdered(),
                            flowID: flowID, sessionID: sessionID, sender: message["sender"]?.stringValue ?? senders.sender,
                            senderName: message["sender_name"]?.stringValue ?? senders.senderName, text: text, timestamp: vertex.timestamp,
                            properties: LangflowMessage.propertiesText(sourceID: vertex.id, displayName: displayName)))
                }
            }
            if storesTransactions {
                records.transactions.append(
                    TransactionRecord(
                        id: .timeOrdered(), flowID: flowID, vertexID: vertex.id, inputs: inputs(of: planned, results: results)?.serialized(),
                        outputs: JSONValue.object(vertex.outputs).serialized(), status: "success", timestamp: vertex.timestamp, runID: run))
            }
            if logsVertexBuilds, let data = vertex.data {
                records.vertexBuilds.append(
                    VertexBuildRecord(
                        id: .timeOrdered(), flowID: flowID, vertexID: vertex.id, data: JSONValue.object(data).serialized(),
                        artifacts: Self.artifacts(data).serialized(), params: vertex.params, valid: true, timestamp: vertex.timestamp,
                        runID: run))
            }
        }

        guard let error = failure, error != .cancelled else { return records }
        let (vertexID, reason) = LangflowMessage.failure(error)
        let failed = vertexID.flatMap { vertices[$0] }
        if let vertexID {
            if storesTransactions {
                records.transactions.append(
                    TransactionRecord(
                        id: .timeOrdered(), flowID: flowID, vertexID: vertexID, inputs: inputs(of: failed, results: results)?.serialized(),
                        status: "error", error: reason, timestamp: finishedAt, runID: run))
            }
            if logsVertexBuilds {
                records.vertexBuilds.append(
                    VertexBuildRecord(
                        id: .timeOrdered(), flowID: flowID, vertexID: vertexID, data: Self.errorData(failed, reason: reason).serialized(), artifacts: "{}",
                        params: reason, valid: false, timestamp: finishedAt, runID: run))
            }
        }
        let component = failed?.displayName
        records.messages.append(
            MessageRecord(
                id: .timeOrdered(), flowID: flowID, sessionID: sessionID, sender: component ?? "Machine", senderName: component ?? "AI", text: reason,
                timestamp: finishedAt, properties: LangflowMessage.errorProperties(sourceID: vertexID, displayName: component).serialized(),
                category: "error", contentBlocks: LangflowMessage.errorContentBlocks(component: component, reason: reason).serialized(),
                error: true))
        return records
    }

    /// A vertex's inputs as its transaction shows them: field values, what its edges brought, the names of
    /// the variables it read (never their values), and secrets masked.
    private func inputs(of vertex: ExecutionPlan.Vertex?, results: [String: JSONObject]) -> JSONValue? {
        guard let vertex else { return nil }
        let ports = vertex.component.descriptor.inputs
        let names = ports.map(\.name) + vertex.extraInputNames
        var object = JSONObject()
        for (position, source) in vertex.inputs.enumerated() where position < names.count {
            let port = position < ports.count ? ports[position] : nil
            switch source {
            case .value(let value):
                object[names[position]] = value == nil ? .null : (port?.isSecret == true ? "********" : value!.jsonValue)
            case .variable(let name):
                object[names[position]] = ["load_from_db": .string(name)]
            case .edges(let edges, _, _):
                let brought = edges.compactMap { edge -> JSONValue? in
                    guard edge.vertex < plan.vertices.count else { return nil }
                    let source = plan.vertices[edge.vertex]
                    let outputs = source.component.descriptor.outputs
                    guard edge.output < outputs.count else { return nil }
                    return results[source.id]?[outputs[edge.output].name]
                }
                object[names[position]] = brought.isEmpty ? .null : (brought.count == 1 ? brought[0] : .array(brought))
            }
        }
        return .object(object)
    }

    /// Langflow's `artifacts` of a vertex build: the first output's message (with its sender for chat messages).
    private static func artifacts(_ data: JSONObject) -> JSONValue {
        guard let first = data["results"]?.objectValue?.first(where: { _ in true }) else { return .object(JSONObject()) }
        let (name, value) = (first.key, first.value)
        if let message = value.objectValue, let text = message["text"] {
            return [
                "message": text, "sender": message["sender"] ?? "Machine", "sender_name": message["sender_name"] ?? "AI", "files": [],
                "type": "object",
            ]
        }
        let type = data["outputs"]?[name]?["type"] ?? "object"
        return ["message": value, "type": type]
    }

    /// The `data` of the vertex build of a vertex that failed, as Langflow: the error on its first output.
    private static func errorData(_ vertex: ExecutionPlan.Vertex?, reason: String) -> JSONValue {
        let output = vertex?.component.descriptor.outputs.first?.name ?? "output"
        var outputs = JSONObject()
        outputs[output] = ["message": ["errorMessage": .string(reason), "stackTrace": nil], "type": "error"]
        return ["results": .object(JSONObject()), "outputs": .object(outputs), "logs": .object(JSONObject()), "used_frozen_result": false]
    }

    /// Parses the engine's event timestamps, `2026-11-21T23:56:30.445384Z`.
    static func parseTimestamp(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T") else { return nil }
        func number(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for byte in bytes[start..<(start + length)] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        var fraction = 0.0
        if bytes.count > 20, bytes[19] == UInt8(ascii: ".") {
            var scale = 0.1
            for byte in bytes[20...] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
                fraction += Double(byte - UInt8(ascii: "0")) * scale
                scale /= 10
            }
        }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

extension RunRecordBuilder {
    /// Whether the chat vertex's messages go to the history: Langflow's `should_store_message` (true when the
    /// component has no such field or it is not a plain false value).
    static func storesMessages(_ vertex: ExecutionPlan.Vertex) -> Bool {
        guard let index = vertex.component.descriptor.inputs.firstIndex(where: { $0.name == "should_store_message" }),
            index < vertex.inputs.count, case .value(let value) = vertex.inputs[index]
        else { return true }
        switch value {
        case .bool(false)?: return false
        case .string(let text)?: return !["false", "0", "no", "off"].contains(text.lowercased())
        default: return true
        }
    }
}
