import Foundation
import LangBuilderCore
import LangBuilderTesting

/// Builds flow documents in the shape of a Langflow export, so that tests read as the graph they describe:
///
/// ```swift
/// let flow = try FlowDocument()
///     .node("ChatInput-1", "ChatInput")
///     .node("Upper-1", "Upper")
///     .edge("ChatInput-1", "message", to: "Upper-1", "input_value")
///     .flow()
/// ```
///
/// Nodes carry `data.type`, `data.node.display_name` and `data.node.template.<field>.value`; edges carry both
/// the structured `data.sourceHandle` / `data.targetHandle` and the editor's `œ` string forms, as exports do.
struct FlowDocument {
    var id: String
    var name: String
    private(set) var nodes: [JSONValue] = []
    private(set) var edges: [JSONValue] = []
    private var types: [String: String] = [:]

    init(id: String = "flow-under-test", name: String = "Flow under test") {
        self.id = id
        self.name = name
    }

    /// Adds a component node. `fields` become template values; `variables` are fields whose value names a
    /// variable (`load_from_db: true`).
    func node(
        _ id: String, _ type: String, name displayName: String? = nil, fields: KeyValuePairs<String, JSONValue> = [:],
        variables: KeyValuePairs<String, String> = [:]
    ) -> FlowDocument {
        var copy = self
        var template = JSONObject()
        template["_type"] = "Component"
        for (field, value) in fields {
            template[field] = ["type": "str", "value": value, "show": true, "load_from_db": false, "input_types": []]
        }
        for (field, variable) in variables {
            template[field] = ["type": "str", "value": .string(variable), "show": true, "load_from_db": true, "input_types": []]
        }
        var node = JSONObject()
        node["template"] = .object(template)
        if let displayName { node["display_name"] = .string(displayName) }
        copy.nodes.append([
            "id": .string(id), "type": "genericNode", "position": ["x": 0, "y": 0],
            "data": ["id": .string(id), "type": .string(type), "node": .object(node)],
        ])
        copy.types[id] = type
        return copy
    }

    /// Adds an edge from `source`'s output to `target`'s field.
    func edge(
        _ source: String, _ output: String, outputTypes: [String] = ["Message"], to target: String, _ field: String,
        inputTypes: [String] = ["Message"], fieldType: String = "str"
    ) -> FlowDocument {
        let sourceHandle: JSONValue = [
            "dataType": .string(types[source] ?? "Unknown"), "id": .string(source), "name": .string(output),
            "output_types": .array(outputTypes.map(JSONValue.string)),
        ]
        let targetHandle: JSONValue = [
            "fieldName": .string(field), "id": .string(target), "inputTypes": .array(inputTypes.map(JSONValue.string)),
            "type": .string(fieldType),
        ]
        return adding(source: source, target: target, sourceHandle: sourceHandle, targetHandle: targetHandle)
    }

    /// Adds a loop's feedback edge: from `source`'s output back into the loop's output `loopOutput`
    /// (Langflow's target handle then names an output, not a field).
    func feedback(_ source: String, _ output: String, outputTypes: [String] = ["Message"], toLoop loop: String, _ loopOutput: String) -> FlowDocument {
        let sourceHandle: JSONValue = [
            "dataType": .string(types[source] ?? "Unknown"), "id": .string(source), "name": .string(output),
            "output_types": .array(outputTypes.map(JSONValue.string)),
        ]
        let targetHandle: JSONValue = [
            "dataType": .string(types[loop] ?? "Unknown"), "id": .string(loop), "name": .string(loopOutput),
            "output_types": ["Data"],
        ]
        return adding(source: source, target: loop, sourceHandle: sourceHandle, targetHandle: targetHandle)
    }

    private func adding(source: String, target: String, sourceHandle: JSONValue, targetHandle: JSONValue) -> FlowDocument {
        var copy = self
        let sourceString = Self.editorString(sourceHandle)
        let targetString = Self.editorString(targetHandle)
        copy.edges.append([
            "id": .string("reactflow__edge-\(source)\(sourceString)-\(target)\(targetString)"),
            "source": .string(source), "target": .string(target),
            "sourceHandle": .string(sourceString), "targetHandle": .string(targetString),
            "data": ["sourceHandle": sourceHandle, "targetHandle": targetHandle],
        ])
        return copy
    }

    /// The editor's string form of a handle: Python's `json.dumps` with every `"` replaced by `œ`.
    static func editorString(_ handle: JSONValue) -> String {
        func dumps(_ value: JSONValue) -> String {
            switch value {
            case .object(let object): "{" + object.map { "\(dumps(.string($0.key))): \(dumps($0.value))" }.joined(separator: ", ") + "}"
            case .array(let elements): "[" + elements.map(dumps).joined(separator: ", ") + "]"
            default: value.serialized()
            }
        }
        return dumps(handle).replacingOccurrences(of: "\"", with: "œ")
    }

    /// The export document: `{id, name, description, data: {nodes, edges, viewport}, endpoint_name}`.
    var json: JSONValue {
        [
            "id": .string(id), "name": .string(name), "description": "", "endpoint_name": nil,
            "data": ["nodes": .array(nodes), "edges": .array(edges), "viewport": ["x": 0, "y": 0, "zoom": 1]],
        ]
    }

    /// The bare graph: `{nodes, edges}`.
    var bareJSON: JSONValue { ["nodes": .array(nodes), "edges": .array(edges)] }

    func flow() throws -> Flow { try Flow(json: json) }
}

/// The engine test bundle (`Tests/Fixtures/engine_test_bundle.c`) loaded into a registry, once per process.
enum EngineFixture {
    static func registry() throws -> ComponentRegistry { try loaded.get() }

    private static let loaded: Result<ComponentRegistry, any Error> = Result {
        var registry = ComponentRegistry()
        try registry.add(try BundleLoader().load(file: try BundleFixtures.engineTestBundle()))
        return registry
    }

    static func builder() throws -> FlowBuilder { FlowBuilder(registry: try registry()) }

    /// Builds a flow document against the engine test registry.
    static func plan(_ document: FlowDocument, tweaks: JSONValue? = nil, inputValue: String? = nil) throws -> ExecutionPlan {
        try builder().build(try document.flow(), tweaks: tweaks, inputValue: inputValue)
    }

    /// A real Langflow export from `Tests/Fixtures/langflow/` (copied from the shared fixtures).
    static func langflowExport(_ name: String) throws -> Data {
        try Data(contentsOf: BundleFixtures.packageRoot.appendingPathComponent("Tests/Fixtures/langflow/\(name)"))
    }
}
