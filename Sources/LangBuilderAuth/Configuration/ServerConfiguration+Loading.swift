// public: default arguments read `ProcessInfo.processInfo.environment`.
public import Foundation

extension ServerConfiguration {
    /// Which `.env` file ``load(environment:environmentFile:overrides:)`` reads.
    public enum EnvironmentFileLocation: Sendable, Hashable {
        /// None.
        case none
        /// `.env` in the current working directory, if there is one.
        case workingDirectory
        /// This file, which must exist.
        case path(String)
    }

    /// Values that win over the environment, typically from command-line options; `nil` leaves a setting alone.
    public struct Overrides: Sendable, Hashable {
        public var host: String?
        public var port: Int?
        public var dataDirectory: String?
        public var bundlesDirectories: [String]?
        public var maxBodySize: Int?
        public var autoLogin: Bool?
        public var superuserName: String?
        public var superuserPassword: String?
        public var newUserIsActive: Bool?
        public var accessTokenLifetime: Duration?
        public var refreshTokenLifetime: Duration?

        public init(
            host: String? = nil,
            port: Int? = nil,
            dataDirectory: String? = nil,
            bundlesDirectories: [String]? = nil,
            maxBodySize: Int? = nil,
            autoLogin: Bool? = nil,
            superuserName: String? = nil,
            superuserPassword: String? = nil,
            newUserIsActive: Bool? = nil,
            accessTokenLifetime: Duration? = nil,
            refreshTokenLifetime: Duration? = nil
        ) {
            self.host = host
            self.port = port
            self.dataDirectory = dataDirectory
            self.bundlesDirectories = bundlesDirectories
            self.maxBodySize = maxBodySize
            self.autoLogin = autoLogin
            self.superuserName = superuserName
            self.superuserPassword = superuserPassword
            self.newUserIsActive = newUserIsActive
            self.accessTokenLifetime = accessTokenLifetime
            self.refreshTokenLifetime = refreshTokenLifetime
        }
    }

    /// The variables ``load(environment:environmentFile:overrides:)`` reads. Others in a `.env` file are ignored.
    public static let environmentVariables: [String] = Variable.allCases.map(\.rawValue)

    enum Variable: String, CaseIterable {
        case host = "LANGBUILDER_HOST"
        case port = "LANGBUILDER_PORT"
        case dataDirectory = "LANGBUILDER_DATA_DIR"
        case bundlesPath = "LANGBUILDER_BUNDLES_PATH"
        case maxFileSizeUpload = "LANGBUILDER_MAX_FILE_SIZE_UPLOAD"
        case autoLogin = "LANGBUILDER_AUTO_LOGIN"
        case superuser = "LANGBUILDER_SUPERUSER"
        case superuserPassword = "LANGBUILDER_SUPERUSER_PASSWORD"
        case newUserIsActive = "LANGBUILDER_NEW_USER_IS_ACTIVE"
        case accessTokenExpireSeconds = "LANGBUILDER_ACCESS_TOKEN_EXPIRE_SECONDS"
        case refreshTokenExpireSeconds = "LANGBUILDER_REFRESH_TOKEN_EXPIRE_SECONDS"
        case shutdownGraceSeconds = "LANGBUILDER_SHUTDOWN_GRACE_SECONDS"
        case eventLoopExecutor = "LANGBUILDER_EVENT_LOOP_EXECUTOR"
        case transactionsStorageEnabled = "LANGBUILDER_TRANSACTIONS_STORAGE_ENABLED"
        case vertexBuildsStorageEnabled = "LANGBUILDER_VERTEX_BUILDS_STORAGE_ENABLED"
        case maxTransactionsToKeep = "LANGBUILDER_MAX_TRANSACTIONS_TO_KEEP"
        case maxVertexBuildsToKeep = "LANGBUILDER_MAX_VERTEX_BUILDS_TO_KEEP"
        case maxVertexBuildsPerVertex = "LANGBUILDER_MAX_VERTEX_BUILDS_PER_VERTEX"
    }

    static let maximumUploadMegabytes = 1024 * 1024
    static let maximumLifetimeSeconds = 10 * 366 * 24 * 3600

