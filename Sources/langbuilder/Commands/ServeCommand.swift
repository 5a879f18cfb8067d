import ArgumentParser
import Foundation
import Hummingbird
import LangBuilderAuth
import LangBuilderComponentStore
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderStorageSQLite
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `langbuilder serve`: the REST server over `<data dir>/langbuilder.db`, with the bundles from the bundle
/// directories loaded. The composition root: the only place that picks the storage driver.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the LangBuilder REST server (Langflow-compatible /api/v1)."
    )

    @Option(help: "The address to listen on. Default: $LANGBUILDER_HOST or 127.0.0.1.")
    var host: String?

    @Option(help: "The port to listen on. Default: $LANGBUILDER_PORT or 7860.")
    var port: Int?

    @OptionGroup var bundles: BundleOptions

    @Option(name: .customLong("store"), help: "A component store to sync with (http(s)://, file:// or a folder). Default: $LANGBUILDER_STORE_URL.")
    var storeURL: String?

    @Option(name: .customLong("trusted-key"), help: "A trusted store key, ed25519:BASE64 (repeatable).")
    var trustedKeys: [String] = []

    @Option(help: "Seconds between store syncs (0: only on POST /api/v1/store/sync). Default: $LANGBUILDER_STORE_SYNC_INTERVAL or 300.")
    var storeSyncInterval: Int?

    @Flag(help: "Install newer versions of installed store bundles on each sync. Default: $LANGBUILDER_STORE_AUTO_UPDATE.")
    var storeAutoUpdate = false

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.load(
                overrides: .init(host: host, port: port, dataDirectory: bundles.dataDirectory))
        } catch {
            throw CLIError("\(error)")
        }
        var logger = Logger(label: "langbuilder")
        logger.logLevel = ProcessInfo.processInfo.environment["LANGBUILDER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        for warning in configuration.warnings { logger.warning("\(warning)") }
        // First, before the server starts any task: from here on tasks run on the event loops that serve the
        // sockets (Hummingbird uses the same singleton group), which saves a thread hand-off per request.
        if configuration.eventLoopExecutor, !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            logger.warning("cannot run tasks on the event loops on this platform; they use Swift's default executor")
        }

        try HostServices.bootstrapForCommandLine()
        let environment = ProcessInfo.processInfo.environment
        var storeClient: StoreClient?
        if storeURL != nil || !(environment["LANGBUILDER_STORE_URL"] ?? "").isEmpty {
            let client = try storeCommand { try makeStoreClient(url: storeURL, trustedKeys: trustedKeys, bundles: bundles) }
            // What an interrupted install left behind goes before the bundles are scanned.
            let lock = try storeCommand { try client.installed.lock() }
            let swept = client.installed.sweep()
            lock.release()
            if swept > 0 { logger.info("store: removed \(swept) leftovers of interrupted installs") }
            storeClient = client
        }
        let started = Date()
        let scan = BundleLoader().scan(directories: bundles.searchPath)
        let registry = ComponentRegistry(scan: scan)
        for refusal in registry.refused { logger.warning("bundle refused: \(refusal)") }
        logger.info(
            "loaded \(registry.bundles.count) bundles, \(registry.components.count) components from \(bundles.searchPath.joined(separator: ", ")) in \(Int(Date().timeIntervalSince(started) * 1000)) ms")

        // The secret store creates the data directory (mode 0700) on first start.
        let secrets = try SecretStore(dataDirectory: configuration.dataDirectory)
        let storage = try SQLiteStorageDriver(path: configuration.dataDirectory + "/langbuilder.db")
        let auth = await AuthServices(secrets: secrets, configuration: configuration)
        logger.info("auto-login is \(configuration.autoLogin ? "on" : "off")")

        // Without credentials, webhooks run as the flow's owner: only when explicitly turned off.
        let webhookAuth = ProcessInfo.processInfo.environment["LANGBUILDER_WEBHOOK_AUTH_ENABLE"].map {
            !["false", "0", "no", "off"].contains($0.lowercased())
        } ?? true
        let recorder = RunRecorder(
            storage: storage,
            policy: RunRecorder.Policy(
                storesTransactions: configuration.transactionsStorageEnabled, storesVertexBuilds: configuration.vertexBuildsStorageEnabled,
                retention: RunRecordRetention(
                    transactionsPerFlow: configuration.maxTransactionsToKeep, vertexBuildsPerFlow: configuration.maxVertexBuildsToKeep,
                    vertexBuildsPerVertex: configuration.maxVertexBuildsPerVertex)),
            logger: logger)
        // The superuser (a slow password hash on a fresh data directory) and the example flows are made beside
        // the listening server: /health answers at once, the API waits for them.
        let startup = StartupGate()
        let superuserName = configuration.superuserName, superuserPassword = configuration.superuserPassword
        let passwords = auth.passwords, startLogger = logger
        let dataDirectory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        startup.start {
            let outcome = try await SuperuserBootstrap.run(storage: storage, name: superuserName, password: superuserPassword, hasher: passwords)
            switch outcome {
            case .existing: break
            case .created: startLogger.info("created the superuser \(superuserName)")
            case .createdWithGeneratedPassword(let password):
                // Printed once, on the terminal only: it is never logged or stored in clear.
                // Written unbuffered, so it shows at once even when stdout is a file.
                FileHandle.standardOutput.write(Data((
                    "Created the superuser \"\(superuserName)\" with the password: \(password)\n"
                        + "Set LANGBUILDER_SUPERUSER_PASSWORD to choose it yourself; this password is not shown again.\n").utf8))
            }
            if let removed = try? await removeOrphanedFiles(dataDirectory: dataDirectory, storage: storage), removed > 0 {
                startLogger.info("removed the uploaded files of \(removed) deleted flows or users")
            }
            do {
                let examples = try await ExampleFlows.shipped().seed(into: storage)
                startLogger.info("example flows: \(examples.created) created, \(examples.updated) updated, \(examples.removed) removed")
            } catch {
                startLogger.error("the example flows could not be loaded: \(error)")
            }
        }

        // LANGBUILDER_MAX_FILE_SIZE_UPLOAD bounds an uploaded file; a request body may be a little larger, for
        // the multipart framing around the file.
        let settings = ServerSettings(
            host: configuration.host, port: configuration.port, maxBodySize: configuration.maxBodySize + 64 * 1024,
            maxFileSizeUpload: max(1, configuration.maxBodySize / (1024 * 1024)),
            dataDirectory: URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true),
            webhookAuthEnabled: webhookAuth)
        let activeRuns = ActiveRuns()
        let holder = RegistryHolder(registry)
        var storeSync: StoreSync?
        if let storeClient {
            let seconds = storeSyncInterval ?? environment["LANGBUILDER_STORE_SYNC_INTERVAL"].flatMap { Int($0) } ?? 300
            let autoUpdate = storeAutoUpdate || ["1", "true", "yes", "on"].contains((environment["LANGBUILDER_STORE_AUTO_UPDATE"] ?? "").lowercased())
            storeSync = StoreSync(
                client: storeClient, registry: holder,
                configuration: .init(interval: seconds > 0 ? .seconds(seconds) : nil, autoUpdate: autoUpdate), logger: logger)
            logger.info("store: syncing with \(storeClient.source.url) \(seconds > 0 ? "every \(seconds) s" : "on request")\(autoUpdate ? ", auto-update on" : "")")
        }
        let app = buildApplication(
            settings: settings, storage: storage, registry: holder, auth: auth, activeRuns: activeRuns,
            recorder: recorder, startup: startup, storeSync: storeSync, logger: logger)
        // SIGTERM/SIGINT: runs in progress get the grace period, then are cancelled; then the HTTP server stops;
        // then the storage is closed.
        let services = serverServiceGroup(
            app: app, activeRuns: activeRuns, drainGrace: configuration.shutdownGrace, extraServices: storeSync.map { [$0] } ?? [], logger: logger)
        do {
            try await services.run()
        } catch {
            try? await startup.wait()
            await recorder.flush()
            try? await storage.close()
            throw error
        }
        // What the last runs left to record is written before the storage closes; so is the start-up work, when
        // the server is stopped that early.
        try? await startup.wait()
        await recorder.flush()
        await auth.credentialCache.flushUses(to: storage, logger: logger)
        try await storage.close()
        logger.info("stopped")
    }
}
