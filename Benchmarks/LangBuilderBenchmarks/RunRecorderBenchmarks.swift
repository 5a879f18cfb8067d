// The run path with and without the run recorder, on a SQLite file: what recording messages and transactions
// costs a run (the recorder only queues; a background task writes batches, one transaction each), what it
// would cost if the response waited for the write, and how many runs per second storage keeps up with.
import Foundation
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderStorageSQLite
import LangBuilderTesting

/// ChatInput → Upper → ChatOutput on the engine test bundle: two messages and three transactions per run.
private func shoutFlow() -> JSONValue {
    func node(_ id: String, _ type: String) -> JSONValue {
        ["id": .string(id), "data": ["id": .string(id), "type": .string(type), "node": ["template": ["_type": "Component"]]]]
    }
    func edge(_ source: String, _ sourceType: String, _ target: String) -> JSONValue {
        [
            "source": .string(source), "target": .string(target),
            "data": [
                "sourceHandle": ["dataType": .string(sourceType), "id": .string(source), "name": "message", "output_types": ["Message"]],
                "targetHandle": ["fieldName": "input_value", "id": .string(target), "inputTypes": ["Message"], "type": "str"],
            ],
        ]
    }
    return [
        "nodes": [node("ChatInput-1", "ChatInput"), node("Upper-1", "Upper"), node("ChatOutput-1", "ChatOutput")],
        "edges": [edge("ChatInput-1", "ChatInput", "Upper-1"), edge("Upper-1", "Upper", "ChatOutput-1")],
    ]
}

func runRecorderBenchmarks() {
    print("\n## Run path and the run recorder (ChatInput → Upper → ChatOutput: build + run; SQLite file)\n")
    let registry: ComponentRegistry
    do {
        var loaded = ComponentRegistry()
        try loaded.add(try BundleLoader().load(file: try BundleFixtures.engineTestBundle()))
        registry = loaded
    } catch {
        print("skipped: the engine test bundle did not build: \(error)")
        return
    }
    let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("langbuilder-recorder-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let storage = try! SQLiteStorageDriver(path: directory.appendingPathComponent("langbuilder.db").path)

    blocking {
        let user = try await storage.createUser(UserRecord(username: "bench", passwordHash: "h", isActive: true))
        let document = shoutFlow()
        let stored = try await storage.createFlow(FlowRecord(name: "bench", data: document.serialized(), endpointName: "bench", userID: user.id))
        let flow = try Flow(json: document)
        let builder = FlowBuilder(registry: registry)

        /// One request's work: build the plan, run it, and (with a recorder) queue the run for recording.
        @Sendable func run(_ recorder: RunRecorder?, session: String = "bench", waitForStorage: Bool = false) async throws {
            let plan = try builder.build(flow, inputValue: "hello there", inputType: "chat")
            let run = FlowRunner().start(plan, options: RunOptions(flowID: stored.id.uuidString.lowercased(), sessionID: session))
            _ = try await run.result()
            guard let recorder else { return }
            await recorder.record(run, plan: plan, flowID: stored.id)
            if waitForStorage { await recorder.flush() }
        }

        let without = try await measureAsync(2000) { try await run(nil) }
        report("run, not recorded (median)", without.median)
        report("run, not recorded (p99)", without.p99)

        let recorder = RunRecorder(storage: storage)
        let recorded = try await measureAsync(2000) { try await run(recorder) }
        let flushStart = now()
        await recorder.flush()
        let tail = Double(now() - flushStart)
        report("run + record, written in the background (median)", recorded.median)
        report("run + record, written in the background (p99)", recorded.p99)
        report("flush: what 2200 runs left queued", tail)

        let waited = try await measureAsync(500) { try await run(recorder, waitForStorage: true) }
        report("run + record, response waits for the write (median)", waited.median)
        report("run + record, response waits for the write (p99)", waited.p99)

        for (label, withRecorder) in [("not recorded", false), ("recorded", true)] {
            let start = now()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<16 {
                    group.addTask {
                        for index in 0..<100 { try await run(withRecorder ? recorder : nil, session: "concurrent-\(task)-\(index % 5)") }
                    }
                }
                try await group.waitForAll()
            }
            let runs = now() - start
            await recorder.flush()
            let total = Double(now() - start)
            print(String(format: "%@ %10.0f runs/s (%.0f runs/s until all are written)",
                "16 concurrent clients, \(label)".padding(toLength: 58, withPad: " ", startingAt: 0), 1600 * 1e9 / Double(runs), 1600 * 1e9 / total))
        }
        let messages = try await storage.messages(MessageQuery(flowID: stored.id)).count
        let transactions = try await storage.transactions(flowID: stored.id, pagination: Pagination(limit: 0)).total
        print("  recorded: \(messages) messages, \(transactions) transactions; dropped: \(recorder.droppedCount) runs")
        try await storage.close()
    }
}
