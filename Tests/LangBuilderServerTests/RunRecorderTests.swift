import Foundation
import LangBuilderCore
import LangBuilderStorage
import Logging
import Synchronization
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
        #expect(try await storage.messages(LangBuilderStorage.MessageQuery(flowID: flow.id)).map(\.text) == ["kept", "KEPT"])
        #expect(recorder.droppedCount == 0, "a refused run is not a storage failure")
        #expect(recorder.queuedCount == 0)
    }

    /// Storage slower than the runs: a full queue makes the next run wait for room; nothing is dropped.
    @Test func aFullQueueWaitsForRoomInsteadOfDropping() async throws {
        let storage = SlowStorage(MemoryStorageDriver())
        let user = try await storage.createUser(UserRecord(username: "ada", passwordHash: "h", isActive: true))
        let flow = try await storage.createFlow(FlowRecord(name: "busy", data: FlowDocuments.shout.serialized(), userID: user.id))
        let recorder = RunRecorder(storage: storage, capacity: 2, maxBatch: 1, retryDelays: [], logger: Logger(label: "test"))
        var runs: [(FlowRun, ExecutionPlan)] = []
        for index in 0..<12 { runs.append(try await finishedRun("run \(index)")) }
        await withTaskGroup(of: Void.self) { group in
            for (run, plan) in runs {
                group.addTask { await recorder.record(run, plan: plan, flowID: flow.id) }
            }
        }
        #expect(recorder.queuedCount <= 2 + 1, "the queue stays near its capacity")
        await recorder.flush()
        #expect(recorder.droppedCount == 0)
        #expect(try await storage.messages(LangBuilderStorage.MessageQuery(flowID: flow.id)).count == 24)
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

    /// Langflow's retention, per flow: the newest transactions and vertex builds stay, messages all stay.
    @Test func keepsEachFlowsNewestRecords() async throws {
        let storage = MemoryStorageDriver()
        let user = try await storage.createUser(UserRecord(username: "ada", passwordHash: "h", isActive: true))
        let busy = try await storage.createFlow(FlowRecord(name: "busy", data: FlowDocuments.shout.serialized(), userID: user.id))
        let quiet = try await storage.createFlow(FlowRecord(name: "quiet", data: FlowDocuments.shout.serialized(), userID: user.id))
        let policy = RunRecorder.Policy(retention: RunRecordRetention(transactionsPerFlow: 6, vertexBuildsPerFlow: 2, vertexBuildsPerVertex: 1))
        let recorder = RunRecorder(storage: storage, policy: policy, capacity: 100, maxBatch: 1, retryDelays: [], logger: Logger(label: "test"))
        for index in 0..<5 {
            let (run, plan) = try await finishedRun("run \(index)")
            await recorder.record(run, plan: plan, flowID: busy.id, kind: .build(logVertexBuilds: true))
        }
        let (run, plan) = try await finishedRun("quiet")
        await recorder.record(run, plan: plan, flowID: quiet.id)
        await recorder.flush()

        // Three vertices a run: the last two runs' transactions; one build per vertex (of the last run), two at most.
        let transactions = try await storage.transactions(flowID: busy.id, pagination: nil)
        #expect(transactions.total == 6)
        let kept = Set(transactions.items.compactMap(\.inputs).filter { $0.contains("run ") }.map { $0.contains("run 4") ? "run 4" : $0.contains("run 3") ? "run 3" : "older" })
        #expect(kept == ["run 3", "run 4"])
        let builds = try await storage.vertexBuilds(flowID: busy.id)
        #expect(builds.count == 2)
        #expect(Set(builds.map(\.vertexID)).count == 2, "the newest build of each of the last two vertices")
        #expect(builds.allSatisfy { $0.data?.contains("RUN 4") == true || $0.data?.contains("run 4") == true })
        #expect(try await storage.transactions(flowID: quiet.id, pagination: nil).total == 3, "another flow keeps its own")
        #expect(try await storage.messages(LangBuilderStorage.MessageQuery(flowID: busy.id)).count == 10, "messages are never pruned")
    }

    /// Langflow's `transactions_storage_enabled` and `vertex_builds_storage_enabled` turned off: messages only.
    @Test func writesOnlyMessagesWhenTransactionsAndBuildsAreOff() async throws {
        let storage = MemoryStorageDriver()
        let user = try await storage.createUser(UserRecord(username: "ada", passwordHash: "h", isActive: true))
        let flow = try await storage.createFlow(FlowRecord(name: "f", data: FlowDocuments.shout.serialized(), userID: user.id))
        let policy = RunRecorder.Policy(storesTransactions: false, storesVertexBuilds: false)
        let recorder = RunRecorder(storage: storage, policy: policy, capacity: 100, maxBatch: 100, retryDelays: [], logger: Logger(label: "test"))
        let (run, plan) = try await finishedRun("hello")
        await recorder.record(run, plan: plan, flowID: flow.id, kind: .build(logVertexBuilds: true))
        await recorder.flush()
        #expect(try await storage.messages(LangBuilderStorage.MessageQuery(flowID: flow.id)).map(\.text) == ["hello", "HELLO"])
        #expect(try await storage.transactions(flowID: flow.id, pagination: nil).total == 0)
        #expect(try await storage.vertexBuilds(flowID: flow.id).isEmpty)
    }

    /// Runs that end within the linger go to storage together, in one write, with no flush to prompt it.
    @Test func runsThatEndTogetherShareOneWrite() async throws {
        let storage = SlowStorage(MemoryStorageDriver(), delay: .zero)
        let user = try await storage.createUser(UserRecord(username: "ada", passwordHash: "h", isActive: true))
        let flow = try await storage.createFlow(FlowRecord(name: "f", data: FlowDocuments.shout.serialized(), userID: user.id))
        let recorder = RunRecorder(storage: storage, capacity: 100, maxBatch: 100, linger: .seconds(1), retryDelays: [], logger: Logger(label: "test"))
        var runs: [(FlowRun, ExecutionPlan)] = []
        for index in 0..<5 { runs.append(try await finishedRun("run \(index)")) }
        for (run, plan) in runs { await recorder.record(run, plan: plan, flowID: flow.id) }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await storage.messages(LangBuilderStorage.MessageQuery(flowID: flow.id)).count < 10, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await storage.messages(LangBuilderStorage.MessageQuery(flowID: flow.id)).count == 10)
        #expect(storage.recordRunCalls == 1)
    }

    /// A flush (a monitor read, shutdown) and a full batch do not wait out the linger.
    @Test func aFlushOrAFullBatchEndsTheLinger() async throws {
        let storage = MemoryStorageDriver()
        let user = try await storage.createUser(UserRecord(username: "ada", passwordHash: "h", isActive: true))
        let flow = try await storage.createFlow(FlowRecord(name: "f", data: FlowDocuments.shout.serialized(), userID: user.id))
        let recorder = RunRecorder(storage: storage, capacity: 100, maxBatch: 2, linger: .seconds(600), retryDelays: [], logger: Logger(label: "test"))
        let started = ContinuousClock.now
        let (first, firstPlan) = try await finishedRun("flushed")
        await recorder.record(first, plan: firstPlan, flowID: flow.id)
        await recorder.flush()
        #expect(try await storage.messages(LangBuilderStorage.MessageQuery(flowID: flow.id)).map(\.text) == ["flushed", "FLUSHED"])

        for input in ["one", "two"] {
            let (run, plan) = try await finishedRun(input)
            await recorder.record(run, plan: plan, flowID: flow.id)
        }
        while try await storage.messages(LangBuilderStorage.MessageQuery(flowID: flow.id)).count < 6, ContinuousClock.now - started < .seconds(60) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await storage.messages(LangBuilderStorage.MessageQuery(flowID: flow.id)).count == 6, "two runs fill a batch of two")
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func convertsEngineTimestamps() {
        let date = RunRecordBuilder.parseTimestamp("2026-11-21T23:56:30.445384Z")
        #expect(date.map { ServerTimestamp.format($0) } == "2026-11-21T23:56:30.445384Z")
        #expect(RunRecordBuilder.parseTimestamp("yesterday") == nil)
    }
}

