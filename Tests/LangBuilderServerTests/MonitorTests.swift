import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing

/// `/api/v1/monitor`: messages (list, sessions, edit, move, delete), transactions and vertex builds, each
/// user seeing only the records of their own flows (issue "REST server", item monitor).
@Suite struct MonitorTests {
    /// bob's flow run three times (sessions s1, s1, s2) and langflow's flow run once, all recorded.
    private func setUp() async throws -> (RecordingServer, bobFlow: FlowRecord, adminFlow: FlowRecord) {
        let recording = try await RecordingServer()
        let bobFlow = try await recording.flow("Shout", FlowDocuments.shout, endpoint: "shout")
        let adminFlow = try await recording.flow("Admin shout", FlowDocuments.shout, owner: "langflow", endpoint: "shout")
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let admin = try await recording.bearer("langflow")
            for (input, session) in [("one", "s1"), ("two", "s1"), ("three", "s2")] {
                try await client.execute(
                    uri: "/api/v1/run/shout", method: .post, headers: bob + .json, body: jsonBody(["input_value": .string(input), "session_id": .string(session)])
                ) { response in #expect(response.status == .ok) }
            }
            try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: admin + .json, body: jsonBody(["input_value": "admin", "session_id": "a1"])) {
                response in #expect(response.status == .ok)
            }
        }
        await recording.recorder.flush()
        return (recording, bobFlow, adminFlow)
    }

    private func list(_ client: some TestClientProtocol, _ uri: String, _ headers: HTTPFields) async throws -> [JSONValue] {
        try await client.execute(uri: uri, method: .get, headers: headers) { response in
            #expect(response.status == .ok)
            return try #require(response.body.json().arrayValue, "\(uri): \(String(buffer: response.body))")
        }
    }

    @Test func listsMessagesWithFiltersAndSessions() async throws {
        let (recording, bobFlow, _) = try await setUp()
        let flow = bobFlow.id.lower
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let all = try await list(client, "/api/v1/monitor/messages?flow_id=\(flow)&order_by=timestamp", bob)
            #expect(all.compactMap { $0["text"]?.stringValue } == ["one", "ONE", "two", "TWO", "three", "THREE"])
            #expect(try await list(client, "/api/v1/monitor/messages?flow_id=\(flow)&session_id=s1", bob).count == 4)
            #expect(try await list(client, "/api/v1/monitor/messages?flow_id=\(flow)&sender=Machine", bob).compactMap { $0["text"]?.stringValue } == ["ONE", "TWO", "THREE"])
            #expect(try await list(client, "/api/v1/monitor/messages?flow_id=\(flow)&sender_name=User", bob).count == 3)
            #expect(try await list(client, "/api/v1/monitor/messages?flow_id=\(flow)&limit=2&offset=1", bob).compactMap { $0["text"]?.stringValue } == ["ONE", "two"])
            #expect(try await list(client, "/api/v1/monitor/messages/sessions?flow_id=\(flow)", bob) == ["s1", "s2"])
            // Without flow_id: every message of the user's flows, and only those.
            #expect(try await list(client, "/api/v1/monitor/messages", bob).count == 6)
            #expect(try await list(client, "/api/v1/monitor/messages/sessions", bob) == ["s1", "s2"])

            try await client.execute(uri: "/api/v1/monitor/messages?flow_id=nope", method: .get, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/monitor/messages?order_by=text", method: .get, headers: bob) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/monitor/messages?limit=-1", method: .get, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/monitor/messages", method: .get) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func usersSeeOnlyTheRecordsOfTheirOwnFlows() async throws {
        let (recording, bobFlow, adminFlow) = try await setUp()
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let admin = try await recording.bearer("langflow")
            let foreign = adminFlow.id.lower
            #expect(try await list(client, "/api/v1/monitor/messages?flow_id=\(foreign)", bob).isEmpty)
            #expect(try await list(client, "/api/v1/monitor/messages/sessions?flow_id=\(foreign)", bob).isEmpty)
            #expect(try await list(client, "/api/v1/monitor/messages", bob).allSatisfy { $0["flow_id"] == .string(bobFlow.id.lower) })
            try await client.execute(uri: "/api/v1/monitor/transactions?flow_id=\(foreign)", method: .get, headers: bob) { response in
                #expect(response.body.json() == ["items": [], "total": 0, "page": 1, "size": 50, "pages": 0])
            }
            // The superuser sees everyone's.
            #expect(try await list(client, "/api/v1/monitor/messages", admin).count == 8)
            #expect(try await list(client, "/api/v1/monitor/messages?flow_id=\(bobFlow.id.lower)", admin).count == 6)

            // bob cannot change langflow's messages: 404 for one, nothing done for many.
            let adminMessages = try await list(client, "/api/v1/monitor/messages?flow_id=\(foreign)", admin)
            let adminMessage = try #require(adminMessages.first?["id"]?.stringValue)
            try await client.execute(uri: "/api/v1/monitor/messages/\(adminMessage)", method: .put, headers: bob + .json, body: jsonBody(["text": "mine"])) {
                response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": "Message not found"])
            }
            try await client.execute(uri: "/api/v1/monitor/messages/session/a1?new_session_id=stolen", method: .patch, headers: bob) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/monitor/messages", method: .delete, headers: bob + .json, body: jsonBody([.string(adminMessage)])) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/monitor/messages/session/a1", method: .delete, headers: bob) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/monitor/builds?flow_id=\(foreign)", method: .delete, headers: bob) { response in
                #expect(response.status == .noContent)
            }
            #expect(try await list(client, "/api/v1/monitor/messages?flow_id=\(foreign)", admin).count == 2, "untouched")
        }
    }

    @Test func editsMovesAndDeletesMessages() async throws {
        let (recording, bobFlow, _) = try await setUp()
        let flow = bobFlow.id.lower
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let first = try #require(try await list(client, "/api/v1/monitor/messages?flow_id=\(flow)", bob).first?["id"]?.stringValue)

            try await client.execute(uri: "/api/v1/monitor/messages/\(first)", method: .put, headers: bob + .json, body: jsonBody(["text": "edited"])) { response in
                #expect(response.status == .ok)
                let message = response.body.json()
                #expect(message["text"] == "edited")
                #expect(message["edit"] == true)
                #expect(message["id"] == .string(first))
                #expect(message["files"] == [])
            }
            #expect(try await recording.storage.message(id: try #require(UUID(uuidString: first)))?.text == "edited")
            try await client.execute(uri: "/api/v1/monitor/messages/not-a-uuid", method: .put, headers: bob + .json, body: jsonBody(["text": "x"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/monitor/messages/\(UUID().uuidString)", method: .put, headers: bob + .json, body: jsonBody(["text": "x"])) {
                response in #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/monitor/messages/\(first)", method: .put, headers: bob + .json, body: jsonBody(["text": 3])) { response in
                #expect(response.status == .unprocessableContent)
            }

            // Move session s2 to s3.
            try await client.execute(uri: "/api/v1/monitor/messages/session/s2?new_session_id=s3", method: .patch, headers: bob) { response in
                #expect(response.status == .ok)
                let moved = try #require(response.body.json().arrayValue)
                #expect(moved.count == 2)
                #expect(moved.allSatisfy { $0["session_id"] == "s3" })
            }
            #expect(try await list(client, "/api/v1/monitor/messages/sessions?flow_id=\(flow)", bob) == ["s1", "s3"])
            try await client.execute(uri: "/api/v1/monitor/messages/session/nope?new_session_id=x", method: .patch, headers: bob) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": "No messages found with the given session ID"])
            }
            try await client.execute(uri: "/api/v1/monitor/messages/session/s3", method: .patch, headers: bob) { response in
                #expect(response.status == .unprocessableContent, "new_session_id is required")
            }

            // Delete by ids, then a whole session.
            try await client.execute(uri: "/api/v1/monitor/messages", method: .delete, headers: bob + .json, body: jsonBody([.string(first)])) { response in
                #expect(response.status == .noContent)
            }
            #expect(try await list(client, "/api/v1/monitor/messages?flow_id=\(flow)", bob).count == 5)
            try await client.execute(uri: "/api/v1/monitor/messages", method: .delete, headers: bob + .json, body: jsonBody(["not-a-uuid"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/monitor/messages", method: .delete, headers: bob + .json, body: jsonBody(["ids": []])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/monitor/messages/session/s1", method: .delete, headers: bob) { response in
                #expect(response.status == .noContent)
            }
            #expect(try await list(client, "/api/v1/monitor/messages?flow_id=\(flow)", bob).compactMap { $0["session_id"]?.stringValue } == ["s3", "s3"])
        }
    }

    @Test func pagesTransactionsNewestFirst() async throws {
        let (recording, bobFlow, _) = try await setUp()
        let flow = bobFlow.id.lower
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            var seen: [JSONValue] = []
            for page in 1...5 {
                try await client.execute(uri: "/api/v1/monitor/transactions?flow_id=\(flow)&page=\(page)&size=2", method: .get, headers: bob) { response in
                    let body = response.body.json()
                    #expect(body["total"] == 9)
                    #expect(body["page"] == .number(Double(page)))
                    #expect(body["size"] == 2)
                    #expect(body["pages"] == 5)
                    seen += try #require(body["items"]?.arrayValue)
                }
            }
            #expect(seen.count == 9)
            #expect(Set(seen.compactMap { $0["id"]?.stringValue }).count == 9)
            let stamps = seen.compactMap { $0["timestamp"]?.stringValue }
            #expect(stamps == stamps.sorted(by: >), "newest first")
            // The last run was "three": its vertices come first.
            #expect(seen.first?["vertex_id"] == "ChatOutput-1")
            #expect(seen.first?["inputs"]?["input_value"]?["text"] == "THREE")

            try await client.execute(uri: "/api/v1/monitor/transactions", method: .get, headers: bob) { response in
                #expect(response.status == .unprocessableContent, "flow_id is required")
            }
            try await client.execute(uri: "/api/v1/monitor/transactions?flow_id=\(flow)&page=0", method: .get, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/monitor/builds", method: .get, headers: bob) { response in
                #expect(response.status == .unprocessableContent, "flow_id is required")
            }
        }
    }
}
