import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderHTTPClient
import LangBuilderServer
import LangBuilderStorage
import LangBuilderTesting
import Testing

/// The shipped example flows: seeding, `GET /flows/basic_examples/`, read-only access, and that each one runs.
@Suite struct ExampleFlowTests {
    private func seeded() async throws -> (TestServer, ExampleFlows) {
        let server = try await TestServer()
        let examples = try ExampleFlows.shipped()
        try await examples.seed(into: server.storage)
        return (server, examples)
    }

    @Test func theShippedExamplesLoadWithFixedIds() throws {
        let examples = try ExampleFlows.shipped()
        #expect(examples.flows.count >= 3)
        #expect(Set(examples.flows.map(\.id)).count == examples.flows.count)
        for flow in examples.flows {
            #expect(flow.userID == nil)
            #expect(flow.folderID == ExampleFlows.folderID)
            #expect(flow.data != nil, "\(flow.name)")
            #expect(flow.description?.isEmpty == false, "\(flow.name) has a description")
        }
    }

    @Test func basicExamplesListsThemOwnerlessAndFlowListingsIncludeThemOnRequest() async throws {
        let (server, examples) = try await seeded()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let listed = try await client.execute(uri: "/api/v1/flows/basic_examples/", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                return response.body.json()
            }
            let items = try #require(listed.arrayValue)
            #expect(Set(items.compactMap { $0["id"]?.stringValue }) == Set(examples.flows.map { $0.id.uuidString.lowercased() }))
            #expect(items.allSatisfy { $0["user_id"] == .null && $0["folder_id"] == .string(ExampleFlows.folderID.uuidString.lowercased()) })

            try await client.execute(uri: "/api/v1/flows/?remove_example_flows=false", method: .get, headers: bob) { response in
                #expect(response.body.json().arrayValue?.count == examples.flows.count)
            }
            try await client.execute(uri: "/api/v1/flows/?remove_example_flows=true", method: .get, headers: bob) { response in
                #expect(response.body.json() == [])
            }
            try await client.execute(uri: "/api/v1/starter-projects/", method: .get, headers: bob) { response in
                let first = response.body.json()[0]
                #expect(Set(first?.objectValue?.keys ?? []) == ["name", "name_key", "description", "endpoint_name", "is_component", "data"])
            }
            // The examples folder is nobody's project.
            try await client.execute(uri: "/api/v1/projects/", method: .get, headers: bob) { response in
                #expect(response.body.json().arrayValue?.contains { $0["name"] == .string(ExampleFlows.folderName) } == false)
            }
            try await client.execute(uri: "/api/v1/projects/\(ExampleFlows.folderID.uuidString.lowercased())", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func examplesAreReadOnlyForUsers() async throws {
        let (server, examples) = try await seeded()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let id = try #require(examples.flows.first?.id.uuidString.lowercased())
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/flows/\(id)", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/flows/\(id)", method: .patch, headers: bob + .json, body: ByteBuffer(string: #"{"name":"Mine"}"#)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/flows/\(id)", method: .delete, headers: bob) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/flows/", method: .delete, headers: bob + .json, body: ByteBuffer(string: "[\"\(id)\"]")) { response in
                #expect(response.body.json() == ["deleted": 0])
            }
            // An upload carrying an example's id makes the user a copy.
            let form = MultipartForm.file(Data(#"{"id":"\#(id)","name":"Copy"}"#.utf8), filename: "copy.json")
            try await client.execute(uri: "/api/v1/flows/upload/", method: .post, headers: bob + form.headers, body: form.body) { response in
                #expect(response.status == .created)
                #expect(response.body.json()[0]?["id"] != .string(id))
            }
            // The examples folder cannot be deleted, not even by the superuser.
            let langflow = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
            try await client.execute(uri: "/api/v1/projects/\(ExampleFlows.folderID.uuidString.lowercased())", method: .delete, headers: langflow) { response in
                #expect(response.status == .forbidden)
            }
        }
        #expect(try await server.storage.flow(id: try #require(examples.flows.first?.id))?.name == examples.flows.first?.name)
    }

    @Test func seedingIsIdempotentAndFollowsTheFiles() async throws {
        let directory = try BundleFixtures.temporaryDirectory("examples")
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ document: JSONValue) throws {
            try Data(document.serialized().utf8).write(to: directory.appendingPathComponent(name))
        }
        let first = UUID()
        let second = UUID()
        try write("a.json", ["id": .string(first.uuidString), "name": "First", "description": "one", "data": FlowDocuments.shout])
        try write("b.json", ["id": .string(second.uuidString), "name": "Second", "description": "two", "data": FlowDocuments.failing])
        let storage = MemoryStorageDriver()

        #expect(try await ExampleFlows(directory: directory).seed(into: storage) == .init(created: 2, updated: 0, removed: 0))
        #expect(try await ExampleFlows(directory: directory).seed(into: storage) == .init(created: 0, updated: 0, removed: 0))
        let token = try #require(try await storage.flow(id: first)?.versionToken)

        try write("a.json", ["id": .string(first.uuidString), "name": "First", "description": "changed", "data": FlowDocuments.shout])
        try FileManager.default.removeItem(at: directory.appendingPathComponent("b.json"))
        #expect(try await ExampleFlows(directory: directory).seed(into: storage) == .init(created: 0, updated: 1, removed: 1))
        let updated = try #require(try await storage.flow(id: first))
        #expect(updated.description == "changed")
        #expect(updated.versionToken == token, "the graph did not change")
        #expect(updated.userID == nil)
        #expect(try await storage.flow(id: second) == nil)

        try write("c.json", ["id": .string(first.uuidString), "name": "Twin", "data": FlowDocuments.shout])
        #expect(throws: ExampleFlows.LoadError.self) { try ExampleFlows(directory: directory) }
        try write("c.json", ["name": "No id", "data": FlowDocuments.shout])
        #expect(throws: ExampleFlows.LoadError.self) { try ExampleFlows(directory: directory) }
    }

    /// Every first-party bundle, as `langbuilder serve` loads them from the build folder.
    static let firstParty = ComponentRegistry(scan: BundleLoader().scan(directories: [BundleFixtures.buildDirectory.path]))

    /// Model calls go to a local OpenAI-compatible server through the executable's libcurl client.
    static let http: Void = { HostServices.bootstrap(HostServices(http: try! CurlHTTPClient(), messages: MemoryMessageHistory())) }()

    /// Tweaks pointing every model node of `flow` (Language Model, OpenAI, Agent) at `baseURL`.
    static func modelTweaks(_ flow: FlowRecord, baseURL: String) throws -> JSONValue {
        let document = try JSONValue(parsing: try #require(flow.data))
        var tweaks = JSONObject()
        for node in document["nodes"]?.arrayValue ?? [] {
            guard let id = node["id"]?.stringValue, let type = node["data"]?["type"]?.stringValue else { continue }
            switch type {
            case "LanguageModelComponent": tweaks[id] = ["base_url": .string(baseURL)]
            case "OpenAIModel", "Agent": tweaks[id] = ["openai_api_base": .string(baseURL)]
            default: break
            }
        }
        return .object(tweaks)
    }

    /// A user with an API key and the variable OPENAI_API_KEY (a credential) that the model fields load.
    static func modelUser(_ client: some TestClientProtocol, _ server: TestServer) async throws -> String {
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await client.execute(
            uri: "/api/v1/variables/", method: .post, headers: bob + .json,
            body: ByteBuffer(string: #"{"name":"OPENAI_API_KEY","value":"sk-from-variable","type":"Credential","default_fields":[]}"#)
        ) { response in #expect(response.status == .created, "\(String(buffer: response.body))") }
        return try await client.execute(uri: "/api/v1/api_key/", method: .post, headers: bob + .json, body: ByteBuffer(string: "{}")) { response in
            try #require(response.body.json()["api_key"]?.stringValue)
        }
    }

    @Test func everyExampleRunsWithTheFirstPartyBundles() async throws {
        Self.http
        let (server, examples) = try await seeded()
        let registry = Self.firstParty
        #expect(registry.refused.isEmpty, "\(registry.refused.map(\.description))")
        let stub = try OpenAIStub([.answer("stub answer")])
        let app = buildApplication(settings: server.settings, storage: server.storage, registry: RegistryHolder(registry), auth: server.auth)
        let names = Set(examples.flows.map(\.name))
        for starter in ["Basic Prompting", "Memory Chatbot", "Simple Agent", "Research Translation Loop", "Ticket Router"] {
            #expect(names.contains(starter), "\(starter) is not shipped")
        }
        try await app.test(.router) { client in
            let key = try await Self.modelUser(client, server)
            for example in examples.flows {
                let tweaks = try Self.modelTweaks(example, baseURL: stub.baseURL)
                // No input_value: each example runs on the input its Chat Input holds.
                let body: JSONValue = ["output_type": "any", "tweaks": tweaks]
                try await client.execute(
                    uri: "/api/v1/run/\(example.id.uuidString.lowercased())", method: .post, headers: .apiKey(key) + .json,
                    body: ByteBuffer(string: body.serialized())
                ) { response in
                    #expect(response.status == .ok, "\(example.name): \(String(buffer: response.body))")
                    let outputs = response.body.json()["outputs"]?[0]?["outputs"]?.arrayValue ?? []
                    #expect(!outputs.isEmpty, "\(example.name) produced no output")
                    if example.name == "Basic Prompting" {
                        #expect(outputs.first?["results"]?["message"]?["text"] == "stub answer")
                    }
                    if example.name == "Ticket Router" {
                        let texts = outputs.compactMap { $0["results"]?["message"]?["text"]?.stringValue }
                        #expect(texts == ["To billing. Ada writes: I was charged twice."], "\(outputs)")
                    }
                }
            }
        }
        // Basic Prompting, Memory Chatbot, Simple Agent once each, the translation loop once per line.
        #expect(stub.requests.count == 6)
        #expect(stub.requests.allSatisfy { $0.header("Authorization") == "Bearer sk-from-variable" })
    }

    /// Memory Chatbot over REST: the second run's prompt holds the first exchange, read from storage.
    @Test func memoryChatbotRemembersTheSessionAcrossRuns() async throws {
        Self.http
        let (server, examples) = try await seeded()
        let example = try #require(examples.flows.first { $0.name == "Memory Chatbot" })
        let stub = try OpenAIStub([.answer("Nice to meet you, Ada.")])
        let recorder = RunRecorder(storage: server.storage)
        let app = buildApplication(
            settings: server.settings, storage: server.storage, registry: RegistryHolder(Self.firstParty), auth: server.auth, recorder: recorder)
        try await app.test(.router) { client in
            let key = try await Self.modelUser(client, server)
            let tweaks = try Self.modelTweaks(example, baseURL: stub.baseURL)
            // As the UI does: the user makes the starter flow theirs, then chats with it (the history of a
            // session is read from the user's own flows only).
            let copy: JSONValue = ["name": "My chatbot", "data": try JSONValue(parsing: try #require(example.data))]
            let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
            let flowID = try await client.execute(uri: "/api/v1/flows/", method: .post, headers: bob + .json, body: ByteBuffer(string: copy.serialized())) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return try #require(response.body.json()["id"]?.stringValue)
            }
            for input in ["My name is Ada.", "What is my name?"] {
                let body: JSONValue = ["input_value": .string(input), "session_id": "memory-1", "tweaks": tweaks]
                try await client.execute(
                    uri: "/api/v1/run/\(flowID)", method: .post, headers: .apiKey(key) + .json,
                    body: ByteBuffer(string: body.serialized())
                ) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                }
                await recorder.flush()
            }
        }
        let requests = stub.requests
        #expect(requests.count == 2)
        let first = requests.first?.messages.first?["content"]?.stringValue ?? ""
        let second = requests.last?.messages.first?["content"]?.stringValue ?? ""
        #expect(!first.contains("Ada"), "\(first)")
        #expect(second.contains("User: My name is Ada.\nAI: Nice to meet you, Ada."), "\(second)")
        #expect(requests.last?.messages.last == ["role": "user", "content": "What is my name?"])
    }

    /// Basic Prompting streamed over REST: the model streams, and each token reaches the client as Langflow's
    /// `token` event before the `end` event.
    @Test func aStreamedModelAnswerReachesTheClientTokenByToken() async throws {
        Self.http
        let (server, examples) = try await seeded()
        let example = try #require(examples.flows.first { $0.name == "Basic Prompting" })
        let stub = try OpenAIStub([.stream(["Build ", "a ", "flow."])])
        let app = buildApplication(settings: server.settings, storage: server.storage, registry: RegistryHolder(Self.firstParty), auth: server.auth)
        try await app.test(.live) { client in
            let key = try await Self.modelUser(client, server)
            var tweaks = try #require(try Self.modelTweaks(example, baseURL: stub.baseURL).objectValue)
            for (id, value) in tweaks {
                var fields = value.objectValue ?? JSONObject()
                fields["stream"] = true
                tweaks[id] = .object(fields)
            }
            let body: JSONValue = ["input_value": "What now?", "tweaks": .object(tweaks)]
            try await client.execute(
                uri: "/api/v1/run/\(example.id.uuidString.lowercased())?stream=true", method: .post, headers: .apiKey(key) + .json,
                body: ByteBuffer(string: body.serialized())
            ) { response in
                #expect(response.status == .ok)
                let events = try String(buffer: response.body).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { try JSONValue(parsing: $0) }
                let tokens = events.filter { $0["event"] == "token" }.compactMap { $0["data"]?["chunk"]?.stringValue }
                #expect(tokens == ["Build ", "a ", "flow."])
                let names = events.compactMap { $0["event"]?.stringValue }
                #expect(names.last == "end")
                #expect((names.firstIndex(of: "token") ?? .max) < (names.lastIndex(of: "end") ?? 0))
            }
        }
    }
}
