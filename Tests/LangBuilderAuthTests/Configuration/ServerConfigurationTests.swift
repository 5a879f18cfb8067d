import Foundation
import LangBuilderAuth
import Testing

/// Server configuration (issue 4, "Server": Langflow's defaults, `LANGBUILDER_*` variables, a `.env` file; "Auth":
/// auto-login only on loopback unless set explicitly).
@Suite struct ServerConfigurationTests {
    let home = ["HOME": "/home/ada"]

    // MARK: - Defaults and precedence

    @Test func defaultsAreLangflowsOnLoopback() throws {
        let configuration = try ServerConfiguration.load(environment: home, environmentFile: .none)

        #expect(
            configuration
                == ServerConfiguration(
                    host: "127.0.0.1", port: 7860, dataDirectory: "/home/ada/.langbuilder", bundlesDirectories: [],
                    maxBodySize: 100 * 1024 * 1024, autoLogin: true, superuserName: "langflow",
                    superuserPassword: nil, newUserIsActive: false, accessTokenLifetime: .seconds(3600),
                    refreshTokenLifetime: .seconds(604_800)))
        #expect(configuration.maxFileSizeUploadMegabytes == 100)
        #expect(configuration.warnings.isEmpty)
    }

    @Test func environmentFileLosesToEnvironmentWhichLosesToOverrides() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let file = try write(
            """
            LANGBUILDER_PORT=1000
            LANGBUILDER_HOST=0.0.0.0
            LANGBUILDER_SUPERUSER=from-file
            LANGBUILDER_NEW_USER_IS_ACTIVE=true
            """, to: temporary)
        let environment = home.merging(["LANGBUILDER_PORT": "2000", "LANGBUILDER_SUPERUSER": "from-env"]) { $1 }

        let fileOnly = try ServerConfiguration.load(environment: home, environmentFile: .path(file))
        #expect(fileOnly.port == 1000)
        #expect(fileOnly.superuserName == "from-file")

        let fileAndEnvironment = try ServerConfiguration.load(environment: environment, environmentFile: .path(file))
        #expect(fileAndEnvironment.port == 2000)
        #expect(fileAndEnvironment.host == "0.0.0.0")
        #expect(fileAndEnvironment.superuserName == "from-env")
        #expect(fileAndEnvironment.newUserIsActive)

        let all = try ServerConfiguration.load(
            environment: environment, environmentFile: .path(file),
            overrides: .init(port: 3000, superuserName: "from-override"))
        #expect(all.port == 3000)
        #expect(all.host == "0.0.0.0")
        #expect(all.superuserName == "from-override")
    }

    @Test func readsEveryVariable() throws {
        let environment = home.merging([
            "LANGBUILDER_HOST": "::1",
            "LANGBUILDER_PORT": "0",
            "LANGBUILDER_DATA_DIR": "~/lb-data",
            "LANGBUILDER_BUNDLES_PATH": "/opt/bundles:~/bundles::",
            "LANGBUILDER_MAX_FILE_SIZE_UPLOAD": "5",
            "LANGBUILDER_AUTO_LOGIN": "off",
            "LANGBUILDER_SUPERUSER": "admin",
            "LANGBUILDER_SUPERUSER_PASSWORD": "hunter2",
            "LANGBUILDER_NEW_USER_IS_ACTIVE": "YES",
            "LANGBUILDER_ACCESS_TOKEN_EXPIRE_SECONDS": "60",
            "LANGBUILDER_REFRESH_TOKEN_EXPIRE_SECONDS": "120",
            "LANGBUILDER_SHUTDOWN_GRACE_SECONDS": "3",
            "LANGBUILDER_EVENT_LOOP_EXECUTOR": "off",
            "LANGBUILDER_TRANSACTIONS_STORAGE_ENABLED": "false",
            "LANGBUILDER_VERTEX_BUILDS_STORAGE_ENABLED": "0",
            "LANGBUILDER_MAX_TRANSACTIONS_TO_KEEP": "10",
            "LANGBUILDER_MAX_VERTEX_BUILDS_TO_KEEP": "0",
            "LANGBUILDER_MAX_VERTEX_BUILDS_PER_VERTEX": "2",
            "UNRELATED": "ignored",
        ]) { $1 }

        let configuration = try ServerConfiguration.load(environment: environment, environmentFile: .none)

        var expected = ServerConfiguration(
            host: "::1", port: 0, dataDirectory: "/home/ada/lb-data",
            bundlesDirectories: ["/opt/bundles", "/home/ada/bundles"], maxBodySize: 5 * 1024 * 1024,
            autoLogin: false, superuserName: "admin", superuserPassword: "hunter2", newUserIsActive: true,
            accessTokenLifetime: .seconds(60), refreshTokenLifetime: .seconds(120))
        expected.shutdownGrace = .seconds(3)
        expected.eventLoopExecutor = false
        expected.transactionsStorageEnabled = false
        expected.vertexBuildsStorageEnabled = false
        expected.maxTransactionsToKeep = 10
        expected.maxVertexBuildsToKeep = 0
        expected.maxVertexBuildsPerVertex = 2
        #expect(configuration == expected)
    }

    @Test func emptyValuesCountAsUnset() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let file = try write("LANGBUILDER_PORT=1000\nLANGBUILDER_HOST=\n", to: temporary)
        let configuration = try ServerConfiguration.load(
            environment: home.merging(["LANGBUILDER_PORT": ""]) { $1 }, environmentFile: .path(file))
        #expect(configuration.port == 1000)
        #expect(configuration.host == "127.0.0.1")
    }

    @Test func descriptionRedactsThePassword() throws {
        let configuration = ServerConfiguration(dataDirectory: "/d", superuserPassword: "hunter2")
        #expect(!configuration.description.contains("hunter2"))
        #expect(configuration.description.contains("superuserPassword: <redacted>"))
    }

    // MARK: - The .env file

    @Test func readsEnvironmentFileSyntax() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let file = try write(
            """
            # a comment
              # an indented comment

            export LANGBUILDER_HOST=localhost   # trailing comment
            LANGBUILDER_SUPERUSER = "ad # min"  # comment after quotes
            LANGBUILDER_SUPERUSER_PASSWORD='single "quoted" \\n literal'\r
            LANGBUILDER_DATA_DIR="/data/with \\"quotes\\"\\tand tab"
            LANGBUILDER_BUNDLES_PATH=/a#not-a-comment
            OTHER_TOOL_SETTING="multi
            line value"
            BARE_KEY
            LANGBUILDER_PORT=8000
            LANGBUILDER_PORT=8001
            """, to: temporary)

        let configuration = try ServerConfiguration.load(environment: home, environmentFile: .path(file))

        #expect(configuration.host == "localhost")
        #expect(configuration.superuserName == "ad # min")
        #expect(configuration.superuserPassword == #"single "quoted" \n literal"#)
        #expect(configuration.dataDirectory == "/data/with \"quotes\"\tand tab")
        #expect(configuration.bundlesDirectories == ["/a#not-a-comment"])
        #expect(configuration.port == 8001)
    }

    @Test(arguments: [
        ("LANGBUILDER_PORT=1\nthis is not an assignment\n", "2: expected \"=\" after this, found \"is not an assignment\""),
        ("LANGBUILDER_PORT=1\n\n= value\n", "3: expected KEY=VALUE, found \"= value\""),
        ("LANGBUILDER_HOST=\"localhost\n", "1: unterminated double quote"),
        ("LANGBUILDER_HOST='localhost\n\n", "1: unterminated single quote"),
        ("LANGBUILDER_HOST=\"localhost\" extra\n", "1: unexpected \"extra\" after the closing quote"),
    ])
    func namesTheFileAndLineOfASyntaxError(contents: String, message: String) throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let file = try write(contents, to: temporary)

        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(environment: home, environmentFile: .path(file))
        }

        #expect(error?.description == "\(file):\(message)")
        #expect(error?.variable == nil)
    }

    @Test func aMissingExplicitEnvironmentFileIsAnError() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(environment: home, environmentFile: .path("/nonexistent/.env"))
        }
        #expect(error?.description.hasPrefix("/nonexistent/.env: cannot read the file: ") == true)
    }

    // MARK: - Auto-login and loopback

    @Test(arguments: [
        ("127.0.0.1", nil, true),
        ("localhost", nil, true),
        ("::1", nil, true),
        ("0.0.0.0", nil, false),
        ("192.168.1.20", nil, false),
        ("0.0.0.0", "true", true),
        ("127.0.0.1", "false", false),
    ] as [(String, String?, Bool)])
    func autoLoginFollowsTheHostUnlessSetExplicitly(host: String, explicit: String?, expected: Bool) throws {
        var environment = home
        environment["LANGBUILDER_HOST"] = host
        environment["LANGBUILDER_AUTO_LOGIN"] = explicit
        let configuration = try ServerConfiguration.load(environment: environment, environmentFile: .none)
        #expect(configuration.autoLogin == expected)
    }

    @Test func autoLoginFollowsTheOverriddenHost() throws {
        let configuration = try ServerConfiguration.load(
            environment: home, environmentFile: .none, overrides: .init(host: "0.0.0.0"))
        #expect(!configuration.autoLogin)
        #expect(ServerConfiguration(host: "0.0.0.0", dataDirectory: "/d").autoLogin == false)
        #expect(ServerConfiguration(host: "localhost", dataDirectory: "/d").autoLogin)
    }

    @Test func explicitAutoLoginOnAPublicAddressIsAllowedWithAWarning() throws {
        let configuration = try ServerConfiguration.load(
            environment: home.merging(["LANGBUILDER_AUTO_LOGIN": "true"]) { $1 }, environmentFile: .none,
            overrides: .init(host: "0.0.0.0"))
        #expect(configuration.autoLogin)
        #expect(
            configuration.warnings == [
                "auto-login is on while listening on 0.0.0.0, not a loopback address: anyone who can reach port 7860 "
                    + "is the superuser"
            ])

        let overridden = try ServerConfiguration.load(
            environment: home.merging(["LANGBUILDER_AUTO_LOGIN": "true"]) { $1 }, environmentFile: .none,
            overrides: .init(host: "0.0.0.0", autoLogin: false))
        #expect(!overridden.autoLogin)
    }

    @Test(arguments: [
        "127.0.0.1", "127.1.2.3", "127.255.255.254", "localhost", "LocalHost", "localhost.", "::1", "[::1]",
        "0:0:0:0:0:0:0:1", "::1%lo", "::ffff:127.0.0.1",
    ])
    func recognisesLoopbackHosts(host: String) {
        #expect(ServerConfiguration.isLoopback(host: host))
    }

    @Test(arguments: [
        "0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "128.0.0.1", "126.255.255.255", "::2", "::ffff:10.0.0.1",
        "example.com", "localhost.example.com", "127.0.0.1.nip.io", "", "127.1",
    ])
    func recognisesOtherHosts(host: String) {
        #expect(!ServerConfiguration.isLoopback(host: host))
    }

    // MARK: - Invalid values

    @Test(arguments: [
        ("LANGBUILDER_PORT", "abc", "expected a port number from 0 to 65535"),
        ("LANGBUILDER_PORT", "70000", "expected a port number from 0 to 65535"),
        ("LANGBUILDER_PORT", "-1", "expected a port number from 0 to 65535"),
        ("LANGBUILDER_HOST", "my host", "expected a host name or IP address"),
        ("LANGBUILDER_HOST", "http://x", "expected a host name or IP address"),
        ("LANGBUILDER_AUTO_LOGIN", "maybe", "expected true or false"),
        ("LANGBUILDER_NEW_USER_IS_ACTIVE", "2", "expected true or false"),
        ("LANGBUILDER_EVENT_LOOP_EXECUTOR", "nio", "expected true or false"),
        ("LANGBUILDER_MAX_TRANSACTIONS_TO_KEEP", "-1", "expected a whole number from 0 to 1000000000"),
        ("LANGBUILDER_MAX_VERTEX_BUILDS_PER_VERTEX", "lots", "expected a whole number from 0 to 1000000000"),
        ("LANGBUILDER_MAX_FILE_SIZE_UPLOAD", "0", "expected a whole number of megabytes from 1 to 1048576"),
        ("LANGBUILDER_MAX_FILE_SIZE_UPLOAD", "1.5", "expected a whole number of megabytes from 1 to 1048576"),
        ("LANGBUILDER_ACCESS_TOKEN_EXPIRE_SECONDS", "-5", "expected a whole number of seconds from 1 to 316224000"),
        ("LANGBUILDER_REFRESH_TOKEN_EXPIRE_SECONDS", "1h", "expected a whole number of seconds from 1 to 316224000"),
        ("LANGBUILDER_SUPERUSER", "   ", "expected a non-empty user name"),
    ])
    func namesTheVariableOfAnInvalidValue(variable: String, value: String, expected: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(environment: home.merging([variable: value]) { $1 }, environmentFile: .none)
        }
        #expect(error?.description == "invalid \(variable)=\(value) in the environment: \(expected)")
        #expect(error?.variable == variable)
        #expect(error?.source == .environment)
    }

    @Test func namesTheLineOfAnInvalidValueFromTheEnvironmentFile() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let file = try write("# settings\nLANGBUILDER_PORT=abc\n", to: temporary)

        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(environment: home, environmentFile: .path(file))
        }

        #expect(error?.description == "invalid LANGBUILDER_PORT=abc at \(file):2: expected a port number from 0 to 65535")
    }

    @Test func anInvalidValueInTheFileIsHarmlessWhenTheEnvironmentReplacesIt() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let file = try write("LANGBUILDER_PORT=abc\n", to: temporary)
        let configuration = try ServerConfiguration.load(
            environment: home.merging(["LANGBUILDER_PORT": "9000"]) { $1 }, environmentFile: .path(file))
        #expect(configuration.port == 9000)
    }

    @Test(arguments: [
        (ServerConfiguration.Overrides(port: 70000), "invalid port=70000 in the overrides: expected a port number from 0 to 65535"),
        (.init(host: ""), "invalid host= in the overrides: expected a host name or IP address"),
        (.init(maxBodySize: 0), "invalid maxBodySize=0 in the overrides: expected a positive number of bytes"),
        (.init(superuserPassword: ""), "invalid superuserPassword in the overrides: expected a non-empty password"),
        (
            .init(accessTokenLifetime: .seconds(0)),
            "invalid accessTokenLifetime=0.0 seconds in the overrides: expected a whole number of seconds from 1 to 316224000"
        ),
    ])
    func namesThePropertyOfAnInvalidOverride(overrides: ServerConfiguration.Overrides, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(environment: home, environmentFile: .none, overrides: overrides)
        }
        #expect(error?.description == message)
    }

    @Test func listsTheVariablesItReads() {
        #expect(ServerConfiguration.environmentVariables.count == 18)
        #expect(ServerConfiguration.environmentVariables.allSatisfy { $0.hasPrefix("LANGBUILDER_") })
    }

    private func write(_ contents: String, to directory: TemporaryDirectory) throws -> String {
        let path = directory.file("test.env")
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
