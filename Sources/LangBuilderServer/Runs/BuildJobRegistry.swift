import Foundation
import LangBuilderCore
import LangBuilderStorage

/// The builds started by `POST /build/{flow_id}/flow`, each with the events it produced that no client has
/// read yet. ("Job" is Langflow's wire name for a build in progress: `job_id`.)
///
/// A build belongs to the user who started it: to anyone else (but the superuser) it does not exist. Each
/// event is delivered once: polling takes everything queued, a stream takes events as they come. A finished
/// build is forgotten `retention` after it ended, read or not.
actor BuildJobRegistry {
    private struct Job {
        let ownerID: UUID
        var run: FlowRun?
        var pending: [String] = []
        var finishedAt: ContinuousClock.Instant?
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    private var jobs: [UUID: Job] = [:]
    private let retention: Duration

    init(retention: Duration) {
        self.retention = retention
    }

    /// Registers a build of `owner`'s; `run` is nil for a build that failed before running.
    func create(owner: UUID, run: FlowRun?) -> UUID {
        sweep()
        let id = UUID()
        jobs[id] = Job(ownerID: owner, run: run)
        return id
    }

    /// Queues event lines (JSON and a blank line each) for the build's readers.
    func append(_ lines: [String], to id: UUID) {
        guard !lines.isEmpty, jobs[id] != nil else { return }
        jobs[id]!.pending += lines
        wake(id)
    }

    /// Marks the build finished: readers get what is queued, then the end of the stream.
    func finish(_ id: UUID) {
        guard jobs[id] != nil else { return }
        jobs[id]!.finishedAt = .now
        jobs[id]!.run = nil
        wake(id)
    }

    /// Whether the build exists and `user` may see it.
    func isVisible(_ id: UUID, to user: UserRecord) -> Bool {
        sweep()
        guard let job = jobs[id] else { return false }
        return job.ownerID == user.id || user.isSuperuser
    }

    /// Takes the queued event lines; when none are queued and the build runs, waits for the next ones.
    /// Returns nil for an unknown build; `finished` once the build ended and nothing is left.
    func take(_ id: UUID) async -> (lines: [String], finished: Bool)? {
        while let job = jobs[id], job.pending.isEmpty, job.finishedAt == nil, !Task.isCancelled {
            await waitForEvents(id)
        }
        guard var current = jobs[id] else { return nil }
        let lines = current.pending
        current.pending = []
        let finished = current.finishedAt != nil && lines.isEmpty
        jobs[id] = current
        return (lines, finished)
    }

    /// Stops a running build. Returns false for an unknown build.
    func cancel(_ id: UUID) -> Bool {
        guard let job = jobs[id] else { return false }
        job.run?.cancel()
        return true
    }

    private func waitForEvents(_ id: UUID) async {
        let token = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if Task.isCancelled || jobs[id] == nil {
                    continuation.resume()
                } else {
                    jobs[id]!.waiters[token] = continuation
                }
            }
        } onCancel: {
            Task { await self.resume(id, token) }
        }
    }

    private func resume(_ id: UUID, _ token: UUID) {
        jobs[id]?.waiters.removeValue(forKey: token)?.resume()
    }

    private func wake(_ id: UUID) {
        guard let waiters = jobs[id]?.waiters, !waiters.isEmpty else { return }
        jobs[id]!.waiters = [:]
        for waiter in waiters.values { waiter.resume() }
    }

    /// Forgets the builds that ended more than `retention` ago.
    private func sweep() {
        let now = ContinuousClock.now
        for (id, job) in jobs {
            if let finished = job.finishedAt, now - finished > retention { jobs[id] = nil }
        }
    }
}