/// A storage driver whose run writes take 20 ms (or `delay`): slower than the runs that produce them. It
/// counts its `recordRun` calls.
final class SlowStorage: StorageDriver, @unchecked Sendable {
    let base: MemoryStorageDriver
    let delay: Duration
    private let calls = Mutex(0)
    init(_ base: MemoryStorageDriver, delay: Duration = .milliseconds(20)) {
        self.base = base
        self.delay = delay
    }

    var recordRunCalls: Int { calls.withLock { $0 } }

    func close() async throws {
        try await base.close()
    }
    @discardableResult func createUser(_ user: UserRecord) async throws -> UserRecord {
        try await base.createUser(user)
    }
    func user(id: UUID) async throws -> UserRecord? {
        try await base.user(id: id)
    }
    func user(username: String) async throws -> UserRecord? {
        try await base.user(username: username)
    }
    @discardableResult func updateUser(_ user: UserRecord) async throws -> UserRecord {
        try await base.updateUser(user)
    }
    func deleteUser(id: UUID) async throws {
        try await base.deleteUser(id: id)
    }
    func userCount() async throws -> Int {
        try await base.userCount()
    }
    func users(_ pagination: Pagination?) async throws -> RecordPage<UserRecord> {
        try await base.users(pagination)
    }
    @discardableResult func createFolder(_ folder: FolderRecord) async throws -> FolderRecord {
        try await base.createFolder(folder)
    }
    func folder(id: UUID) async throws -> FolderRecord? {
        try await base.folder(id: id)
    }
    func folders(userID: UUID?) async throws -> [FolderRecord] {
        try await base.folders(userID: userID)
    }
    @discardableResult func updateFolder(_ folder: FolderRecord) async throws -> FolderRecord {
        try await base.updateFolder(folder)
    }
    func deleteFolder(id: UUID) async throws {
        try await base.deleteFolder(id: id)
    }
    @discardableResult func createFlow(_ flow: FlowRecord) async throws -> FlowRecord {
        try await base.createFlow(flow)
    }
    func flow(id: UUID) async throws -> FlowRecord? {
        try await base.flow(id: id)
    }
    func flow(endpointName: String, userID: UUID) async throws -> FlowRecord? {
        try await base.flow(endpointName: endpointName, userID: userID)
    }
    func flows(_ query: FlowQuery) async throws -> RecordPage<FlowRecord> {
        try await base.flows(query)
    }
    @discardableResult func updateFlow(_ flow: FlowRecord, expectedVersionToken: String?) async throws -> FlowRecord {
        try await base.updateFlow(flow, expectedVersionToken: expectedVersionToken)
    }
    @discardableResult func deleteFlows(ids: [UUID], ownedBy: UUID?) async throws -> Int {
        try await base.deleteFlows(ids: ids, ownedBy: ownedBy)
    }
    @discardableResult func createAPIKey(_ key: APIKeyRecord) async throws -> APIKeyRecord {
        try await base.createAPIKey(key)
    }
    func apiKey(id: UUID) async throws -> APIKeyRecord? {
        try await base.apiKey(id: id)
    }
    func apiKey(hashedKey: String) async throws -> APIKeyRecord? {
        try await base.apiKey(hashedKey: hashedKey)
    }
    func apiKeys(userID: UUID) async throws -> [APIKeyRecord] {
        try await base.apiKeys(userID: userID)
    }
    @discardableResult func recordAPIKeyUse(id: UUID, at date: Date, count: Int) async throws -> APIKeyRecord {
        try await base.recordAPIKeyUse(id: id, at: date, count: count)
    }
    func deleteAPIKey(id: UUID) async throws {
        try await base.deleteAPIKey(id: id)
    }
    @discardableResult func createVariable(_ variable: VariableRecord) async throws -> VariableRecord {
        try await base.createVariable(variable)
    }
    func variable(id: UUID) async throws -> VariableRecord? {
        try await base.variable(id: id)
    }
    func variable(name: String, userID: UUID) async throws -> VariableRecord? {
        try await base.variable(name: name, userID: userID)
    }
    func variables(userID: UUID) async throws -> [VariableRecord] {
        try await base.variables(userID: userID)
    }
    @discardableResult func updateVariable(_ variable: VariableRecord) async throws -> VariableRecord {
        try await base.updateVariable(variable)
    }
    func deleteVariable(id: UUID) async throws {
        try await base.deleteVariable(id: id)
    }
    func recordRun(messages: [MessageRecord], transactions: [TransactionRecord], vertexBuilds: [VertexBuildRecord]) async throws {
        calls.withLock { $0 += 1 }
        try await Task.sleep(for: delay)
        try await base.recordRun(messages: messages, transactions: transactions, vertexBuilds: vertexBuilds)
    }
    func message(id: UUID) async throws -> MessageRecord? {
        try await base.message(id: id)
    }
    func messages(_ query: LangBuilderStorage.MessageQuery) async throws -> [MessageRecord] {
        try await base.messages(query)
    }
    func messageSessions(flowID: UUID?, ownedBy: UUID?) async throws -> [String] {
        try await base.messageSessions(flowID: flowID, ownedBy: ownedBy)
    }
    @discardableResult func updateMessage(_ message: MessageRecord) async throws -> MessageRecord {
        try await base.updateMessage(message)
    }
    @discardableResult func renameMessageSession(from old: String, to new: String, ownedBy: UUID?) async throws -> Int {
        try await base.renameMessageSession(from: old, to: new, ownedBy: ownedBy)
    }
    @discardableResult func deleteMessages(ids: [UUID], ownedBy: UUID?) async throws -> Int {
        try await base.deleteMessages(ids: ids, ownedBy: ownedBy)
    }
    @discardableResult func deleteMessages(sessionID: String, flowID: UUID?, ownedBy: UUID?) async throws -> Int {
        try await base.deleteMessages(sessionID: sessionID, flowID: flowID, ownedBy: ownedBy)
    }
    func transactions(flowID: UUID, pagination: Pagination?) async throws -> RecordPage<TransactionRecord> {
        try await base.transactions(flowID: flowID, pagination: pagination)
    }
    func vertexBuilds(flowID: UUID) async throws -> [VertexBuildRecord] {
        try await base.vertexBuilds(flowID: flowID)
    }
    @discardableResult func deleteVertexBuilds(flowID: UUID) async throws -> Int {
        try await base.deleteVertexBuilds(flowID: flowID)
    }
    @discardableResult func pruneRunRecords(flowIDs: [UUID]?, keeping retention: RunRecordRetention) async throws -> Int {
        try await base.pruneRunRecords(flowIDs: flowIDs, keeping: retention)
    }
    @discardableResult func createFile(_ file: FileRecord) async throws -> FileRecord {
        try await base.createFile(file)
    }
    func file(id: UUID) async throws -> FileRecord? {
        try await base.file(id: id)
    }
    func files(userID: UUID) async throws -> [FileRecord] {
        try await base.files(userID: userID)
    }
    @discardableResult func updateFile(_ file: FileRecord) async throws -> FileRecord {
        try await base.updateFile(file)
    }
    func deleteFile(id: UUID) async throws {
        try await base.deleteFile(id: id)
    }
}
