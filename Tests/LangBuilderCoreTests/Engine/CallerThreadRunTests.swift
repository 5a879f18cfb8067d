import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// Runs made only of non-blocking components (ABI 1.4 `LB_COMPONENT_NONBLOCKING`) go on the caller's thread;
/// any other run keeps its worker threads, and a non-blocking component may not call a blocking host service.
/// ThreadTag and BlockingThreadTag (engine test bundle) answer the thread that ran them.
@Suite struct CallerThreadRunTests {
    static func threads(_ result: RunResult) -> [String: Int64] {
        var threads: [String: Int64] = [:]
        for vertex in result.vertices {
            if case .int(let thread)? = vertex.outputs["count"] { threads[vertex.id] = thread }
        }
        return threads
    }

    static var currentThread: Int64 { Int64(Int(bitPattern: UInt(pthread_self()))) }

    /// Two vertices, the first feeding the second's input.
    static func chain(_ first: (id: String, type: String), _ second: (id: String, type: String)) -> FlowDocument {
        FlowDocument().node(first.id, first.type).node(second.id, second.type).edge(first.id, "count", to: second.id, "input_value")
    }

    @Test func theLoaderReadsTheFlag() throws {
        let registry = try EngineFixture.registry()
        #expect(registry.component(named: "ThreadTag")?.descriptor.isNonBlocking == true)
        #expect(registry.component(named: "BlockingThreadTag")?.descriptor.isNonBlocking == false)
        #expect(registry.component(named: "ChatInput")?.descriptor.isNonBlocking == false)
    }

    @Test func aRunOfNonBlockingComponentsGoesOnTheCallersThreadAndHasEndedWhenStartReturns() async throws {
        let plan = try EngineFixture.plan(Self.chain(("ThreadTag-1", "ThreadTag"), ("ThreadTag-2", "ThreadTag")))
        #expect(plan.runsOnCaller)

        let (caller, run) = { (Self.currentThread, FlowRunner().start(plan)) }()
        // Nothing was left for a worker: every event is there already.
        var names: [String] = []
        for await event in run.events { names.append(event.event) }
        #expect(names.last == "end")
        let result = try await run.result()
        #expect(Self.threads(result) == ["ThreadTag-1": caller, "ThreadTag-2": caller])
    }

    @Test func oneBlockingComponentSendsTheWholeRunToAWorker() async throws {
        let plan = try EngineFixture.plan(Self.chain(("ThreadTag-1", "ThreadTag"), ("BlockingThreadTag-1", "BlockingThreadTag")))
        #expect(!plan.runsOnCaller)

        let (caller, run) = { (Self.currentThread, FlowRunner().start(plan)) }()
        let threads = Self.threads(try await run.result())
        #expect(threads.count == 2)
        #expect(threads["ThreadTag-1"] != caller)
        #expect(threads["BlockingThreadTag-1"] != caller)
        // A chain stays on one worker.
        #expect(threads["ThreadTag-1"] == threads["BlockingThreadTag-1"])
    }

    @Test func aNonBlockingComponentThatCallsABlockingHostServiceFailsTheRunClearly() async throws {
        let plan = try EngineFixture.plan(FlowDocument().node("NonBlockingFetch-1", "NonBlockingFetch"))
        #expect(plan.runsOnCaller)
        let error = await #expect(throws: RunError.self) { try await FlowRunner().run(plan) }
        #expect(
            error
                == .vertexFailed(
                    vertexID: "NonBlockingFetch-1", componentType: "NonBlockingFetch",
                    message: "http_request: NonBlockingFetch is declared non-blocking (LB_COMPONENT_NONBLOCKING), so it may not call this blocking host service"
                ))
    }

    @Test func onAWorkerTheSameComponentMayCallIt() async throws {
        // Beside a blocking component the run is on a worker, where http_request is allowed (and fails to connect).
        let document = FlowDocument()
            .node("NonBlockingFetch-1", "NonBlockingFetch")
            .node("BlockingThreadTag-1", "BlockingThreadTag")
        let plan = try EngineFixture.plan(document)
        #expect(!plan.runsOnCaller)
        let error = await #expect(throws: RunError.self) { try await FlowRunner().run(plan) }
        guard case .vertexFailed("NonBlockingFetch-1", _, let message)? = error else {
            Issue.record("expected NonBlockingFetch-1 to fail, got \(String(describing: error))")
            return
        }
        #expect(message.hasPrefix("http_request: "))
        #expect(!message.contains("non-blocking"))
    }
}
