// The model components' own cost: one LanguageModelComponent call against a local OpenAI-compatible server
// that answers at once, compared with the bare HTTP round trip of the same request; and one streamed token from
// libcurl's on_chunk callback, through the SSE parser and emit_token, to the run's event stream.
import Foundation
import LangBuilderCore
import LangBuilderHTTPClient
import LangBuilderTesting

private func median(_ samples: [Double]) -> Double {
    let sorted = samples.sorted()
    return sorted[sorted.count / 2]
}

func runModelBenchmarks(bundleDirectory: String) {
    print("\n## Models (liblangflow-models.so against a loopback OpenAI-compatible stub; median)\n")
    let stub = try! OpenAIStub([.answer("ok")])
    let client = try! CurlHTTPClient()
    let services = HostServices(http: client, messages: MemoryMessageHistory())
    var registry = ComponentRegistry()
    try! registry.add(try! BundleLoader().load(file: bundleDirectory + "/liblangflow-models.so"))
    let model = registry.component(named: "LanguageModelComponent")!

    func perCall(perBatch: Int, batches: Int, _ body: (CallContext) -> Void) -> Double {
        var samples: [Double] = []
        for batch in 0...batches {
            let call = CallContext(run: RunContext(flowID: "bench", services: services), vertexID: "Model-1", componentType: "LanguageModelComponent")
            let start = now()
            for _ in 0..<perBatch { body(call) }
            if batch > 0 { samples.append(Double(now() - start) / Double(perBatch)) }
        }
        return median(samples)
    }

    // The same request the component makes, sent by the host's client directly: the server's and the
    // transport's time, which the component cannot avoid.
    let body: JSONValue = [
        "model": "bench", "messages": [["role": "user", "content": "hi"]], "temperature": .number(0.1),
    ]
    let request = HostHTTPRequest(
        method: "POST", url: stub.baseURL + "/chat/completions",
        headers: [HostHTTPHeader(name: "Content-Type", value: "application/json"), HostHTTPHeader(name: "Authorization", value: "Bearer sk-bench")],
        body: Array(body.serialized().utf8))
    let bare = perCall(perBatch: 50, batches: 40) { call in _ = try! client.perform(request, for: call) }
    report("POST /chat/completions by the host's client (baseline)", bare)

    let names = model.descriptor.inputs.map(\.name)
    func inputs(_ fields: [String: Value]) -> [Value?] { names.map { fields[$0] } }
    let fields = inputs([
        "model_name": .string("bench"), "base_url": .string(stub.baseURL), "api_key": .string("sk-bench"), "input_value": .string("hi"),
        "temperature": .double(0.1),
    ])
    let component = perCall(perBatch: 50, batches: 40) { call in
        let instance = try! model.instantiate(config: fields, context: call)
        _ = try! instance.run(inputs: fields, context: call)
    }
    report("LanguageModelComponent call, plain JSON answer", component)
    report("  its overhead over the bare round trip", component - bare)

    // Streaming: 2,000 tokens, one SSE event each.
    let pieces = (0..<2000).map { "t\($0) " }
    let streaming = try! OpenAIStub([.stream(pieces)])
    let flow: JSONValue = [
        "nodes": [[
            "id": "Model-1",
            "data": ["type": "LanguageModelComponent", "node": ["template": [
                "model_name": ["value": "bench"], "base_url": ["value": .string(streaming.baseURL)], "api_key": ["value": "sk-bench"],
                "input_value": ["value": "hi"], "stream": ["value": true],
            ]]],
        ]],
        "edges": [],
    ]
    let plan = try! FlowBuilder(registry: registry).build(try! Flow(json: flow))
    var received = 0
    let perToken = median((0..<11).map { _ in
        let box = TokenCount()
        let done = DispatchSemaphore(value: 0)
        let start = now()
        Task {
            let run = FlowRunner().start(plan, options: RunOptions(services: services))
            for await event in run.events where event.event == "token" { box.tokens += 1 }
            _ = try? await run.result()
            done.signal()
        }
        done.wait()
        received = box.tokens
        return Double(now() - start) / Double(max(box.tokens, 1))
    })
    report("streamed token: on_chunk -> SSE parser -> event stream", perToken)
    print("  (\(received) tokens per run; the time includes the stub writing one chunk per token)")
}

private final class TokenCount: @unchecked Sendable {
    var tokens = 0
}
