import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// The first-party Langflow bundles as tests load them: the built `.so` files, a registry of only the bundles a
/// test needs (the engine test bundle and langflow-logic both export `Pass`, so they never share one), and
/// calls of one component by input name.
enum LangflowBundles {
    enum Library: String, CaseIterable, Sendable {
        case processing = "liblangflow-processing.so"
        case logic = "liblangflow-logic.so"
        case utilities = "liblangflow-utilities.so"
        case io = "liblangflow-io.so"
        case models = "liblangflow-models.so"
        case data = "liblangflow-data.so"
        /// `Tests/Fixtures/engine_test_bundle.c`: ChatInput, ChatOutput and other stand-ins.
        case engine = "engine-test"

        func load() throws -> LoadedBundle {
            let loader = BundleLoader()
            switch self {
            case .engine: return try loader.load(file: try BundleFixtures.engineTestBundle())
            default: return try loader.load(file: BuiltProducts.path(rawValue))
            }
        }
    }

    /// A registry of `libraries`, loaded with `dlopen` (bundles are never unloaded: loading again is cheap).
    static func registry(_ libraries: Library...) throws -> ComponentRegistry {
        var registry = ComponentRegistry()
        for library in libraries { try registry.add(try library.load()) }
        return registry
    }

    static func context(_ component: String, run: RunContext = RunContext(flowID: "langflow-bundles", sessionID: "session-1")) -> CallContext {
        CallContext(run: run, vertexID: "\(component)-1", componentType: component)
    }

    /// Instantiates `component` (a type name or an alias) of `registry` and runs it once with `inputs` by
    /// name; `extra` are fields beyond the declared inputs (a prompt's variables). Returns the produced
    /// outputs by name (an output not produced is absent).
    static func call(
        _ component: String, in registry: ComponentRegistry, _ inputs: [String: Value] = [:], extra: [(String, Value?)] = []
    ) throws -> [String: Value] {
        let registered = try #require(registry.component(named: component), "\(component) is not registered")
        let declared = registered.descriptor.inputs.map(\.name)
        for name in inputs.keys where !declared.contains(name) {
            Issue.record("\(component) has no input \(name) (inputs: \(declared.joined(separator: ", ")))")
        }
        let values = declared.map { inputs[$0] } + extra.map(\.1)
        let context = context(registered.typeName)
        let instance = try registered.instantiate(config: values, extraInputs: extra.map(\.0), context: context)
        let outputs = try instance.run(inputs: values, context: context)
        var named: [String: Value] = [:]
        for (port, value) in zip(registered.descriptor.outputs, outputs) { named[port.name] = value }
        return named
    }

    /// The message of the failure `call` must end with.
    static func failure(
        _ component: String, in registry: ComponentRegistry, _ inputs: [String: Value] = [:], extra: [(String, Value?)] = []
    ) throws -> String {
        try #require(throws: ComponentError.self) { try call(component, in: registry, inputs, extra: extra) }.message
    }

    /// Builds and runs a flow document.
    static func run(_ flow: LangflowFlow, registry: ComponentRegistry, input: String? = nil, tweaks: JSONValue? = nil) async throws -> RunResult {
        let plan = try FlowBuilder(registry: registry).build(try Flow(json: flow.json), tweaks: tweaks, inputValue: input)
        return try await FlowRunner().run(plan, options: RunOptions(flowID: flow.id, inputValue: input))
    }
}

extension Value {
    static func message(_ text: String) -> Value { .json(type: "Message", text: (["text": .string(text), "sender": "User"] as JSONValue).serialized()) }
    static func data(_ json: JSONValue) -> Value { .json(type: "Data", text: json.serialized()) }
    static func dataFrame(_ json: JSONValue) -> Value { .json(type: "DataFrame", text: json.serialized()) }
    static func list(_ json: JSONValue) -> Value { .json(type: "list", text: json.serialized()) }
    static func dict(_ json: JSONValue) -> Value { .json(type: "dict", text: json.serialized()) }

