/// How many run records a flow keeps: Langflow's `max_transactions_to_keep`, `max_vertex_builds_to_keep` and
/// `max_vertex_builds_per_vertex`, counted per flow.
///
/// Langflow counts the first two over the whole database; here every flow keeps its own newest records, so
/// one busy flow cannot push another user's logs out. Chat messages are never pruned: they are the chat
/// history that Memory components and `/monitor/messages` read, kept until deleted.
public struct RunRecordRetention: Sendable, Equatable, Hashable {
    /// The newest transactions a flow keeps.
    public var transactionsPerFlow: Int
    /// The newest vertex builds a flow keeps.
    public var vertexBuildsPerFlow: Int
    /// The newest vertex builds each vertex of a flow keeps.
    public var vertexBuildsPerVertex: Int

    /// Langflow's defaults: 3000, 3000 and 50.
    public init(transactionsPerFlow: Int = 3000, vertexBuildsPerFlow: Int = 3000, vertexBuildsPerVertex: Int = 50) {
        self.transactionsPerFlow = transactionsPerFlow
        self.vertexBuildsPerFlow = vertexBuildsPerFlow
        self.vertexBuildsPerVertex = vertexBuildsPerVertex
    }

    /// Throws ``StorageError/invalid(_:)`` for a negative count. Drivers call it before pruning.
    public func validate() throws {
        for (name, value) in [("transactionsPerFlow", transactionsPerFlow), ("vertexBuildsPerFlow", vertexBuildsPerFlow), ("vertexBuildsPerVertex", vertexBuildsPerVertex)]
        where value < 0 {
            throw StorageError.invalid("\(name) must not be negative (got \(value))")
        }
    }
}
