import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderAuth
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing

/// The auth matrix (issue 4, "Auth"): anonymous / the owner (bob) / another user (alice) / the superuser, against
/// every owned resource. Anonymous → 403; another user → 404 (the resource's existence is not revealed) and it is
/// missing from their lists; the owner and the superuser → success.
@Suite struct AuthMatrixTests {
    enum Caller: String, CaseIterable, CustomStringConvertible {
        case anonymous, owner, other, superuser
        var description: String { rawValue }
    }

    /// One way to reach a resource.
    struct Access {
        var method: HTTPRequest.Method
        var uri: String
        var body: JSONValue?
        /// Whether the call changes the resource (tried by the owner and the superuser on fresh copies).
        var writes = false
    }

    /// An owned resource kind: how bob creates one, how it is read, changed and deleted, and where it is listed.
    struct Resource: CustomStringConvertible {
        var name: String
        /// Creates one as bob; answers its id.
        var create: @Sendable (any TestClientProtocol, HTTPFields) async throws -> String
        var accesses: @Sendable (String) -> [Access]
        /// The list that shows the caller's resources, and how to find the id in it.
        var list: String?
        var listed: @Sendable (JSONValue, String) -> Bool = { body, id in body.serialized().contains(id) }
        /// What another user gets: 404 for owned resources; users answer 403 "Permission denied" as Langflow.
        var otherStatus: HTTPResponse.Status = .notFound
        var description: String { name }
    }

    static func created(_ response: TestResponse) throws -> String {
        guard [.ok, .created].contains(response.status), let id = response.body.json()["id"]?.stringValue else {
            throw MatrixFailure("create failed: \(response.status) \(String(buffer: response.body))")
        }
        return id
    }

