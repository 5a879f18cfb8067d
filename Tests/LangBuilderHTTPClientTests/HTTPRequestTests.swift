import Foundation
import InMemoryLogging
import LangBuilderCore
import LangBuilderHTTPClient
import LangBuilderTesting
import Logging
import Synchronization
import Testing

/// `lb_host_api.http_request` through the front door: a real C bundle (`Fetch`, `Stream`) in a flow run by the
/// engine, the real `CurlHTTPClient`, and a real server on loopback.
@Suite struct HTTPRequestTests {
    typealias Fixture = HostServicesFixture

    @Test func getsWithHeadersAndAnswersStatusHeadersAndBody() async throws {
        let server = try Fixture.server()
        defer { server.stop() }
        let client = try CurlHTTPClient()
        let plan = try Fixture.plan("Fetch", ["url": .string(server.url("/echo?x=1")), "headers": "X-Token: abc\nAccept: text/plain"])
        let (status, headers, body) = try Fixture.response(await Fixture.run(plan, Fixture.options(http: client)).result)
        #expect(status == 200)
        #expect(headers.contains { $0.0 == "X-Server" && $0.1 == "loopback" }, "\(headers)")
        #expect(headers.contains { $0.0.lowercased() == "content-length" })
        #expect(body.hasPrefix("GET /echo?x=1\n"), "\(body)")
        #expect(body.contains("x-token: abc\n"))
        #expect(body.contains("accept: text/plain\n"))
        #expect(body.contains("user-agent: LangBuilder\n"))
    }

