public import Foundation

/// One vertex execution of a run, as Langflow's monitor lists it. Table `transaction`.
public struct TransactionRecord: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var flowID: UUID
    public var vertexID: String
    public var targetID: String?
    /// JSON text.
    public var inputs: String?
    /// JSON text.
    public var outputs: String?
    /// `"success"` or `"error"`.
    public var status: String
    public var error: String?
    public var timestamp: Date
    public var runID: UUID?

    public init(
        id: UUID = UUID(),
        flowID: UUID,
        vertexID: String,
        targetID: String? = nil,
        inputs: String? = nil,
        outputs: String? = nil,
        status: String,
        error: String? = nil,
        timestamp: Date = Date(),
        runID: UUID? = nil
    ) {
        self.id = id
        self.flowID = flowID
        self.vertexID = vertexID
        self.targetID = targetID
        self.inputs = inputs
        self.outputs = outputs
        self.status = status
        self.error = error
        self.timestamp = timestamp
        self.runID = runID
    }

    enum CodingKeys: String, CodingKey {
        case id, inputs, outputs, status, error, timestamp
        case flowID = "flow_id"
        case vertexID = "vertex_id"
        case targetID = "target_id"
        case runID = "run_id"
    }
}

extension TransactionRecord {
    /// The record with its dates rounded to storage precision.
    public func normalized() -> TransactionRecord {
        var copy = self
        copy.timestamp = StorageTimestamp.normalized(timestamp)
        return copy
    }
}
