// public: default arguments read `ProcessInfo.processInfo.environment`.
public import Foundation

/// Everything `langbuilder serve` needs to know before it binds: address, directories, limits and auth policy.
///
/// Build it with ``load(environment:environmentFile:overrides:)``, which layers, from weakest to strongest, the
/// defaults, a `.env` file in the working directory, `LANGBUILDER_*` environment variables, and explicit
/// ``Overrides`` (command-line options):
///
/// | Property | Variable | Default |
/// | --- | --- | --- |
/// | ``host`` | `LANGBUILDER_HOST` | `127.0.0.1` |
/// | ``port`` | `LANGBUILDER_PORT` | `7860` |
/// | ``dataDirectory`` | `LANGBUILDER_DATA_DIR` | `~/.langbuilder` |
/// | ``bundlesDirectories`` | `LANGBUILDER_BUNDLES_PATH` (colon-separated) | none |
/// | ``maxBodySize`` | `LANGBUILDER_MAX_FILE_SIZE_UPLOAD` (MiB, as Langflow) | 100 MiB |
/// | ``autoLogin`` | `LANGBUILDER_AUTO_LOGIN` | `true` only on a loopback host |
/// | ``superuserName`` | `LANGBUILDER_SUPERUSER` | `langflow` |
/// | ``superuserPassword`` | `LANGBUILDER_SUPERUSER_PASSWORD` | none (generated) |
/// | ``newUserIsActive`` | `LANGBUILDER_NEW_USER_IS_ACTIVE` | `false` |
/// | ``accessTokenLifetime`` | `LANGBUILDER_ACCESS_TOKEN_EXPIRE_SECONDS` | 3600 s |
/// | ``refreshTokenLifetime`` | `LANGBUILDER_REFRESH_TOKEN_EXPIRE_SECONDS` | 7 days |
/// | ``shutdownGrace`` | `LANGBUILDER_SHUTDOWN_GRACE_SECONDS` | 10 s |
/// | ``eventLoopExecutor`` | `LANGBUILDER_EVENT_LOOP_EXECUTOR` | `true` |
/// | ``transactionsStorageEnabled`` | `LANGBUILDER_TRANSACTIONS_STORAGE_ENABLED` | `true` |
/// | ``vertexBuildsStorageEnabled`` | `LANGBUILDER_VERTEX_BUILDS_STORAGE_ENABLED` | `true` |
/// | ``maxTransactionsToKeep`` | `LANGBUILDER_MAX_TRANSACTIONS_TO_KEEP` | 3000 per flow |
/// | ``maxVertexBuildsToKeep`` | `LANGBUILDER_MAX_VERTEX_BUILDS_TO_KEEP` | 3000 per flow |
/// | ``maxVertexBuildsPerVertex`` | `LANGBUILDER_MAX_VERTEX_BUILDS_PER_VERTEX` | 50 |
///
/// Auto-login makes every visitor the superuser, so unless it is set explicitly it follows the host: on for a
/// loopback address, off for anything else.
///
/// ```swift
/// let configuration = try ServerConfiguration.load(overrides: .init(host: options.host, port: options.port))
/// for warning in configuration.warnings { logger.warning("\(warning)") }
/// ```
public struct ServerConfiguration: Sendable, Hashable {
    /// The address to bind; a name, an IPv4 or an IPv6 address (without brackets).
    public var host: String
    /// The TCP port; 0 asks the system for a free one.
    public var port: Int
    /// Where the storage file, uploaded files and the `secret_key` live.
    public var dataDirectory: String
    /// Directories searched for bundles; empty means the server's built-in search path.
    public var bundlesDirectories: [String]
    /// The largest request body accepted, in bytes; larger ones get 413.
    public var maxBodySize: Int
    /// Whether `GET /api/v1/auto_login` hands out superuser tokens without a password.
    public var autoLogin: Bool
    /// The user name of the superuser created on first start.
    public var superuserName: String
    /// The superuser's password on first start; `nil` means the server generates one and prints it once.
    public var superuserPassword: String?
    /// Whether users who sign up can log in before the superuser activates them.
    public var newUserIsActive: Bool
    public var accessTokenLifetime: Duration
    public var refreshTokenLifetime: Duration
    /// How long runs in progress may go on after SIGTERM/SIGINT before they are cancelled.
    public var shutdownGrace: Duration = .seconds(10)
    /// Whether Swift concurrency's tasks run on SwiftNIO's event loops (the threads that read and write the
    /// sockets) instead of a second pool of threads. Request handlers then answer without a hand-off between
    /// the two pools. It is safe because nothing in the server blocks a task's thread: blocking components run
    /// on the engine's worker threads, password hashing and store syncs on dispatch queues. Turn it off only
    /// to compare, or if an embedding application needs Swift's own executor.
    public var eventLoopExecutor = true
    /// Whether runs log a transaction per vertex (Langflow's `transactions_storage_enabled`).
    public var transactionsStorageEnabled = true
    /// Whether builds log vertex builds (Langflow's `vertex_builds_storage_enabled`).
    public var vertexBuildsStorageEnabled = true
    /// The newest transactions each flow keeps (Langflow's `max_transactions_to_keep`, which counts them over
    /// all flows).
    public var maxTransactionsToKeep = 3000
    /// The newest vertex builds each flow keeps (Langflow's `max_vertex_builds_to_keep`).
    public var maxVertexBuildsToKeep = 3000
    /// The newest vertex builds each vertex keeps (Langflow's `max_vertex_builds_per_vertex`).
    public var maxVertexBuildsPerVertex = 50

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 7860
    public static let defaultMaxBodySize = 100 * 1024 * 1024
    /// Langflow's bootstrap superuser name, which its responses (`owner_username`) show.
    public static let defaultSuperuserName = "langflow"

