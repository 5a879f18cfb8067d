public import Hummingbird
import LangBuilderCore
public import Logging

/// Builds the LangBuilder HTTP application: routes, middleware, settings.
///
/// ```swift
/// let app = buildApplication(settings: ServerSettings(port: 7860), registry: RegistryHolder(registry))
/// try await app.runService()
/// ```
public func buildApplication(
    settings: ServerSettings,
    registry: RegistryHolder,
    logger: Logger = Logger(label: "langbuilder.server")
) -> some ApplicationProtocol {
    let router = buildRouter(settings: settings, registry: registry)
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "LangBuilder"),
        logger: logger
    )
}

/// The router of the application, for tests and for embedding.
public func buildRouter(settings: ServerSettings, registry: RegistryHolder) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware(limit: settings.maxBodySize))
    HealthController<AppRequestContext>(settings: settings).addRoutes(to: router)
    RegistryController<AppRequestContext>(registry: registry).addRoutes(to: router)
    return router
}
