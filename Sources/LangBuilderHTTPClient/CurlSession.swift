import CLangBuilderCurl
import LangBuilderCore
import Synchronization

/// One libcurl multi handle with one easy handle: what a transfer runs on. The multi handle keeps the
/// connections of past transfers open for the next one and lets a cancelled run wake a waiting transfer up.
///
/// Used by one thread at a time (the pool hands it out); only ``wakeUp()`` may be called from any thread.
final class CurlSession: @unchecked Sendable {
    let multi: UnsafeMutableRawPointer
    let easy: UnsafeMutableRawPointer
    /// libcurl's message for the last failure (`CURLOPT_ERRORBUFFER`).
    let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let multi = curl_multi_init() else { return nil }
        guard let easy = curl_easy_init() else {
            curl_multi_cleanup(multi)
            return nil
        }
        self.multi = multi
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        // Room for the connections of a few hosts; the least recently used one is closed beyond.
        _ = CLangBuilderCurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 8)
    }

    /// Interrupts a `curl_multi_poll` in progress. Thread-safe.
    func wakeUp() {
        _ = curl_multi_wakeup(multi)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_multi_cleanup(multi)
        errorBuffer.deallocate()
    }
}

/// The idle sessions, most recently used first, so that one request after another lands on the session
/// whose connection is still open.
final class CurlSessionPool: Sendable {
    private let idle = Mutex<[CurlSession]>([])
    private let maxIdle: Int

    init(maxIdle: Int) {
        self.maxIdle = max(1, maxIdle)
    }

    func checkOut() throws(HostHTTPError) -> CurlSession {
        if let session = idle.withLock({ $0.popLast() }) { return session }
        guard let session = CurlSession() else { throw HostHTTPError(.failed, "http_request: out of memory (libcurl)") }
        return session
    }

    func checkIn(_ session: CurlSession) {
        // A session beyond the limit is dropped outside the lock: closing its connections takes a while.
        let dropped: CurlSession? = idle.withLock { sessions in
            guard sessions.count < maxIdle else { return session }
            sessions.append(session)
            return nil
        }
        _ = dropped
    }

    /// Sessions waiting to be reused.
    var idleCount: Int { idle.withLock { $0.count } }
}
