import Foundation
import Hummingbird
import LangBuilderCore
import LangBuilderStorage

/// `POST /webhook/{flow_id_or_name}`: runs the flow in the background with the request body (any JSON or
/// text) as its input, and answers 202 `{"message": "Task started in the background", "status": "in progress"}`
/// at once. The body reaches the flow's chat and text inputs, and the `data` field of its Webhook components.
///
/// Authenticated like `/run` (an API key, or a Bearer token); with ``ServerSettings/webhookAuthEnabled``
/// off, the flow runs as its owner without credentials (Langflow's `WEBHOOK_AUTH_ENABLE=false`). The run is
/// recorded like a `/run`.
struct WebhookController {
    let preparation: RunPreparation
    let authenticator: Authenticator
    let authEnabled: Bool
    let activeRuns: ActiveRuns
    let recorder: RunRecorder

    var storage: any StorageDriver { preparation.storage }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("webhook/{flow}", use: webhook)
    }

    @Sendable func webhook(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identifier = context.parameters.get("flow") ?? ""
        let (record, user) = try await flowAndUser(identifier, request)
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw APIError(.badRequest, "Request body is empty. You should provide a JSON payload containing the flow ID.")
        }
        let input = String(buffer: buffer)
        let flow = try preparation.flow(record)
        var tweaks = JSONObject()
        if preparation.registry.snapshot.registry.component(named: "Webhook")?.descriptor.input(named: "data") != nil {
            for node in flow.nodes where node.componentType == "Webhook" { tweaks[node.id] = ["data": .string(input)] }
        }
        let plan: ExecutionPlan
        do {
            plan = try preparation.plan(flow, tweaks: tweaks.count > 0 ? .object(tweaks) : nil, inputValue: input, inputType: "any")
        } catch {
            // Better than Langflow, which accepts the webhook and fails in the background.
            throw RunPreparation.invalid(error)
        }
        let options = try await preparation.options(for: plan, flowID: record.id, user: user, sessionID: nil, inputValue: input, logger: context.logger)
        guard !activeRuns.isDraining else { throw APIError(.serviceUnavailable, "The server is shutting down and accepts no new runs") }
        let run = FlowRunner().start(plan, options: options)
        let (activeRuns, recorder, flowID) = (self.activeRuns, self.recorder, record.id)
        Task {
            _ = try? await activeRuns.tracking(run) { _ = try? await run.result() }
            await recorder.record(run, plan: plan, flowID: flowID)
        }
        return Response.json(["message": "Task started in the background", "status": "in progress"], status: .accepted)
    }

    /// The flow to run and the user it runs as.
    private func flowAndUser(_ identifier: String, _ request: Request) async throws -> (FlowRecord, UserRecord) {
        if authEnabled {
            let hasCredentials = Authenticator.bearerToken(request) != nil || Authenticator.apiKey(request) != nil
                || request.cookies[Authenticator.accessCookie] != nil
            guard hasCredentials else { throw APIError(.forbidden, "API key required when webhook authentication is enabled") }
            let user = try await authenticator.user(for: request)
            return (try await preparation.flow(identifiedBy: identifier, user: user), user)
        }
        let notFound = APIError(.notFound, "Flow not found")
        var record: FlowRecord?
        if let id = UUID(uuidString: identifier) {
            record = try await storage.flow(id: id)
        } else {
            // Endpoint names are unique per user only: without a user, the name must be unique overall.
            let named = try await storage.flows(FlowQuery(owner: .everyone, includeExamples: false, includeData: false)).items
                .filter { $0.endpointName == identifier }
            if named.count == 1 { record = try await storage.flow(id: named[0].id) }
        }
        guard let record, let ownerID = record.userID, let owner = try await storage.user(id: ownerID), owner.isActive else { throw notFound }
        return (record, owner)
    }
}
