import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing

/// A ``TestServer`` whose runs are recorded by a recorder the test can flush, with helpers for the run tests
/// (issue "REST server": run records, monitor, builds, webhook).
struct RecordingServer {
    let server: TestServer
    let recorder: RunRecorder
    let activeRuns = ActiveRuns()

    init(storage: any StorageDriver = MemoryStorageDriver(), configure: (inout ServerSettings) -> Void = { _ in }) async throws {
        var server = try await TestServer(storage: storage)
        configure(&server.settings)
        self.server = server
        self.recorder = RunRecorder(storage: storage)
    }

    var storage: any StorageDriver { server.storage }

    func app() -> some ApplicationProtocol {
        buildApplication(
            settings: server.settings, storage: server.storage, registry: server.registry, auth: server.auth, activeRuns: activeRuns,
            recorder: recorder)
    }

    func user(_ name: String) async throws -> UserRecord {
        try #require(try await storage.user(username: name))
    }

    func bearer(_ name: String) async throws -> HTTPFields {
        .bearer(try await server.accessToken(for: name))
    }

    /// Stores a flow of `owner`'s.
    @discardableResult
    func flow(_ name: String, _ data: JSONValue, owner: String = "bob", endpoint: String? = nil) async throws -> FlowRecord {
        let user = try await user(owner)
        return try await storage.createFlow(FlowRecord(name: name, data: data.serialized(), endpointName: endpoint, userID: user.id))
    }

    /// A new API key of `owner`'s.
    func apiKey(for owner: String, client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/api/v1/api_key/", method: .post, headers: try await bearer(owner) + .json, body: ByteBuffer(string: "{}")) { response in
            try #require(response.body.json()["api_key"]?.stringValue)
        }
    }
}

/// A JSON request body.
func jsonBody(_ json: JSONValue) -> ByteBuffer { ByteBuffer(string: json.serialized()) }

/// Event lines as Langflow frames them (JSON, then a blank line), parsed.
func events(_ text: String) throws -> [JSONValue] {
    try text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { try JSONValue(parsing: $0) }
}

extension Array where Element == JSONValue {
    /// The event names, in order.
    var names: [String] { compactMap { $0["event"]?.stringValue } }

    func named(_ name: String) -> [JSONValue] { filter { $0["event"]?.stringValue == name } }
}

extension UUID {
    /// Langflow's lowercase form.
    var lower: String { uuidString.lowercased() }
}
