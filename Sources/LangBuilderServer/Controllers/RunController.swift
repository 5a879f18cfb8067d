import Foundation
import Hummingbird
import LangBuilderCore
import LangBuilderStorage

/// `POST /run/{flow_id_or_name}`: builds the saved flow with the request's input and tweaks, runs it, and
/// answers Langflow's run response, or with `?stream=true` (or `"stream": true` in the body) streams the run's
/// events as `text/event-stream`, one JSON object and a blank line each.
///
/// `POST /run/advanced/{flow_id_or_name}` (Langflow's `experimental_run_flow`) runs it once per input of a
/// list, each input given to chosen components, and answers the chosen outputs.
///
/// Authenticated by API key (`x-api-key` header or query) like Langflow; a Bearer token is accepted too. Runs
/// are recorded (messages, transactions) by the ``RunRecorder``, off the response path.
struct RunController {
    let preparation: RunPreparation
    let activeRuns: ActiveRuns
    let recorder: RunRecorder

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("run/{flow}", use: run)
        group.post("run/advanced/{flow}", use: runAdvanced)
        group.get("monitor/job_queue") { _, _ in
            Response.json(["backend": "memory", "active_jobs": .int(activeRuns.count)])
        }
    }

    /// Langflow's `SimplifiedAPIRequest`, flat or embedded as `{"input_request": {...}}`.
    struct RunRequest {
        var inputValue: String?
        var inputType = "chat"
        var outputType = "chat"
        var outputComponent: String?
        var tweaks: JSONValue?
        var sessionID: String?
        var stream = false

        init(body: JSONObject) throws {
            var fields = body
            if let embedded = body["input_request"]?.objectValue { fields = embedded }
            func string(_ key: String) throws -> String? {
                switch fields[key] {
                case nil, .null?: return nil
                case .string(let text)?: return text
                default: throw APIError.validation(location: ["body", key], message: "Input should be a valid string", input: fields[key]?.serialized())
                }
            }
            inputValue = try string("input_value")
            if let type = try string("input_type") {
                guard ["chat", "text", "any"].contains(type) else {
                    throw APIError.validation(location: ["body", "input_type"], message: "Input should be 'chat', 'text' or 'any'", input: type)
                }
                inputType = type
            }
            if let type = try string("output_type") {
                guard ["chat", "text", "any", "debug"].contains(type) else {
                    throw APIError.validation(location: ["body", "output_type"], message: "Input should be 'chat', 'text', 'any' or 'debug'", input: type)
                }
                outputType = type
            }
            outputComponent = try string("output_component").flatMap { $0.isEmpty ? nil : $0 }
            switch fields["tweaks"] {
            case nil, .null?: tweaks = nil
            case .object(let object)? where object.count == 0: tweaks = nil
            case .object?: tweaks = fields["tweaks"]
            default: throw APIError.validation(location: ["body", "tweaks"], message: "Input should be a valid dictionary", input: fields["tweaks"]?.serialized())
            }
            sessionID = try string("session_id").flatMap { $0.isEmpty ? nil : $0 }
            stream = (body["stream"]?.boolValue ?? false) || (fields["stream"]?.boolValue ?? false)
        }
    }

    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let identifier = context.parameters.get("flow") ?? ""
        var request = request
        let payload = try RunRequest(body: try await request.optionalJSONObject(context: context))
        let stream = try request.boolQuery("stream") ?? payload.stream

        let record = try await preparation.flow(identifiedBy: identifier, user: user)
        let flow = try preparation.flow(record)
        let plan: ExecutionPlan
        do {
            plan = try preparation.plan(flow, of: record, tweaks: payload.tweaks, inputValue: payload.inputValue, inputType: payload.inputType)
        } catch {
            throw RunPreparation.invalid(error)
        }
        let options = try await preparation.options(
            for: plan, flowID: record.id, user: user, sessionID: payload.sessionID, inputValue: payload.inputValue, logger: context.logger)
        let run = FlowRunner().start(plan, options: options)
        if stream { return streamed(run, plan: plan, flowID: record.id, requestBody: request.body) }
        let result = try await answered(run, plan: plan, flowID: record.id)
        return Response.json(result.langflowResponse(outputType: payload.outputType, outputComponent: payload.outputComponent))
    }

    /// Waits for the run, queues it for recording, and returns its result; a failed run is 500 with Langflow's
    /// JSON-in-a-string detail.
    private func answered(_ run: FlowRun, plan: ExecutionPlan, flowID: UUID) async throws -> RunResult {
        do {
            let result = try await activeRuns.tracking(run) {
                try await withTaskCancellationHandler {
                    try await run.result()
                } onCancel: {
                    run.cancel()
                }
            }
            await recorder.record(run, plan: plan, flowID: flowID)
            return result
        } catch let error as RunError {
            await recorder.record(run, plan: plan, flowID: flowID)
            let detail: JSONValue = [
                "message": .string("Error running graph: \(error)"), "traceback": nil, "description": nil, "code": nil, "suggestion": nil,
            ]
            throw APIError(.internalServerError, detail: .string(detail.serialized()))
        }
    }

    /// Streams the run's events as they happen; a client that goes away cancels the run, noticed when the
    /// connection's inbound side closes (even while no event is being written) or when a write fails. The
    /// events are kept for the recorder.
    private func streamed(_ run: FlowRun, plan: ExecutionPlan, flowID: UUID, requestBody: RequestBody) -> Response {
        let (activeRuns, recorder) = (self.activeRuns, self.recorder)
        let body = ResponseBody { writer in
            try await activeRuns.tracking(run) {
                try await requestBody.consumeWithInboundCloseHandler { _ in
                    try await withTaskCancellationHandler {
                        var events: [RunEvent] = []
                        do {
                            for await event in run.events {
                                events.append(event)
                                try await writer.write(ByteBuffer(string: event.langflowLine))
                            }
                            try await writer.finish(nil)
                        } catch {
                            run.cancel()
                            for await event in run.events { events.append(event) }
                            await recorder.record(run, plan: plan, flowID: flowID, events: events)
                            throw error
                        }
                        await recorder.record(run, plan: plan, flowID: flowID, events: events)
                    } onCancel: {
                        run.cancel()
                    }
                } onInboundClosed: {
                    run.cancel()
                }
            }
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"], body: body)
    }

    // MARK: - /run/advanced

    /// Langflow's `experimental_run_flow` body: `{"inputs": [{"components", "input_value", "session", "type"}],
    /// "outputs": [ids or display names], "tweaks", "stream", "session_id"}`.
    struct AdvancedRunRequest {
        struct Input {
            var components: [String] = []
            var inputValue: String?
            var session: String?
            var type = "any"
        }

        var inputs: [Input] = [Input(inputValue: "")]
        var outputs: [String] = []
        var tweaks: JSONObject?
        var sessionID: String?

        init(body: JSONObject) throws {
            switch body["inputs"] {
            case nil, .null?: break
            case .array(let list)?:
                inputs = try list.enumerated().map { index, item in
                    let location = ["body", "inputs", String(index)]
                    guard let object = item.objectValue else {
                        throw APIError.validation(location: location, message: "Input should be a valid dictionary", input: item.serialized())
                    }
                    var input = Input()
                    input.components = try Self.strings(object["components"], at: location + ["components"])
                    input.inputValue = try object.optionalString("input_value", at: location)
                    input.session = try object.optionalString("session", at: location).flatMap { $0.isEmpty ? nil : $0 }
                    if let type = try object.optionalString("type", at: location) {
                        guard ["chat", "text", "any"].contains(type) else {
                            throw APIError.validation(location: location + ["type"], message: "Input should be 'chat', 'text' or 'any'", input: type, type: "enum")
                        }
                        input.type = type
                    }
                    return input
                }
            default:
                throw APIError.validation(location: ["body", "inputs"], message: "Input should be a valid list", input: body["inputs"]?.serialized(), type: "list_type")
            }
            outputs = try Self.strings(body["outputs"], at: ["body", "outputs"])
            switch body["tweaks"] {
            case nil, .null?: tweaks = nil
            case .object(let object)?: tweaks = object
            default: throw APIError.validation(location: ["body", "tweaks"], message: "Input should be a valid dictionary", input: body["tweaks"]?.serialized())
            }
            sessionID = try body.optionalString("session_id", at: ["body"]).flatMap { $0.isEmpty ? nil : $0 }
        }

        private static func strings(_ value: JSONValue?, at location: [String]) throws -> [String] {
            switch value {
            case nil, .null?: return []
            case .array(let list)? where list.allSatisfy({ $0.stringValue != nil }): return list.compactMap(\.stringValue)
            default: throw APIError.validation(location: location, message: "Input should be a valid list of strings", input: value?.serialized(), type: "list_type")
            }
        }
    }

    /// Runs the flow once per input (in order, in one session) and answers `{"outputs": [one per input], "session_id"}`.
    @Sendable func runAdvanced(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let identifier = context.parameters.get("flow") ?? ""
        var request = request
        let payload = try AdvancedRunRequest(body: try await request.optionalJSONObject(context: context))
        let record = try await preparation.flow(identifiedBy: identifier, user: user)
        let flow = try preparation.flow(record)

        var outputs: [JSONValue] = []
        var sessionID = payload.sessionID
        for input in payload.inputs {
            // Components named by the input get its value through a tweak; else every input component of its type does.
            var tweaks = payload.tweaks ?? JSONObject()
            for component in input.components {
                var fields = tweaks[component]?.objectValue ?? JSONObject()
                fields["input_value"] = .text(input.inputValue)
                tweaks[component] = .object(fields)
            }
            let plan: ExecutionPlan
            do {
                plan = try preparation.plan(
                    flow, tweaks: tweaks.count > 0 ? .object(tweaks) : nil, inputValue: input.components.isEmpty ? input.inputValue : nil,
                    inputType: input.type)
            } catch {
                throw RunPreparation.invalid(error)
            }
            let options = try await preparation.options(
                for: plan, flowID: record.id, user: user, sessionID: input.session ?? sessionID, inputValue: input.inputValue, logger: context.logger)
            let result = try await answered(FlowRunner().start(plan, options: options), plan: plan, flowID: record.id)
            sessionID = result.sessionID
            let response = result.langflowResponse(outputType: payload.outputs.isEmpty ? "chat" : "debug")
            var entry = response["outputs"]?.arrayValue?.first?.objectValue ?? JSONObject()
            if !payload.outputs.isEmpty {
                let wanted = Set(payload.outputs)
                let chosen = (entry["outputs"]?.arrayValue ?? []).filter { output in
                    [output["component_id"]?.stringValue, output["component_display_name"]?.stringValue].contains { $0.map(wanted.contains) ?? false }
                }
                entry["outputs"] = .array(chosen)
            }
            outputs.append(.object(entry))
        }
        return Response.json(["outputs": .array(outputs), "session_id": .text(sessionID)])
    }
}
