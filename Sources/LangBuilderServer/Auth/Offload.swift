import Dispatch

/// Runs slow synchronous work (password hashing) on a Dispatch queue, so it blocks neither an event loop nor a
/// thread of Swift's cooperative pool.
enum Offload {
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}
