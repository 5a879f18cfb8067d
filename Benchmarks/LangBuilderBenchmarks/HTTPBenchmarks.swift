// The host service table's hot paths: one http_request round trip over a reused loopback connection, and the
// token path from a component (or an on_chunk callback) to the run's event stream.
import Foundation
import LangBuilderCore
import LangBuilderHTTPClient
import LangBuilderTesting

#if canImport(Glibc)
import Glibc
#endif

/// Median of `samples`.
private func median(_ samples: [Double]) -> Double {
    let sorted = samples.sorted()
    return sorted[sorted.count / 2]
}

func runHTTPBenchmarks() {
    print("\n## Host services (loopback server, host service test bundle; median)\n")
    let server = try! LoopbackHTTPServer { request, responder in
        if request.path.hasPrefix("/sse/") {
            // One chunk per event, as an LLM streams tokens.
            let count = Int(request.path.dropFirst(5)) ?? 0
            responder.beginChunks(headers: [("Content-Type", "text/event-stream")])
            for index in 0..<count { responder.sendChunk("data: token \(index)\n\n") }
            responder.endChunks()
        } else {
            responder.respond(status: 200, headers: [("Content-Type", "application/json")], text: #"{"ok":true}"#)
        }
    }
    defer { server.stop() }
    let client = try! CurlHTTPClient()
    var registry = ComponentRegistry()
    try! registry.add(try! BundleLoader().load(file: try! BundleFixtures.hostServicesTestBundle()))
    let services = HostServices(http: client, messages: MemoryMessageHistory())

    // MARK: - One round trip, reused connection

    let url = server.url("/ok")
    func roundTrips(perBatch: Int, batches: Int, _ body: (CallContext) -> Void) -> Double {
        var samples: [Double] = []
        for batch in 0...batches {
            let call = CallContext(run: RunContext(flowID: "bench", services: services), vertexID: "Fetch-1", componentType: "Fetch")
            let start = now()
            for _ in 0..<perBatch { body(call) }
            if batch > 0 { samples.append(Double(now() - start) / Double(perBatch)) }
        }
        return median(samples)
    }
    report("HostHTTPClient.perform, GET, reused connection", roundTrips(perBatch: 50, batches: 40) { call in
        _ = try! client.perform(HostHTTPRequest(url: url), for: call)
    })
    let fetch = registry.component(named: "Fetch")!
    report("http_request from a C component (Fetch), GET, reused", roundTrips(perBatch: 50, batches: 40) { call in
        let instance = try! fetch.instantiate(config: [], context: call)
        _ = try! instance.run(inputs: [.string(url)], context: call)
    })
    print("  connections opened for \(client.statistics.requests) requests: \(client.statistics.connectionsOpened)")

    // MARK: - Tokens to the event stream

    /// Runs `document` and drains its events on this thread's task while the run produces them; returns the
    /// nanoseconds per token event.
    func tokenRun(_ plan: ExecutionPlan) -> (perToken: Double, tokens: Int) {
        let box = TokenBox()
        let done = DispatchSemaphore(value: 0)
        let start = now()
        Task {
            let run = FlowRunner().start(plan, options: RunOptions(services: services))
            var tokens = 0
            for await event in run.events where event.event == "token" {
                if event.data["chunk"] != nil { tokens += 1 }
            }
            _ = try? await run.result()
            box.tokens = tokens
            done.signal()
        }
        done.wait()
        return (Double(now() - start) / Double(max(box.tokens, 1)), box.tokens)
    }
    func flow(_ type: String, _ fields: JSONValue) -> ExecutionPlan {
        let json: JSONValue = ["nodes": [["id": .string("\(type)-1"), "data": ["type": .string(type), "node": ["template": fields]]]], "edges": []]
        return try! FlowBuilder(registry: registry).build(try! Flow(json: json))
    }
    let tokens = flow("Tokens", ["text": ["value": "Hello"], "count": ["value": 10_000]])
    report("emit_token -> run event stream (10,000 tokens), per token", median((0..<11).map { _ in tokenRun(tokens).perToken }))
    let stream = flow("Stream", ["url": ["value": .string(server.url("/sse/2000"))]])
    var received = 0
    let streamed = median((0..<11).map { _ in
        let outcome = tokenRun(stream)
        received = outcome.tokens
        return outcome.perToken
    })
    report("on_chunk -> emit_token -> event stream (SSE), per chunk", streamed)
    print("  (2,000 server chunks arrived as \(received) on_chunk calls in the last run; a call carries one or more)")
}

private final class TokenBox: @unchecked Sendable {
    var tokens = 0
}
