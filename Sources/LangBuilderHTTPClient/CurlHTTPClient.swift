import CLangBuilderCurl
public import LangBuilderCore
import Logging
import Synchronization

/// The host's HTTP client for bundles (`lb_host_api.http_request`), over libcurl.
///
/// - **Connections are reused.** A transfer borrows a session (a libcurl multi handle and an easy handle) from
///   a pool and gives it back; each session keeps its connections alive, so repeated requests to one host from
///   one thread, or one after another from several, reuse a connection. The DNS cache and TLS sessions are
///   shared by all sessions.
/// - **TLS is always verified**, peer and host name, against the system's CA store or
///   ``Configuration/caBundlePath``.
/// - **Only `http` and `https`**, redirects included.
/// - **The proxy comes from the environment**, as libcurl reads it: `http_proxy` (lower case only),
///   `https_proxy`/`HTTPS_PROXY`, `all_proxy`/`ALL_PROXY`, and `no_proxy`/`NO_PROXY` for exceptions.
/// - **Cancellation is prompt**: a cancelled run wakes the transfer up at once (`curl_multi_wakeup`), and the
///   progress callback checks the run's flag as well.
/// - **No secret is logged**: log lines carry the method, the URL without user information or query string,
///   the status, sizes and timing; never header values. Error messages follow the same rule.
///
/// ```swift
/// HostServices.bootstrap(HostServices(http: try CurlHTTPClient(), messages: MemoryMessageHistory()))
/// ```
public final class CurlHTTPClient: HostHTTPClient {
    public let configuration: Configuration
    let pool: CurlSessionPool
    private let counters = Counters()

    /// Initializes libcurl once for the process and creates an empty pool.
    public init(configuration: Configuration = Configuration()) throws(HostHTTPError) {
        guard CurlGlobal.initialized else { throw HostHTTPError(.failed, "http_request: libcurl failed to initialize") }
        self.configuration = configuration
        self.pool = CurlSessionPool(maxIdle: configuration.maxIdleSessions)
    }

    public func perform(_ request: HostHTTPRequest, for call: CallContext) throws(HostHTTPError) -> HostHTTPResponse {
        let session = try pool.checkOut()
        defer { pool.checkIn(session) }
        let transfer = CurlTransfer(request: request, configuration: configuration, session: session, call: call)
        let outcome = transfer.run()
        counters.requests.add(1, ordering: .relaxed)
        counters.connections.add(transfer.connectionsOpened, ordering: .relaxed)
        return try outcome.get()
    }

    /// What the client did so far: transfers and the connections they had to open (the others reused one).
    public struct Statistics: Sendable, Equatable {
        public var requests: Int
        public var connectionsOpened: Int

        public init(requests: Int, connectionsOpened: Int) {
            self.requests = requests
            self.connectionsOpened = connectionsOpened
        }
    }

    /// Transfers so far and the connections they opened.
    public var statistics: Statistics {
        Statistics(requests: counters.requests.load(ordering: .relaxed), connectionsOpened: counters.connections.load(ordering: .relaxed))
    }

    private final class Counters: Sendable {
        let requests = Atomic<Int>(0)
        let connections = Atomic<Int>(0)
    }
}

/// libcurl's process-wide initialization, done once before the first handle.
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK && CLangBuilderCurl_shared() != nil
}
