public import Foundation

/// A flow in Langflow's format: nodes (component instances with field values) and edges between their ports.
///
/// Parses both an export (`{name, description, data: {nodes, edges, viewport}, ...}`) and a bare
/// `{nodes, edges}`. The parsed document is kept whole, so that keys this model does not know survive an
/// export unchanged.
///
/// ```swift
/// let flow = try Flow(parsing: Data(contentsOf: url))
/// flow.nodes.map(\.componentType)   // ["ChatInput", "Prompt", "ChatOutput"]
/// ```
public struct Flow: Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    public var endpointName: String?
    /// The component nodes (note nodes are left out).
    public var nodes: [Node]
    public var edges: [Edge]
    /// The document as parsed.
    public private(set) var document: JSONValue

    public init(id: String? = nil, name: String? = nil, nodes: [Node], edges: [Edge]) {
        self.id = id
        self.name = name
        self.nodes = nodes
        self.edges = edges
        self.document = .null
    }

    /// Parses a flow from JSON text.
    public init(parsing data: Data) throws(FlowError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: data)
        } catch {
            throw FlowError.invalidDocument("the flow is not valid JSON: \(error.underlying)")
        }
        try self.init(json: json)
    }

    /// Reads a flow from a parsed JSON document.
    public init(json: JSONValue) throws(FlowError) {
        guard let root = json.objectValue else { throw FlowError.invalidDocument("a flow must be a JSON object") }
        let graph: JSONObject
        if let data = root["data"]?.objectValue, data["nodes"] != nil {
            graph = data
        } else if root["nodes"] != nil {
            graph = root
        } else {
            throw FlowError.invalidDocument("a flow needs data.nodes (a Langflow export) or nodes (a bare graph)")
        }
        guard let nodeList = graph["nodes"]?.arrayValue else { throw FlowError.invalidDocument("nodes must be an array") }
        let edgeList = graph["edges"]?.arrayValue ?? []
        var nodes: [Node] = []
        for (index, item) in nodeList.enumerated() {
            guard let node = try Node(json: item, index: index) else { continue }
            nodes.append(node)
        }
        var edges: [Edge] = []
        for (index, item) in edgeList.enumerated() {
            edges.append(try Edge(json: item, index: index))
        }
        self.id = root["id"]?.stringValue
        self.name = root["name"]?.stringValue
        self.description = root["description"]?.stringValue
        self.endpointName = root["endpoint_name"]?.stringValue
        self.nodes = nodes
        self.edges = edges
        self.document = json
    }

    /// The flow as a JSON document: the parsed document with every key it had.
    public func exported() -> JSONValue { document }

    /// The node with this id.
    public func node(id: String) -> Node? { nodes.first { $0.id == id } }
}

/// A component instance in a flow.
public struct Node: Sendable, Equatable {
    public var id: String
    /// The component type (`data.type`), e.g. `ChatInput`.
    public var componentType: String
    public var displayName: String?
    /// Field values and per-field metadata from `data.node.template`, in template order.
    public var fields: [Field]
    /// The output chosen in the editor for components with several, if any.
    public var selectedOutput: String?

    public init(id: String, componentType: String, displayName: String? = nil, fields: [Field] = [], selectedOutput: String? = nil) {
        self.id = id
        self.componentType = componentType
        self.displayName = displayName
        self.fields = fields
        self.selectedOutput = selectedOutput
    }

    /// The field with this name.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// Reads a node; returns nil for note nodes, which carry no component.
    init?(json: JSONValue, index: Int) throws(FlowError) {
        guard let object = json.objectValue else { throw FlowError.invalidDocument("nodes[\(index)] is not an object") }
        guard let id = object["id"]?.stringValue, !id.isEmpty else { throw FlowError.invalidDocument("nodes[\(index)] has no id") }
        if object["type"]?.stringValue == "noteNode" { return nil }
        guard let data = object["data"]?.objectValue else { throw FlowError.invalidDocument("node \(id) has no data") }
        guard let type = data["type"]?.stringValue, !type.isEmpty else {
            throw FlowError.invalidDocument("node \(id) has no data.type (its component type)")
        }
        let node = data["node"]?.objectValue
        var fields: [Field] = []
        if let template = node?["template"]?.objectValue {
            for (name, value) in template where !name.hasPrefix("_") && name != "code" {
                guard let spec = value.objectValue else { continue }
                fields.append(Field(name: name, spec: spec))
            }
        }
        self.id = id
        self.componentType = type
        self.displayName = node?["display_name"]?.stringValue ?? data["display_name"]?.stringValue
        self.fields = fields
        self.selectedOutput = data["selected_output"]?.stringValue
    }
}

