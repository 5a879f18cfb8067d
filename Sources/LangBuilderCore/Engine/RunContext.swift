public import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything a run shares with the components it calls: identity, cancellation, variables, events, the host
/// services (HTTP, chat history), the per-run state, and the memory arena that values crossing the ABI live in
/// until the run ends.
///
/// ```swift
/// let run = RunContext(flowID: "f1", variables: { name in secrets[name] }, services: HostServices(http: client))
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
    /// HTTP and chat history for the run's components (`lb_host_api.http_request`, `get_messages`, ...).
    public let services: HostServices
    /// The key/value state the run's components share (`lb_host_api.get_state` / `set_state`).
    public let state = RunState()
    /// The run goes on the thread that started it (every component is non-blocking, ABI 1.4), so the blocking
    /// host services refuse its calls.
    public let runsOnCaller: Bool
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
        services: HostServices = .current,
        runsOnCaller: Bool = false,
        onEvent: @escaping @Sendable (ComponentEvent) -> Void = { _ in }
    ) {
        self.runsOnCaller = runsOnCaller
        self.runID = runID ?? UUID.random().lowercasedString
        self.flowID = flowID
        self.sessionID = sessionID ?? flowID
        self.userID = userID
        self.logger = logger
        self.variables = variables
        self.services = services
        self.eventHandler = onEvent
    }

    private struct CancelHandlers {
        var next = 0
        var handlers: [Int: @Sendable () -> Void] = [:]
    }

    private let cancelHandlers = Mutex(CancelHandlers())

    /// Asks every component of the run to stop; they see it through `lb_host_api.is_cancelled`, and blocking
    /// host calls in progress (an HTTP transfer) are interrupted.
    public func cancel() {
        let handlers = cancelHandlers.withLock { state in
            cancelled.store(true, ordering: .releasing)
            defer { state.handlers = [:] }
            return Array(state.handlers.values)
        }
        for handler in handlers { handler() }
    }

    /// Runs `operation`, calling `onCancel` once if the run is cancelled while it runs (at once, before
    /// `operation`, if the run already is). The synchronous counterpart of `withTaskCancellationHandler`, for
    /// host services that block a worker thread: `onCancel` runs on the cancelling thread and should only wake
    /// the operation up (e.g. `curl_multi_wakeup`).
    public func withCancellationHandler<Result, Failure: Error>(
        _ operation: () throws(Failure) -> Result,
        onCancel: @escaping @Sendable () -> Void
    ) throws(Failure) -> Result {
        let id = cancelHandlers.withLock { state -> Int? in
            if isCancelled { return nil }
            state.next += 1
            state.handlers[state.next] = onCancel
            return state.next
        }
        guard let id else {
            onCancel()
            return try operation()
        }
        defer { _ = cancelHandlers.withLock { $0.handlers.removeValue(forKey: id) } }
        return try operation()
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
    /// The error the call reported (`set_error`) or a host function left on it (`get_error` reads it). Locked:
    /// the thread-safe host functions (`get_state`, `set_state`) may set it from threads the call started.
    var errorMessage: String? {
        get { reportedError.withLock { $0 } }
        set { reportedError.withLock { $0 = newValue } }
    }
    private let reportedError = Mutex<String?>(nil)
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
    public var vertexID: String
    public var componentType: String
    let body: Body

    /// How the payload arrived: kept in that form so the run's event stream does not parse or print it twice.
    enum Body: Sendable {
        case text(String)
        case object(JSONObject)
        /// `lb_host_api.emit_token`: the chunk alone.
        case token(String)
    }

    public init(name: String, payload: String, vertexID: String, componentType: String) {
        self.init(name: name, body: .text(payload), vertexID: vertexID, componentType: componentType)
    }

    init(name: String, body: Body, vertexID: String, componentType: String) {
        self.name = name
        self.body = body
        self.vertexID = vertexID
        self.componentType = componentType
    }

    /// The JSON payload, e.g. `{"chunk":"Hel"}`.
    public var payload: String {
        switch body {
        case .text(let text): text
        case .object(let object): JSONValue.object(object).serialized()
        case .token(let chunk): (["chunk": .string(chunk)] as JSONValue).serialized()
        }
    }

    /// The payload as a JSON object (an empty one when the text is not an object).
    var object: JSONObject {
        switch body {
        case .text(let text): return (try? JSONValue(parsing: text))?.objectValue ?? JSONObject()
        case .object(let object): return object
        case .token(let chunk):
            var object = JSONObject()
            object["chunk"] = .string(chunk)
            return object
        }
    }

    public static func == (lhs: ComponentEvent, rhs: ComponentEvent) -> Bool {
        lhs.name == rhs.name && lhs.vertexID == rhs.vertexID && lhs.componentType == rhs.componentType
            && lhs.payload == rhs.payload
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