    /// The JSON document of a JSON value (nil for other kinds).
    var document: JSONValue? {
        guard case .json(_, let text) = self else { return nil }
        return try? JSONValue(parsing: text)
    }

    /// The engine's type name of a JSON value ("Message", "Data", ...).
    var jsonType: String? {
        guard case .json(let type, _) = self else { return nil }
        return type
    }
}

/// A flow document in the shape Langflow exports: nodes with `data.type` and `data.node.template.<field>`
/// (value, `input_types`), edges with structured and `œ`-string handles. Extra fields (a prompt's variables)
/// are plain template fields, as Langflow's `custom_fields` add them.
struct LangflowFlow {
    var id = "langflow-flow"
    private(set) var nodes: [JSONValue] = []
    private(set) var edges: [JSONValue] = []
    private var types: [String: String] = [:]

    /// Adds a node of `type` with field values; `inputTypes` gives a field's `input_types` (for extra fields).
    func node(_ id: String, _ type: String, _ fields: KeyValuePairs<String, JSONValue> = [:], inputTypes: [String: [String]] = [:]) -> LangflowFlow {
        var copy = self
        var template = JSONObject()
        template["_type"] = "Component"
        for (field, value) in fields {
            template[field] = [
                "type": "str", "value": value, "show": true, "load_from_db": false,
                "input_types": .array((inputTypes[field] ?? []).map(JSONValue.string)),
            ]
        }
        for (field, accepted) in inputTypes where template[field] == nil {
            template[field] = ["type": "str", "value": "", "show": true, "input_types": .array(accepted.map(JSONValue.string))]
        }
        copy.nodes.append([
            "id": .string(id), "type": "genericNode", "position": ["x": 0, "y": 0],
            "data": ["id": .string(id), "type": .string(type), "node": ["template": .object(template)]],
        ])
        copy.types[id] = type
        return copy
    }

    /// An edge from `source`'s output to `target`'s field.
    func edge(_ source: String, _ output: String, to target: String, _ field: String) -> LangflowFlow {
        adding(
            source: source, target: target,
            sourceHandle: ["dataType": .string(types[source] ?? "?"), "id": .string(source), "name": .string(output), "output_types": []],
            targetHandle: ["fieldName": .string(field), "id": .string(target), "inputTypes": [], "type": "str"])
    }

    /// A loop's feedback edge: from `source`'s output back into the loop's `item` output.
    func feedback(_ source: String, _ output: String, toLoop loop: String, _ loopOutput: String = "item") -> LangflowFlow {
        adding(
            source: source, target: loop,
            sourceHandle: ["dataType": .string(types[source] ?? "?"), "id": .string(source), "name": .string(output), "output_types": []],
            targetHandle: ["dataType": .string(types[loop] ?? "?"), "id": .string(loop), "name": .string(loopOutput), "output_types": ["Data"]])
    }

    private func adding(source: String, target: String, sourceHandle: JSONValue, targetHandle: JSONValue) -> LangflowFlow {
        var copy = self
        func editor(_ handle: JSONValue) -> String { handle.serialized().replacingOccurrences(of: "\"", with: "œ") }
        copy.edges.append([
            "id": .string("reactflow__edge-\(source)\(editor(sourceHandle))-\(target)\(editor(targetHandle))"),
            "source": .string(source), "target": .string(target),
            "sourceHandle": .string(editor(sourceHandle)), "targetHandle": .string(editor(targetHandle)),
            "data": ["sourceHandle": sourceHandle, "targetHandle": targetHandle],
        ])
        return copy
    }

    var json: JSONValue {
        ["id": .string(id), "name": "Langflow flow", "data": ["nodes": .array(nodes), "edges": .array(edges), "viewport": ["x": 0, "y": 0, "zoom": 1]]]
    }
}