    @Test(arguments: ["POST", "PUT", "PATCH"])
    func sendsABodyWithTheMethod(method: String) async throws {
        let server = try Fixture.server()
        defer { server.stop() }
        let plan = try Fixture.plan(
            "Fetch", ["url": .string(server.url("/echo")), "method": .string(method), "body": #"{"a": "é"}"#, "headers": "Content-Type: application/json"])
        let (status, _, body) = try Fixture.response(await Fixture.run(plan, Fixture.options(http: try CurlHTTPClient())).result)
        #expect(status == 200)
        #expect(body.hasPrefix("\(method) /echo\n"), "\(body)")
        #expect(body.contains("content-type: application/json\n"))
        #expect(body.contains("content-length: \(#"{"a": "é"}"#.utf8.count)\n"))
        #expect(body.hasSuffix("\n\n{\"a\": \"é\"}"))
        #expect(!body.contains("expect:"), "no 100-continue dance")
    }

    @Test func followsRedirectsUpToTheLimitAndRefusesBeyond() async throws {
        let server = try Fixture.server()
        defer { server.stop() }
        let client = try CurlHTTPClient()
        let followed = try Fixture.plan("Fetch", ["url": .string(server.url("/redirect/3")), "max_redirects": 5])
        let (status, _, body) = try Fixture.response(await Fixture.run(followed, Fixture.options(http: client)).result)
        #expect(status == 200)
        #expect(body == "done")

        // max_redirects 0: the redirect is the answer.
        let refused = try Fixture.plan("Fetch", ["url": .string(server.url("/redirect/3"))])
        let first = try Fixture.response(await Fixture.run(refused, Fixture.options(http: client)).result)
        #expect(first.status == 302)
        #expect(first.headers.contains { $0.0 == "Location" && $0.1 == "/redirect/2" })
        #expect(first.body == "moving")

        let tooMany = try Fixture.plan("Fetch", ["url": .string(server.url("/redirect/3")), "max_redirects": 2])
        let message = Fixture.failure(await Fixture.run(tooMany, Fixture.options(http: client)).result)
        #expect(message == "Error running Fetch-1 (Fetch): http_request: GET \(server.url("/redirect/3")) was redirected more than 2 times")
    }

    @Test func failsARequestThatOutlivesItsTimeout() async throws {
        let server = try Fixture.server()
        defer { server.stop() }
        let plan = try Fixture.plan("Fetch", ["url": .string(server.url("/slow")), "timeout_ms": 200])
        let message = try #require(Fixture.failure(await Fixture.run(plan, Fixture.options(http: try CurlHTTPClient())).result))
        #expect(message.hasPrefix("Error running Fetch-1 (Fetch): http_request: GET \(server.url("/slow")) timed out: "), "\(message)")
    }

    @Test func failsWithAClearMessageWhenNothingListens() async throws {
        let plan = try Fixture.plan("Fetch", ["url": "http://127.0.0.1:1/"])
        let message = try #require(Fixture.failure(await Fixture.run(plan, Fixture.options(http: try CurlHTTPClient())).result))
        #expect(message.hasPrefix("Error running Fetch-1 (Fetch): http_request: connect to 127.0.0.1:1 failed: "), "\(message)")
    }

    @Test func aComponentCanAddContextToTheHostsError() async throws {
        let plan = try Fixture.plan("Fetch", ["url": "http://127.0.0.1:1/", "context": "fetching the weather"])
        let message = try #require(Fixture.failure(await Fixture.run(plan, Fixture.options(http: try CurlHTTPClient())).result))
        #expect(message.hasPrefix("Error running Fetch-1 (Fetch): fetching the weather: http_request: connect to 127.0.0.1:1 failed: "), "\(message)")
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"])
    func onlyHTTPAndHTTPSAreAllowed(url: String) async throws {
        let plan = try Fixture.plan("Fetch", ["url": .string(url)])
        let message = try #require(Fixture.failure(await Fixture.run(plan, Fixture.options(http: try CurlHTTPClient())).result))
        #expect(message.contains("http_request: \(url): only http and https URLs are allowed"), "\(message)")
    }

    @Test(arguments: ["/big/5000", "/bigchunked/5000"])
    func refusesABodyOverTheSizeLimit(path: String) async throws {
        let server = try Fixture.server()
        defer { server.stop() }
        let client = try CurlHTTPClient(configuration: .init(maxResponseBytes: 100_000))
        let small = try Fixture.plan("Fetch", ["url": .string(server.url(path)), "max_bytes": 1000])
        let message = Fixture.failure(await Fixture.run(small, Fixture.options(http: client)).result)
        #expect(message == "Error running Fetch-1 (Fetch): http_request: the response to GET \(server.url(path)) is larger than the limit of 1000 bytes")

        let fits = try Fixture.plan("Fetch", ["url": .string(server.url(path))])
        #expect(try Fixture.response(await Fixture.run(fits, Fixture.options(http: client)).result).body.count == 5000)
        // The host's limit is a ceiling the request cannot raise.
        let strict = try CurlHTTPClient(configuration: .init(maxResponseBytes: 4000))
        let raised = try Fixture.plan("Fetch", ["url": .string(server.url(path)), "max_bytes": 1_000_000])
        #expect(Fixture.failure(await Fixture.run(raised, Fixture.options(http: strict)).result)?.hasSuffix("larger than the limit of 4000 bytes") == true)
    }

    @Test func reusesOneConnectionForRepeatedRequestsToOneServer() async throws {
        let server = try Fixture.server()
        defer { server.stop() }
        let client = try CurlHTTPClient()
        let plan = try Fixture.plan("Fetch", ["url": .string(server.url("/echo"))])
        for _ in 0..<5 {
            #expect(try Fixture.response(await Fixture.run(plan, Fixture.options(http: client)).result).status == 200)
        }
        #expect(server.requestsServed == 5)
        #expect(server.connectionsAccepted == 1, "each run reused the first run's connection")
        #expect(client.statistics == CurlHTTPClient.Statistics(requests: 5, connectionsOpened: 1))
    }

    @Test func runsWithoutAnHTTPClientAnswerUnsupported() async throws {
        let plan = try Fixture.plan("Fetch", ["url": "http://127.0.0.1:1/"])
        let message = Fixture.failure(await Fixture.run(plan, Fixture.options(http: nil)).result)
        #expect(message == "Error running Fetch-1 (Fetch): http_request: this host has no HTTP client")
    }

    // MARK: - Streaming

    @Test func streamsAChunkedResponseToTheRunsTokenEvents() async throws {
        let server = try Fixture.server()
        defer { server.stop() }
        let plan = try Fixture.plan("Stream", ["url": .string(server.url("/chunks/5"))])
        let (events, result) = await Fixture.run(plan, Fixture.options(http: try CurlHTTPClient()))
        let summary = try result.get().outputText ?? ""
        let tokens = events.filter { $0.event == "token" }
        #expect(tokens.map { $0.data["chunk"]?.stringValue ?? "" }.joined() == (0..<5).map { "chunk-\($0)\n" }.joined())
        #expect(tokens.allSatisfy { $0.data["id"] == "Stream-1" })
        #expect(summary == "status=200 chunks=\(tokens.count) bytes=40 body=0", "the body is streamed, never buffered")
        // Tokens come before the vertex ends.
        let end = try #require(events.firstIndex { $0.event == "end_vertex" })
        #expect(events.lastIndex { $0.event == "token" }! < end)
    }

    @Test func aReaderCanStopAStreamWithoutFailing() async throws {
        let ended = Atomic<Bool>(false)
        let server = try Fixture.server(endlessEnded: { ended.store(true, ordering: .releasing) })
        defer { server.stop() }
        let plan = try Fixture.plan("Stream", ["url": .string(server.url("/endless")), "stop_after": 2])
        let (_, result) = await Fixture.run(plan, Fixture.options(http: try CurlHTTPClient()))
        let summary = try result.get().outputText ?? ""
        #expect(summary.hasPrefix("status=200 chunks=2 "), "\(summary)")
        #expect(await Self.eventually { ended.load(ordering: .acquiring) }, "the server saw the client leave")
    }

    // MARK: - Cancellation

    @Test func cancellingTheRunStopsADownloadInProgress() async throws {
        let ended = Atomic<Bool>(false)
        let server = try Fixture.server(endlessEnded: { ended.store(true, ordering: .releasing) })
        defer { server.stop() }
        let plan = try Fixture.plan("Stream", ["url": .string(server.url("/endless"))])
        let run = FlowRunner().start(plan, options: Fixture.options(http: try CurlHTTPClient()))
        var sawToken = false
        for await event in run.events {
            if event.event == "token" && !sawToken {
                // The download is under way: the component is inside http_request.
                sawToken = true
                run.cancel()
            }
        }
        #expect(sawToken)
        await #expect(throws: RunError.cancelled) { try await run.result() }
        #expect(await Self.eventually { ended.load(ordering: .acquiring) }, "the transfer stopped: the server saw the client leave")
    }

    @Test func httpRequestAnswersCancelledToTheComponent() async throws {
        let server = try Fixture.server()
        defer { server.stop() }
        let component = try #require(Fixture.registry.component(named: "Stream"))
        let run = RunContext(services: HostServices(http: try CurlHTTPClient()))
        let call = CallContext(run: run, vertexID: "Stream-1", componentType: "Stream")
        let instance = try component.instantiate(config: [], context: call)
        let url = server.url("/endless")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { run.cancel() }
        let outcome = await withCheckedContinuation { continuation in
            // Component calls run on worker threads, as the engine makes them.
            Thread {
                continuation.resume(returning: Result { try instance.run(inputs: [.string(url), nil], context: call) })
            }.start()
        }
        #expect(throws: ComponentError(componentType: "Stream", vertexID: "Stream-1", message: "http_request: GET \(url) was cancelled with the run", status: 2)) {
            try outcome.get()
        }
    }

    // MARK: - Secrets

    @Test func neverLogsHeaderValuesQueryStringsOrUserInformation() async throws {
        let server = try Fixture.server()
        defer { server.stop() }
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "test") { _ in logs }
        logger.logLevel = .trace
        let client = try CurlHTTPClient()
        let secrets = ["s3cret-user-pw", "s3cret-query", "s3cret-header", "s3cret-other"]
        let succeeds = try Fixture.plan(
            "Fetch",
            [
                "url": .string("http://me:s3cret-user-pw@127.0.0.1:\(server.port)/echo?api_key=s3cret-query"),
                "headers": "Authorization: Bearer s3cret-header",
            ])
        let answer = try Fixture.response(await Fixture.run(succeeds, Fixture.options(http: client, logger: logger)).result)
        #expect(answer.body.contains("authorization: Bearer s3cret-header"), "the secret did reach the server")
        let fails = try Fixture.plan(
            "Fetch", ["url": "http://me:s3cret-user-pw@127.0.0.1:1/x?token=s3cret-query", "headers": "X-Api-Key: s3cret-other"])
        let message = try #require(Fixture.failure(await Fixture.run(fails, Fixture.options(http: client, logger: logger)).result))
        #expect(message.hasPrefix("Error running Fetch-1 (Fetch): http_request: connect to 127.0.0.1:1 failed: "))

        let lines = logs.entries.map { entry in "\(entry.message) \(entry.metadata)" }
        #expect(lines.contains { $0.contains("http_request GET http://***@127.0.0.1:\(server.port)/echo?*** -> 200") }, "\(lines)")
        #expect(lines.contains { $0.contains("http_request GET http://***@127.0.0.1:1/x?*** failed") }, "\(lines)")
        for secret in secrets {
            #expect(!lines.contains { $0.contains(secret) }, "\(secret) in the logs: \(lines)")
            #expect(!message.contains(secret), "\(secret) in the error: \(message)")
        }
    }

    /// Polls `condition` for up to 10 s.
    static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