    /// The configuration from defaults < the `.env` file < `environment` < `overrides`.
    ///
    /// An empty value counts as unset, at every layer. `~/` at the start of a directory is the `HOME` of
    /// `environment`. Auto-login, unless set explicitly at some layer, follows the final ``host``.
    ///
    /// - Throws: ``ConfigurationError`` naming the first variable whose value cannot be used, where it came from, and
    ///   what was expected; or the file and line of a `.env` line that is not an assignment.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        environmentFile: EnvironmentFileLocation = .workingDirectory,
        overrides: Overrides = Overrides()
    ) throws(ConfigurationError) -> ServerConfiguration {
        var settings: [Variable: (value: String, source: ConfigurationError.Source)] = [:]
        for entry in try readEnvironmentFile(environmentFile) {
            if let variable = Variable(rawValue: entry.key), !entry.value.isEmpty {
                settings[variable] = (entry.value, .environmentFile(path: entry.path, line: entry.line))
            }
        }
        for variable in Variable.allCases {
            if let value = environment[variable.rawValue], !value.isEmpty {
                settings[variable] = (value, .environment)
            }
        }

        let home = homeDirectory(environment: environment)
        func value<T>(
            _ variable: Variable, _ parse: (String) -> T?, expected: String
        ) throws(ConfigurationError) -> T? {
            guard let setting = settings[variable] else { return nil }
            guard let parsed = parse(setting.value) else {
                let shown = variable == .superuserPassword ? nil : setting.value
                throw ConfigurationError(
                    source: setting.source, variable: variable.rawValue, value: shown, detail: "expected " + expected)
            }
            return parsed
        }

        var configuration = ServerConfiguration(dataDirectory: defaultDataDirectory(environment: environment))
        if let host = try value(.host, parseHost, expected: hostExpectation) { configuration.host = host }
        if let port = try value(.port, { Int($0).flatMap(validPort) }, expected: portExpectation) {
            configuration.port = port
        }
        if let directory = try value(.dataDirectory, { expandingTilde($0, home: home) }, expected: "a directory") {
            configuration.dataDirectory = directory
        }
        if let path = try value(
            .bundlesPath, { parseSearchPath($0, home: home) }, expected: "directories separated by \":\"")
        {
            configuration.bundlesDirectories = path
        }
        if let megabytes = try value(
            .maxFileSizeUpload, { Int($0).flatMap { (1...maximumUploadMegabytes).contains($0) ? $0 : nil } },
            expected: "a whole number of megabytes from 1 to \(maximumUploadMegabytes)")
        {
            configuration.maxBodySize = megabytes * 1024 * 1024
        }
        let explicitAutoLogin = try value(.autoLogin, parseBool, expected: boolExpectation)
        if let name = try value(.superuser, parseName, expected: "a non-empty user name") {
            configuration.superuserName = name
        }
        configuration.superuserPassword = try value(.superuserPassword, { $0 }, expected: "a password")
        if let active = try value(.newUserIsActive, parseBool, expected: boolExpectation) {
            configuration.newUserIsActive = active
        }
        if let lifetime = try value(.accessTokenExpireSeconds, parseLifetime, expected: lifetimeExpectation) {
            configuration.accessTokenLifetime = lifetime
        }
        if let lifetime = try value(.refreshTokenExpireSeconds, parseLifetime, expected: lifetimeExpectation) {
            configuration.refreshTokenLifetime = lifetime
        }
        if let seconds = try value(
            .shutdownGraceSeconds, { Int($0).flatMap { (0...3600).contains($0) ? $0 : nil } },
            expected: "a whole number of seconds from 0 to 3600")
        {
            configuration.shutdownGrace = .seconds(seconds)
        }
        if let eventLoops = try value(.eventLoopExecutor, parseBool, expected: boolExpectation) {
            configuration.eventLoopExecutor = eventLoops
        }
        if let enabled = try value(.transactionsStorageEnabled, parseBool, expected: boolExpectation) {
            configuration.transactionsStorageEnabled = enabled
        }
        if let enabled = try value(.vertexBuildsStorageEnabled, parseBool, expected: boolExpectation) {
            configuration.vertexBuildsStorageEnabled = enabled
        }
        if let count = try value(.maxTransactionsToKeep, parseCount, expected: countExpectation) { configuration.maxTransactionsToKeep = count }
        if let count = try value(.maxVertexBuildsToKeep, parseCount, expected: countExpectation) { configuration.maxVertexBuildsToKeep = count }
        if let count = try value(.maxVertexBuildsPerVertex, parseCount, expected: countExpectation) { configuration.maxVertexBuildsPerVertex = count }

        try configuration.apply(overrides)
        configuration.autoLogin = overrides.autoLogin ?? explicitAutoLogin ?? isLoopback(host: configuration.host)
        return configuration
    }

    private mutating func apply(_ overrides: Overrides) throws(ConfigurationError) {
        func invalid(_ property: String, _ value: String?, _ expected: String) -> ConfigurationError {
            ConfigurationError(source: .override, variable: property, value: value, detail: "expected " + expected)
        }
        if let host = overrides.host {
            guard let parsed = Self.parseHost(host) else { throw invalid("host", host, Self.hostExpectation) }
            self.host = parsed
        }
        if let port = overrides.port {
            guard let valid = Self.validPort(port) else { throw invalid("port", String(port), Self.portExpectation) }
            self.port = valid
        }
        if let directory = overrides.dataDirectory {
            guard !directory.isEmpty else { throw invalid("dataDirectory", directory, "a directory") }
            dataDirectory = directory
        }
        if let directories = overrides.bundlesDirectories { bundlesDirectories = directories }
        if let size = overrides.maxBodySize {
            guard size > 0 else { throw invalid("maxBodySize", String(size), "a positive number of bytes") }
            maxBodySize = size
        }
        if let name = overrides.superuserName {
            guard let parsed = Self.parseName(name) else {
                throw invalid("superuserName", name, "a non-empty user name")
            }
            superuserName = parsed
        }
        if let password = overrides.superuserPassword {
            guard !password.isEmpty else { throw invalid("superuserPassword", nil, "a non-empty password") }
            superuserPassword = password
        }
        if let active = overrides.newUserIsActive { newUserIsActive = active }
        func validLifetime(_ property: String, _ lifetime: Duration) throws(ConfigurationError) -> Duration {
            guard lifetime > .zero, lifetime <= .seconds(Self.maximumLifetimeSeconds) else {
                throw invalid(property, "\(lifetime)", Self.lifetimeExpectation)
            }
            return lifetime
        }
        if let lifetime = overrides.accessTokenLifetime {
            accessTokenLifetime = try validLifetime("accessTokenLifetime", lifetime)
        }
        if let lifetime = overrides.refreshTokenLifetime {
            refreshTokenLifetime = try validLifetime("refreshTokenLifetime", lifetime)
        }
    }

    // MARK: - Reading the .env file

    private struct FileEntry {
        var key: String
        var value: String
        var line: Int
        var path: String
    }

    private static func readEnvironmentFile(
        _ location: EnvironmentFileLocation
    ) throws(ConfigurationError) -> [FileEntry] {
        let path: String
        let shownPath: String
        switch location {
        case .none:
            return []
        case .workingDirectory:
            path = FileManager.default.currentDirectoryPath + "/.env"
            shownPath = ".env"
            guard FileManager.default.fileExists(atPath: path) else { return [] }
        case .path(let file):
            path = file
            shownPath = file
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                source: .environmentFile(path: shownPath, line: 0),
                detail: "cannot read the file: \(error.localizedDescription)")
        }
        return try DotEnvParser.parse(text, path: shownPath).map {
            FileEntry(key: $0.key, value: $0.value, line: $0.line, path: shownPath)
        }
    }

    // MARK: - Values

    static let hostExpectation = "a host name or IP address"
    static let portExpectation = "a port number from 0 to 65535"
    static let boolExpectation = "true or false"
    static let countExpectation = "a whole number from 0 to \(maximumRecordCount)"
    static let maximumRecordCount = 1_000_000_000
    static let lifetimeExpectation = "a whole number of seconds from 1 to \(maximumLifetimeSeconds)"

    static func parseHost(_ text: String) -> String? {
        var host = text
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // Printable ASCII without the characters that would make it a URL rather than a host.
        let forbidden = Set("/?#@[]".unicodeScalars)
        let isAllowed = { (scalar: Unicode.Scalar) in
            (0x21..<0x7F).contains(scalar.value) && !forbidden.contains(scalar)
        }
        guard !host.isEmpty, host.unicodeScalars.allSatisfy(isAllowed) else { return nil }
        return host
    }

    static func validPort(_ port: Int) -> Int? {
        (0...65535).contains(port) ? port : nil
    }

    /// pydantic's spellings, which Langflow users already write.
    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on", "t", "y": true
        case "false", "0", "no", "off", "f", "n": false
        default: nil
        }
    }

    static func parseCount(_ text: String) -> Int? {
        guard let count = Int(text), (0...maximumRecordCount).contains(count) else { return nil }
        return count
    }

    static func parseName(_ text: String) -> String? {
        let name = text.trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }

    static func parseLifetime(_ text: String) -> Duration? {
        guard let seconds = Int(text), (1...maximumLifetimeSeconds).contains(seconds) else { return nil }
        return .seconds(seconds)
    }

    static func parseSearchPath(_ text: String, home: String) -> [String]? {
        let directories = text.split(separator: ":").map { expandingTilde(String($0), home: home) }
        return directories.isEmpty ? nil : directories
    }

    static func expandingTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        return path
    }
}
