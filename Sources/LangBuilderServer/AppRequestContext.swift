public import Hummingbird
public import LangBuilderStorage

/// The request context of every LangBuilder route: Hummingbird's core storage plus the authenticated user,
/// which ``AuthenticationMiddleware`` sets on the routes that need one.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in user; nil on public routes.
    public var user: UserRecord?

    /// Request bodies are limited by ``BodyLimitMiddleware`` from the settings; this is only the ceiling.
    public var maxUploadSize: Int { 1024 * 1024 * 1024 }

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// The signed-in user, or 403 as Langflow answers a request without credentials.
    func requireUser() throws -> UserRecord {
        guard let user else { throw APIError(.forbidden, "No authentication credentials provided") }
        return user
    }
}
