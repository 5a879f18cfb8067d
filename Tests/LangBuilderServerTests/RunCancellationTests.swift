import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A client that goes away cancels its streamed run (issue 4, "run": streaming).
@Suite struct RunCancellationTests {
    /// Sends `request` over a plain socket, reads until `marker` arrives, then closes the connection.
    private static func disconnect(port: Int, request: String, after marker: String) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect failed") }
        let bytes = Array(request.utf8)
        guard send(descriptor, bytes, bytes.count, 0) == bytes.count else { throw TestFailure("send failed") }
        var received = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(marker) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += String(decoding: buffer[..<count], as: UTF8.self)
        }
        return received
    }

    @Test func cancelsAStreamedRunWhenTheClientDisconnects() async throws {
        let server = try await TestServer()
        let bob = try #require(try await server.storage.user(username: "bob"))
        try await server.storage.createFlow(FlowRecord(name: "Sleepy", data: FlowDocuments.sleepy.serialized(), endpointName: "sleepy", userID: bob.id))
        let token = try await server.accessToken(for: "bob")
        try await server.app().test(.live) { client in
            let port = try #require(client.port)
            let body = #"{"input_value":"zzz"}"#
            let request = "POST /api/v1/run/sleepy?stream=true HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            // The socket blocks: keep it off Swift's cooperative pool, which the server shares in this process.
            let received = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(with: Result { try Self.disconnect(port: port, request: request, after: "vertices_sorted") })
                }
            }
            #expect(received.contains("text/event-stream"))
            let disconnected = Date()
            var active = 1
            while active > 0, Date().timeIntervalSince(disconnected) < 15 {
                try await Task.sleep(for: .milliseconds(50))
                active = try await client.execute(uri: "/api/v1/monitor/job_queue", method: .get, headers: .bearer(token)) { response in
                    Int(response.body.json()["active_jobs"]?.numberValue ?? -1)
                }
            }
            #expect(active == 0, "the run should stop well before its 60 s sleep ends")
        }
    }
}

private struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
