import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

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

    /// A chunked body has no Content-Length to check up front: it is refused once it goes past the limit.
    @Test func refusesAChunkedBodyOverTheLimit() async throws {
        try await app(maxBodySize: 16).test(.live) { client in
            let port = try #require(client.port)
            let chunk = String(repeating: "x", count: 10)
            let request = "POST /api/v1/login HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
                + String(repeating: "a\r\n\(chunk)\r\n", count: 4) + "0\r\n\r\n"
            let answer = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(with: Result { try Self.exchange(port: port, request) }) }
            }
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer)")
            #expect(answer.contains(#"{"detail":"Request body is larger than the limit of 16 bytes"}"#), "\(answer)")
        }
    }

    /// Sends `request` over a socket and reads the answer until the connection closes or a JSON body ends.
    static func exchange(port: Int, _ request: String) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CancellationError() }
        let bytes = Array(request.utf8)
        _ = send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL))
        var received = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.hasSuffix("}") {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += String(decoding: buffer[..<count], as: UTF8.self)
        }
        return received
    }
}
