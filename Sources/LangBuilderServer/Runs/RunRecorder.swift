public import Foundation
public import LangBuilderCore
public import LangBuilderStorage
public import Logging
import Synchronization

/// Writes what runs leave behind (chat messages, one transaction per vertex and, for builds, the vertex
/// builds) to storage, off the response path.
///
/// ``record(_:plan:flowID:kind:events:)`` turns the finished run into its records and queues them. A background
/// task, on a thread of its own, writes everything queued since its last write with one ``StorageDriver/recordRun(messages:transactions:vertexBuilds:)``
/// call (group commit: one transaction per batch). It first waits up to `linger` (5 ms) for more runs to
/// join the batch, so a busy server writes a few dozen runs per transaction and wakes that thread once per
/// batch, and a quiet one writes each run 5 ms after it ended; ``flush()`` (monitor reads, shutdown) and a
/// full batch end the wait at once. The queue is bounded: when it is full and storage is working, the
/// next `record` waits for room (backpressure: a server that runs flows faster than its storage can write
/// their records slows its answers down instead of losing records); only when storage is failing are the oldest
/// queued runs dropped, with a logged warning. A
/// batch that storage refuses because of one run (its flow was deleted meanwhile) is written run by run, so
/// the others are kept.
///
/// ```swift
/// let recorder = RunRecorder(storage: storage)
/// let run = FlowRunner().start(plan, options: options)
/// _ = try? await run.result()
/// await recorder.record(run, plan: plan, flowID: flow.id)   // queued: returns at once
/// await recorder.flush()   // in tests, and at shutdown
/// ```
public final class RunRecorder: Sendable {
    /// What a run records, as Langflow: every run its messages and transactions; a build (the editor's run
    /// path) its vertex builds too, unless the build asked not to (`log_builds=false`).
    public enum Kind: Sendable, Equatable {
        case run
        case build(logVertexBuilds: Bool)
    }

    /// What the recorder writes and keeps: Langflow's `transactions_storage_enabled`,
    /// `vertex_builds_storage_enabled` and its retention limits (per flow here, see ``RunRecordRetention``).
    /// Chat messages are always written.
    public struct Policy: Sendable, Equatable {
        /// Whether runs write a transaction per vertex (`/monitor/transactions`).
        public var storesTransactions: Bool
        /// Whether builds write vertex builds (`/monitor/builds`).
        public var storesVertexBuilds: Bool
        /// How many of them each flow keeps: after writing, the recorder deletes a flow's oldest records beyond
        /// these counts, in steps of about a tenth of the count (so a flow holds up to 10 % more for a moment),
        /// and at the first write for a flow since the server started.
        public var retention: RunRecordRetention

        public init(storesTransactions: Bool = true, storesVertexBuilds: Bool = true, retention: RunRecordRetention = RunRecordRetention()) {
            self.storesTransactions = storesTransactions
            self.storesVertexBuilds = storesVertexBuilds
            self.retention = retention
        }

        /// After how many new transactions (or vertex builds) a flow is pruned again.
        var transactionStep: Int { max(1, retention.transactionsPerFlow / 10) }
        var vertexBuildStep: Int { max(1, min(retention.vertexBuildsPerFlow, retention.vertexBuildsPerVertex) / 10) }
    }

    /// A finished run to convert: its events and how it ended.
    struct FinishedRun: Sendable {
        let plan: ExecutionPlan
        let flowID: UUID
        let kind: Kind
        let runID: String
        let sessionID: String
        let events: [RunEvent]
        /// Why the run failed; nil when it succeeded.
        let failure: RunError?
        let finishedAt: Date
    }

    private struct Entry {
        let sequence: UInt64
        let records: RunRecords
    }

