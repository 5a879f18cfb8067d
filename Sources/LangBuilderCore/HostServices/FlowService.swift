/// Runs stored flows for components: what `lb_host_api.run_flow` (ABI 1.3) calls, e.g. Langflow's Run Flow.
///
/// The core keeps no flows; the server implements the role over its storage, for the user of the calling run
/// only, and refuses to nest deeper than it allows (a flow that runs itself). The host calls it from the
/// run's worker thread and waits for the answer; the caller's cancellation reaches the flow it runs.
public protocol FlowService: Sendable {
    /// Runs the flow named `flow` (an id, endpoint name or name) with `request` (`input_value`, `session_id`,
    /// `tweaks`, all optional) for the run `caller`; answers `{"flow_id", "session_id", "outputs": [...]}`.
    func run(_ flow: String, request: JSONObject, caller: RunContext) async throws(FlowServiceError) -> JSONValue
}

/// Why ``FlowService/run(_:request:caller:)`` did not answer.
public struct FlowServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The user has no flow of that name.
        case notFound
        /// The flow is not valid, failed, was cancelled, or would nest too deep.
        case failed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
