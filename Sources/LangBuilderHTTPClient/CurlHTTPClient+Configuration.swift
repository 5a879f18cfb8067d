extension CurlHTTPClient {
    /// The operator's settings: defaults and ceilings for the requests of bundles.
    public struct Configuration: Sendable, Equatable {
        /// The longest a whole transfer may take when the request sets no timeout.
        public var timeout: Duration
        /// The longest connecting (TCP and TLS) may take when the request sets no connect timeout.
        public var connectTimeout: Duration
        /// The largest body a response may have when it is buffered (not streamed); a request may only lower it.
        public var maxResponseBytes: Int
        /// A PEM file of CA certificates to trust instead of the system's store; nil: the system's store.
        public var caBundlePath: String?
        /// The `User-Agent` sent when the request has none.
        public var userAgent: String
        /// How many idle sessions (each with its open connections) the pool keeps.
        public var maxIdleSessions: Int

        public init(
            timeout: Duration = .seconds(300),
            connectTimeout: Duration = .seconds(10),
            maxResponseBytes: Int = 32 << 20,
            caBundlePath: String? = nil,
            userAgent: String = "LangBuilder",
            maxIdleSessions: Int = 8
        ) {
            self.timeout = timeout
            self.connectTimeout = connectTimeout
            self.maxResponseBytes = maxResponseBytes
            self.caBundlePath = caBundlePath
            self.userAgent = userAgent
            self.maxIdleSessions = maxIdleSessions
        }

        /// The defaults, overridden by `LANGBUILDER_HTTP_TIMEOUT` and `LANGBUILDER_HTTP_CONNECT_TIMEOUT` (seconds),
        /// `LANGBUILDER_HTTP_MAX_RESPONSE_BYTES` and `LANGBUILDER_HTTP_CA_BUNDLE` (a PEM file).
        public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> Configuration {
            var configuration = Configuration()
            func seconds(_ name: String) throws(ConfigurationError) -> Duration? {
                guard let text = environment[name] else { return nil }
                guard let value = Double(text), value > 0, value.isFinite else {
                    throw ConfigurationError("\(name) must be a positive number of seconds, not \"\(text)\"")
                }
                return .milliseconds(Int64((value * 1000).rounded()))
            }
            if let timeout = try seconds("LANGBUILDER_HTTP_TIMEOUT") { configuration.timeout = timeout }
            if let timeout = try seconds("LANGBUILDER_HTTP_CONNECT_TIMEOUT") { configuration.connectTimeout = timeout }
            if let text = environment["LANGBUILDER_HTTP_MAX_RESPONSE_BYTES"] {
                guard let bytes = Int(text), bytes > 0 else {
                    throw ConfigurationError("LANGBUILDER_HTTP_MAX_RESPONSE_BYTES must be a positive number of bytes, not \"\(text)\"")
                }
                configuration.maxResponseBytes = bytes
            }
            if let path = environment["LANGBUILDER_HTTP_CA_BUNDLE"], !path.isEmpty { configuration.caBundlePath = path }
            return configuration
        }
    }

    /// A setting of the environment that cannot be used.
    public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}
