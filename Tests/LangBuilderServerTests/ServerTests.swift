import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderTesting
import Testing

/// The server's probes, registry and error shapes, over HTTP against the real router.
@Suite struct ServerTests {
    private func app(maxBodySize: Int = 1024) async throws -> some ApplicationProtocol {
        var server = try await TestServer()
        server.settings = ServerSettings(maxBodySize: maxBodySize, version: "9.9.9")
        return server.app()
    }

    private func json(_ buffer: ByteBuffer) throws -> JSONValue {
        try JSONValue(parsing: String(buffer: buffer))
    }

    @Test func answersHealthVersionAndConfig() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body == ["status": "ok"])
                #expect(response.headers[HTTPField.Name("x-request-id")!]?.isEmpty == false)
            }
            try await client.execute(uri: "/health_check", method: .get) { response in
                let body = try json(response.body)
                #expect(body["db"] == "ok")
            }
            try await client.execute(uri: "/api/v1/version", method: .get) { response in
                let body = try json(response.body)
                #expect(body == ["version": "9.9.9", "main_version": "9.9.9", "package": "LangBuilder"])
            }
            try await client.execute(uri: "/api/v1/config", method: .get) { response in
                let body = try json(response.body)
                #expect(body["event_delivery"] == "streaming")
            }
        }
    }

    @Test func servesTheRegistryInLangflowsShapeWithAnEntityTag() async throws {
        let server = try await TestServer()
        let auth = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/all", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(response.body.json() == ["detail": "No authentication credentials provided"])
            }
            let etag = try await client.execute(uri: "/api/v1/all", method: .get, headers: auth) { response -> String in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let catalog = try json(response.body)
                #expect(catalog["input_output"]?["ChatInput"]?["display_name"] == "ChatInput")
                #expect(catalog["flow_controls"]?["Loop"]?["outputs"]?.arrayValue?.first?["allows_loop"] == true)
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/api/v1/all", method: .get, headers: auth + [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/v1/all", method: .get, headers: auth + [.ifNoneMatch: "\"stale\""]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func answersErrorsAsJSONDetail() async throws {
        try await app(maxBodySize: 16).test(.router) { client in
            try await client.execute(uri: "/api/v1/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try json(response.body)
                #expect(body == ["detail": "Not Found"])
            }
            try await client.execute(uri: "/health", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 64))) { response in
                #expect(response.status == .contentTooLarge)
                let body = try json(response.body)
                #expect(body == ["detail": "Request body of 64 bytes is larger than the limit of 16 bytes"])
            }
        }
    }
}
