import Foundation
import LangBuilderCore
import LangBuilderStorage
import Logging
import Testing

@testable import LangBuilderServer

/// The recorder on its own: what it does when storage refuses or fails (issue "REST server", item run records).
@Suite struct RunRecorderTests {
    /// Runs the shout flow to its end.
    private func finishedRun(_ input: String) async throws -> (FlowRun, ExecutionPlan) {
        let flow = try Flow(json: FlowDocuments.shout)
        let plan = try FlowBuilder(registry: try TestServer.sharedRegistry.get()).build(flow, inputValue: input)
        let run = FlowRunner().start(plan, options: RunOptions(sessionID: "recorder"))
        _ = try await run.result()
        return (run, plan)
    }

    @Test func keepsTheOtherRunsWhenStorageRefusesOne() async throws {
        let storage = MemoryStorageDriver()
        let user = try await storage.createUser(UserRecord(username: "ada", passwordHash: "h", isActive: true))
        let flow = try await storage.createFlow(FlowRecord(name: "kept", data: FlowDocuments.shout.serialized(), userID: user.id))
        let recorder = RunRecorder(storage: storage, capacity: 100, maxBatch: 100, retryDelays: [], logger: Logger(label: "test"))
        let (deletedRun, deletedPlan) = try await finishedRun("lost")
        let (keptRun, keptPlan) = try await finishedRun("kept")
        // A run of a flow that no longer exists, then one of a flow that does.
        await recorder.record(deletedRun, plan: deletedPlan, flowID: UUID())
        await recorder.record(keptRun, plan: keptPlan, flowID: flow.id)
        await recorder.flush()
        #expect(try await storage.messages(MessageQuery(flowID: flow.id)).map(\.text) == ["kept", "KEPT"])
        #expect(recorder.droppedCount == 0, "a refused run is not a storage failure")
        #expect(recorder.queuedCount == 0)
    }

    @Test func dropsWithAWarningWhenStorageFailsAndFlushStillReturns() async throws {
        let storage = MemoryStorageDriver()
        try await storage.close()
        let recorder = RunRecorder(storage: storage, capacity: 100, maxBatch: 100, retryDelays: [.milliseconds(1)], logger: Logger(label: "test"))
        for input in ["a", "b", "c"] {
            let (run, plan) = try await finishedRun(input)
            await recorder.record(run, plan: plan, flowID: UUID())
        }
        await recorder.flush()
        #expect(recorder.droppedCount == 3)
        #expect(recorder.queuedCount == 0)
    }

    @Test func convertsEngineTimestamps() {
        let date = RunRecordBuilder.parseTimestamp("2026-11-21T23:56:30.445384Z")
        #expect(date.map { ServerTimestamp.format($0) } == "2026-11-21T23:56:30.445384Z")
        #expect(RunRecordBuilder.parseTimestamp("yesterday") == nil)
    }
}
