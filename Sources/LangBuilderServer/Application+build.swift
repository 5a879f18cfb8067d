public import Hummingbird
import LangBuilderCore
public import LangBuilderStorage
public import Logging

/// Builds the LangBuilder HTTP application: routes, middleware, settings, over the given storage.
///
/// ```swift
/// let app = buildApplication(
///     settings: ServerSettings(port: 7860), storage: SQLiteStorageDriver(path: file),
///     registry: RegistryHolder(registry), auth: await AuthServices(secrets: secrets, configuration: configuration),
///     recorder: recorder)
/// try await app.runService()
/// await recorder.flush()   // what runs left to record
/// ```
///
/// - Parameters:
///   - recorder: writes what runs produce to storage; pass one to flush it at shutdown (by default one over
///     `storage` is made).
///   - startup: start-up work the API waits for (``StartupGate``); open by default.
///   - storeSync: the component store the server syncs with; nil: no `/api/v1/store` routes.
public func buildApplication(
    settings: ServerSettings,
    storage: some StorageDriver,
    registry: RegistryHolder,
    auth: AuthServices,
    activeRuns: ActiveRuns = ActiveRuns(),
    recorder: RunRecorder? = nil,
    startup: StartupGate = .open,
    storeSync: StoreSync? = nil,
    logger: Logger = Logger(label: "langbuilder.server")
) -> Application<RouterResponder<AppRequestContext>> {
    let router = buildRouter(
        settings: settings, storage: storage, registry: registry, auth: auth, activeRuns: activeRuns,
        recorder: recorder ?? RunRecorder(storage: storage, logger: logger), startup: startup, storeSync: storeSync)
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "LangBuilder"),
        logger: logger
    )
}

/// The router of the application, for tests and for embedding.
public func buildRouter(
    settings: ServerSettings, storage: some StorageDriver, registry: RegistryHolder, auth: AuthServices,
    activeRuns: ActiveRuns = ActiveRuns(), recorder: RunRecorder? = nil, startup: StartupGate = .open, storeSync: StoreSync? = nil
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: EventLoopExecutorMiddleware())
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: StartupGateMiddleware(gate: startup))
    router.add(middleware: BodyLimitMiddleware(limit: settings.maxBodySize))
    HealthController<AppRequestContext>(settings: settings, storage: storage).addRoutes(to: router)
    DocumentationController<AppRequestContext>(settings: settings, store: storeSync != nil).addRoutes(to: router)
    AuthController(storage: storage, auth: auth).addRoutes(to: router)
    UserController(storage: storage, auth: auth).addPublicRoutes(to: router)

    let authenticated = router.group("api/v1")
        .add(middleware: AuthenticationMiddleware(authenticator: Authenticator(storage: storage, tokens: auth.tokens, cache: auth.credentialCache)))
    RegistryController<AppRequestContext>(registry: registry).addRoutes(to: authenticated)
    UserController(storage: storage, auth: auth, files: settings.dataDirectory.map(FileStore.init(dataDirectory:))).addRoutes(to: authenticated)
    APIKeyController(storage: storage, cache: auth.credentialCache).addRoutes(to: authenticated)
    FlowController(storage: storage, files: settings.dataDirectory.map(FileStore.init(dataDirectory:))).addRoutes(to: authenticated)
    VariableController(storage: storage, credentials: auth.credentials).addRoutes(to: authenticated)
    if let storeSync { StoreController(sync: storeSync, storage: storage).addRoutes(to: authenticated) }

    // Projects, flow import/export and examples, files (v1 per flow, v2 per user).
    ProjectController.addRedirects(to: router)
    ProjectController(storage: storage, settings: settings).addRoutes(to: authenticated)
    FlowTransferController(storage: storage, settings: settings).addRoutes(to: authenticated)
    FileController(storage: storage, settings: settings).addRoutes(to: authenticated)
    let authenticatedV2 = router.group("api/v2")
        .add(middleware: AuthenticationMiddleware(authenticator: Authenticator(storage: storage, tokens: auth.tokens, cache: auth.credentialCache)))
    UserFileController(storage: storage, settings: settings).addRoutes(to: authenticatedV2)

    // Runs: /run, /run/advanced, builds, the monitor, and webhooks (which authenticate themselves).
    let recorder = recorder ?? RunRecorder(storage: storage)
    let preparation = RunPreparation(storage: storage, registry: registry, credentials: auth.credentials, recorder: recorder)
    let builds = BuildJobRegistry(retention: settings.buildRetention)
    RunController(preparation: preparation, activeRuns: activeRuns, recorder: recorder).addRoutes(to: authenticated)
    BuildController(preparation: preparation, activeRuns: activeRuns, recorder: recorder, builds: builds).addRoutes(to: authenticated)
    MonitorController(storage: storage, recorder: recorder).addRoutes(to: authenticated)
    WebhookController(
        preparation: preparation, authenticator: Authenticator(storage: storage, tokens: auth.tokens, cache: auth.credentialCache), authEnabled: settings.webhookAuthEnabled,
        activeRuns: activeRuns, recorder: recorder
    ).addRoutes(to: router.group("api/v1"))
    return router
}
