/// A built flow: validated, with components resolved and vertices in topological layers.
public struct ExecutionPlan: Sendable {
    /// Where the value of one input comes from.
    public enum InputSource: Sendable {
        /// A value from the flow (or a tweak, or the port's default); nil: no value.
        case value(Value?)
        /// The value of a variable of the run's user (a field with `load_from_db`).
        case variable(String)
        /// Edges bringing values from other vertices' outputs, with the types the input accepts.
        case edges([EdgeSource], acceptedTypes: [String], isList: Bool)
    }

    /// One edge into an input.
    public struct EdgeSource: Sendable {
        public var vertex: Int
        public var output: Int
    }

    /// One node of the flow, ready to run.
    public struct Vertex: Sendable {
        public var index: Int
        public var id: String
        public var node: Node
        public var component: RegisteredComponent
        /// One source per declared input, then one per extra input.
        public var inputs: [InputSource]
        public var extraInputNames: [String]
        /// The indices of the vertices fed by this one (loop feedback edges excluded).
        public var successors: [Int]
        /// The indices of the vertices this one waits for.
        public var predecessors: [Int]
        public var layer: Int
        /// Whether this vertex's results are the flow's outputs.
        public var isOutput: Bool
        /// For a loop component: the output that carries each item, the output that carries the results, and
        /// the vertices of its body (run once per item).
        public var loop: Loop?
        /// Set on the vertices of a loop body: the loop vertex they belong to.
        public var loopOwner: Int?

        public var componentType: String { component.typeName }
        public var displayName: String { node.displayName ?? component.descriptor.displayName }
    }

    /// How a loop vertex iterates.
    public struct Loop: Sendable {
        public var itemOutput: Int
        public var doneOutput: Int?
        /// Body vertices in topological order.
        public var body: [Int]
        /// The edge that brings each iteration's result back: the source vertex and output.
        public var feedback: EdgeSource
    }

    public var flow: Flow
    public var vertices: [Vertex]
    /// The type rules the plan was checked with; the runner converts edge values with them.
    public var types: TypeRegistry
    /// Vertex indices by topological layer: every vertex's predecessors are in earlier layers.
    public var layers: [[Int]]

    public func vertex(id: String) -> Vertex? { vertices.first { $0.id == id } }

    /// Vertex ids by layer.
    public var layerIDs: [[String]] { layers.map { $0.map { vertices[$0].id } } }
}
