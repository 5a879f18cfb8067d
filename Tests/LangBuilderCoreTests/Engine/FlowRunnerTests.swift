import Foundation
import LangBuilderCore
import LangBuilderTesting
import Synchronization
import Testing

/// Runs through the front door: flow documents built against the engine test bundle, run by `FlowRunner`
/// (issue 3, "Flow engine": Run, Routing and loops, Tweaks, Events, Sessions).
@Suite struct FlowRunnerTests {
    // MARK: - Results and events

    @Test func runsAChainAndAnswersInLangflowsRunShape() async throws {
        let plan = try EngineFixture.plan(FlowBuilderTests.chainDocument, inputValue: "hello")
        let result = try await FlowRunner().run(plan, options: RunOptions(inputValue: "hello"))

        #expect(result.outputText == "HELLO")
        #expect(result.vertices.map(\.id) == ["ChatInput-1", "Upper-1", "ChatOutput-1"])
        #expect(result.outputs.map(\.id) == ["ChatOutput-1"])
        #expect(result.inactiveVertices.isEmpty)
        #expect(result.flowID == "flow-under-test")
        #expect(result.sessionID == "flow-under-test")

        let response = result.langflowResponse()
        #expect(response["session_id"] == "flow-under-test")
        let run = try #require(response["outputs"]?.arrayValue?.first)
        #expect(run["inputs"] == ["input_value": "hello"])
        let outputs = try #require(run["outputs"]?.arrayValue)
        #expect(outputs.count == 1)
        let output = try #require(outputs.first)
        #expect(output["results"]?["message"]?["text"] == "HELLO")
        #expect(output["results"]?["message"]?["sender"] == "Machine")
        #expect(output["results"]?["message"]?["session_id"] == "flow-under-test")
        #expect(output["results"]?["message"]?["component_id"] == "ChatOutput-1")
        #expect(output["outputs"]?["message"] == ["message": "HELLO", "type": "text"])
        #expect(output["messages"]?.arrayValue?.first?["message"] == "HELLO")
        #expect(output["component_id"] == "ChatOutput-1")
        #expect(output["component_display_name"] == "ChatOutput")
        // output_type=debug lists every vertex.
        #expect(result.langflowResponse(outputType: "debug")["outputs"]?.arrayValue?.first?["outputs"]?.arrayValue?.count == 3)
    }

    @Test func usesTheGivenSessionInsteadOfTheFlowID() async throws {
        let plan = try EngineFixture.plan(FlowBuilderTests.chainDocument, inputValue: "hi")
        let result = try await FlowRunner().run(plan, options: RunOptions(sessionID: "sess-A"))
        #expect(result.sessionID == "sess-A")
        #expect(result.langflowResponse()["session_id"] == "sess-A")
        #expect(result.flowID == "flow-under-test")
    }

    @Test(arguments: [(String?.none, "flow-under-test"), ("sess-B", "sess-B")])
    func componentsReadTheRunsSessionThroughTheHostAPI(session: String?, expected: String) async throws {
        let plan = try FlowBuilder(registry: try Self.registryWithProbes()).build(try FlowDocument().node("RunInfo-1", "RunInfo").flow())
        let result = try await FlowRunner().run(plan, options: RunOptions(sessionID: session))
        #expect(result.outputText == "session=\(expected) flow=flow-under-test vertex=RunInfo-1")
    }

