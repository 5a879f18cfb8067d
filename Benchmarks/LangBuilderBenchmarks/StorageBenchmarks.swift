// The cost of what runs write to storage (messages, transactions, vertex builds: one recordRun per run) and of
// the reads the run path makes (API key check, flow load, chat history), on SQLite (a temporary file) and in
// memory. The SQLite numbers include GRDB's hop to its writer queue and the WAL commit (synchronous=NORMAL).
import Foundation
import LangBuilderStorage
import LangBuilderStorageSQLite

/// Runs `body` on the concurrency runtime and waits for it: the benchmark driver is synchronous.
func blocking<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) -> Value {
    let box = BlockingBox<Value>()
    let semaphore = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        semaphore.signal()
    }
    semaphore.wait()
    return try! box.result!.get()
}

final class BlockingBox<Value: Sendable>: @unchecked Sendable {
    var result: Result<Value, any Error>?
}

/// Median and 99th percentile nanoseconds of `count` timed calls of `body` (after `count / 10` untimed ones).
func measureAsync(_ count: Int, _ body: () async throws -> Void) async throws -> (median: Double, p99: Double) {
    for _ in 0..<max(count / 10, 1) { try await body() }
    var samples: [Double] = []
    samples.reserveCapacity(count)
    for _ in 0..<count {
        let start = now()
        try await body()
        samples.append(Double(now() - start))
    }
    samples.sort()
    return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)])
}

