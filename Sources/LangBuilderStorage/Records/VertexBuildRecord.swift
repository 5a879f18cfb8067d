public import Foundation

/// The result of building one vertex, as Langflow's `/monitor/builds` lists it. Table `vertex_build`; the id
/// is Langflow's `build_id`.
public struct VertexBuildRecord: Codable, Sendable, Equatable, Identifiable {
    public var id: UUID
    public var flowID: UUID
    public var vertexID: String
    /// JSON text.
    public var data: String?
    /// JSON text.
    public var artifacts: String?
    public var params: String?
    public var valid: Bool
    public var timestamp: Date
    public var runID: UUID?

    public init(
        id: UUID = UUID(),
        flowID: UUID,
        vertexID: String,
        data: String? = nil,
        artifacts: String? = nil,
        params: String? = nil,
        valid: Bool,
        timestamp: Date = Date(),
        runID: UUID? = nil
    ) {
        self.id = id
        self.flowID = flowID
        self.vertexID = vertexID
        self.data = data
        self.artifacts = artifacts
        self.params = params
        self.valid = valid
        self.timestamp = timestamp
        self.runID = runID
    }

    enum CodingKeys: String, CodingKey {
        case id, data, artifacts, params, valid, timestamp
        case flowID = "flow_id"
        case vertexID = "vertex_id"
        case runID = "run_id"
    }
}

extension VertexBuildRecord {
    /// The record with its dates rounded to storage precision.
    public func normalized() -> VertexBuildRecord {
        var copy = self
        copy.timestamp = StorageTimestamp.normalized(timestamp)
        return copy
    }
}
