import Synchronization

/// A ``MessageHistory`` in memory: the history of `langbuilder run` and of tests.
///
/// Sessions are keyed by owner and session id, so one user never reads another's session. Each session keeps
/// its latest `capacity` messages.
public final class MemoryMessageHistory: MessageHistory {
    private struct Key: Hashable {
        var userID: String?
        var sessionID: String
    }

    private let sessions = Mutex<[Key: [JSONObject]]>([:])
    private let capacity: Int

    /// - Parameter capacity: how many messages each session keeps (the oldest are dropped first).
    public init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
    }

    public func messages(_ query: MessageQuery) async throws -> [JSONObject] {
        let stored = sessions.withLock { $0[Key(userID: query.userID, sessionID: query.sessionID)] ?? [] }
        var selected: [JSONObject] = []
        for message in stored.reversed() where query.matches(message) {
            guard selected.count < query.limit else { break }
            selected.append(message)
        }
        return selected.reversed()
    }

    public func add(_ message: JSONObject, userID: String?) async throws {
        let key = Key(userID: userID, sessionID: message["session_id"]?.stringValue ?? "")
        sessions.withLock { sessions in
            sessions[key, default: []].append(message)
            if sessions[key]!.count > capacity { sessions[key]!.removeFirst(sessions[key]!.count - capacity) }
        }
    }
}
