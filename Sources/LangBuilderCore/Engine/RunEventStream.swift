import Foundation

/// The events of one run, as an async sequence for one consumer.
///
/// A small lock-and-array channel: the run appends from worker threads without waiting, and the consumer
/// takes events in order. Events are kept until read (a run's events are few and small, their payloads
/// rendered only when read), so a slow reader never slows the run. Cheaper per event than `AsyncStream`,
/// whose generic buffer showed up as a third of the engine's own cost per vertex.
public final class RunEventStream: AsyncSequence, @unchecked Sendable {
    public typealias Element = RunEvent

    private let lock = NSLock()
    private var buffer: [RunEvent] = []
    private var head = 0
    private var finished = false
    private var waiter: CheckedContinuation<RunEvent?, Never>?

    init() {}

    func yield(_ event: RunEvent) {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: event)
            return
        }
        if !finished { buffer.append(event) }
        lock.unlock()
    }

    func finish() {
        lock.lock()
        finished = true
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(returning: nil)
    }

    func next() async -> RunEvent? {
        switch poll() {
        case .event(let event): return event
        case .finished: return nil
        case .empty: return await withCheckedContinuation { wait($0) }
        }
    }

    private enum Poll {
        case event(RunEvent)
        case finished
        case empty
    }

    private func poll() -> Poll {
        lock.lock()
        defer { lock.unlock() }
        return takeLocked()
    }

    /// Parks the consumer, unless an event arrived (or the run ended) since it last looked.
    private func wait(_ continuation: CheckedContinuation<RunEvent?, Never>) {
        lock.lock()
        switch takeLocked() {
        case .event(let event):
            lock.unlock()
            continuation.resume(returning: event)
        case .finished:
            lock.unlock()
            continuation.resume(returning: nil)
        case .empty:
            waiter = continuation
            lock.unlock()
        }
    }

    private func takeLocked() -> Poll {
        if head < buffer.count {
            let event = buffer[head]
            head += 1
            if head == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                head = 0
            }
            return .event(event)
        }
        return finished ? .finished : .empty
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: RunEventStream
        public mutating func next() async -> RunEvent? { await stream.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }
}
