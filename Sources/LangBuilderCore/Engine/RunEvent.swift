import Foundation

/// An event of a run, named and shaped as Langflow's: `vertices_sorted`, `build_start`, `end_vertex`,
/// `add_message`, `token`, `error`, `end`.
public struct RunEvent: Sendable, Equatable {
    public var event: String
    private var payload: Payload

    /// The event's data. Per-vertex payloads are rendered when read, so a run nobody watches does not pay
    /// for building them.
    public var data: JSONValue {
        switch payload {
        case .json(let json): json
        case .endVertex(let info): info.render()
        case .end(let result): ["result": result.langflowResponse(), "build_duration": .number(result.duration)]
        }
    }

    /// The vertex of an `end_vertex` event, typed; nil for other events.
    public var finishedVertex: EndVertexInfo? {
        if case .endVertex(let info) = payload { info } else { nil }
    }

    enum Payload: Sendable {
        case json(JSONValue)
        case endVertex(EndVertexInfo)
        case end(RunResult)
    }

    public init(event: String, data: JSONValue) {
        self.event = event
        self.payload = .json(data)
    }

    init(endVertex info: EndVertexInfo) {
        self.event = "end_vertex"
        self.payload = .endVertex(info)
    }

    init(end result: RunResult) {
        self.event = "end"
        self.payload = .end(result)
    }

    public static func == (lhs: RunEvent, rhs: RunEvent) -> Bool {
        lhs.event == rhs.event && lhs.data == rhs.data
    }

    /// Langflow's wire form of a streamed event: one JSON object then a blank line.
    public var langflowLine: String {
        let line: JSONValue = ["event": .string(event), "data": data]
        return line.serialized() + "\n\n"
    }
}

/// What one vertex did in a run.
public struct VertexResult: Sendable {
    public var id: String
    public var componentType: String
    public var displayName: String
    /// The output names in declaration order.
    public var outputOrder: [String]
    /// One value per output in `outputOrder`; nil: not produced.
    public var outputValues: [Value?]
    /// Produced outputs by output name; outputs left unproduced are absent.
    public var outputs: [String: Value] {
        var named: [String: Value] = [:]
        for (name, value) in zip(outputOrder, outputValues) { if let value { named[name] = value } }
        return named
    }
    /// Seconds the vertex took (all iterations, for loop bodies).
    public var duration: Double
    public var isOutput: Bool
    /// `outputValues` as JSON where the scheduler already parsed them (its Messages), so that the response
    /// does not parse them again; nil entries are parsed when needed.
    var parsedOutputs: [JSONValue?]? = nil
}

/// The outcome of a successful run.
public struct RunResult: Sendable {
    public var runID: String
    public var flowID: String
    public var sessionID: String
    public var inputValue: String?
    /// Every vertex that ran, in the order they finished.
    public var vertices: [VertexResult]
    /// Vertices skipped because only an inactive branch led to them.
    public var inactiveVertices: [String]
    public var duration: Double

    /// The results of the output vertices (chat/text outputs, else the leaves), in flow order.
    public var outputs: [VertexResult] { vertices.filter(\.isOutput) }

    /// The text of the first output vertex's first produced output: the chat answer.
    public var outputText: String? {
        for vertex in outputs {
            for case let value? in vertex.outputValues { return value.text }
        }
        return nil
    }

    /// The body of Langflow's `POST /api/v1/run` response.
    public func langflowResponse(outputType: String = "chat", outputComponent: String? = nil) -> JSONValue {
        var selected = outputType == "debug" ? vertices : outputs
        if let outputComponent, !outputComponent.isEmpty { selected = vertices.filter { $0.id == outputComponent } }
        var inputs = JSONObject()
        if let inputValue { inputs["input_value"] = .string(inputValue) }
        let entries = selected.map { $0.langflowEntry(sessionID: sessionID, flowID: flowID, runID: runID) }
        return ["session_id": .string(sessionID), "outputs": [["inputs": .object(inputs), "outputs": .array(entries)]]]
    }
}

extension VertexResult {
    /// One entry of `outputs[].outputs[]` in Langflow's run response.
    func langflowEntry(sessionID: String, flowID: String, runID: String) -> JSONValue {
        var results = JSONObject()
        var outputs = JSONObject()
        var logs = JSONObject()
        var messages: [JSONValue] = []
        var artifacts = JSONObject()
        for (position, (name, produced)) in zip(outputOrder, outputValues).enumerated() {
            guard let value = produced else { continue }
            let parsed = parsedOutputs.flatMap { position < $0.count ? $0[position] : nil }
            let json = parsed ?? value.jsonValue
            if case .json("Message", _) = value, var message = json.objectValue {
                let text = value.text(parsed: json)
                message["session_id"] = message["session_id"] ?? .string(sessionID)
                message["flow_id"] = .string(flowID)
                message["run_id"] = .string(runID)
                message["component_id"] = message["component_id"] ?? .string(id)
                results[name] = .object(message)
                messages.append([
                    "message": .string(text), "sender": message["sender"] ?? "Machine", "sender_name": message["sender_name"] ?? "AI",
                    "session_id": .string(sessionID), "component_id": .string(id), "files": .array([]), "type": "text",
                ])
                artifacts["message"] = .string(text)
                artifacts["sender"] = message["sender"] ?? "Machine"
                artifacts["sender_name"] = message["sender_name"] ?? "AI"
                artifacts["type"] = "object"
            } else {
                results[name] = json
                if artifacts["message"] == nil {
                    artifacts["message"] = json
                    artifacts["type"] = .string(value.jsonTypeName)
                }
            }
            outputs[name] = ["message": value.isText ? .string(value.text(parsed: json)) : json, "type": .string(value.jsonTypeName)]
            logs[name] = .array([])
        }
        return [
            "results": .object(results), "artifacts": .object(artifacts), "outputs": .object(outputs), "logs": .object(logs),
            "messages": .array(messages), "timedelta": .number(duration), "duration": .string(Self.format(duration)),
            "component_display_name": .string(displayName), "component_id": .string(id), "used_frozen_result": false,
        ]
    }

    static func format(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : String(format: "%.1f seconds", seconds)
    }
}

extension Value {
    /// Langflow's `type` of an output: `text` for text, `object` for JSON and objects, else the scalar's.
    var jsonTypeName: String {
        switch self {
        case .string, .json("Message", _): "text"
        case .json, .object, .bytes: "object"
        case .int, .double: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }

    var isText: Bool {
        switch self {
        case .string, .json("Message", _): true
        default: false
        }
    }
}

