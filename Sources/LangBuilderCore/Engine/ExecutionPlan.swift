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

    /// One node of the flow, ready to run. A class, so that the scheduler's hot path shares it instead of
    /// copying its arrays.
    public final class Vertex: @unchecked Sendable {
        public let index: Int
        public let id: String
        public let node: Node
        public let component: RegisteredComponent
        /// One source per declared input, then one per extra input.
        public let inputs: [InputSource]
        public let extraInputNames: [String]
        /// The indices of the vertices fed by this one (loop feedback edges excluded).
        public let successors: [Int]
        /// The indices of the vertices this one waits for.
        public let predecessors: [Int]
        public let layer: Int
        /// Whether this vertex's results are the flow's outputs.
        public let isOutput: Bool
        /// For a loop component: the output that carries each item, the output that carries the results, and
        /// the vertices of its body (run once per item).
        public let loop: Loop?
        /// Set on the vertices of a loop body: the loop vertex they belong to.
        public let loopOwner: Int?
        /// The component's output names and every type they produce, looked up once.
        let outputNames: [String]
        let outputTypes: [String]
        let hasEdgeInputs: Bool
        /// The declared inputs' names, then the extra inputs'.
        let inputNames: [String]
        /// Whether the vertex's Message outputs are chat messages (`add_message` events).
        let emitsMessages: Bool
        /// The ids of the vertices this one feeds, for `end_vertex` events.
        var nextIDs: [String] = []

        init(
            index: Int, id: String, node: Node, component: RegisteredComponent, inputs: [InputSource], extraInputNames: [String],
            successors: [Int], predecessors: [Int], layer: Int, isOutput: Bool, loop: Loop?, loopOwner: Int?
        ) {
            self.index = index
            self.id = id
            self.node = node
            self.component = component
            self.inputs = inputs
            self.extraInputNames = extraInputNames
            self.successors = successors
            self.predecessors = predecessors
            self.layer = layer
            self.isOutput = isOutput
            self.loop = loop
            self.loopOwner = loopOwner
            self.outputNames = component.descriptor.outputs.map(\.name)
            self.outputTypes = component.descriptor.outputs.flatMap(\.types)
            self.hasEdgeInputs = inputs.contains { if case .edges = $0 { true } else { false } }
            self.inputNames = component.descriptor.inputs.map(\.name) + extraInputNames
            self.emitsMessages = FlowBuilder.chatInputTypes.contains(component.typeName) || FlowBuilder.outputTypes.contains(component.typeName)
        }

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

    public let flow: Flow
    public let vertices: [Vertex]
    /// The type rules the plan was checked with; the runner converts edge values with them.
    public let types: TypeRegistry
    /// Vertex indices by topological layer: every vertex's predecessors are in earlier layers.
    public let layers: [[Int]]
    /// How many vertices each vertex waits for, and who waits for each: computed once per plan, not per run.
    /// A loop waits for everything its body depends on outside the loop, too.
    let waitCounts: [Int]
    let dependents: [[Int]]
    /// Every vertex's component is non-blocking (ABI 1.4) and no vertex is a loop: the run goes on the caller's
    /// thread rather than a worker's (see ``FlowRunner``).
    public let runsOnCaller: Bool

    init(flow: Flow, vertices: [Vertex], types: TypeRegistry, layers: [[Int]]) {
        self.flow = flow
        self.vertices = vertices
        self.types = types
        self.layers = layers
        var waitsFor = vertices.map(\.predecessors)
        for vertex in vertices {
            guard let loop = vertex.loop else { continue }
            for member in loop.body {
                for predecessor in vertices[member].predecessors
                where predecessor != vertex.index && vertices[predecessor].loopOwner != vertex.index && !waitsFor[vertex.index].contains(predecessor) {
                    waitsFor[vertex.index].append(predecessor)
                }
            }
        }
        var dependents: [[Int]] = Array(repeating: [], count: vertices.count)
        for (vertex, predecessors) in waitsFor.enumerated() {
            for predecessor in predecessors { dependents[predecessor].append(vertex) }
        }
        self.waitCounts = waitsFor.map(\.count)
        self.dependents = dependents
        self.runsOnCaller = !vertices.isEmpty && vertices.allSatisfy { $0.component.descriptor.isNonBlocking && $0.loop == nil }
    }

    public func vertex(id: String) -> Vertex? { vertices.first { $0.id == id } }

    /// Vertex ids by layer.
    public var layerIDs: [[String]] { layers.map { $0.map { vertices[$0].id } } }
}
