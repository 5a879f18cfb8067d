import Dispatch

/// Waits on the calling thread for async work: how the host calls async services (``MessageHistory``) from a
/// component call, which runs on a run's worker thread, never on Swift's cooperative pool.
func waitForResult<Success: Sendable>(_ operation: @escaping @Sendable () async throws -> Success) -> Result<Success, any Error> {
    let box = ResultBox<Success>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do {
            box.result = .success(try await operation())
        } catch {
            box.result = .failure(error)
        }
        done.signal()
    }
    done.wait()
    return box.result!
}

/// Carries a result from the task to the waiting thread.
private final class ResultBox<Success: Sendable>: @unchecked Sendable {
    // Written by the task before it signals, read after the wait.
    var result: Result<Success, any Error>?
}
