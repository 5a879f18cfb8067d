import Foundation
import Hummingbird
import LangBuilderAuth
import LangBuilderCore
import LangBuilderStorage

/// `POST /run/{flow_id_or_name}`: builds the saved flow with the request's input and tweaks, runs it, and
/// answers Langflow's run response, or with `?stream=true` (or `"stream": true` in the body) streams the run's
/// events as `text/event-stream`, one JSON object and a blank line each.
///
/// Authenticated by API key (`x-api-key` header or query) like Langflow; a Bearer token is accepted too.
struct RunController {
    let storage: any StorageDriver
    let registry: RegistryHolder
    let credentials: CredentialCipher
    let activeRuns: ActiveRuns

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("run/{flow}", use: run)
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
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        var body = JSONObject()
        if buffer.readableBytes > 0 {
            do {
                guard let object = try JSONValue(parsing: String(buffer: buffer)).objectValue else {
                    throw APIError(.unprocessableContent, "The request body must be a JSON object")
                }
                body = object
            } catch let error as JSONValue.ParseError {
                throw APIError(.unprocessableContent, "The request body is not valid JSON: \(error.underlying)")
            }
        }
        let payload = try RunRequest(body: body)
        let stream = try request.boolQuery("stream") ?? payload.stream

        let record = try await flow(identifier, user: user)
        guard let data = record.data else {
            throw APIError(.unprocessableContent, "Flow \(record.id.lowercased) has no data to run")
        }
        var flow: Flow
        do {
            flow = try Flow(parsing: Data(data.utf8))
        } catch {
            throw APIError(.unprocessableContent, "The flow cannot be read: \(error)")
        }
        flow.id = record.id.lowercased
        let plan: ExecutionPlan
        do {
            plan = try FlowBuilder(registry: registry.snapshot.registry)
                .build(flow, tweaks: payload.tweaks, inputValue: payload.inputValue, inputType: payload.inputType)
        } catch {
            throw APIError(.unprocessableContent, detail: [
                "message": .string("The flow is not valid: \(error.issues.count) problem\(error.issues.count == 1 ? "" : "s")"),
                "issues": .array(error.issues.map(Self.render)),
            ])
        }
        // Variables are read only for flows that use some, so plain runs cost no extra storage query.
        let readsVariables = plan.vertices.contains { vertex in
            vertex.inputs.contains { if case .variable = $0 { true } else { false } }
        }
        let variables = readsVariables ? try await VariableController.values(for: user.id, storage: storage, credentials: credentials) : [:]
        let options = RunOptions(
            flowID: record.id.lowercased, sessionID: payload.sessionID, userID: user.id.lowercased, inputValue: payload.inputValue,
            variables: { variables[$0] }, logger: context.logger)
        let run = FlowRunner().start(plan, options: options)
        return stream ? streamed(run, requestBody: request.body) : try await answered(run, payload: payload)
    }

    /// Waits for the run and answers its result; a failed run is 500 with Langflow's JSON-in-a-string detail.
    private func answered(_ run: FlowRun, payload: RunRequest) async throws -> Response {
        do {
            let result = try await activeRuns.tracking(run) {
                try await withTaskCancellationHandler {
                    try await run.result()
                } onCancel: {
                    run.cancel()
                }
            }
            return Response.json(result.langflowResponse(outputType: payload.outputType, outputComponent: payload.outputComponent))
        } catch let error as RunError {
            let detail: JSONValue = [
                "message": .string("Error running graph: \(error)"), "traceback": nil, "description": nil, "code": nil, "suggestion": nil,
            ]
            throw APIError(.internalServerError, detail: .string(detail.serialized()))
        }
    }

    /// Streams the run's events as they happen; a client that goes away cancels the run, noticed when the
    /// connection's inbound side closes (even while no event is being written) or when a write fails.
    private func streamed(_ run: FlowRun, requestBody: RequestBody) -> Response {
        let body = ResponseBody { [activeRuns] writer in
            try await activeRuns.tracking(run) {
                try await requestBody.consumeWithInboundCloseHandler { _ in
                    try await withTaskCancellationHandler {
                        do {
                            for await event in run.events {
                                try await writer.write(ByteBuffer(string: event.langflowLine))
                            }
                            try await writer.finish(nil)
                        } catch {
                            run.cancel()
                            throw error
                        }
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

    /// The flow named by id or endpoint name, if the user may run it; 404 `Flow identifier … not found` otherwise.
    private func flow(_ identifier: String, user: UserRecord) async throws -> FlowRecord {
        if let id = UUID(uuidString: identifier), let flow = try await storage.flow(id: id),
            flow.userID == user.id || flow.userID == nil || user.isSuperuser
        {
            return flow
        }
        if let flow = try await storage.flow(endpointName: identifier, userID: user.id) { return flow }
        throw APIError(.notFound, "Flow identifier \(identifier) not found")
    }

    static func render(_ issue: FlowIssue) -> JSONValue {
        [
            "type": .string(issue.kind.rawValue), "node_id": .text(issue.nodeID), "component_type": .text(issue.componentType),
            "field": .text(issue.field), "message": .string(issue.message), "description": .string(issue.description),
        ]
    }
}
