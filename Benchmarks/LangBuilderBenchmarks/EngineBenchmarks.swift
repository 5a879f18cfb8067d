// The engine's own overhead per vertex (in process, trivial Pass components) and the time to build a flow.
import Foundation
import LangBuilderCore
import LangBuilderTesting

/// A bare `{nodes, edges}` flow: a chain of `count` Pass vertices.
func chainFlow(_ count: Int) -> JSONValue {
    var nodes: [JSONValue] = []
    var edges: [JSONValue] = []
    for index in 0..<count {
        let template: JSONValue = index == 0 ? ["input_value": ["value": "x"]] : [:]
        nodes.append(["id": .string("Pass-\(index)"), "data": ["type": "Pass", "node": ["template": template]]])
        if index > 0 { edges.append(edge(from: "Pass-\(index - 1)", output: "output", to: "Pass-\(index)", field: "input_value")) }
    }
    return ["nodes": .array(nodes), "edges": .array(edges)]
}

/// One Pass fanning out to `width` Pass vertices that fan back in to a Collect.
func fanFlow(_ width: Int) -> JSONValue {
    var nodes: [JSONValue] = [["id": "Source", "data": ["type": "Pass", "node": ["template": ["input_value": ["value": "x"]]]]]]
    var edges: [JSONValue] = []
    for index in 0..<width {
        nodes.append(["id": .string("Pass-\(index)"), "data": ["type": "Pass", "node": ["template": [:]]]])
        edges.append(edge(from: "Source", output: "output", to: "Pass-\(index)", field: "input_value"))
        edges.append(edge(from: "Pass-\(index)", output: "output", to: "Collect", field: "inputs"))
    }
    nodes.append(["id": "Collect", "data": ["type": "Collect", "node": ["template": [:]]]])
    return ["nodes": .array(nodes), "edges": .array(edges)]
}

func edge(from source: String, output: String, to target: String, field: String) -> JSONValue {
    [
        "source": .string(source), "target": .string(target),
        "data": [
            "sourceHandle": ["dataType": "Pass", "id": .string(source), "name": .string(output), "output_types": ["Any"]],
            "targetHandle": ["fieldName": .string(field), "id": .string(target), "inputTypes": ["Any"], "type": "other"],
        ],
    ]
}

/// Median seconds of `body` over `count` runs (after one warm-up).
func medianSeconds(_ count: Int, _ body: () -> Void) -> Double {
    body()
    var samples: [Double] = []
    for _ in 0..<count {
        let start = now()
        body()
        samples.append(Double(now() - start) / 1e9)
    }
    samples.sort()
    return samples[samples.count / 2]
}

/// Runs a plan to the end from synchronous code.
func runBlocking(_ plan: ExecutionPlan, concurrency: Int? = nil) -> RunResult {
    let box = ResultBox()
    let semaphore = DispatchSemaphore(value: 0)
    Task {
        box.result = try? await FlowRunner().run(plan, options: RunOptions(concurrency: concurrency))
        semaphore.signal()
    }
    semaphore.wait()
    return box.result!
}

final class ResultBox: @unchecked Sendable {
    var result: RunResult?
}

func runEngineBenchmarks() {
    print("\n## Flow engine (trivial Pass components from the engine test bundle; median)\n")
    // LANGBUILDER_ENGINE_TEST_BUNDLE names a prebuilt copy (e.g. under valgrind, which cannot spawn cc).
    let library = ProcessInfo.processInfo.environment["LANGBUILDER_ENGINE_TEST_BUNDLE"] ?? (try! BundleFixtures.engineTestBundle())
    var registry = ComponentRegistry()
    try! registry.add(try! BundleLoader().load(file: library))
    let builder = FlowBuilder(registry: registry)

    if sections == ["chain"] {
        // Only the chain run, e.g. to profile the scheduler under valgrind.
        let plan = try! builder.build(try! Flow(json: chainFlow(1000)))
        report("run a chain of 1,000 Pass vertices, per vertex", medianSeconds(10) { _ = runBlocking(plan) } / 1000 * 1e9)
        return
    }
    let chainText = chainFlow(1000).serialized()
    report("parse a 1,000-node flow (JSON text → Flow)", medianSeconds(50) { _ = try! Flow(parsing: Data(chainText.utf8)) } * 1e9)
    let chain = try! Flow(parsing: Data(chainText.utf8))
    report("build a 1,000-node flow (validate + plan)", medianSeconds(50) { _ = try! builder.build(chain) } * 1e9)

    let chainPlan = try! builder.build(chain)
    let chainRun = medianSeconds(30) { _ = runBlocking(chainPlan) }
    report("run a chain of 1,000 Pass vertices (whole run)", chainRun * 1e9)
    report("  per vertex", chainRun / 1000 * 1e9)

    let fan = try! builder.build(try! Flow(json: fanFlow(100)))
    let fanRun = medianSeconds(30) { _ = runBlocking(fan) }
    report("run a 100-wide fan-out/fan-in (102 vertices)", fanRun * 1e9)
    report("  per vertex", fanRun / 102 * 1e9)
    let fanSerial = medianSeconds(30) { _ = runBlocking(fan, concurrency: 1) }
    report("  same with concurrency 1", fanSerial * 1e9)

    let small = try! builder.build(try! Flow(json: chainFlow(2)))
    report("run a 2-vertex flow (whole run)", medianSeconds(200) { _ = runBlocking(small) } * 1e9)

    // ThreadTag is non-blocking (ABI 1.4): the run goes on the caller's thread, without the hand-off to a worker.
    let quick = try! builder.build(
        try! Flow(json: [
            "nodes": [["id": "ThreadTag-1", "data": ["type": "ThreadTag"]], ["id": "ThreadTag-2", "data": ["type": "ThreadTag"]]],
            "edges": [edge(from: "ThreadTag-1", output: "count", to: "ThreadTag-2", field: "input_value")],
        ]))
    precondition(quick.runsOnCaller)
    report("same, non-blocking components (on the caller's thread)", medianSeconds(200) { _ = runBlocking(quick) } * 1e9)
}
