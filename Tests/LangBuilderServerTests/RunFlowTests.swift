import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderTesting
import Testing

/// Langflow's Run Flow in the server: a component runs another stored flow of the same user through the
/// host's `run_flow` (ABI 1.3), by name, with its input; other users' flows stay out of reach and a flow that
/// runs itself stops at the nesting limit.
@Suite struct RunFlowTests {
    /// A flow document of `nodes` (id, type, field values) and `edges` (source, output, target, field).
    static func flow(_ nodes: [(String, String, [String: JSONValue])], _ edges: [(String, String, String, String)]) -> JSONValue {
        let types = Dictionary(uniqueKeysWithValues: nodes.map { ($0.0, $0.1) })
        return [
            "nodes": .array(nodes.map { id, type, fields in
                var template = JSONObject()
                for (field, value) in fields.sorted(by: { $0.key < $1.key }) { template[field] = ["value": value] }
                return ["id": .string(id), "data": ["id": .string(id), "type": .string(type), "node": ["template": .object(template)]]]
            }),
            "edges": .array(edges.map { source, output, target, field in
                [
                    "source": .string(source), "target": .string(target),
                    "data": [
                        "sourceHandle": ["dataType": .string(types[source] ?? ""), "id": .string(source), "name": .string(output), "output_types": []],
                        "targetHandle": ["fieldName": .string(field), "id": .string(target), "inputTypes": [], "type": "str"],
                    ],
                ]
            }),
        ]
    }

    /// ChatInput → RunFlow(`target`) → ChatOutput.
    static func caller(running target: String) -> JSONValue {
        flow(
            [("ChatInput-1", "ChatInput", [:]), ("RunFlow-1", "RunFlow", ["flow_name_selected": .string(target)]), ("ChatOutput-1", "ChatOutput", [:])],
            [("ChatInput-1", "message", "RunFlow-1", "input_value"), ("RunFlow-1", "flow_outputs_message", "ChatOutput-1", "input_value")])
    }

    static func create(_ name: String, _ data: JSONValue, token: String, client: some TestClientProtocol) async throws -> String {
        let body: JSONValue = ["name": .string(name), "data": data]
        return try await client.execute(uri: "/api/v1/flows/", method: .post, headers: .bearer(token) + .json, body: ByteBuffer(string: body.serialized())) { response in
            #expect(response.status == .created, "\(String(buffer: response.body))")
            return try #require(response.body.json()["id"]?.stringValue)
        }
    }

    static func run(_ flow: String, _ input: String, token: String, client: some TestClientProtocol) async throws -> (HTTPResponse.Status, JSONValue) {
        let body: JSONValue = ["input_value": .string(input)]
        return try await client.execute(uri: "/api/v1/run/\(flow)", method: .post, headers: .bearer(token) + .json, body: ByteBuffer(string: body.serialized())) { response in
            (response.status, response.body.json())
        }
    }

    /// The inner flow's run is recorded as a run of that flow, in the caller's session: its messages and
    /// transactions are there, as in Langflow.
    @Test func theInnerRunIsRecordedUnderItsOwnFlow() async throws {
        let server = try await TestServer()
        let recorder = RunRecorder(storage: server.storage)
        let app = buildApplication(
            settings: server.settings, storage: server.storage, registry: RegistryHolder(ExampleFlowTests.firstParty), auth: server.auth, recorder: recorder)
        let bob = try await server.accessToken(for: "bob")
        try await app.test(.router) { client in
            let echo = Self.flow(
                [("ChatInput-1", "ChatInput", [:]), ("ChatOutput-1", "ChatOutput", [:])], [("ChatInput-1", "message", "ChatOutput-1", "input_value")])
            let inner = try #require(UUID(uuidString: try await Self.create("Echo", echo, token: bob, client: client)))
            let caller = try #require(UUID(uuidString: try await Self.create("Caller", Self.caller(running: "Echo"), token: bob, client: client)))
            let body: JSONValue = ["input_value": "through", "session_id": "S-1"]
            try await client.execute(
                uri: "/api/v1/run/\(caller.uuidString)", method: .post, headers: .bearer(bob) + .json, body: ByteBuffer(string: body.serialized())
            ) { response in #expect(response.status == .ok) }
            await recorder.flush()
            let innerMessages = try await server.storage.messages(MessageQuery(flowID: inner))
            #expect(innerMessages.map(\.text) == ["through", "through"], "the inner ChatInput's and ChatOutput's messages")
            #expect(innerMessages.allSatisfy { $0.sessionID == "S-1" })
            let innerTransactions = try await server.storage.transactions(flowID: inner, pagination: nil)
            #expect(Set(innerTransactions.items.map(\.vertexID)) == ["ChatInput-1", "ChatOutput-1"])
            let outerTransactions = try await server.storage.transactions(flowID: caller, pagination: nil)
            #expect(Set(outerTransactions.items.map(\.vertexID)) == ["ChatInput-1", "RunFlow-1", "ChatOutput-1"])
        }
    }

    @Test func aFlowRunsAnotherFlowOfItsUserByName() async throws {
        let server = try await TestServer()
        let app = buildApplication(settings: server.settings, storage: server.storage, registry: RegistryHolder(ExampleFlowTests.firstParty), auth: server.auth)
        let bob = try await server.accessToken(for: "bob")
        try await server.storage.createUser(UserRecord(username: "alice", passwordHash: "unused", isActive: true))
        let alice = try await server.accessToken(for: "alice")
        try await app.test(.router) { client in
            let shout = Self.flow(
                [("ChatInput-1", "ChatInput", [:]), ("Prompt-1", "Prompt Template", ["template": "Inner flow says: {x}!"]), ("ChatOutput-1", "ChatOutput", [:])],
                [("ChatInput-1", "message", "Prompt-1", "x"), ("Prompt-1", "prompt", "ChatOutput-1", "input_value")])
            _ = try await Self.create("Inner flow", shout, token: bob, client: client)
            let caller = try await Self.create("Caller", Self.caller(running: "Inner flow"), token: bob, client: client)
            let (status, answer) = try await Self.run(caller, "hello", token: bob, client: client)
            #expect(status == .ok, "\(answer)")
            #expect(answer["outputs"]?[0]?["outputs"]?[0]?["results"]?["message"]?["text"] == "Inner flow says: hello!")

            // Alice has no flow of that name: Bob's stays out of reach.
            let hers = try await Self.create("Her caller", Self.caller(running: "Inner flow"), token: alice, client: client)
            let (refused, error) = try await Self.run(hers, "hello", token: alice, client: client)
            #expect(refused == .internalServerError)
            #expect(error["detail"]?.stringValue?.contains("RunFlow: run_flow: no flow named 'Inner flow'") == true, "\(error)")
        }
    }

    @Test func aFlowThatRunsItselfStopsAtTheNestingLimit() async throws {
        let server = try await TestServer()
        let app = buildApplication(settings: server.settings, storage: server.storage, registry: RegistryHolder(ExampleFlowTests.firstParty), auth: server.auth)
        let bob = try await server.accessToken(for: "bob")
        try await app.test(.router) { client in
            let id = try await Self.create("Ouroboros", Self.caller(running: "Ouroboros"), token: bob, client: client)
            let (status, error) = try await Self.run(id, "again", token: bob, client: client)
            #expect(status == .internalServerError)
            #expect(error["detail"]?.stringValue?.contains("flows nest more than 5 deep; does 'Ouroboros' run itself?") == true, "\(error)")
        }
    }
}
