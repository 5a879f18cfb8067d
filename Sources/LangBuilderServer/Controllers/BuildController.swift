import Foundation
import Hummingbird
import LangBuilderCore
import LangBuilderStorage

/// The editor's run path: `POST /build/{flow_id}/flow` builds and runs a flow (the stored one, or an unsaved
/// graph from the body) as a build whose events are read with `GET /build/{job_id}/events` (polling or
/// streaming, `application/x-ndjson`) or streamed by the POST itself (`event_delivery=direct`), and stopped
/// with `POST /build/{job_id}/cancel`.
///
/// A build's events are Langflow's: `vertices_sorted`, `build_start`, `add_message`, `end_vertex`, then `end`
/// `{"build_duration": …}`; a failing vertex gives an `error` event (Langflow's error message), an invalid
/// `end_vertex` and `end`; a flow that does not build gives one `error` event with every issue. Builds record
/// messages, transactions and (unless `log_builds=false`) vertex builds.
struct BuildController {
    let preparation: RunPreparation
    let activeRuns: ActiveRuns
    let recorder: RunRecorder
    let builds: BuildJobRegistry

    var storage: any StorageDriver { preparation.storage }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        // One parameter name for the three routes: they share a path prefix.
        group.post("build/{id}/flow", use: build)
        group.get("build/{id}/events", use: events)
        group.post("build/{id}/cancel", use: cancel)
    }

    /// How a build's events reach the client.
    enum Delivery: String {
        case polling, streaming, direct

        static func from(_ request: Request, default fallback: Delivery) throws -> Delivery {
            guard let text = request.uri.queryParameters.get("event_delivery") else { return fallback }
            guard let delivery = Delivery(rawValue: text) else {
                throw APIError.validation(
                    location: ["query", "event_delivery"], message: "Input should be 'polling', 'streaming' or 'direct'", input: text, type: "enum")
            }
            return delivery
        }
    }

    /// Langflow's build body: `{"inputs": {"input_value", "session", "type"}, "data": {nodes, edges}}`, all optional.
    struct BuildRequest {
        var inputValue: String?
        var session: String?
        var inputType = "any"
        var data: JSONValue?

        init(body: JSONObject) throws {
            switch body["inputs"] {
            case nil, .null?: break
            case .object(let inputs)?:
                inputValue = try inputs.optionalString("input_value", at: ["body", "inputs"])
                session = try inputs.optionalString("session", at: ["body", "inputs"]).flatMap { $0.isEmpty ? nil : $0 }
                if let type = try inputs.optionalString("type", at: ["body", "inputs"]) {
                    guard ["chat", "text", "any"].contains(type) else {
                        throw APIError.validation(location: ["body", "inputs", "type"], message: "Input should be 'chat', 'text' or 'any'", input: type, type: "enum")
                    }
                    inputType = type
                }
            default:
                throw APIError.validation(location: ["body", "inputs"], message: "Input should be a valid dictionary", input: body["inputs"]?.serialized())
            }
            switch body["data"] {
            case nil, .null?: data = nil
            case .object(let graph)? where graph["nodes"]?.arrayValue != nil: data = .object(graph)
            default:
                throw APIError.validation(
                    location: ["body", "data"], message: "Input should be a flow graph with nodes and edges", input: body["data"]?.serialized())
            }
        }
    }

    @Sendable func build(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let text = context.parameters.get("id") ?? ""
        guard let flowID = UUID(uuidString: text) else { throw APIError.invalidUUID("flow_id", text) }
        let delivery = try Delivery.from(request, default: .polling)
        let logBuilds = try request.boolQuery("log_builds") ?? true
        let stop = request.nonEmptyQuery("stop_component_id")
        let start = request.nonEmptyQuery("start_component_id")
        var request = request
        let payload = try BuildRequest(body: try await request.optionalJSONObject(context: context))

        guard let record = try await storage.flow(id: flowID), RunPreparation.mayRun(record, user) else {
            throw APIError(.notFound, "Flow with id \(flowID.lowercasedString) not found")
        }
        var flow = try preparation.flow(record, data: payload.data)
        // As Langflow, a stop component wins over a start component.
        if let stop {
            guard flow.node(id: stop) != nil else { throw Self.unknownComponent("stop_component_id", stop) }
            flow = flow.subflow(stoppingAt: stop)
        } else if let start {
            guard flow.node(id: start) != nil else { throw Self.unknownComponent("start_component_id", start) }
            flow = flow.subflow(startingAt: start)
        }

        let sessionID = payload.session ?? flowID.lowercasedString
        let job: UUID
        do {
            let plan = try preparation.plan(flow, inputValue: payload.inputValue, inputType: payload.inputType)
            let options = try await preparation.options(
                for: plan, flowID: flowID, user: user, sessionID: sessionID, inputValue: payload.inputValue, logger: context.logger)
            guard !activeRuns.isDraining else { throw APIError(.serviceUnavailable, "The server is shutting down and accepts no new runs") }
        let run = FlowRunner().start(plan, options: options)
            job = await builds.create(owner: user.id, run: run)
            drive(job, run: run, plan: plan, flowID: flowID, logBuilds: logBuilds)
        } catch let error as FlowValidationError {
            // As Langflow, a flow that does not build is a build whose only event is the error.
            job = await builds.create(owner: user.id, run: nil)
            var message = LangflowMessage.errorMessage(
                reason: RunPreparation.summary(error) + ":\n" + error.issues.map { "- \($0)" }.joined(separator: "\n"), vertexID: nil,
                component: nil, sessionID: sessionID, flowID: flowID)
            message["issues"] = .array(error.issues.map(RunPreparation.render))
            await builds.append([RunEvent(event: "error", data: .object(message)).langflowLine], to: job)
            await builds.finish(job)
        }
        if delivery == .direct { return stream(job, requestBody: request.body) }
        return Response.json(["job_id": .id(job)])
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await visibleJob(context)
        let delivery = try Delivery.from(request, default: .streaming)
        guard delivery == .polling else { return stream(job, requestBody: request.body) }
        guard let batch = await builds.take(job) else { throw Self.jobNotFound(job.lowercasedString) }
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init(byteBuffer: ByteBuffer(string: batch.lines.joined())))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try await visibleJob(context)
        _ = await builds.cancel(job)
        return Response.json(["success": true, "message": "Flow build cancelled successfully"])
    }

    /// The build named in the path, if the user may see it; 404 otherwise.
    private func visibleJob(_ context: AppRequestContext) async throws -> UUID {
        let user = try context.requireUser()
        let text = context.parameters.get("id") ?? ""
        guard let job = UUID(uuidString: text), await builds.isVisible(job, to: user) else { throw Self.jobNotFound(text) }
        return job
    }

    /// Streams the build's events as they come, until it ends. A client that goes away cancels the build, as
    /// Langflow does.
    private func stream(_ job: UUID, requestBody: RequestBody) -> Response {
        let builds = self.builds
        let body = ResponseBody { writer in
            try await requestBody.consumeWithInboundCloseHandler { _ in
                try await withTaskCancellationHandler {
                    while let batch = await builds.take(job) {
                        if !batch.lines.isEmpty { try await writer.write(ByteBuffer(string: batch.lines.joined())) }
                        if batch.finished { break }
                    }
                    try await writer.finish(nil)
                } onCancel: {
                    Task { _ = await builds.cancel(job) }
                }
            } onInboundClosed: {
                Task { _ = await builds.cancel(job) }
            }
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson", .cacheControl: "no-cache"], body: body)
    }

    /// Reads a build's run events into the build's queue in Langflow's build shapes, then records the build.
    private func drive(_ job: UUID, run: FlowRun, plan: ExecutionPlan, flowID: UUID, logBuilds: Bool) {
        let builds = self.builds
        let recorder = self.recorder
        let activeRuns = self.activeRuns
        let started = ContinuousClock.now
        Task {
            _ = try? await activeRuns.tracking(run) {
                let sessionID = run.context.sessionID
                var collected: [RunEvent] = []
                var engineError: RunEvent?
                for await event in run.events {
                    collected.append(event)
                    switch event.event {
                    case "end":
                        // Replaced below by Langflow's build end, `{"build_duration": …}`.
                        continue
                    case "error":
                        engineError = event
                    case "add_message":
                        let message = RunEvent(event: "add_message", data: LangflowMessage.chatMessage(event.data, sessionID: sessionID, flowID: flowID))
                        await builds.append([message.langflowLine], to: job)
                    default:
                        await builds.append([event.langflowLine], to: job)
                    }
                }
                let closing: [RunEvent]
                do throws(RunError) {
                    let result = try await run.result()
                    closing = [RunEvent(event: "end", data: ["build_duration": .number(result.duration)])]
                } catch {
                    closing = Self.failureEvents(
                        error, plan: plan, sessionID: sessionID, flowID: flowID, engineError: engineError, elapsed: ContinuousClock.now - started)
                }
                await builds.append(closing.map(\.langflowLine), to: job)
                await builds.finish(job)
                await recorder.record(run, plan: plan, flowID: flowID, kind: .build(logVertexBuilds: logBuilds), events: collected)
            }
        }
    }

    /// The events that end a failed build, as Langflow's: the error message, the failed vertex's invalid
    /// `end_vertex`, and `end`. A cancelled build ends with the engine's error event.
    static func failureEvents(
        _ error: RunError, plan: ExecutionPlan, sessionID: String, flowID: UUID, engineError: RunEvent?, elapsed: Duration
    ) -> [RunEvent] {
        if error == .cancelled { return [engineError ?? RunEvent(event: "error", data: ["error": .string(error.description)])] }
        let (vertexID, reason) = LangflowMessage.failure(error)
        let vertex = vertexID.flatMap { plan.vertex(id: $0) }
        let component = vertex?.displayName
        var events = [
            RunEvent(
                event: "error",
                data: .object(LangflowMessage.errorMessage(reason: reason, vertexID: vertexID, component: component, sessionID: sessionID, flowID: flowID)))
        ]
        if let vertex {
            let output = vertex.component.descriptor.outputs.first?.name ?? "output"
            var outputs = JSONObject()
            outputs[output] = ["message": ["errorMessage": .string(reason), "stackTrace": nil], "type": "error"]
            events.append(
                RunEvent(
                    event: "end_vertex",
                    data: [
                        "build_data": [
                            "id": .string(vertex.id), "inactivated_vertices": [], "next_vertices_ids": [], "top_level_vertices": [], "valid": false,
                            "params": .string(reason),
                            "data": [
                                "results": .object(JSONObject()), "outputs": .object(outputs), "logs": .object(JSONObject()), "timedelta": nil,
                                "duration": nil, "used_frozen_result": false,
                            ],
                            "timestamp": .string(ServerTimestamp.format(Date())),
                        ],
                        "output_meta": [
                            "component_id": .string(vertex.id), "display_name": .string(vertex.displayName), "vertex_type": .string(vertex.componentType),
                            "is_output": .bool(vertex.isOutput),
                            "output_types": .array(vertex.component.descriptor.outputs.flatMap(\.types).map(JSONValue.string)),
                        ],
                    ]))
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        events.append(RunEvent(event: "end", data: ["build_duration": .number(seconds)]))
        return events
    }

    private static func unknownComponent(_ parameter: String, _ id: String) -> APIError {
        APIError.validation(location: ["query", parameter], message: "The flow has no component with id \(id)", input: id)
    }

    private static func jobNotFound(_ id: String) -> APIError {
        APIError(.notFound, "Job not found: \(id)")
    }
}
