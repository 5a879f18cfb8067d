import Foundation
import HTTPTypes
import LangBuilderCore
import Synchronization

/// The runs in progress, so they can be counted (`/monitor/job_queue`) and stopped together at shutdown.
///
/// Once ``beginDraining()`` was called (the server is shutting down) new runs are refused with 503.
public final class ActiveRuns: Sendable {
    private struct State {
        var runs: [Int: FlowRun] = [:]
        var nextID = 0
        var draining = false
    }
    private let state = Mutex(State())

    public init() {}

    /// How many runs are in progress.
    public var count: Int { state.withLock { $0.runs.count } }

    /// Whether the server is shutting down and refuses new runs.
    public var isDraining: Bool { state.withLock { $0.draining } }

    /// Refuses new runs from now on (503); runs in progress go on.
    public func beginDraining() {
        state.withLock { $0.draining = true }
    }

    /// Cancels every run in progress.
    public func cancelAll() {
        for run in state.withLock({ Array($0.runs.values) }) { run.cancel() }
    }

    /// Tracks `run` until `body` returns; while draining, cancels `run` and throws 503 instead.
    func tracking<T>(_ run: FlowRun, _ body: () async throws -> T) async throws -> T {
        // A counter, not a UUID: Foundation's UUID() reads /dev/urandom each time, a measurable cost per run.
        let id = state.withLock { state -> Int? in
            guard !state.draining else { return nil }
            state.nextID &+= 1
            state.runs[state.nextID] = run
            return state.nextID
        }
        guard let id else {
            run.cancel()
            throw APIError(.serviceUnavailable, "The server is shutting down and accepts no new runs")
        }
        defer { state.withLock { $0.runs[id] = nil } }
        return try await body()
    }
}