    private struct State {
        var queue: [Entry] = []
        var head = 0
        var nextSequence: UInt64 = 1
        /// The first sequence of the batch being written.
        var writingFrom: UInt64?
        var isDraining = false
        /// The drain, while it waits for more runs before a write; resumed early by a flush or a full batch.
        var lingering: CheckedContinuation<Void, Never>?
        var waiters: [(target: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
        var dropped = 0
        var lastDropWarning: ContinuousClock.Instant?
        /// Runs waiting for room in a full queue.
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        /// The last batch could not be written (storage is failing): a full queue drops instead of waiting.
        var storageFailing = false
        /// Per flow written since the server started: transactions and vertex builds written since it was last pruned.
        var sincePruned: [UUID: (transactions: Int, vertexBuilds: Int)] = [:]

        /// Room promised to runs between ``waitForRoom()`` and ``enqueue(_:)``.
        var reserved = 0

        var queuedCount: Int { queue.count - head }

        /// The lingering drain's continuation, taken so that exactly one caller resumes it.
        mutating func takeLingering() -> CheckedContinuation<Void, Never>? {
            defer { lingering = nil }
            return lingering
        }

        /// Someone waits for the queued runs (a flush, a run waiting for room), or they fill a batch.
        func mustWrite(maxBatch: Int) -> Bool {
            !waiters.isEmpty || !roomWaiters.isEmpty || queuedCount >= maxBatch
        }

        /// Reserves room for one run if the queue has some and nobody waits for it (always while storage fails).
        mutating func reserveRoom(capacity: Int) -> Bool {
            guard storageFailing || (roomWaiters.isEmpty && queuedCount + reserved < capacity) else { return false }
            reserved += 1
            return true
        }

        /// Every run queued with a sequence up to this one is written or dropped.
        var doneThrough: UInt64 {
            let pending = [writingFrom, head < queue.count ? queue[head].sequence : nil].compactMap { $0 }.min()
            return (pending ?? nextSequence) - 1
        }

        mutating func compact() {
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
        }

        mutating func readyWaiters() -> [CheckedContinuation<Void, Never>] {
            let done = doneThrough
            var ready: [CheckedContinuation<Void, Never>] = []
            waiters.removeAll { waiter in
                guard waiter.target <= done else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
    }

    let storage: any StorageDriver
    let logger: Logger
    public let policy: Policy
    private let capacity: Int
    private let maxBatch: Int
    private let linger: Duration
    private let retryDelays: [Duration]
    private let state = Mutex(State())

    /// - Parameters:
    ///   - policy: what is written and how much of it each flow keeps.
    ///   - capacity: how many finished runs may wait to be written; past it `record` waits for room, or drops the
    ///     oldest while storage is failing.
    ///   - maxBatch: the most runs written in one transaction.
    ///   - linger: how long the recorder waits for more runs before it writes the ones it has (zero: at once).
    public convenience init(
        storage: any StorageDriver, policy: Policy = Policy(), capacity: Int = 2_000, maxBatch: Int = 256,
        linger: Duration = RunRecorder.defaultLinger, logger: Logger = Logger(label: "langbuilder.recorder")
    ) {
        self.init(
            storage: storage, policy: policy, capacity: capacity, maxBatch: maxBatch, linger: linger,
            retryDelays: [.milliseconds(50), .milliseconds(500), .seconds(2)], logger: logger)
    }

    /// Long enough for a busy server to write a few dozen runs per transaction, short next to a person
    /// reading a run's messages (and ``flush()`` does not wait for it).
    public static let defaultLinger = Duration.milliseconds(5)

    /// - Parameter retryDelays: the waits before retrying a batch that storage failed to write; when they are
    ///   used up, the batch is dropped.
    init(
        storage: any StorageDriver, policy: Policy = Policy(), capacity: Int, maxBatch: Int, linger: Duration = .zero, retryDelays: [Duration],
        logger: Logger
    ) {
        self.storage = storage
        self.linger = linger
        self.policy = policy
        self.capacity = max(1, capacity)
        self.maxBatch = max(1, maxBatch)
        self.retryDelays = retryDelays
        self.logger = logger
    }

    /// How many runs wait to be written.
    public var queuedCount: Int { state.withLock { $0.queuedCount } }

    /// How many runs' records were dropped because storage was failing.
    public var droppedCount: Int { state.withLock { $0.dropped } }

    /// Queues a finished run's records: it collects the run's buffered events and its outcome, converts them
    /// into records, and returns at once unless the queue is full while storage works (then it waits for the
    /// writer to make room).
    ///
    /// - Parameters:
    ///   - run: a run that has ended.
    ///   - plan: the plan it ran (inputs and components of its vertices).
    ///   - flowID: the stored flow the records belong to.
    ///   - events: the run's events when the caller read them (a streamed run, a build); nil reads them
    ///     from `run`, whose events nobody else read.
    public func record(_ run: FlowRun, plan: ExecutionPlan, flowID: UUID, kind: Kind = .run, events: [RunEvent]? = nil) async {
        var collected = events ?? []
        if events == nil {
            for await event in run.events { collected.append(event) }
        }
        var failure: RunError?
        do throws(RunError) {
            _ = try await run.result()
        } catch {
            failure = error
        }
        // Converted here, on the caller's thread: the recorder's one thread is left with the writes (SQLite
        // has one writer anyway), and the queue holds the records, not the runs' events.
        let records = Self.records(
            for: FinishedRun(
                plan: plan, flowID: flowID, kind: kind, runID: run.context.runID, sessionID: run.context.sessionID, events: collected,
                failure: failure, finishedAt: Date()),
            policy: policy)
        await waitForRoom()
        enqueue(records)
    }

    /// Returns when the queue has room, or at once while storage is failing (the queue then drops its oldest).
    /// The room is reserved for the caller's ``enqueue(_:)``, so runs that find room at the same time never
    /// overfill the queue, and a newcomer does not pass runs already waiting.
    private func waitForRoom() async {
        if state.withLock({ $0.reserveRoom(capacity: capacity) }) { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (now, lingering) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                if state.reserveRoom(capacity: capacity) { return (true, nil) }
                state.roomWaiters.append(continuation)
                return (false, state.takeLingering())
            }
            lingering?.resume()
            if now { continuation.resume() }
        }
    }

    /// The runs waiting for room that now fit (all of them while storage is failing), with their room reserved.
    private func roomMade(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        let fitting = state.storageFailing ? state.roomWaiters.count : max(0, capacity - state.queuedCount - state.reserved)
        let resumed = Array(state.roomWaiters.prefix(fitting))
        state.roomWaiters.removeFirst(resumed.count)
        state.reserved += resumed.count
        return resumed
    }

    private func enqueue(_ records: RunRecords) {
        let (startDrain, dropped, warn, ready) = state.withLock { state in
            var dropped = 0
            // While storage works nothing is dropped: every run reserved its room in waitForRoom().
            while state.storageFailing && state.queuedCount >= capacity {
                state.head += 1
                dropped += 1
            }
            state.compact()
            state.reserved = max(0, state.reserved - 1)
            state.queue.append(Entry(sequence: state.nextSequence, records: records))
            state.nextSequence += 1
            state.dropped += dropped
            var warn = false
            if dropped > 0 {
                let now = ContinuousClock.now
                if state.lastDropWarning.map({ now - $0 > .seconds(10) }) ?? true {
                    state.lastDropWarning = now
                    warn = true
                }
            }
            let start = !state.isDraining
            state.isDraining = true
            let lingering = state.queuedCount >= maxBatch ? state.takeLingering() : nil
            return (start, dropped, warn, (dropped > 0 ? state.readyWaiters() : []) + (lingering.map { [$0] } ?? []))
        }
        for waiter in ready { waiter.resume() }
        if warn {
            logger.warning("run records dropped: storage is not keeping up", metadata: ["dropped": "\(dropped)", "queued": "\(capacity)"])
        }
        if startDrain {
            Task.detached(executorPreference: RecorderExecutor.shared, priority: .utility) { await self.drain() }
        }
    }

    /// Returns when every run queued before the call is written (or dropped).
    public func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (ready, lingering) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                let target = state.nextSequence - 1
                if state.doneThrough >= target { return (true, nil) }
                state.waiters.append((target, continuation))
                return (false, state.takeLingering())
            }
            lingering?.resume()
            if ready { continuation.resume() }
        }
    }