    @Test func streamsLangflowsBuildEventsInOrder() async throws {
        let plan = try EngineFixture.plan(FlowBuilderTests.chainDocument, inputValue: "hello")
        let run = FlowRunner().start(plan, options: RunOptions(inputValue: "hello"))
        let events = await Self.collect(run)
        let result = try await run.result()

        #expect(events.map(\.event) == [
            "vertices_sorted", "build_start", "add_message", "end_vertex", "token", "end_vertex", "add_message", "end_vertex", "end",
        ])
        #expect(events[0].data == ["ids": ["ChatInput-1"], "to_run": ["ChatInput-1", "Upper-1", "ChatOutput-1"]])
        #expect(events[1].data == [:])
        #expect(events[2].data["text"] == "hello")
        #expect(events[2].data["sender"] == "User")
        #expect(events[4].data == ["chunk": "upper", "id": "Upper-1"])
        #expect(events[6].data["text"] == "HELLO")
        #expect(events[6].data["sender"] == "Machine")

        let ends = events.filter { $0.event == "end_vertex" }
        #expect(ends.map { $0.data["build_data"]?["id"] } == ["ChatInput-1", "Upper-1", "ChatOutput-1"])
        #expect(ends.map { $0.data["build_data"]?["valid"] } == [true, true, true])
        #expect(ends.map { $0.data["build_data"]?["next_vertices_ids"] } == [["Upper-1"], ["ChatOutput-1"], []])
        #expect(ends.map { $0.data["output_meta"]?["is_output"] } == [false, false, true])
        #expect(ends.map { $0.data["output_meta"]?["vertex_type"] } == ["ChatInput", "Upper", "ChatOutput"])
        #expect(ends.map { $0.data["output_meta"]?["display_name"] } == ["Question", "Shout", "ChatOutput"])
        #expect(ends[1].data["build_data"]?["data"]?["outputs"]?["message"] == ["message": "HELLO", "type": "text"])
        #expect(ends[1].data["build_data"]?["data"]?["timedelta"]?.numberValue != nil)

        let end = try #require(events.last)
        #expect(end.data["result"] == result.langflowResponse())
        #expect(end.data["build_duration"]?.numberValue != nil)
        #expect(RunEvent(event: "build_start", data: [:]).langflowLine == "{\"event\":\"build_start\",\"data\":{}}\n\n")
    }

    // MARK: - Parallelism, timeouts, cancellation

    /// Two independent 100 ms branches joined: their time overlaps when two vertices may run at once.
    static let twoSleeps = FlowDocument()
        .node("Sleep-a", "Sleep", fields: ["input_value": "left", "milliseconds": 100])
        .node("Sleep-b", "Sleep", fields: ["input_value": "right", "milliseconds": 100])
        .node("Join-1", "Join")
        .edge("Sleep-a", "message", to: "Join-1", "first")
        .edge("Sleep-b", "message", to: "Join-1", "second")

    // The run's own duration (start to last vertex, measured by the scheduler) is what is compared: the time
    // until this task resumes also depends on how busy the cooperative pool is with other tests.

    @Test func runsIndependentBranchesInParallel() async throws {
        let plan = try EngineFixture.plan(Self.twoSleeps)
        let result = try await FlowRunner().run(plan, options: RunOptions(concurrency: 2))
        #expect(result.outputText == "left right")
        #expect(result.duration >= 0.1)
        #expect(result.duration < 0.18, "two 100 ms branches took \(result.duration) s with concurrency 2")
    }

    /// Regression: workers ran on the global concurrent queue, which on Linux runs no more blocks at once than
    /// there are cores, so blocking components never ran wider than the core count whatever `concurrency` said.
    @Test func runsMoreBranchesAtOnceThanThereAreCores() async throws {
        let width = ProcessInfo.processInfo.activeProcessorCount * 2
        var document = FlowDocument()
        for branch in 0..<width {
            document = document.node("Sleep-\(branch)", "Sleep", fields: ["input_value": "z", "milliseconds": 100])
        }
        let result = try await FlowRunner().run(try EngineFixture.plan(document), options: RunOptions(concurrency: width))
        #expect(result.outputs.count == width)
        #expect(result.duration < 0.18, "\(width) 100 ms branches took \(result.duration) s with concurrency \(width)")
    }

    @Test func runsOneVertexAtATimeWithConcurrencyOne() async throws {
        let plan = try EngineFixture.plan(Self.twoSleeps)
        let result = try await FlowRunner().run(plan, options: RunOptions(concurrency: 1))
        #expect(result.outputText == "left right")
        #expect(result.duration >= 0.2)
    }

    // Timeouts and cancellation are timed from the engine's side (when the run's cancel flag went up, when a
    // component saw it): when this task resumes afterwards depends on how busy other tests keep the
    // cooperative pool, by seconds on a two-core machine.

    @Test func failsAVertexThatOutlivesItsTimeout() async throws {
        let plan = try EngineFixture.plan(FlowDocument().node("Sleep-1", "Sleep", fields: ["input_value": "z", "milliseconds": 2000]))
        let run = FlowRunner().start(plan, options: RunOptions(vertexTimeout: 0.2))
        let stop = StopObserver(run, since: ContinuousClock.now)
        await #expect(throws: RunError.vertexTimedOut(vertexID: "Sleep-1", componentType: "Sleep", seconds: 0.2)) {
            try await run.result()
        }
        let stoppedAfter = await stop.elapsed()
        #expect(stoppedAfter >= .milliseconds(190))
        #expect(stoppedAfter < .seconds(1))
    }

    @Test func failsARunThatOutlivesItsDeadline() async throws {
        let plan = try EngineFixture.plan(
            FlowDocument()
                .node("Sleep-1", "Sleep", fields: ["input_value": "z", "milliseconds": 150])
                .node("Sleep-2", "Sleep", fields: ["milliseconds": 2000])
                .edge("Sleep-1", "message", to: "Sleep-2", "input_value"))
        // Each vertex is within a 1 s vertex timeout; together they are beyond the 0.5 s deadline.
        let run = FlowRunner().start(plan, options: RunOptions(vertexTimeout: 1, deadline: 0.5))
        let stop = StopObserver(run, since: ContinuousClock.now)
        await #expect(throws: RunError.deadlineExceeded(seconds: 0.5)) {
            try await run.result()
        }
        let stoppedAfter = await stop.elapsed()
        #expect(stoppedAfter >= .milliseconds(490))
        #expect(stoppedAfter < .seconds(1))
    }

    @Test func cancellingStopsTheRunAndReachesRunningComponents() async throws {
        // A component that records in a file that it saw the cancel flag through the host API.
        let registry = try Self.registryWithProbes()
        let marker = try BundleFixtures.temporaryDirectory("cancel").appendingPathComponent("saw-cancel")
        let document = FlowDocument()
            .node("Sleep-1", "Sleep", fields: ["input_value": "z", "milliseconds": 60000])
            .node("Upper-1", "Upper")
            .node("CancelProbe-1", "CancelProbe", fields: ["marker": .string(marker.path)])
            .edge("Sleep-1", "message", to: "Upper-1", "input_value")
        let plan = try FlowBuilder(registry: registry).build(try document.flow())

        let clock = ContinuousClock()
        let start = clock.now
        let run = FlowRunner().start(plan, options: RunOptions(concurrency: 2))
        let started = marker.appendingPathExtension("started")
        for _ in 0..<3000 where !FileManager.default.fileExists(atPath: started.path) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(FileManager.default.fileExists(atPath: started.path), "the probe did not start")
        try await Task.sleep(until: start + .milliseconds(100), clock: clock)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
        let cancelledAt = Date()
        run.cancel()
        await #expect(throws: RunError.cancelled) { try await run.result() }
        #expect(run.context.isCancelled)

        let events = await Self.collect(run)
        #expect(events.map(\.event) == ["vertices_sorted", "build_start", "error"])
        #expect(events.last?.data == ["error": "the run was cancelled"])
        // The probe polls the flag every millisecond and writes its file when it sees it.
        for _ in 0..<3000 where !FileManager.default.fileExists(atPath: marker.path) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try String(contentsOf: marker, encoding: .utf8) == "saw the cancel flag")
        let seenAt = try #require(try FileManager.default.attributesOfItem(atPath: marker.path)[.modificationDate] as? Date)
        // Generous: a loaded CI machine may not schedule the probe for a while; it only has to be the cancel it saw.
        #expect(seenAt.timeIntervalSince(cancelledAt) < 30, "the probe saw the cancel flag \(seenAt.timeIntervalSince(cancelledAt)) s after cancel()")
    }

    @Test func cancellingAFinishedRunChangesNothing() async throws {
        let plan = try EngineFixture.plan(FlowBuilderTests.chainDocument, inputValue: "done")
        let run = FlowRunner().start(plan)
        let events = await Self.collect(run)
        run.cancel()
        #expect(try await run.result().outputText == "DONE")
        #expect(events.last?.event == "end")
    }

    @Test func failsTheRunNamingTheFailingVertex() async throws {
        let document = FlowDocument()
            .node("ChatInput-1", "ChatInput", fields: ["input_value": "hi"])
            .node("Fail-1", "Fail")
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "message", to: "Fail-1", "input_value", inputTypes: ["Any"], fieldType: "other")
            .edge("Fail-1", "message", to: "ChatOutput-1", "input_value")
        let run = FlowRunner().start(try EngineFixture.plan(document))
        let events = await Self.collect(run)
        await #expect(throws: RunError.vertexFailed(vertexID: "Fail-1", componentType: "Fail", message: "boom: this component always fails")) {
            try await run.result()
        }
        #expect(events.map(\.event) == ["vertices_sorted", "build_start", "add_message", "end_vertex", "error"])
        #expect(events.last?.data == ["error": "Error running Fail-1 (Fail): boom: this component always fails"])
    }

    // MARK: - Routing and loops

    static let routerDocument = FlowDocument()
        .node("ChatInput-1", "ChatInput")
        .node("IfElse-1", "IfElse", name: "Router", fields: ["match_text": "yes"])
        .node("Upper-t", "Upper")
        .node("ChatOutput-t", "ChatOutput")
        .node("Upper-f", "Upper")
        .node("ChatOutput-f", "ChatOutput")
        .edge("ChatInput-1", "message", to: "IfElse-1", "input_text")
        .edge("IfElse-1", "true_result", to: "Upper-t", "input_value")
        .edge("Upper-t", "message", to: "ChatOutput-t", "input_value")
        .edge("IfElse-1", "false_result", to: "Upper-f", "input_value")
        .edge("Upper-f", "message", to: "ChatOutput-f", "input_value")

    @Test(arguments: [
        ("yes", "t", "f"),
        ("no", "f", "t"),
    ])
    func routesToOneBranchAndSkipsTheOther(input: String, active: String, inactive: String) async throws {
        let plan = try EngineFixture.plan(Self.routerDocument, inputValue: input)
        let run = FlowRunner().start(plan, options: RunOptions(inputValue: input))
        let events = await Self.collect(run)
        let result = try await run.result()

        #expect(result.vertices.map(\.id) == ["ChatInput-1", "IfElse-1", "Upper-\(active)", "ChatOutput-\(active)"])
        #expect(result.inactiveVertices == ["Upper-\(inactive)", "ChatOutput-\(inactive)"])
        #expect(result.outputText == input.uppercased())
        #expect(result.outputs.map(\.id) == ["ChatOutput-\(active)"])
        let router = try #require(result.vertices.first { $0.id == "IfElse-1" })
        #expect(Array(router.outputs.keys) == [active == "t" ? "true_result" : "false_result"])
        let ended = events.filter { $0.event == "end_vertex" }.compactMap { $0.data["build_data"]?["id"]?.stringValue }
        #expect(Set(ended) == ["ChatInput-1", "IfElse-1", "Upper-\(active)", "ChatOutput-\(active)"])
        #expect(events.last?.event == "end")
    }

    @Test func runsAVertexThatTheActiveBranchAlsoReaches() async throws {
        // Only what is reachable from the inactive branch alone is skipped; Join gets one input of two.
        let document = Self.routerDocument
            .node("Join-1", "Join")
            .edge("Upper-t", "message", to: "Join-1", "first")
            .edge("Upper-f", "message", to: "Join-1", "second")
        let result = try await FlowRunner().run(try EngineFixture.plan(document, inputValue: "yes"))
        #expect(result.inactiveVertices == ["Upper-f", "ChatOutput-f"])
        #expect(result.vertices.first { $0.id == "Join-1" }?.outputs["message"]?.text == "YES ")
    }

    @Test func loopsOverAListAndGathersTheResults() async throws {
        let plan = try EngineFixture.plan(FlowBuilderTests.loopDocument)
        let result = try await FlowRunner().run(plan)

        let loop = try #require(result.vertices.first { $0.id == "Loop-1" })
        let done = try #require(loop.outputs["done"])
        #expect(done.typeName == "DataFrame")
        #expect(done.jsonValue.arrayValue?.map { $0["text"] } == ["A", "B", "C"])
        #expect(loop.outputs["item"] == nil)
        #expect(result.outputs.map(\.id) == ["Pass-1"])
        #expect(result.outputs.first?.outputs["output"] == done)
        // The body vertex reports its last iteration.
        #expect(result.vertices.first { $0.id == "Upper-1" }?.outputs["message"]?.text == "C")
    }

    @Test func loopsOverAListGivenByATweak() async throws {
        let plan = try EngineFixture.plan(FlowBuilderTests.loopDocument, tweaks: ["Loop-1": ["data": ["x", "y"]]])
        let result = try await FlowRunner().run(plan)
        let done = try #require(result.vertices.first { $0.id == "Loop-1" }?.outputs["done"])
        #expect(done.jsonValue.arrayValue?.map { $0["text"] } == ["X", "Y"])
    }

    @Test func loopsThroughABodyThatAlsoReadsFromOutsideTheLoop() async throws {
        let document = FlowDocument()
            .node("ChatInput-1", "ChatInput", fields: ["input_value": "x"])
            .node("Loop-1", "Loop", fields: ["data": [["text": "a"], ["text": "b"]]])
            .node("Join-1", "Join")
            .node("Upper-1", "Upper")
            .node("ChatOutput-1", "ChatOutput")
            .edge("Loop-1", "item", outputTypes: ["Data"], to: "Join-1", "first")
            .edge("ChatInput-1", "message", to: "Join-1", "second")
            .edge("Join-1", "message", to: "Upper-1", "input_value")
            .feedback("Upper-1", "message", toLoop: "Loop-1", "item")
            .edge("Loop-1", "done", outputTypes: ["DataFrame"], to: "ChatOutput-1", "input_value")
        let plan = try EngineFixture.plan(document)
        #expect(plan.vertex(id: "Loop-1")?.loop?.body == [plan.vertex(id: "Join-1")?.index, plan.vertex(id: "Upper-1")?.index].compactMap { $0 })
        let result = try await FlowRunner().run(plan)
        let done = try #require(result.vertices.first { $0.id == "Loop-1" }?.outputs["done"])
        #expect(done.jsonValue.arrayValue?.map { $0["text"] } == ["A X", "B X"])
        #expect(result.outputs.map(\.id) == ["ChatOutput-1"])
    }

    /// Regression: a body that never ran got an `end_vertex` (valid, no outputs) and was neither a result nor
    /// inactive.
    @Test func loopsOverAnEmptyListWithoutRunningTheBody() async throws {
        let plan = try EngineFixture.plan(FlowBuilderTests.loopDocument, tweaks: ["Loop-1": ["data": []]])
        let run = FlowRunner().start(plan)
        let events = await Self.collect(run)
        let result = try await run.result()
        #expect(result.vertices.first { $0.id == "Loop-1" }?.outputs["done"] == .json(type: "DataFrame", text: "[]"))
        #expect(result.inactiveVertices == ["Upper-1"])
        #expect(result.vertices.map(\.id) == ["Loop-1", "Pass-1"])
        let ended = events.filter { $0.event == "end_vertex" }.compactMap { $0.data["build_data"]?["id"]?.stringValue }
        #expect(ended == ["Loop-1", "Pass-1"])
    }

    @Test func stopsALoopWithMoreItemsThanTheGuardAllows() async throws {
        let plan = try EngineFixture.plan(FlowBuilderTests.loopDocument)
        await #expect(throws: RunError.loopLimitExceeded(vertexID: "Loop-1", componentType: "Loop", items: 3, limit: 2)) {
            try await FlowRunner().run(plan, options: RunOptions(maxLoopIterations: 2))
        }
        #expect(RunError.loopLimitExceeded(vertexID: "Loop-1", componentType: "Loop", items: 3, limit: 2).description
            == "Loop-1 (Loop): the loop has 3 items, more than the limit of 2")
    }

    // MARK: - Tweaks and variables

    static let greetingDocument = FlowDocument()
        .node("ChatInput-1", "ChatInput", name: "Question", fields: ["input_value": "from the flow"])
        .node("Upper-1", "Upper")
        .node("ChatOutput-1", "ChatOutput")
        .edge("ChatInput-1", "message", to: "Upper-1", "input_value")
        .edge("Upper-1", "message", to: "ChatOutput-1", "input_value")

    @Test(arguments: [
        (JSONValue.null, "FROM THE FLOW"),
        (JSONValue(dictionaryLiteral: ("ChatInput-1", ["input_value": "by id"])), "BY ID"),
        (JSONValue(dictionaryLiteral: ("Question", ["input_value": "by name"])), "BY NAME"),
    ] as [(JSONValue, String)])
    func tweaksChangeTheResult(tweaks: JSONValue, answer: String) async throws {
        let plan = try EngineFixture.plan(Self.greetingDocument, tweaks: tweaks == .null ? Optional<JSONValue>.none : tweaks)
        #expect(try await FlowRunner().run(plan).outputText == answer)
    }

    @Test func tweakingTheRouterByNameChangesTheBranch() async throws {
        let plan = try EngineFixture.plan(Self.routerDocument, tweaks: ["Router": ["match_text": "maybe"]], inputValue: "maybe")
        let result = try await FlowRunner().run(plan)
        #expect(result.outputs.map(\.id) == ["ChatOutput-t"])
        #expect(result.outputText == "MAYBE")
    }

    static let variableDocument = FlowDocument()
        .node("ChatInput-1", "ChatInput", fields: ["input_value": "hello"])
        .node("Join-1", "Join", variables: ["second": "MY_VAR"])
        .node("ChatOutput-1", "ChatOutput")
        .edge("ChatInput-1", "message", to: "Join-1", "first")
        .edge("Join-1", "message", to: "ChatOutput-1", "input_value")

    @Test func readsVariablesOfTheRun() async throws {
        let plan = try EngineFixture.plan(Self.variableDocument)
        let result = try await FlowRunner().run(plan, options: RunOptions(variables: { $0 == "MY_VAR" ? "world" : nil }))
        #expect(result.outputText == "hello world")
    }

    @Test func failsOnAMissingVariable() async throws {
        let plan = try EngineFixture.plan(Self.variableDocument)
        await #expect(throws: RunError.missingVariable(vertexID: "Join-1", componentType: "Join", variable: "MY_VAR")) {
            try await FlowRunner().run(plan, options: RunOptions(variables: { _ in nil }))
        }
    }

    // MARK: - Helpers

    /// When a failing run stopped (its cancel flag went up), seen from a thread of its own rather than from the
    /// cooperative pool, which other tests may keep busy.
    final class StopObserver: Sendable {
        private let stopped = Mutex<Duration?>(nil)

        init(_ run: FlowRun, since start: ContinuousClock.Instant) {
            let context = run.context
            let thread = Thread { [self] in
                while !context.isCancelled && ContinuousClock.now - start < .seconds(30) { usleep(200) }
                self.stopped.withLock { $0 = ContinuousClock.now - start }
            }
            thread.start()
        }

        /// The time from the start to the stop.
        func elapsed() async -> Duration {
            while true {
                if let elapsed = stopped.withLock({ $0 }) { return elapsed }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    /// Every event of a run, up to its end.
    static func collect(_ run: FlowRun) async -> [RunEvent] {
        var events: [RunEvent] = []
        for await event in run.events { events.append(event) }
        return events
    }

    /// The engine test registry plus the probes of ``probeSource``.
    static func registryWithProbes() throws -> ComponentRegistry {
        let probes = try BundleFixtures.compile(name: "engine-probes", source: Self.probeSource)
        var registry = try EngineFixture.registry()
        try registry.add(try BundleLoader().load(file: probes))
        return registry
    }

    /// A bundle of two probes. `CancelProbe` creates `<marker>.started`, waits (up to 10 s) for the run's cancel
    /// flag and, when it sees it, writes "saw the cancel flag" into the file named by its `marker`. `RunInfo`
    /// answers what the host API tells it of the call: "session=… flow=… vertex=…".
    static let probeSource = #"""
        #define _POSIX_C_SOURCE 200809L
        #include "langbuilder_bundle.h"
        #include <stdio.h>
        #include <time.h>

        LB_BUNDLE_HOST_API;

        static int32_t probe_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)n_in; (void)out; (void)n_out;
            lb_string path = lb_value_text(&in[0]);
            char file[4096];
            snprintf(file, sizeof file, "%.*s.started", (int)path.len, path.ptr);
            FILE *started = fopen(file, "w");
            if (started != NULL) fclose(started);
            snprintf(file, sizeof file, "%.*s", (int)path.len, path.ptr);
            /* Up to 5 minutes: a test machine whose cooperative threads are busy may take long to cancel. */
            for (int i = 0; i < 300000; i++) {
                if (lb_host->is_cancelled(ctx)) {
                    FILE *marker = fopen(file, "w");
                    if (marker != NULL) { fputs("saw the cancel flag", marker); fclose(marker); }
                    return lb_fail(lb_host, ctx, "cancelled");
                }
                struct timespec tick = {0, 1000000};
                nanosleep(&tick, NULL);
            }
            return lb_fail(lb_host, ctx, "the cancel flag never came");
        }

        static int32_t info_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)in; (void)n_in; (void)n_out;
            lb_string session = {0}, flow = {0}, vertex = {0};
            lb_host->get_info(ctx, "session_id", &session);
            lb_host->get_info(ctx, "flow_id", &flow);
            lb_host->get_info(ctx, "vertex_id", &vertex);
            char *text = lb_host->alloc(ctx, 512);
            if (text == NULL) return lb_fail(lb_host, ctx, "out of memory");
            int length = snprintf(text, 512, "session=%.*s flow=%.*s vertex=%.*s", (int)session.len, session.ptr,
                                  (int)flow.len, flow.ptr, (int)vertex.len, vertex.ptr);
            lb_set_string(&out[0], text, (size_t)length);
            return LB_OK;
        }

        static lb_input_port probe_inputs[] = {
            {sizeof(lb_input_port), LB_INPUT_REQUIRED, "marker", "Marker", NULL, "str", NULL, NULL, NULL},
        };
        static lb_output_port message_output[] = {{sizeof(lb_output_port), 0, "message", "Message", LB_NAMES("Message")}};
        static lb_output_port text_output[] = {{sizeof(lb_output_port), 0, "text", "Text", LB_NAMES("str")}};
        static const lb_component components[] = {
            {sizeof(lb_component), LB_COMPONENT_THREADSAFE, "CancelProbe", "CancelProbe", "Waits for cancellation.", "testing", NULL,
             probe_inputs, 1, sizeof(lb_input_port), message_output, 1, sizeof(lb_output_port), NULL, probe_run, NULL, NULL, NULL},
            {sizeof(lb_component), LB_COMPONENT_THREADSAFE, "RunInfo", "RunInfo", "Tells what the host says of the call.", "testing", NULL,
             NULL, 0, sizeof(lb_input_port), text_output, 1, sizeof(lb_output_port), NULL, info_run, NULL, NULL, NULL},
        };
        static const lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
        static const lb_bundle_descriptor descriptor = {
            sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "test.langbuilder.engine-probes", "1.0.0", "Engine probes",
            "Probes of what components see of a run.", "Apache-2.0", NULL, components, 2, sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
        };
        LB_BUNDLE_ENTRY(descriptor)
        """#
}
