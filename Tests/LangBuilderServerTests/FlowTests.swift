import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderStorageSQLite
import Testing

/// `/api/v1/flows/` CRUD, ownership, pagination and version tokens, over HTTP (issue 4, "flows").
@Suite struct FlowTests {
    private func create(_ client: some TestClientProtocol, _ body: JSONValue, headers: HTTPFields) async throws -> JSONValue {
        try await client.execute(uri: "/api/v1/flows/", method: .post, headers: headers + .json, body: ByteBuffer(string: body.serialized())) { response in
            #expect(response.status == .created)
            return response.body.json()
        }
    }

    @Test func createsReadsUpdatesAndDeletesAFlowInLangflowsShape() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let flow = try await create(client, ["name": "Shout", "description": "caps", "data": FlowDocuments.shout, "endpoint_name": "shout"], headers: bob)
            let keys = Set(flow.objectValue?.keys ?? [])
            for key in ["name", "description", "icon", "icon_bg_color", "gradient", "data", "is_component", "updated_at", "webhook", "endpoint_name",
                        "tags", "locked", "mcp_enabled", "action_name", "action_description", "access_type", "flow_type", "a2a_enabled",
                        "a2a_card_overrides", "id", "user_id", "folder_id", "workspace_id", "name_key", "version_token"] {
                #expect(keys.contains(key), "FlowRead lacks \(key)")
            }
            #expect(flow["access_type"] == "PRIVATE")
            #expect(flow["data"]?["nodes"]?.arrayValue?.count == 3)
            let id = try #require(flow["id"]?.stringValue)
            let token = try #require(flow["version_token"]?.stringValue)

            try await client.execute(uri: "/api/v1/flows/\(id)", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(response.body.json()["endpoint_name"] == "shout")
            }
            // A description edit keeps the token; a data edit renews it.
            let renamed = try await client.execute(
                uri: "/api/v1/flows/\(id)", method: .patch, headers: bob + .json + [.ifMatch: "\"\(token)\""],
                body: ByteBuffer(string: #"{"description":"louder"}"#)
            ) { response in
                #expect(response.status == .ok)
                return response.body.json()
            }
            #expect(renamed["description"] == "louder")
            #expect(renamed["version_token"]?.stringValue == token)
            let edited = try await client.execute(
                uri: "/api/v1/flows/\(id)", method: .patch, headers: bob + .json + [.ifMatch: token],
                body: ByteBuffer(string: #"{"data":{"nodes":[],"edges":[]}}"#)
            ) { response in response.body.json() }
            #expect(edited["version_token"]?.stringValue != token)

            // The stale token is refused with Langflow's conflict object.
            try await client.execute(
                uri: "/api/v1/flows/\(id)", method: .patch, headers: bob + .json + [.ifMatch: token], body: ByteBuffer(string: #"{"data":{"nodes":[]}}"#)
            ) { response in
                #expect(response.status == .conflict)
                let detail = try #require(response.body.json()["detail"])
                #expect(detail["code"] == "flow_version_conflict")
                #expect(detail["expected_version_token"]?.stringValue == token)
                #expect(detail["current_version_token"] == edited["version_token"])
                #expect(detail["modified_by"]?["username"] == "bob")
            }
            try await client.execute(uri: "/api/v1/flows/\(id)", method: .patch, headers: bob + .json + [.ifMatch: "nonsense"], body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.json() == ["detail": "Invalid If-Match header: expected a version token"])
            }

            try await client.execute(uri: "/api/v1/flows/\(id)", method: .delete, headers: bob) { response in
                #expect(response.body.json() == ["message": "Flow deleted successfully"])
            }
            try await client.execute(uri: "/api/v1/flows/\(id)", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": "Flow not found"])
            }
        }
    }

    @Test func renamesDuplicateNamesAndRefusesBadInput() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            #expect(try await create(client, ["name": "Echo", "endpoint_name": "echo"], headers: bob)["name"] == "Echo")
            #expect(try await create(client, ["name": "Echo"], headers: bob)["name"] == "Echo (1)")
            #expect(try await create(client, ["name": "Echo"], headers: bob)["name"] == "Echo (2)")

            for (body, status) in [
                (#"{"description":"no name"}"#, HTTPResponse.Status.unprocessableContent),
                (#"{"name":"Other","endpoint_name":"echo"}"#, .badRequest),
                (#"{"name":"Other","endpoint_name":"not valid!"}"#, .unprocessableContent),
                (#"{"name":"Other","locked":"yes"}"#, .unprocessableContent),
                ("not json", .unprocessableContent),
            ] {
                try await client.execute(uri: "/api/v1/flows/", method: .post, headers: bob + .json, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == status, "\(body)")
                    #expect(response.body.json()["detail"] != nil)
                }
            }
            try await client.execute(uri: "/api/v1/flows/not-a-uuid", method: .get, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.body.json()["detail"]?.arrayValue?.first?["type"] == "uuid_parsing")
            }
        }
    }

