import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
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

    @Test func everyExampleRunsWithTheFirstPartyBundles() async throws {
        let (server, examples) = try await seeded()
        var registry = ComponentRegistry()
        for file in ["libstd-text.so", "libstd-math.so", "libstd-cmath.so"] {
            try registry.add(try BundleLoader().load(file: BundleFixtures.buildDirectory.appendingPathComponent(file).path))
        }
        let app = buildApplication(settings: server.settings, storage: server.storage, registry: RegistryHolder(registry), auth: server.auth)
        try await app.test(.router) { client in
            let key = try await client.execute(
                uri: "/api/v1/api_key/", method: .post, headers: .bearer(try await server.accessToken(for: "bob")) + .json, body: ByteBuffer(string: "{}")
            ) { response in try #require(response.body.json()["api_key"]?.stringValue) }
            for example in examples.flows {
                try await client.execute(
                    uri: "/api/v1/run/\(example.id.uuidString.lowercased())", method: .post, headers: .apiKey(key) + .json,
                    body: ByteBuffer(string: #"{"input_value":"","output_type":"any"}"#)
                ) { response in
                    #expect(response.status == .ok, "\(example.name): \(String(buffer: response.body))")
                    let outputs = response.body.json()["outputs"]?[0]?["outputs"]?.arrayValue ?? []
                    #expect(!outputs.isEmpty, "\(example.name) produced no output")
                }
            }
        }
    }
}
