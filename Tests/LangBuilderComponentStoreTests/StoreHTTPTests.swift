import Foundation
import LangBuilderComponentStore
import LangBuilderCore
import LangBuilderHTTPClient
import LangBuilderTesting
import Synchronization
import Testing

/// The HTTP side of the client against a loopback server whose behaviour each test chooses: conditional index
/// requests, servers that ignore `Range`, and servers that send more than the index says.
@Suite struct StoreHTTPTests {
    /// Serves the fixture's store folder; `mode` picks how it misbehaves. Records each request's Range and
    /// If-None-Match headers.
    final class StoreHTTPServer: Sendable {
        enum Mode: Sendable { case honest, ignoresRange, sendsExtraBytes }
        let server: LoopbackHTTPServer
        typealias Entry = (path: String, range: String?, ifNoneMatch: String?, status: Int)
        final class Log: Sendable {
            let entries = Mutex<[Entry]>([])
            func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
            func withLock<T>(_ body: ([Entry]) -> T) -> T { entries.withLock { body($0) } }
        }
        let log = Log()

        init(folder: URL, mode: Mode) throws {
            let log = self.log
            server = try LoopbackHTTPServer { request, responder in
                guard let data = FileManager.default.contents(atPath: folder.path + request.path) else {
                    log.append((request.path, request.header("Range"), request.header("If-None-Match"), 404))
                    responder.respond(status: 404, text: "not found")
                    return
                }
                let etag = "\"" + BundleManifest.sha256(of: data) + "\""
                var status = 200
                var body = [UInt8](data)
                if request.header("If-None-Match") == etag {
                    status = 304
                    body = []
                } else if mode == .sendsExtraBytes, request.path.hasSuffix(".zip") {
                    body += [UInt8](repeating: 7, count: 4096)
                } else if mode == .honest, let range = request.header("Range"), range.hasPrefix("bytes="), range.hasSuffix("-"),
                    let start = Int(range.dropFirst(6).dropLast()), start < body.count
                {
                    status = 206
                    body = Array(body[start...])
                }
                log.append((request.path, request.header("Range"), request.header("If-None-Match"), status))
                responder.respond(status: status, headers: [("ETag", etag)], body: body)
            }
        }

        var url: String { server.url("") }
    }

    func setup(_ label: String, mode: StoreHTTPServer.Mode, padding: Int = 0) throws -> (StoreFixture, StoreHTTPServer, StoreClient) {
        let fixture = try StoreFixture(label)
        try fixture.publisher.publish([try fixture.package("http", version: "1.0.0", padding: padding)])
        let server = try StoreHTTPServer(folder: fixture.store, mode: mode)
        let client = try fixture.client(url: server.url, http: try CurlHTTPClient())
        return (fixture, server, client)
    }

    @Test func theIndexIsFetchedConditionally() throws {
        let (_, server, client) = try setup("http-etag", mode: .honest)
        defer { server.server.stop() }
        let first = try client.refreshIndex()
        #expect(first.changed)
        let second = try client.refreshIndex()
        #expect(!second.changed)
        #expect(second.index == first.index)
        let statuses = server.log.withLock { $0.filter { $0.path == "/index.json" }.map(\.status) }
        #expect(statuses == [200, 304])
    }

    @Test func aDownloadResumesWithRange() throws {
        let (fixture, server, client) = try setup("http-range", mode: .honest, padding: 200_000)
        defer { server.server.stop() }
        let index = try client.refreshIndex().index
        let plan = try client.plan(.init(name: "http"), index: index)
        let artifact = try Data(contentsOf: fixture.store.appendingPathComponent(plan[0].artifact.path))
        let downloads = fixture.bundles.appendingPathComponent("store/.downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        try artifact.prefix(1000).write(to: downloads.appendingPathComponent(plan[0].artifact.sha256 + ".part"))
        try client.install(plan, index: index)
        #expect(fixture.installed.installed("test.store.http")?.current == "1.0.0")
        let ranges = server.log.withLock { $0.filter { $0.path.hasSuffix(".zip") }.map { "\($0.range ?? "-") \($0.status)" } }
        #expect(ranges == ["bytes=1000- 206"])
    }

    @Test func aServerThatIgnoresRangeMakesTheDownloadStartOver() throws {
        let (fixture, server, client) = try setup("http-norange", mode: .ignoresRange)
        defer { server.server.stop() }
        let index = try client.refreshIndex().index
        let plan = try client.plan(.init(name: "http"), index: index)
        let artifact = try Data(contentsOf: fixture.store.appendingPathComponent(plan[0].artifact.path))
        let downloads = fixture.bundles.appendingPathComponent("store/.downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        try artifact.prefix(100).write(to: downloads.appendingPathComponent(plan[0].artifact.sha256 + ".part"))
        try client.install(plan, index: index)
        #expect(fixture.installed.installed("test.store.http")?.current == "1.0.0")
        let requests = server.log.withLock { $0.filter { $0.path.hasSuffix(".zip") }.map { $0.range ?? "-" } }
        #expect(requests == ["bytes=100-", "-"])
    }

    @Test func aServerSendingMoreThanTheIndexSaysIsCutOff() throws {
        let (fixture, server, client) = try setup("http-extra", mode: .sendsExtraBytes)
        defer { server.server.stop() }
        let index = try client.refreshIndex().index
        let error = storeError { try client.install(try client.plan(.init(name: "http"), index: index), index: index) }
        #expect(error?.reason == .artifactTooLarge)
        #expect(fixture.installed.list().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.bundles.appendingPathComponent("store/.downloads").path).isEmpty)
    }

    @Test func anUnreachableStoreIsATransportError() throws {
        let fixture = try StoreFixture("http-down")
        let client = try fixture.client(url: "http://127.0.0.1:1", http: try CurlHTTPClient())
        #expect(storeError { _ = try client.refreshIndex() }?.reason == .transport)
    }
}