/// What one ChatInput → Prompt → ChatOutput run records, with Langflow-sized payloads.
func runRecords(flowID: UUID, session: String) -> (messages: [MessageRecord], transactions: [TransactionRecord], vertexBuilds: [VertexBuildRecord]) {
    let runID = UUID()
    let properties = #"{"source":{"id":"ChatOutput-diRXN","display_name":"Chat Output","source":"Chat Output"},"state":"complete","text_color":null,"background_color":null,"edited":false,"icon":null,"allow_markdown":false,"positive_feedback":null,"targets":[],"usage":null,"build_duration":null}"#
    let messages = [
        MessageRecord(flowID: flowID, sessionID: session, sender: "User", senderName: "User", text: "hello there", properties: properties),
        MessageRecord(flowID: flowID, sessionID: session, sender: "Machine", senderName: "AI", text: "Echo: hello there", properties: properties),
    ]
    let vertices = ["ChatInput-slRik", "Prompt-WsDNg", "ChatOutput-diRXN"]
    let transactions = vertices.map { vertex in
        TransactionRecord(
            flowID: flowID, vertexID: vertex, targetID: nil, inputs: #"{"input_value":"hello there","sender":"User","sender_name":"User","session_id":"\#(session)"}"#,
            outputs: #"{"message":{"message":"Echo: hello there","type":"text"}}"#, status: "success", runID: runID
        )
    }
    let data = #"{"results":{"message":{"text":"Echo: hello there","sender":"Machine"}},"outputs":{"message":{"message":"Echo: hello there","type":"text"}},"logs":{"message":[]},"timedelta":0.0125,"duration":"12 ms","used_frozen_result":false}"#
    let builds = vertices.map { vertex in
        VertexBuildRecord(flowID: flowID, vertexID: vertex, data: data, artifacts: #"{"message":"Echo: hello there","type":"object"}"#, params: "- Message: hello there", valid: true, runID: runID)
    }
    return (messages, transactions, builds)
}

func runStorageBenchmarks() {
    print("\n## Storage (run path; recordRun = 2 messages + 3 transactions + 3 vertex builds in one transaction)\n")
    let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("langbuilder-storage-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let sqlite = try! SQLiteStorageDriver(path: directory.appendingPathComponent("langbuilder.db").path)
    let drivers: [(String, any StorageDriver)] = [("memory", MemoryStorageDriver()), ("SQLite", sqlite)]
    // A flow the size of a small Langflow export (the component source code makes them 60-400 KiB).
    let flowData = #"{"nodes":[{"id":"ChatInput-1","data":{"node":{"template":{"code":{"value":""# + String(repeating: "x", count: 100_000) + #""}}}}}],"edges":[]}"#

    for (name, storage) in drivers {
        blocking {
            let user = try await storage.createUser(UserRecord(username: "bench", passwordHash: "h", isActive: true))
            let flow = try await storage.createFlow(FlowRecord(name: "bench", data: flowData, endpointName: "bench", userID: user.id))
            _ = try await storage.createAPIKey(APIKeyRecord(name: "bench", hashedKey: "bench-hash", maskedKey: "sk-***", userID: user.id))

            // The records are made before timing: only storage is measured.
            let batches = (0..<3300).map { runRecords(flowID: flow.id, session: "session-\($0 % 50)") }
            var next = 0
            let write = try await measureAsync(3000) {
                let records = batches[next]
                next += 1
                try await storage.recordRun(messages: records.messages, transactions: records.transactions, vertexBuilds: records.vertexBuilds)
            }
            report("recordRun, \(name) (median)", write.median)
            report("recordRun, \(name) (p99)", write.p99)

            // What the run recorder writes under load: batches of 32 ChatInput → ChatOutput runs (2 messages and 2
            // transactions each) in one transaction. CPU time of the whole process, per run.
            let chatRuns = (0..<3200).map { index in
                let records = runRecords(flowID: flow.id, session: "chat-\(index % 50)")
                return (messages: records.messages, transactions: Array(records.transactions.prefix(2)))
            }
            var batchSamples: [Double] = []
            for start in stride(from: 0, to: chatRuns.count, by: 32) {
                let batch = chatRuns[start..<start + 32]
                let cpuStart = processCPUTime()
                try await storage.recordRun(messages: batch.flatMap(\.messages), transactions: batch.flatMap(\.transactions), vertexBuilds: [])
                batchSamples.append(Double(processCPUTime() - cpuStart) / 32)
            }
            batchSamples.sort()
            report("recordRun, \(name), batches of 32 chat runs (CPU per run)", batchSamples[batchSamples.count / 2])

            let concurrentRuns = 16 * 100
            let concurrentBatches = (0..<16).map { task in (0..<100).map { runRecords(flowID: flow.id, session: "concurrent-\(task)-\($0 % 5)") } }
            let start = now()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batches in concurrentBatches {
                    group.addTask {
                        for records in batches {
                            try await storage.recordRun(messages: records.messages, transactions: records.transactions, vertexBuilds: records.vertexBuilds)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let perRun = Double(now() - start) / Double(concurrentRuns)
            report("recordRun, \(name), 16 concurrent writers (per run)", perRun)
            print(String(format: "%@ %10.0f runs/s", "  throughput".padding(toLength: 58, withPad: " ", startingAt: 0), 1e9 / perRun))

            let authenticate = try await measureAsync(2000) {
                guard let found = try await storage.apiKey(hashedKey: "bench-hash") else { fatalError("key not found") }
                _ = try await storage.recordAPIKeyUse(id: found.id, at: Date())
            }
            report("API key lookup + recordAPIKeyUse, \(name)", authenticate.median)

            let loadFlow = try await measureAsync(1000) { _ = try await storage.flow(endpointName: "bench", userID: user.id) }
            report("flow(endpointName:) with 100 KB data, \(name)", loadFlow.median)

            let history = try await measureAsync(1000) {
                _ = try await storage.messages(MessageQuery(flowID: flow.id, sessionID: "session-7", order: .newestFirst, pagination: Pagination(limit: 20)))
            }
            let stored = try await storage.messages(MessageQuery(flowID: flow.id)).count
            report("last 20 messages of a session (\(stored) stored), \(name)", history.median)
            try await storage.close()
        }
    }
}

/// CPU time of the whole process (every thread) in nanoseconds.
func processCPUTime() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
