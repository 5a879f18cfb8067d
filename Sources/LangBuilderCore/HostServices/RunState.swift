import Synchronization

/// The key/value state the components of one run share (`lb_host_api.get_state` / `set_state`).
///
/// Each run has its own, dropped when the run ends; runs never see each other's. Thread-safe: the independent
/// branches of a run call components in parallel, and each read or write is atomic.
///
/// ```swift
/// run.state["cursor"] = .json(type: "dict", text: #"{"page": 2}"#)
/// let cursor = run.state["cursor"]
/// ```
public final class RunState: Sendable {
    private let values = Mutex<[String: Value]>([:])

    init() {}

    /// The value stored under `key`; setting nil removes it.
    public subscript(key: String) -> Value? {
        get { values.withLock { $0[key] } }
        set { values.withLock { $0[key] = newValue } }
    }

    /// The keys that hold a value, sorted.
    public var keys: [String] { values.withLock { $0.keys.sorted() } }
}