    static let resources: [Resource] = [
        Resource(
            name: "flow",
            create: { client, auth in
                try created(try await client.execute(
                    uri: "/api/v1/flows/", method: .post, headers: auth + .json,
                    body: ByteBuffer(string: #"{"name":"Bob's flow","endpoint_name":"bobs-flow-\#(UUID().uuidString.prefix(8).lowercased())","data":\#(FlowDocuments.shout.serialized())}"#)))
            },
            accesses: { id in
                [
                    Access(method: .get, uri: "/api/v1/flows/\(id)"),
                    Access(method: .get, uri: "/api/v1/flows/\(id)/version-state"),
                    Access(method: .patch, uri: "/api/v1/flows/\(id)", body: ["description": "changed"], writes: true),
                    Access(method: .post, uri: "/api/v1/run/\(id)", body: ["input_value": "hi"]),
                    Access(method: .delete, uri: "/api/v1/flows/\(id)", writes: true),
                ]
            },
            list: "/api/v1/flows/?remove_example_flows=true"
        ),
        Resource(
            name: "variable",
            create: { client, auth in
                try created(try await client.execute(
                    uri: "/api/v1/variables/", method: .post, headers: auth + .json,
                    body: ByteBuffer(string: #"{"name":"BOB_SECRET_\#(UUID().uuidString.prefix(8))","value":"s3cret","type":"Credential"}"#)))
            },
            accesses: { id in
                [
                    Access(method: .patch, uri: "/api/v1/variables/\(id)", body: ["id": .string(id), "value": "new"], writes: true),
                    Access(method: .delete, uri: "/api/v1/variables/\(id)", writes: true),
                ]
            },
            list: "/api/v1/variables/"
        ),
        Resource(
            name: "api key",
            create: { client, auth in
                try created(try await client.execute(
                    uri: "/api/v1/api_key/", method: .post, headers: auth + .json, body: ByteBuffer(string: #"{"name":"bob's key"}"#)))
            },
            accesses: { id in [Access(method: .delete, uri: "/api/v1/api_key/\(id)", writes: true)] },
            list: "/api/v1/api_key/"
        ),
        Resource(
            name: "user",
            create: { client, auth in
                try #require(try await client.execute(uri: "/api/v1/users/whoami", method: .get, headers: auth).body.json()["id"]?.stringValue)
            },
            accesses: { id in [Access(method: .patch, uri: "/api/v1/users/\(id)", body: ["profile_image": "x.png"], writes: true)] },
            list: nil,
            otherStatus: .forbidden
        ),
    ]

    @Test(arguments: resources)
    func everyCallerGetsWhatTheyMaySee(resource: Resource) async throws {
        let server = try await TestServer()
        if try await server.storage.user(username: "alice") == nil {
            try await server.storage.createUser(UserRecord(username: "alice", passwordHash: server.auth.passwords.hash("alice-password"), isActive: true))
        }
        let headers: [Caller: HTTPFields] = [
            .anonymous: [:],
            .owner: .bearer(try await server.accessToken(for: "bob")),
            .other: .bearer(try await server.accessToken(for: "alice")),
            .superuser: .bearer(try await server.accessToken(for: TestServer.superuser)),
        ]
        // The fixture answers anonymous callers as the superuser only through auto_login, never implicitly.
        try await server.app().test(.router) { client in
            for caller in Caller.allCases {
                // A fresh resource per caller, so a write by one caller does not hide the resource from the next.
                let id = try await resource.create(client, headers[.owner]!)
                for access in resource.accesses(id) {
                    let response = try await client.execute(
                        uri: access.uri, method: access.method, headers: headers[caller]! + .json,
                        body: access.body.map { ByteBuffer(string: $0.serialized()) })
                    let where_ = "\(caller) \(access.method) \(access.uri) → \(response.status) \(String(buffer: response.body))"
                    #expect(response.body.json()["detail"] != nil || response.status.code < 400, "errors carry a JSON detail: \(where_)")
                    switch caller {
                    case .anonymous: #expect(response.status == .forbidden, "\(where_)")
                    case .other: #expect(response.status == resource.otherStatus, "\(where_)")
                    case .owner, .superuser: #expect(response.status.code < 300, "\(where_)")
                    }
                }
                if let list = resource.list, caller != .anonymous {
                    let fresh = try await resource.create(client, headers[.owner]!)
                    let response = try await client.execute(uri: list, method: .get, headers: headers[caller]!)
                    #expect(response.status == .ok)
                    let visible = resource.listed(response.body.json(), fresh)
                    #expect(visible == (caller == .owner), "\(caller) lists \(resource.name) \(fresh): \(visible)")
                }
            }
        }
    }

    @Test func anonymousCallersGet403FromEveryAuthenticatedRoute() async throws {
        let server = try await TestServer(autoLogin: false)
        let router = buildRouter(settings: server.settings, storage: server.storage, registry: server.registry, auth: server.auth)
        let open: Set<String> = [
            "/health", "/health_check", "/api/v1/version", "/api/v1/config", "/openapi.json", "/docs",
            "/api/v1/login", "/api/v1/auto_login", "/api/v1/refresh", "/api/v1/logout",
        ]
        let routes = router.routes.filter { !open.contains($0.path.description) }
            .filter { !($0.method == .post && $0.path.description == "/api/v1/users") }  // public sign-up
            .filter { !$0.path.description.hasPrefix("/api/v1/folders") }  // 307 to /api/v1/projects
            .map { (method: $0.method, path: $0.path.description) }
        #expect(routes.count > 20)
        try await server.app().test(.router) { client in
            for route in routes {
                let uri = route.path.split(separator: "/").map { $0.hasPrefix("{") ? UUID().uuidString.lowercased() : String($0) }.joined(separator: "/")
                let response = try await client.execute(uri: "/" + uri, method: route.method, headers: .json, body: ByteBuffer(string: "{}"))
                #expect(response.status == .forbidden, "\(route.method) \(uri) → \(response.status)")
                #expect(response.body.json()["detail"] != nil)
            }
        }
    }
}

private struct MatrixFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
