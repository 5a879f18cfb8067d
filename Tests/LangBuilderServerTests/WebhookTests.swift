import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing

/// `POST /api/v1/webhook/{flow_id_or_name}`: 202 at once, the flow runs in the background with the body as
/// its input, and the run is recorded (issue "REST server", item webhook).
@Suite struct WebhookTests {
    /// Waits (bounded) until the background run has been recorded; the run ends on its own time.
    private func recordedMessages(_ recording: RecordingServer, _ flow: FlowRecord, count: Int) async throws -> [MessageRecord] {
        var messages: [MessageRecord] = []
        for _ in 0..<500 {
            await recording.recorder.flush()
            messages = try await recording.storage.messages(MessageQuery(flowID: flow.id))
            if messages.count >= count { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return messages
    }

    @Test func startsTheRunInTheBackgroundAndRecordsIt() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Hook", FlowDocuments.shout, endpoint: "hook")
        try await recording.app().test(.router) { client in
            let key = try await recording.apiKey(for: "bob", client: client)
            try await client.execute(uri: "/api/v1/webhook/hook", method: .post, headers: .apiKey(key), body: ByteBuffer(string: "hello hook")) { response in
                #expect(response.status == .accepted)
                #expect(response.body.json() == ["message": "Task started in the background", "status": "in progress"])
            }
            let messages = try await recordedMessages(recording, flow, count: 2)
            #expect(messages.map(\.text) == ["hello hook", "HELLO HOOK"])
            #expect(messages.allSatisfy { $0.sessionID == flow.id.lower })
            #expect(try await recording.storage.transactions(flowID: flow.id, pagination: nil).total == 3)

            // Any JSON body is the input as it came; by id, with the key in the query.
            let json = #"{"event":"push","ref":"main"}"#
            try await client.execute(
                uri: "/api/v1/webhook/\(flow.id.lower)?x-api-key=\(key)", method: .post, headers: .json, body: ByteBuffer(string: json)
            ) { response in #expect(response.status == .accepted) }
            let after = try await recordedMessages(recording, flow, count: 4)
            #expect(after.filter { $0.sender == "User" }.map(\.text) == ["hello hook", json])
        }
    }

    @Test func needsCredentialsUnlessWebhookAuthenticationIsOff() async throws {
        let recording = try await RecordingServer()
        try await recording.flow("Hook", FlowDocuments.shout, endpoint: "hook")
        try await recording.flow("Theirs", FlowDocuments.shout, owner: "langflow", endpoint: "theirs")
        try await recording.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/webhook/hook", method: .post, body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .forbidden)
                #expect(response.body.json() == ["detail": "API key required when webhook authentication is enabled"])
            }
            try await client.execute(uri: "/api/v1/webhook/hook", method: .post, headers: .apiKey("sk-not-a-key"), body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .forbidden)
            }
            let bob = try await recording.bearer("bob")
            try await client.execute(uri: "/api/v1/webhook/theirs", method: .post, headers: bob, body: ByteBuffer(string: "x")) { response in
                #expect(response.status == .notFound, "another user's flow")
            }
            try await client.execute(uri: "/api/v1/webhook/hook", method: .post, headers: bob) { response in
                #expect(response.status == .badRequest, "an empty body")
            }
        }

        let open = try await RecordingServer { $0.webhookAuthEnabled = false }
        let flow = try await open.flow("Hook", FlowDocuments.shout, endpoint: "hook")
        try await open.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/webhook/hook", method: .post, body: ByteBuffer(string: "open")) { response in
                #expect(response.status == .accepted)
            }
            try await client.execute(uri: "/api/v1/webhook/nothing", method: .post, body: ByteBuffer(string: "open")) { response in
                #expect(response.status == .notFound)
            }
        }
        #expect(try await recordedMessages(open, flow, count: 2).map(\.text) == ["open", "OPEN"])
    }

    @Test func refusesAFlowThatDoesNotBuild() async throws {
        let recording = try await RecordingServer()
        try await recording.flow("Invalid", FlowDocuments.invalid, endpoint: "invalid")
        try await recording.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/webhook/invalid", method: .post, headers: try await recording.bearer("bob"), body: ByteBuffer(string: "x")) {
                response in
                #expect(response.status == .unprocessableContent)
                #expect(response.body.json()["detail"]?["issues"]?.arrayValue?.isEmpty == false)
            }
        }
    }
}
