import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderTesting
import Testing

/// A real Langflow export over REST with the real first-party bundles (no stand-ins): uploaded with
/// `/flows/upload/`, run by its endpoint name with an API key, its chat messages in the monitor once each.
@Suite struct LangflowExportTests {
    /// The langflow-io and langflow-processing bundles as `langbuilder serve` loads them.
    static let registry: Result<ComponentRegistry, any Error> = Result {
        var registry = ComponentRegistry()
        for file in ["liblangflow-io.so", "liblangflow-processing.so"] {
            try registry.add(try BundleLoader().load(file: BundleFixtures.buildDirectory.appendingPathComponent(file).path))
        }
        return registry
    }

    @Test func aLangflowExportRunsByEndpointNameAndItsMessagesAreStoredOnce() async throws {
        let server = try await TestServer()
        let recorder = RunRecorder(storage: server.storage)
        let app = buildApplication(
            settings: server.settings, storage: server.storage, registry: RegistryHolder(try Self.registry.get()), auth: server.auth,
            recorder: recorder)
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let export = try Data(contentsOf: BundleFixtures.packageRoot.appendingPathComponent("Tests/Fixtures/langflow/chat-prompt-chat.json"))
        try await app.test(.router) { client in
            let form = MultipartForm.file(export, filename: "chat-prompt-chat.json")
            let flowID = try await client.execute(uri: "/api/v1/flows/upload/", method: .post, headers: bob + form.headers, body: form.body) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(response.body.json()[0]?["endpoint_name"] == "bench-prompt")
                return try #require(response.body.json()[0]?["id"]?.stringValue)
            }
            let key = try await client.execute(uri: "/api/v1/api_key/", method: .post, headers: bob + .json, body: ByteBuffer(string: "{}")) { response in
                try #require(response.body.json()["api_key"]?.stringValue)
            }
            let body = #"{"input_value":"hello","input_type":"chat","output_type":"chat","session_id":"chat-1"}"#
            try await client.execute(uri: "/api/v1/run/bench-prompt", method: .post, headers: .apiKey(key) + .json, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let answer = response.body.json()
                #expect(answer["session_id"] == "chat-1")
                let result = answer["outputs"]?[0]?["outputs"]?[0]?["results"]?["message"]
                #expect(result?["text"] == "Echo: hello")
                #expect(result?["sender"] == "Machine")
                #expect(result?["sender_name"] == "AI")
                #expect(result?["session_id"] == "chat-1")
            }
            await recorder.flush()
            try await client.execute(uri: "/api/v1/monitor/messages?flow_id=\(flowID)", method: .get, headers: bob) { response in
                let messages = response.body.json().arrayValue ?? []
                #expect(messages.map { $0["text"]?.stringValue } == ["hello", "Echo: hello"], "\(messages)")
                #expect(messages.map { $0["sender"]?.stringValue } == ["User", "Machine"])
                #expect(messages.map { $0["sender_name"]?.stringValue } == ["User", "AI"])
                #expect(messages.allSatisfy { $0["session_id"] == "chat-1" })
            }

            // should_store_message false on both chat components: the run answers, nothing more is stored.
            let tweaks = #"{"ChatInput-UfYJZ":{"should_store_message":false},"ChatOutput-dzuoF":{"should_store_message":false}}"#
            let quiet = #"{"input_value":"secret","session_id":"chat-2","tweaks":\#(tweaks)}"#
            try await client.execute(uri: "/api/v1/run/\(flowID)", method: .post, headers: .apiKey(key) + .json, body: ByteBuffer(string: quiet)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.body.json()["outputs"]?[0]?["outputs"]?[0]?["results"]?["message"]?["text"] == "Echo: secret")
            }
            await recorder.flush()
            try await client.execute(uri: "/api/v1/monitor/messages?flow_id=\(flowID)", method: .get, headers: bob) { response in
                #expect(response.body.json().arrayValue?.count == 2, "nothing of the quiet run was stored")
            }
        }
    }

    /// Langflow's Basic Prompting export (ChatInput, Prompt, LanguageModelComponent, ChatOutput), uploaded
    /// unchanged and run over REST with its model pointed at a local OpenAI-compatible server by tweaks, the key
    /// read from the user's credential variable.
    @Test func basicPromptingExportRunsWithItsModelOnALocalServer() async throws {
        ExampleFlowTests.http
        let server = try await TestServer()
        let stub = try OpenAIStub([.answer("Let's build a chatbot.")])
        let app = buildApplication(
            settings: server.settings, storage: server.storage, registry: RegistryHolder(ExampleFlowTests.firstParty), auth: server.auth)
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let export = try Data(contentsOf: BundleFixtures.packageRoot.appendingPathComponent("Tests/Fixtures/langflow/basic-prompting.json"))
        try await app.test(.router) { client in
            let form = MultipartForm.file(export, filename: "basic-prompting.json")
            let flowID = try await client.execute(uri: "/api/v1/flows/upload/", method: .post, headers: bob + form.headers, body: form.body) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return try #require(response.body.json()[0]?["id"]?.stringValue)
            }
            let key = try await ExampleFlowTests.modelUser(client, server)
            let tweaks: JSONValue = ["LanguageModelComponent-FLeYF": ["model_name": "gpt-4o-mini", "base_url": .string(stub.baseURL)]]
            let body: JSONValue = ["input_value": "What can I build?", "tweaks": tweaks]
            try await client.execute(uri: "/api/v1/run/\(flowID)", method: .post, headers: .apiKey(key) + .json, body: ByteBuffer(string: body.serialized())) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.body.json()["outputs"]?[0]?["outputs"]?[0]?["results"]?["message"]?["text"] == "Let's build a chatbot.")
            }
        }
        let request = try #require(stub.requests.first)
        #expect(request.header("Authorization") == "Bearer sk-from-variable")
        #expect(request.body["model"] == "gpt-4o-mini")
        #expect(request.messages.first?["content"]?.stringValue?.hasPrefix("Answer the user as if you were a GenAI expert") == true)
        #expect(request.messages.last == ["role": "user", "content": "What can I build?"])
    }
}