    /// Gives runs `linger` to join the next batch (one transaction for many runs, and one wake-up of the
    /// recorder's thread instead of one per run). A flush, a full batch or a waiting run ends it early.
    private func waitForMoreRuns() async {
        guard linger > .zero, !state.withLock({ $0.mustWrite(maxBatch: maxBatch) }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.mustWrite(maxBatch: maxBatch) { return true }
                state.lingering = continuation
                return false
            }
            if resumeNow { return continuation.resume() }
            // A timer left from an earlier wait that was ended early only ends this one early too.
            RecorderExecutor.shared.after(linger) { [self] in state.withLock { $0.takeLingering() }?.resume() }
        }
    }

    /// Writes batches until the queue is empty.
    private func drain() async {
        while true {
            await waitForMoreRuns()
            let batch = state.withLock { state -> ([RunRecords], [CheckedContinuation<Void, Never>])? in
                guard state.queuedCount > 0 else {
                    state.isDraining = false
                    return nil
                }
                let end = min(state.queue.count, state.head + maxBatch)
                let entries = state.queue[state.head..<end]
                state.writingFrom = entries.first?.sequence
                state.head = end
                state.compact()
                return (entries.map(\.records), roomMade(&state))
            }
            guard let (records, room) = batch else { return }
            for waiter in room { waiter.resume() }
            if await write(records) { await prune(after: records) }
            let ready = state.withLock { state in
                state.writingFrom = nil
                return state.readyWaiters()
            }
            for waiter in ready { waiter.resume() }
        }
    }

    /// Writes a batch in one transaction; on a refusal that one run can cause, run by run; on a storage
    /// failure, retries, then drops. Returns false when the batch was dropped.
    @discardableResult private func write(_ batch: [RunRecords]) async -> Bool {
        let batch = batch.filter { !$0.isEmpty }
        guard !batch.isEmpty else { return true }
        var attempt = 0
        while true {
            do {
                try await storage.recordRun(
                    messages: batch.flatMap(\.messages), transactions: batch.flatMap(\.transactions), vertexBuilds: batch.flatMap(\.vertexBuilds))
                state.withLock { $0.storageFailing = false }
                return true
            } catch let error as StorageError where error.isCausedByRecords {
                if batch.count > 1 {
                    for records in batch { await write(records) }
                } else {
                    logRefusal(error, batch[0])
                }
                return true
            } catch {
                if attempt < retryDelays.count {
                    logger.debug("writing run records failed; retrying", metadata: ["error": "\(error)", "attempt": "\(attempt + 1)"])
                    try? await Task.sleep(for: retryDelays[attempt])
                    attempt += 1
                    continue
                }
                let room = state.withLock { state in
                    state.dropped += batch.count
                    state.storageFailing = true
                    return roomMade(&state)
                }
                for waiter in room { waiter.resume() }
                logger.error("run records dropped: storage is failing", metadata: ["runs": "\(batch.count)", "error": "\(error)"])
                return false
            }
        }
    }

    /// Deletes the oldest transactions and vertex builds of the flows that just got enough new ones (or their
    /// first since the server started) beyond what the policy keeps. A failure is logged and tried again
    /// after the flow's next records.
    private func prune(after batch: [RunRecords]) async {
        var written: [UUID: (transactions: Int, vertexBuilds: Int)] = [:]
        for records in batch {
            for transaction in records.transactions { written[transaction.flowID, default: (0, 0)].transactions += 1 }
            for build in records.vertexBuilds { written[build.flowID, default: (0, 0)].vertexBuilds += 1 }
        }
        guard !written.isEmpty else { return }
        let due = state.withLock { state -> [UUID] in
            var due: [UUID] = []
            for (flow, count) in written {
                var since = state.sincePruned[flow].map { ($0.transactions + count.transactions, $0.vertexBuilds + count.vertexBuilds) }
                if since == nil || since!.0 >= policy.transactionStep || since!.1 >= policy.vertexBuildStep {
                    due.append(flow)
                    since = (0, 0)
                }
                state.sincePruned[flow] = since
            }
            return due
        }
        guard !due.isEmpty else { return }
        do {
            let deleted = try await storage.pruneRunRecords(flowIDs: due, keeping: policy.retention)
            if deleted > 0 { logger.debug("pruned old run records", metadata: ["flows": "\(due.count)", "deleted": "\(deleted)"]) }
        } catch {
            state.withLock { state in for flow in due { state.sincePruned[flow] = nil } }
            logger.warning("pruning old run records failed", metadata: ["error": "\(error)"])
        }
    }

    /// One run's records, written alone after its batch was refused.
    private func write(_ records: RunRecords) async {
        do {
            try await storage.recordRun(messages: records.messages, transactions: records.transactions, vertexBuilds: records.vertexBuilds)
        } catch let error as StorageError where error.isCausedByRecords {
            logRefusal(error, records)
        } catch {
            state.withLock { $0.dropped += 1 }
            logger.error("run records dropped: storage is failing", metadata: ["run_id": "\(records.runID)", "error": "\(error)"])
        }
    }

    private func logRefusal(_ error: StorageError, _ records: RunRecords) {
        if error == .notFound {
            // The flow was deleted after its run: its records go with it.
            logger.debug("run records not written: the flow no longer exists", metadata: ["run_id": "\(records.runID)"])
        } else {
            logger.warning("run records refused by storage", metadata: ["run_id": "\(records.runID)", "error": "\(error)"])
        }
    }
}

/// What one run writes.
struct RunRecords: Sendable {
    var runID: String
    var messages: [MessageRecord] = []
    var transactions: [TransactionRecord] = []
    var vertexBuilds: [VertexBuildRecord] = []

    var isEmpty: Bool { messages.isEmpty && transactions.isEmpty && vertexBuilds.isEmpty }
}

extension StorageError {
    /// Whether storage refused the records themselves (a deleted flow, a duplicate id) rather than failed.
    var isCausedByRecords: Bool {
        switch self {
        case .notFound, .duplicate, .invalid, .versionConflict: true
        case .backend: false
        }
    }
}

/// Runs the recorder's task on a thread of its own (a serial dispatch queue), away from the threads that
/// serve requests. When the event loops are the tasks' executor (`langbuilder serve`), a task started by a
/// request runs on that request's event loop: the drain would convert and write records there, before the
/// request's response is even written.
final class RecorderExecutor: TaskExecutor {
    static let shared = RecorderExecutor()
    private let queue = DispatchQueue(label: "langbuilder.recorder", qos: .utility)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Runs `body` on the recorder's thread after `delay`.
    func after(_ delay: Duration, _ body: @escaping @Sendable () -> Void) {
        let (seconds, attoseconds) = delay.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: body)
    }
}
