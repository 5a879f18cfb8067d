import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderAuth
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderStorageSQLite
import Testing

/// Sign-in, tokens, API keys and the superuser bootstrap, over HTTP (issue 4, "Auth").
@Suite struct AuthTests {
    private func login(_ client: some TestClientProtocol, _ username: String, _ password: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/login", method: .post, headers: .form,
            body: ByteBuffer(string: "username=\(username)&password=\(password)"))
    }

    @Test func logsInWithAFormAndAnswersTokensAndCookies() async throws {
        let server = try await TestServer()
        try await server.app().test(.router) { client in
            let response = try await login(client, "langflow", "secret-password")
            #expect(response.status == .ok)
            let body = response.body.json()
            #expect(body["token_type"] == "bearer")
            let access = try #require(body["access_token"]?.stringValue)
            #expect(body["refresh_token"]?.stringValue?.isEmpty == false)
            let cookies = response.headers[values: .setCookie]
            #expect(cookies.contains { $0.hasPrefix("access_token_lf=\(access)") && $0.contains("HttpOnly") && $0.contains("SameSite=Lax") })
            #expect(cookies.contains { $0.hasPrefix("refresh_token_lf=") && $0.contains("HttpOnly") })

            try await client.execute(uri: "/api/v1/users/whoami", method: .get, headers: .bearer(access)) { response in
                #expect(response.status == .ok)
                let user = response.body.json()
                #expect(user["username"] == "langflow")
                #expect(user["is_superuser"] == true)
                #expect(user["last_login_at"] != .null)
            }
            // The cookie alone authenticates too, as the Langflow UI sends it.
            try await client.execute(uri: "/api/v1/users/whoami", method: .get, headers: [.cookie: "access_token_lf=\(access)"]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func refusesWrongPasswordsUnknownUsersInactiveUsersAndJSONBodies() async throws {
        let server = try await TestServer()
        try await server.storage.createUser(UserRecord(username: "carol", passwordHash: server.auth.passwords.hash("pw"), isActive: false))
        try await server.app().test(.router) { client in
            for (user, password) in [("langflow", "wrong"), ("nobody", "secret-password")] {
                let response = try await login(client, user, password)
                #expect(response.status == .unauthorized)
                #expect(response.body.json() == ["detail": "Incorrect username or password"])
            }
            let inactive = try await login(client, "carol", "pw")
            #expect(inactive.status == .badRequest)
            #expect(inactive.body.json() == ["detail": "Waiting for approval"])
            try await client.execute(
                uri: "/api/v1/login", method: .post, headers: .json,
                body: ByteBuffer(string: #"{"username":"langflow","password":"secret-password"}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.body.json()["detail"]?.arrayValue?.count == 2)
            }
        }
    }

    @Test func autoLoginHandsOutSuperuserTokensOnlyWhenOn() async throws {
        try await TestServer(autoLogin: true).app().test(.router) { client in
            let access = try await client.execute(uri: "/api/v1/auto_login", method: .get) { response in
                #expect(response.status == .ok)
                return try #require(response.body.json()["access_token"]?.stringValue)
            }
            try await client.execute(uri: "/api/v1/users/whoami", method: .get, headers: .bearer(access)) { response in
                #expect(response.body.json()["username"] == "langflow")
            }
        }
        try await TestServer(autoLogin: false).app().test(.router) { client in
            try await client.execute(uri: "/api/v1/auto_login", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(response.body.json() == ["detail": ["message": "Auto login is disabled.", "auto_login": false]])
            }
        }
    }

    @Test func refreshesWithTheRefreshCookieAndLogsOut() async throws {
        let server = try await TestServer()
        try await server.app().test(.router) { client in
            let tokens = try await login(client, "bob", "bob-password").body.json()
            let refresh = try #require(tokens["refresh_token"]?.stringValue)
            let access = try #require(tokens["access_token"]?.stringValue)
            try await client.execute(uri: "/api/v1/refresh", method: .post, headers: [.cookie: "refresh_token_lf=\(refresh)"]) { response in
                #expect(response.status == .ok)
                #expect(response.body.json()["access_token"]?.stringValue?.isEmpty == false)
            }
            // An access token is not a refresh token.
            try await client.execute(uri: "/api/v1/refresh", method: .post, headers: [.cookie: "refresh_token_lf=\(access)"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/logout", method: .post) { response in
                #expect(response.status == .ok)
                #expect(response.body.json() == ["message": "Logout successful"])
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("access_token_lf=;") && $0.contains("Max-Age=0") })
            }
        }
    }

    @Test func answers403WithoutCredentialsAnd401ForABadToken() async throws {
        let server = try await TestServer()
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/users/whoami", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(response.body.json() == ["detail": "No authentication credentials provided"])
            }
            try await client.execute(uri: "/api/v1/users/whoami", method: .get, headers: .bearer("not.a.jwt")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.body.json() == ["detail": "Could not validate credentials"])
            }
            try await client.execute(uri: "/api/v1/users/whoami", method: .get, headers: .apiKey("sk-nonsense")) { response in
                #expect(response.status == .forbidden)
                #expect(response.body.json() == ["detail": "Invalid or missing API key"])
            }
        }
    }

    @Test func createsListsUsesAndDeletesAPIKeys() async throws {
        let server = try await TestServer()
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let admin = HTTPFields.bearer(try await server.accessToken(for: "langflow"))
        try await server.app().test(.router) { client in
            let created = try await client.execute(uri: "/api/v1/api_key/", method: .post, headers: bob + .json, body: ByteBuffer(string: #"{"name":"bench"}"#)) { response in
                #expect(response.status == .ok)
                return response.body.json()
            }
            let key = try #require(created["api_key"]?.stringValue)
            let id = try #require(created["id"]?.stringValue)
            #expect(key.hasPrefix("sk-") && key.count == 46)
            #expect(created["name"] == "bench")

            // Header and query both authenticate, and each use is counted.
            try await client.execute(uri: "/api/v1/users/whoami", method: .get, headers: .apiKey(key)) { response in
                #expect(response.body.json()["username"] == "bob")
            }
            try await client.execute(uri: "/api/v1/users/whoami?x-api-key=\(key)", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/api_key/", method: .get, headers: bob) { response in
                let body = response.body.json()
                #expect(body["total_count"] == 1)
                let listed = try #require(body["api_keys"]?.arrayValue?.first)
                #expect(listed["api_key"]?.stringValue?.hasSuffix("***") == true)
                #expect(listed["api_key"]?.stringValue != key)
                #expect(listed["total_uses"] == 2)
            }
            // Another user's key is not found; the owner deletes it.
            try await client.execute(uri: "/api/v1/api_key/\(UUID())", method: .delete, headers: bob) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/api_key/", method: .get, headers: admin) { response in
                #expect(response.body.json()["total_count"] == 0)
            }
            try await client.execute(uri: "/api/v1/api_key/\(id)", method: .delete, headers: bob) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/users/whoami", method: .get, headers: .apiKey(key)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/api_key/not-a-uuid", method: .delete, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func bootstrapsTheSuperuserOnceAndGeneratesAPasswordWhenNoneIsConfigured() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lb-auth-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await TestServer()
        let hasher = server.auth.passwords

        let first = try SQLiteStorageDriver(path: directory + "/langbuilder.db")
        let outcome = try await SuperuserBootstrap.run(storage: first, name: "admin", password: nil, hasher: hasher)
        guard case .createdWithGeneratedPassword(let password) = outcome else {
            Issue.record("expected a generated password, got \(outcome)")
            return
        }
        #expect(password.count >= 20)
        try await first.close()

        let second = try SQLiteStorageDriver(path: directory + "/langbuilder.db")
        #expect(try await SuperuserBootstrap.run(storage: second, name: "admin", password: "other", hasher: hasher) == .existing)
        let admin = try #require(try await second.user(username: "admin"))
        #expect(admin.isSuperuser && admin.isActive)
        #expect(try hasher.verify(password, against: admin.passwordHash))
        try await second.close()
    }
}
