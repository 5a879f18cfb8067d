import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing

/// `/api/v1/users/`: sign-up, activation by the superuser, and who may do what (issue 4, "users CRUD").
@Suite struct UserTests {
    @Test func signsUpInactiveUntilTheSuperuserActivates() async throws {
        let server = try await TestServer()
        let admin = HTTPFields.bearer(try await server.accessToken(for: "langflow"))
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            let dave = try await client.execute(uri: "/api/v1/users/", method: .post, headers: .json, body: ByteBuffer(string: #"{"username":"dave","password":"pw-dave"}"#)) { response in
                #expect(response.status == .created)
                return response.body.json()
            }
            #expect(dave["is_active"] == false)
            let id = try #require(dave["id"]?.stringValue)
            try await client.execute(uri: "/api/v1/users/", method: .post, headers: .json, body: ByteBuffer(string: #"{"username":"dave","password":"x"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.json() == ["detail": "This username is unavailable."])
            }
            try await client.execute(uri: "/api/v1/login", method: .post, headers: .form, body: ByteBuffer(string: "username=dave&password=pw-dave")) { response in
                #expect(response.status == .badRequest)
            }
            // Only the superuser lists users and changes flags.
            try await client.execute(uri: "/api/v1/users/", method: .get, headers: bob) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/users/?skip=0&limit=10", method: .get, headers: admin) { response in
                #expect(response.body.json()["total_count"] == 3)
            }
            try await client.execute(uri: "/api/v1/users/\(id)", method: .patch, headers: bob + .json, body: ByteBuffer(string: #"{"is_active":true}"#)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/users/\(id)", method: .patch, headers: admin + .json, body: ByteBuffer(string: #"{"is_active":true}"#)) { response in
                #expect(response.body.json()["is_active"] == true)
            }
            let token = try await client.execute(uri: "/api/v1/login", method: .post, headers: .form, body: ByteBuffer(string: "username=dave&password=pw-dave")) { response in
                #expect(response.status == .ok)
                return response.body.json()["access_token"]?.stringValue ?? ""
            }
            try await client.execute(uri: "/api/v1/users/\(id)", method: .patch, headers: .bearer(token) + .json, body: ByteBuffer(string: #"{"is_superuser":true}"#)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/users/\(id)", method: .patch, headers: .bearer(token) + .json, body: ByteBuffer(string: #"{"profile_image":"me.png"}"#)) { response in
                #expect(response.body.json()["profile_image"] == "me.png")
            }
            let adminID = try await server.storage.user(username: "langflow")?.id.uuidString ?? ""
            try await client.execute(uri: "/api/v1/users/\(adminID)", method: .delete, headers: admin) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/users/\(id)", method: .delete, headers: admin) { response in
                #expect(response.body.json() == ["detail": "User deleted"])
            }
            try await client.execute(uri: "/api/v1/users/whoami", method: .get, headers: .bearer(token)) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
