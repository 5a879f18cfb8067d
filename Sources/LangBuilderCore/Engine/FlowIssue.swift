/// One problem found while building a flow. Validation collects every issue at once; each names the node,
/// its component type and the field where they apply.
public struct FlowIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case duplicateNodeID = "duplicate_node_id"
        case unknownComponent = "unknown_component"
        case missingRequiredInput = "missing_required_input"
        case unknownNode = "unknown_node"
        case unknownOutput = "unknown_output"
        case unknownField = "unknown_field"
        case incompatibleTypes = "incompatible_types"
        case tooManyEdges = "too_many_edges"
        case invalidLoopEdge = "invalid_loop_edge"
        case cycle
        case unknownTweakTarget = "unknown_tweak_target"
        case invalidTweak = "invalid_tweak"
        case noVertices = "no_vertices"
    }

    public var kind: Kind
    public var nodeID: String?
    public var componentType: String?
    public var field: String?
    public var message: String

    public init(_ kind: Kind, nodeID: String? = nil, componentType: String? = nil, field: String? = nil, message: String) {
        self.kind = kind
        self.nodeID = nodeID
        self.componentType = componentType
        self.field = field
        self.message = message
    }

    public var description: String {
        var location: [String] = []
        if let nodeID { location.append(nodeID) }
        if let componentType { location.append("(\(componentType))") }
        if let field { location.append("field \(field)") }
        return location.isEmpty ? message : location.joined(separator: " ") + ": " + message
    }
}

/// A flow that cannot be built, with every problem found.
public struct FlowValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [FlowIssue]

    public init(issues: [FlowIssue]) { self.issues = issues }

    public var description: String {
        "the flow is not valid (\(issues.count) problem\(issues.count == 1 ? "" : "s")):\n"
            + issues.map { "  - \($0)" }.joined(separator: "\n")
    }
}
