import Foundation
import LangBuilderCore
import Synchronization

/// The runs in progress, so they can be counted (`/monitor/job_queue`) and cancelled together at shutdown.
public final class ActiveRuns: Sendable {
    private let runs = Mutex<[UUID: FlowRun]>([:])

    public init() {}

    /// How many runs are in progress.
    public var count: Int { runs.withLock { $0.count } }

    /// Cancels every run in progress.
    public func cancelAll() {
        for run in runs.withLock({ Array($0.values) }) { run.cancel() }
    }

    /// Tracks `run` until `body` returns.
    func tracking<T>(_ run: FlowRun, _ body: () async throws -> T) async rethrows -> T {
        let id = UUID()
        runs.withLock { $0[id] = run }
        defer { runs.withLock { $0[id] = nil } }
        return try await body()
    }
}
