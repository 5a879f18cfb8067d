public import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything a run shares with the components it calls: identity, cancellation, variables, events, and the
/// memory arena that values crossing the ABI live in until the run ends.
///
/// ```swift
/// let run = RunContext(flowID: "f1", variables: { name in secrets[name] })
/// let call = CallContext(run: run, vertexID: "Upper-1", componentType: "UpperCase")
/// let outputs = try instance.run(inputs: [.string("hi")], context: call)
/// ```
public final class RunContext: Sendable {
    public let runID: String
    public let flowID: String
    /// The chat session; Langflow defaults it to the flow id.
    public let sessionID: String
    public let userID: String?
    public let logger: Logger
    let arena = Arena()
    private let cancelled = Atomic<Bool>(false)
    private let variables: @Sendable (String) -> String?
    private let eventHandler: @Sendable (ComponentEvent) -> Void

    public init(
        runID: String? = nil,
        flowID: String = "",
        sessionID: String? = nil,
        userID: String? = nil,
        logger: Logger = Logger(label: "langbuilder.run"),
        variables: @escaping @Sendable (String) -> String? = { _ in nil },
        onEvent: @escaping @Sendable (ComponentEvent) -> Void = { _ in }
    ) {
        self.runID = runID ?? UUID().uuidString.lowercased()
        self.flowID = flowID
        self.sessionID = sessionID ?? flowID
        self.userID = userID
        self.logger = logger
        self.variables = variables
        self.eventHandler = onEvent
    }

    private let cancelHandlers = Mutex<[@Sendable () -> Void]>([])

    /// Asks every component of the run to stop; they see it through `lb_host_api.is_cancelled`.
    public func cancel() {
        cancelled.store(true, ordering: .releasing)
        let handlers = cancelHandlers.withLock { handlers in
            defer { handlers = [] }
            return handlers
        }
        for handler in handlers { handler() }
    }

    /// Calls `handler` once when the run is cancelled (at once if it already is).
    func whenCancelled(_ handler: @escaping @Sendable () -> Void) {
        let already = cancelHandlers.withLock { handlers -> Bool in
            if isCancelled { return true }
            handlers.append(handler)
            return false
        }
        if already { handler() }
    }

    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// The value of a variable or secret of the run's user.
    public func variable(named name: String) -> String? { variables(name) }

    func emit(_ event: ComponentEvent) { eventHandler(event) }

    /// Bytes currently held by the run's arena.
    public var arenaBytes: Int { arena.allocatedBytes }
}

/// One call of a component inside a run: the `lb_context` that the component receives.
public final class CallContext: @unchecked Sendable {
    public let run: RunContext
    public let vertexID: String
    public let componentType: String
    // Written only by the thread running the call, read after it returns.
    var errorMessage: String?
    /// The names of the inputs of the call in progress (declared, then extra), for `get_input_name`.
    var inputNames: [String] = []

    public init(run: RunContext, vertexID: String, componentType: String) {
        self.run = run
        self.vertexID = vertexID
        self.componentType = componentType
    }
}

/// An event a component emitted through the host API (a streamed token, a log line).
public struct ComponentEvent: Sendable, Equatable {
    /// `token` or `log`, or another name a newer bundle uses.
    public var name: String
    /// The JSON payload, e.g. `{"chunk":"Hel"}`.
    public var payload: String
    public var vertexID: String
    public var componentType: String

    public init(name: String, payload: String, vertexID: String, componentType: String) {
        self.name = name
        self.payload = payload
        self.vertexID = vertexID
        self.componentType = componentType
    }
}

/// Why a component call failed.
public struct ComponentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var componentType: String
    public var vertexID: String
    public var message: String
    /// The `LB_*` status the component returned, when it returned one.
    public var status: Int32?

    public init(componentType: String, vertexID: String, message: String, status: Int32? = nil) {
        self.componentType = componentType
        self.vertexID = vertexID
        self.message = message
        self.status = status
    }

    public var description: String { "\(vertexID) (\(componentType)): \(message)" }
}