    @Test func listsOnlyTheUsersFlowsWithPaginationAndHeaders() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let admin = HTTPFields.bearer(try await server.accessToken(for: "langflow"))
        try await server.storage.createFlow(FlowRecord(name: "Example", data: #"{"nodes":[],"edges":[]}"#, userID: nil))
        try await server.app().test(.router) { client in
            var ids: [String] = []
            for index in 1...3 {
                ids.append(try #require(try await create(client, ["name": .string("Flow \(index)"), "data": FlowDocuments.shout], headers: bob)["id"]?.stringValue))
            }
            let adminFlow = try #require(try await create(client, ["name": "Admin's"], headers: admin)["id"]?.stringValue)

            try await client.execute(uri: "/api/v1/flows/", method: .get, headers: bob) { response in
                let flows = try #require(response.body.json().arrayValue)
                #expect(flows.count == 4)  // three own flows and the example
            }
            try await client.execute(uri: "/api/v1/flows/?remove_example_flows=true&get_all=false&page=2&size=2", method: .get, headers: bob) { response in
                let page = response.body.json()
                #expect(page["total"] == 3)
                #expect(page["page"] == 2)
                #expect(page["size"] == 2)
                #expect(page["pages"] == 2)
                #expect(page["items"]?.arrayValue?.count == 1)
            }
            try await client.execute(uri: "/api/v1/flows/?header_flows=true&remove_example_flows=true", method: .get, headers: bob) { response in
                let headers = try #require(response.body.json().arrayValue)
                #expect(headers.count == 3)
                #expect(headers.allSatisfy { $0["data"] == .null && $0["version_token"] == nil })
            }
            // Another user's flow is not found; the superuser reaches every flow.
            try await client.execute(uri: "/api/v1/flows/\(adminFlow)", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/flows/\(adminFlow)", method: .delete, headers: bob) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/flows/\(ids[0])", method: .get, headers: admin) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/flows/", method: .get) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func keepsFlowsAndKeysAcrossARestartOnSQLite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lb-server-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/langbuilder.db"

        let first = try SQLiteStorageDriver(path: path)
        let server = try await TestServer(storage: first)
        let admin = HTTPFields.bearer(try await server.accessToken(for: "langflow"))
        let (flowID, key) = try await server.app().test(.router) { client in
            let flow = try await create(client, ["name": "Kept", "data": FlowDocuments.shout, "endpoint_name": "kept"], headers: admin)
            let key = try await client.execute(uri: "/api/v1/api_key/", method: .post, headers: admin + .json, body: ByteBuffer(string: #"{"name":"k"}"#)) { response in
                response.body.json()["api_key"]?.stringValue
            }
            return (try #require(flow["id"]?.stringValue), try #require(key))
        }
        try await first.close()

        let second = try SQLiteStorageDriver(path: path)
        let restarted = try await TestServer(storage: second)
        try await restarted.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/flows/\(flowID)", method: .get, headers: .apiKey(key)) { response in
                #expect(response.status == .ok)
                #expect(response.body.json()["name"] == "Kept")
            }
            try await client.execute(
                uri: "/api/v1/run/kept", method: .post, headers: .apiKey(key) + .json, body: ByteBuffer(string: #"{"input_value":"still here"}"#)
            ) { response in
                #expect(response.body.json()["outputs"]?[0]?["outputs"]?[0]?["results"]?["message"]?["text"] == "STILL HERE")
            }
        }
        try await second.close()
    }
}

/// `PUT` upsert, batch delete and version state.
@Suite struct FlowUpsertTests {
    @Test func upsertsDeletesInBatchesAndReportsVersionState() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let admin = HTTPFields.bearer(try await server.accessToken(for: "langflow"))
        let id = UUID().uuidString.lowercased()
        try await server.app().test(.router) { client in
            let created = try await client.execute(uri: "/api/v1/flows/\(id)", method: .put, headers: bob + .json, body: ByteBuffer(string: #"{"name":"Up"}"#)) { response in
                #expect(response.status == .created)
                return response.body.json()
            }
            #expect(created["id"]?.stringValue == id)
            try await client.execute(uri: "/api/v1/flows/\(id)", method: .put, headers: bob + .json, body: ByteBuffer(string: #"{"name":"Up","description":"again"}"#)) { response in
                #expect(response.status == .ok)
                #expect(response.body.json()["description"] == "again")
            }
            try await client.execute(uri: "/api/v1/flows/\(id)", method: .put, headers: bob + .json, body: ByteBuffer(string: #"{"description":"nameless"}"#)) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/flows/\(id)/version-state", method: .get, headers: bob) { response in
                let state = response.body.json()
                #expect(state["version_token"] == created["version_token"])
                #expect(state["last_modified_by_username"] == "bob")
            }
            let adminFlow = try await client.execute(uri: "/api/v1/flows/", method: .post, headers: admin + .json, body: ByteBuffer(string: #"{"name":"A"}"#)) { response in
                response.body.json()["id"]?.stringValue ?? ""
            }
            // Only the caller's own flows are deleted.
            try await client.execute(uri: "/api/v1/flows/", method: .delete, headers: bob + .json, body: ByteBuffer(string: #"["\#(id)","\#(adminFlow)"]"#)) { response in
                #expect(response.status == .ok)
                #expect(response.body.json() == ["deleted": 1])
            }
            try await client.execute(uri: "/api/v1/flows/\(adminFlow)", method: .get, headers: admin) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/flows/", method: .delete, headers: bob + .json, body: ByteBuffer(string: #"["nope"]"#)) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }
}
