import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing

/// `POST /api/v1/run/{flow_id_or_name}`, plain and streamed, over HTTP (issue 4, "run").
@Suite struct RunTests {
    /// A server with bob's flows `shout`, `failing` and `invalid` and an API key of bob's.
    private func setUp() async throws -> (server: TestServer, key: String, flowID: UUID) {
        let server = try await TestServer()
        let bob = try #require(try await server.storage.user(username: "bob"))
        let shout = try await server.storage.createFlow(FlowRecord(name: "Shout", data: FlowDocuments.shout.serialized(), endpointName: "shout", userID: bob.id))
        try await server.storage.createFlow(FlowRecord(name: "Failing", data: FlowDocuments.failing.serialized(), endpointName: "failing", userID: bob.id))
        try await server.storage.createFlow(FlowRecord(name: "Invalid", data: FlowDocuments.invalid.serialized(), endpointName: "invalid", userID: bob.id))
        let key = try await server.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/api_key/", method: .post, headers: .bearer(try await server.accessToken(for: "bob")) + .json, body: ByteBuffer(string: "{}")
            ) { response in try #require(response.body.json()["api_key"]?.stringValue) }
        }
        return (server, key, shout.id)
    }

    private func body(_ json: JSONValue) -> ByteBuffer { ByteBuffer(string: json.serialized()) }

    private func text(_ response: JSONValue) -> JSONValue? {
        response["outputs"]?[0]?["outputs"]?[0]?["results"]?["message"]?["text"]
    }

    @Test func runsByIdAndByEndpointNameWithTheKeyInTheHeaderOrTheQuery() async throws {
        let (server, key, id) = try await setUp()
        try await server.app().test(.router) { client in
            try await client.execute(
                uri: "/api/v1/run/\(id.uuidString.lowercased())", method: .post, headers: .apiKey(key) + .json,
                body: body(["input_value": "hello", "input_type": "chat", "output_type": "chat", "session_id": "sess-A"])
            ) { response in
                #expect(response.status == .ok)
                let answer = response.body.json()
                #expect(text(answer) == "HELLO")
                #expect(answer["session_id"] == "sess-A")
                #expect(answer["outputs"]?[0]?["inputs"] == ["input_value": "hello"])
            }
            try await client.execute(uri: "/api/v1/run/shout?x-api-key=\(key)", method: .post, headers: .json, body: body(["input_value": "by name"])) { response in
                #expect(text(response.body.json()) == "BY NAME")
            }
            // Langflow's embedded form, and a Bearer token.
            let bearer = HTTPFields.bearer(try await server.accessToken(for: "bob"))
            try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: bearer + .json, body: body(["input_request": ["input_value": "embedded"]])) { response in
                #expect(text(response.body.json()) == "EMBEDDED")
            }
            // Tweaks by node id reach the component's field.
            try await client.execute(
                uri: "/api/v1/run/shout", method: .post, headers: .apiKey(key) + .json,
                body: body(["input_value": "", "tweaks": ["ChatInput-1": ["input_value": "tweaked"]]])
            ) { response in
                #expect(text(response.body.json()) == "TWEAKED")
            }
        }
    }

    /// Runs reuse the parsed flow until the flow changes: an edited flow runs its new graph at once.
    @Test func anEditedFlowRunsItsNewGraph() async throws {
        let (server, key, id) = try await setUp()
        let echo: JSONValue = [
            "nodes": [FlowDocuments.node("ChatInput-1", "ChatInput"), FlowDocuments.node("ChatOutput-1", "ChatOutput")],
            "edges": [FlowDocuments.edge("ChatInput-1", "ChatInput", to: "ChatOutput-1")],
        ]
        let bearer = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            // The second and third runs reuse the first one's plan template, each with its own input.
            for input in ["hello", "second", "hello"] {
                try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: .apiKey(key) + .json, body: body(["input_value": .string(input)])) { response in
                    #expect(text(response.body.json()) == .string(input.uppercased()))
                }
            }
            try await client.execute(
                uri: "/api/v1/flows/\(id.uuidString.lowercased())", method: .patch, headers: bearer + .json, body: body(["data": echo])
            ) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: .apiKey(key) + .json, body: body(["input_value": "hello"])) { response in
                #expect(text(response.body.json()) == "hello")
            }
            // Renaming keeps the graph (and its version): still the echo.
            try await client.execute(
                uri: "/api/v1/flows/\(id.uuidString.lowercased())", method: .patch, headers: bearer + .json, body: body(["name": "Echo"])
            ) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: .apiKey(key) + .json, body: body(["input_value": "again"])) { response in
                #expect(text(response.body.json()) == "again")
            }
        }
    }

    @Test func refusesMissingKeysUnknownFlowsAndOtherUsersFlows() async throws {
        let (server, _, id) = try await setUp()
        let admin = HTTPFields.bearer(try await server.accessToken(for: "langflow"))
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: .json, body: body(["input_value": "hi"])) { response in
                #expect(response.status == .forbidden)
                #expect(response.body.json() == ["detail": "No authentication credentials provided"])
            }
            try await client.execute(uri: "/api/v1/run/nothing", method: .post, headers: admin + .json, body: body([:])) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": "Flow identifier nothing not found"])
            }
            // Endpoint names are per user.
            try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: admin + .json, body: body([:])) { response in
                #expect(response.status == .notFound)
            }
            let stranger = UUID().uuidString.lowercased()
            try await client.execute(uri: "/api/v1/run/\(stranger)", method: .post, headers: admin + .json, body: body([:])) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": .string("Flow identifier \(stranger) not found")])
            }
            _ = id
        }
    }

    @Test func answersEveryValidationProblemAndComponentFailures() async throws {
        let (server, key, _) = try await setUp()
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/run/invalid", method: .post, headers: .apiKey(key) + .json, body: body(["input_value": "x"])) { response in
                #expect(response.status == .unprocessableContent)
                let issues = try #require(response.body.json()["detail"]?["issues"]?.arrayValue)
                #expect(issues.count >= 2)
                #expect(issues.contains { $0["type"] == "unknown_component" })
            }
            try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: .apiKey(key) + .json, body: body(["tweaks": ["Nope-9": ["x": 1]]])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: .apiKey(key) + .json, body: body(["output_type": "pdf"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/run/failing", method: .post, headers: .apiKey(key) + .json, body: body(["input_value": "x"])) { response in
                #expect(response.status == .internalServerError)
                let detail = try #require(response.body.json()["detail"]?.stringValue)
                let inner = try JSONValue(parsing: detail)
                #expect(inner["message"]?.stringValue?.contains("boom") == true)
            }
        }
    }

    @Test(arguments: ["?stream=true", ""])
    func streamsEventsAsLangflowDoes(query: String) async throws {
        let (server, key, _) = try await setUp()
        try await server.app().test(.live) { client in
            var payload: JSONValue = ["input_value": "stream me"]
            if query.isEmpty { payload = ["input_value": "stream me", "stream": true] }
            try await client.execute(uri: "/api/v1/run/shout\(query)", method: .post, headers: .apiKey(key) + .json, body: body(payload)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
                let text = String(buffer: response.body)
                let chunks = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
                let events = try chunks.map { try JSONValue(parsing: $0) }
                let names = events.compactMap { $0["event"]?.stringValue }
                #expect(names.first == "vertices_sorted")
                #expect(names.last == "end")
                #expect(names.contains("end_vertex"))
                #expect(names.contains("add_message"))
                #expect(text.hasSuffix("\n\n"))
                let end = try #require(events.last)
                #expect(self.text(try #require(end["data"]?["result"])) == "STREAM ME")
            }
        }
    }
}
