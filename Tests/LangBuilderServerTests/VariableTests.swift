import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing

/// `/api/v1/variables/`: CRUD, credentials sealed at rest and never returned, variables read by runs.
@Suite struct VariableTests {
    @Test func keepsCredentialsSealedAndNeverReturnsThem() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let admin = HTTPFields.bearer(try await server.accessToken(for: "langflow"))
        try await server.app().test(.router) { client in
            let generic = try await client.execute(uri: "/api/v1/variables/", method: .post, headers: bob + .json,
                body: ByteBuffer(string: #"{"name":"GREETING","value":"hi there","type":"Generic","default_fields":[]}"#)) { response in
                #expect(response.status == .created)
                return response.body.json()
            }
            #expect(generic["value"] == "hi there")
            #expect(generic["has_value"] == true)
            let secret = try await client.execute(uri: "/api/v1/variables/", method: .post, headers: bob + .json,
                body: ByteBuffer(string: #"{"name":"OPENAI_API_KEY","value":"sk-very-secret","type":"Credential"}"#)) { response in
                #expect(response.status == .created)
                return response.body.json()
            }
            #expect(secret["value"] == .null)
            let secretID = try #require(secret["id"]?.stringValue)

            try await client.execute(uri: "/api/v1/variables/", method: .post, headers: bob + .json, body: ByteBuffer(string: #"{"name":"GREETING","value":"again"}"#)) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/variables/", method: .get, headers: bob) { response in
                let text = String(buffer: response.body)
                #expect(!text.contains("sk-very-secret"))
                #expect(response.body.json().arrayValue?.count == 2)
            }
            // Renaming a credential keeps it readable; another user cannot touch it.
            try await client.execute(uri: "/api/v1/variables/\(secretID)", method: .patch, headers: bob + .json, body: ByteBuffer(string: #"{"name":"RENAMED"}"#)) { response in
                #expect(response.status == .ok)
                #expect(response.body.json()["value"] == .null)
            }
            try await client.execute(uri: "/api/v1/variables/\(secretID)", method: .delete, headers: admin) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/v1/variables/\(UUID())", method: .delete, headers: bob) { response in
                #expect(response.status == .notFound)
            }
        }
        let bobID = try #require(try await server.storage.user(username: "bob")?.id)
        let stored = try await server.storage.variables(userID: bobID)
        #expect(stored.map(\.name) == ["GREETING"])
    }

    @Test func storesCredentialsEncryptedAndRunsReadVariables() async throws {
        let server = try await TestServer()
        let bob = try #require(try await server.storage.user(username: "bob"))
        let token = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.storage.createFlow(FlowRecord(name: "Greet", data: FlowDocuments.greeting.serialized(), endpointName: "greet", userID: bob.id))
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/variables/", method: .post, headers: token + .json,
                body: ByteBuffer(string: #"{"name":"GREETING","value":"hello from a credential","type":"Credential"}"#)) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/api/v1/run/greet", method: .post, headers: token + .json, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .ok)
                #expect(response.body.json()["outputs"]?[0]?["outputs"]?[0]?["results"]?["message"]?["text"] == "HELLO FROM A CREDENTIAL")
            }
        }
        let stored = try #require(try await server.storage.variable(name: "GREETING", userID: bob.id))
        #expect(stored.value?.hasPrefix("v1:") == true)
        #expect(stored.value?.contains("hello") == false)
    }
}