/// One field of a node: its value and what the editor knows of it.
public struct Field: Sendable, Equatable {
    public var name: String
    /// The value (`template.<field>.value`); nil when the template has none.
    public var value: JSONValue?
    /// `input_types`: what an edge into this field may bring (used for fields the component does not declare).
    public var inputTypes: [String]
    /// When true, `value` names a variable whose value the run reads (Langflow's `load_from_db`).
    public var loadFromVariable: Bool

    public init(name: String, value: JSONValue?, inputTypes: [String] = [], loadFromVariable: Bool = false) {
        self.name = name
        self.value = value
        self.inputTypes = inputTypes
        self.loadFromVariable = loadFromVariable
    }

    init(name: String, spec: JSONObject) {
        self.name = name
        self.value = spec["value"]
        self.inputTypes = spec["input_types"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.loadFromVariable = spec["load_from_db"]?.boolValue ?? false
    }
}

/// A connection from an output of one node to a field of another (or, for a loop's feedback, to the loop's
/// output).
public struct Edge: Sendable, Equatable {
    public var id: String?
    public var source: String
    public var target: String
    /// The source node's output name (`sourceHandle.name`).
    public var sourceOutput: String
    /// The types the editor recorded for the source output.
    public var sourceTypes: [String]
    /// The target node's field name (`targetHandle.fieldName`), or nil for a loop feedback edge.
    public var targetField: String?
    /// For a loop feedback edge: the loop output it feeds (`targetHandle.name`).
    public var targetOutput: String?

    public init(id: String? = nil, source: String, sourceOutput: String, sourceTypes: [String] = [], target: String, targetField: String?, targetOutput: String? = nil) {
        self.id = id
        self.source = source
        self.target = target
        self.sourceOutput = sourceOutput
        self.sourceTypes = sourceTypes
        self.targetField = targetField
        self.targetOutput = targetOutput
    }

    init(json: JSONValue, index: Int) throws(FlowError) {
        guard let object = json.objectValue else { throw FlowError.invalidDocument("edges[\(index)] is not an object") }
        let label = object["id"]?.stringValue ?? "edges[\(index)]"
        let data = object["data"]?.objectValue
        let sourceHandle = try Self.handle(data?["sourceHandle"] ?? object["sourceHandle"], edge: label, side: "sourceHandle")
        let targetHandle = try Self.handle(data?["targetHandle"] ?? object["targetHandle"], edge: label, side: "targetHandle")
        guard let source = object["source"]?.stringValue ?? sourceHandle["id"]?.stringValue,
            let target = object["target"]?.stringValue ?? targetHandle["id"]?.stringValue
        else {
            throw FlowError.invalidDocument("edge \(label) has no source or target")
        }
        guard let output = sourceHandle["name"]?.stringValue else {
            throw FlowError.invalidDocument("edge \(label): sourceHandle has no name (the source output)")
        }
        let field = targetHandle["fieldName"]?.stringValue
        let loopOutput = field == nil ? targetHandle["name"]?.stringValue : nil
        guard field != nil || loopOutput != nil else {
            throw FlowError.invalidDocument("edge \(label): targetHandle has no fieldName")
        }
        self.id = object["id"]?.stringValue
        self.source = source
        self.target = target
        self.sourceOutput = output
        self.sourceTypes = sourceHandle["output_types"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.targetField = field
        self.targetOutput = loopOutput
    }

    /// A handle is an object, or the editor's string form of it with `œ` in place of quotes.
    private static func handle(_ value: JSONValue?, edge: String, side: String) throws(FlowError) -> JSONObject {
        switch value {
        case .object(let object)?:
            return object
        case .string(let text)?:
            let json = text.replacingOccurrences(of: "œ", with: "\"")
            guard let parsed = try? JSONValue(parsing: json), let object = parsed.objectValue else {
                throw FlowError.invalidDocument("edge \(edge): \(side) is not a handle: \(text.prefix(80))")
            }
            return object
        default:
            throw FlowError.invalidDocument("edge \(edge) has no \(side)")
        }
    }
}

/// Why a flow document could not be read.
public enum FlowError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidDocument(String)

    public var description: String {
        switch self {
        case .invalidDocument(let message): message
        }
    }
}