    /// A configuration from explicit values; `autoLogin` defaults to whether `host` is a loopback address.
    public init(
        host: String = ServerConfiguration.defaultHost,
        port: Int = ServerConfiguration.defaultPort,
        dataDirectory: String = ServerConfiguration.defaultDataDirectory(),
        bundlesDirectories: [String] = [],
        maxBodySize: Int = ServerConfiguration.defaultMaxBodySize,
        autoLogin: Bool? = nil,
        superuserName: String = ServerConfiguration.defaultSuperuserName,
        superuserPassword: String? = nil,
        newUserIsActive: Bool = false,
        accessTokenLifetime: Duration = TokenIssuer.defaultAccessTokenLifetime,
        refreshTokenLifetime: Duration = TokenIssuer.defaultRefreshTokenLifetime
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.bundlesDirectories = bundlesDirectories
        self.maxBodySize = maxBodySize
        self.autoLogin = autoLogin ?? Self.isLoopback(host: host)
        self.superuserName = superuserName
        self.superuserPassword = superuserPassword
        self.newUserIsActive = newUserIsActive
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
    }

    /// `$HOME/.langbuilder`, the data directory the `langbuilder` command uses too.
    public static func defaultDataDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        homeDirectory(environment: environment) + "/.langbuilder"
    }

    static func homeDirectory(environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path
    }

    /// ``maxBodySize`` in whole MiB, as Langflow's `/api/v1/config` reports `max_file_size_upload`.
    public var maxFileSizeUploadMegabytes: Int { maxBodySize / (1024 * 1024) }

    /// Things worth a warning at start: currently, auto-login on an address other machines can reach.
    public var warnings: [String] {
        guard autoLogin, !Self.isLoopback(host: host) else { return [] }
        return [
            "auto-login is on while listening on \(host), not a loopback address: anyone who can reach port "
                + "\(port) is the superuser"
        ]
    }
}

extension ServerConfiguration: CustomStringConvertible {
    /// All settings, with the superuser password redacted, for the start-up log.
    public var description: String {
        let password = superuserPassword == nil ? "nil" : "<redacted>"
        return "ServerConfiguration(host: \(host), port: \(port), dataDirectory: \(dataDirectory), "
            + "bundlesDirectories: \(bundlesDirectories), maxBodySize: \(maxBodySize), autoLogin: \(autoLogin), "
            + "superuserName: \(superuserName), superuserPassword: \(password), newUserIsActive: \(newUserIsActive), "
            + "accessTokenLifetime: \(accessTokenLifetime), refreshTokenLifetime: \(refreshTokenLifetime), "
            + "shutdownGrace: \(shutdownGrace), eventLoopExecutor: \(eventLoopExecutor), "
            + "transactionsStorageEnabled: \(transactionsStorageEnabled), vertexBuildsStorageEnabled: \(vertexBuildsStorageEnabled), "
            + "maxTransactionsToKeep: \(maxTransactionsToKeep), maxVertexBuildsToKeep: \(maxVertexBuildsToKeep), "
            + "maxVertexBuildsPerVertex: \(maxVertexBuildsPerVertex))"
    }
}
