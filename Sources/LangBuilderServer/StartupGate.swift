import Hummingbird
import Synchronization

/// Start-up work that the API needs but `/health` does not: creating the superuser (a deliberately slow
/// password hash on a fresh data directory) and seeding the example flows.
///
/// The server listens at once; the work runs beside it. Until it has finished, requests other than the
/// health checks, `/docs` and `/openapi.json` wait for it (once: afterwards the gate costs one atomic load), and
/// if it failed they get 503 with its reason. So a fresh server is up for probes in milliseconds while the first
/// login still sees the superuser it expects.
///
/// ```swift
/// let gate = StartupGate()
/// gate.start { try await SuperuserBootstrap.run(...); try await ExampleFlows.shipped().seed(into: storage) }
/// let app = buildApplication(..., startup: gate)
/// ```
public final class StartupGate: Sendable {
    private enum State {
        case pending(Task<Void, Never>?)
        case ready
        case failed(String)
    }

    private let state = Mutex(State.pending(nil))
    private let opened = Atomic<Bool>(false)
    private let ready = Atomic<Bool>(false)

    /// A gate that is open from the start (tests, embedding).
    public static var open: StartupGate {
        let gate = StartupGate()
        gate.state.withLock { $0 = .ready }
        gate.ready.store(true, ordering: .releasing)
        gate.opened.store(true, ordering: .releasing)
        return gate
    }

    public init() {}

    /// Starts `work`; the gate opens when it returns, and reports its error when it throws.
    public func start(_ work: @escaping @Sendable () async throws -> Void) {
        let task = Task {
            do {
                try await work()
                self.state.withLock { $0 = .ready }
                self.ready.store(true, ordering: .releasing)
            } catch {
                self.state.withLock { $0 = .failed("\(error)") }
            }
            self.opened.store(true, ordering: .releasing)
        }
        state.withLock { $0 = .pending(task) }
    }

    /// Waits for the start-up work; throws its failure.
    public func wait() async throws {
        if ready.load(ordering: .acquiring) { return }
        let task: Task<Void, Never>? = state.withLock { if case .pending(let task) = $0 { task } else { nil } }
        await task?.value
        if case .failed(let reason) = state.withLock({ $0 }) {
            throw APIError(.serviceUnavailable, "The server could not start: \(reason)")
        }
    }

    /// Whether the start-up work has finished (successfully or not).
    public var isFinished: Bool { opened.load(ordering: .acquiring) }
}

/// Holds requests until the ``StartupGate`` opens; the health checks and the API description pass at once.
struct StartupGateMiddleware<Context: RequestContext>: RouterMiddleware {
    let gate: StartupGate

    private static func passes(_ path: String) -> Bool {
        path == "/health" || path == "/health_check" || path == "/openapi.json" || path == "/docs" || path.hasPrefix("/docs/")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !Self.passes(request.uri.path) { try await gate.wait() }
        return try await next(request, context)
    }
}
