import Synchronization

/// The services the host offers bundles beyond the basics of the ABI: outbound HTTP and the chat history.
///
/// The core implements neither over the network or storage: it defines the roles (``HostHTTPClient``,
/// ``MessageHistory``) and the composition root picks the implementations, as it picks the storage driver.
/// A run takes its services from ``RunOptions/services``, which defaults to ``current``; the `langbuilder`
/// executable bootstraps that once at start, the way `LoggingSystem.bootstrap` sets the process's log handler.
///
/// ```swift
/// HostServices.bootstrap(HostServices(http: try CurlHTTPClient(), messages: MemoryMessageHistory()))
/// let run = FlowRunner().start(plan)   // its components can call http_request and get_messages
/// ```
public struct HostServices: Sendable {
    /// Performs `lb_host_api.http_request`; nil: the call answers `LB_UNSUPPORTED`.
    public var http: (any HostHTTPClient)?
    /// Serves `lb_host_api.get_messages` and `add_message`; nil: those answer `LB_UNSUPPORTED`.
    public var messages: (any MessageHistory)?
    /// Serves `lb_host_api.run_flow` (ABI 1.3); nil: it answers `LB_UNSUPPORTED`.
    public var flows: (any FlowService)?

    public init(http: (any HostHTTPClient)? = nil, messages: (any MessageHistory)? = nil, flows: (any FlowService)? = nil) {
        self.http = http
        self.messages = messages
        self.flows = flows
    }

    private static let installed = Mutex(HostServices(messages: MemoryMessageHistory()))

    /// The services of runs whose options name none. Until ``bootstrap(_:)`` is called: no HTTP, and a chat
    /// history kept in memory for the life of the process.
    public static var current: HostServices { installed.withLock { $0 } }

    /// Sets ``current``. Called once by the composition root at start, before any run; runs already started
    /// keep the services they were given.
    public static func bootstrap(_ services: HostServices) {
        installed.withLock { $0 = services }
    }
}
