import Foundation
import HTTPTypes
import LangBuilderCore
import LangBuilderStorage
import Logging

/// Runs a user's stored flows for components (`lb_host_api.run_flow`, Langflow's Run Flow): the flow is found
/// by id, endpoint name or name among the flows the user may run, built against the current registry with the
/// request's tweaks, and run with the same services, one level deeper. Nesting stops at ``maximumDepth`` (a flow
/// that runs itself fails instead of recursing forever); cancelling the caller cancels the flow. The flow's run
/// is recorded like any run of it (messages, transactions), as Langflow does.
struct StoredFlowService: FlowService {
    /// How many flows may run inside one another below a run started by a request.
    static let maximumDepth = 5

    let preparation: RunPreparation
    let user: UserRecord
    /// 0 for a flow started by a request, 1 for a flow it runs, ...
    let depth: Int

    func run(_ name: String, request: JSONObject, caller: RunContext) async throws(FlowServiceError) -> JSONValue {
        guard depth < Self.maximumDepth else {
            throw FlowServiceError(.failed, "flows nest more than \(Self.maximumDepth) deep; does '\(name)' run itself?")
        }
        let input = request["input_value"].map { $0.stringValue ?? $0.serialized() }
        let session = request["session_id"]?.stringValue ?? caller.sessionID
        let tweaks = request["tweaks"]
        if let tweaks, tweaks.objectValue == nil, tweaks != .null {
            throw FlowServiceError(.failed, "tweaks must be a JSON object of node ids")
        }
        let record: FlowRecord
        let plan: ExecutionPlan
        let options: RunOptions
        do {
            record = try await find(name)
            let flow = try preparation.flow(record)
            plan = try preparation.plan(flow, tweaks: tweaks, inputValue: input)
            options = try await preparation.options(
                for: plan, flowID: record.id, user: user, sessionID: session, inputValue: input, logger: caller.logger, depth: depth + 1)
        } catch let error as FlowServiceError {
            throw error
        } catch let error as FlowValidationError {
            throw FlowServiceError(.failed, "flow '\(name)' is not valid: \(error.issues.map(\.message).joined(separator: "; "))")
        } catch let error as APIError {
            throw FlowServiceError(error.status == .notFound ? .notFound : .failed, "flow '\(name)': \(error.detail.stringValue ?? error.detail.serialized())")
        } catch {
            throw FlowServiceError(.failed, "flow '\(name)': \(error)")
        }
        let run = FlowRunner().start(plan, options: options)
        let result: RunResult
        do {
            result = try await withTaskCancellationHandler {
                try await run.result()
            } onCancel: {
                run.cancel()
            }
        } catch {
            await preparation.recorder.record(run, plan: plan, flowID: record.id)
            throw FlowServiceError(.failed, "flow '\(record.name)' failed: \(error)")
        }
        // Recorded as a run of its own flow, in the session it ran in: its chat messages join that history.
        await preparation.recorder.record(run, plan: plan, flowID: record.id)
        let outputs = result.vertices.filter(\.isOutput).map { vertex -> JSONValue in
            var results = JSONObject()
            for (port, value) in zip(vertex.outputOrder, vertex.outputValues) {
                if let value { results[port] = value.jsonValue }
            }
            return ["id": .string(vertex.id), "component": .string(vertex.componentType), "results": .object(results)]
        }
        return ["flow_id": .string(record.id.lowercasedString), "session_id": .string(result.sessionID), "outputs": .array(outputs)]
    }

    /// The flow by id or endpoint name (as `/run` finds it), else by its name among the user's own flows.
    private func find(_ name: String) async throws -> FlowRecord {
        do {
            return try await preparation.flow(identifiedBy: name, user: user)
        } catch let error as APIError where error.status == .notFound {
            let flows = try await preparation.storage.flows(FlowQuery(owner: .user(user.id), includeExamples: false, includeData: true))
            if let flow = flows.items.first(where: { $0.name == name }) { return flow }
            throw FlowServiceError(.notFound, "no flow named '\(name)' (by id, endpoint name or name)")
        }
    }
}
