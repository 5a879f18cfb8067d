import Foundation
public import Logging

/// Options of one run.
public struct RunOptions: Sendable {
    /// How many vertices may run at once (independent branches run in parallel).
    public var concurrency: Int
    /// Seconds one vertex may take before the run fails; nil: no limit.
    public var vertexTimeout: Double?
    /// Seconds the whole run may take; nil: no limit.
    public var deadline: Double?
    /// The most items a loop component may iterate over.
    public var maxLoopIterations: Int
    public var runID: String?
    public var flowID: String?
    /// The chat session; defaults to the flow id, as in Langflow.
    public var sessionID: String?
    public var userID: String?
    /// The run's input, reported in the result (the builder puts it into the input components).
    public var inputValue: String?
    public var variables: @Sendable (String) -> String?
    public var logger: Logger
    /// HTTP and chat history for the run's components; by default what the composition root bootstrapped
    /// (``HostServices/current``).
    public var services: HostServices

    /// Twice the processors the process may use, at least 4. Read once: `activeProcessorCount` reads the
    /// cgroup's CPU quota files on every call, which cost a run more than its components did.
    static let defaultConcurrency = max(4, ProcessInfo.processInfo.activeProcessorCount * 2)

    public init(
        concurrency: Int? = nil,
        vertexTimeout: Double? = nil,
        deadline: Double? = nil,
        maxLoopIterations: Int = 1000,
        runID: String? = nil,
        flowID: String? = nil,
        sessionID: String? = nil,
        userID: String? = nil,
        inputValue: String? = nil,
        variables: @escaping @Sendable (String) -> String? = { _ in nil },
        logger: Logger = Logger(label: "langbuilder.run"),
        services: HostServices = .current
    ) {
        self.concurrency = max(1, concurrency ?? Self.defaultConcurrency)
        self.vertexTimeout = vertexTimeout
        self.deadline = deadline
        self.maxLoopIterations = maxLoopIterations
        self.runID = runID
        self.flowID = flowID
        self.sessionID = sessionID
        self.userID = userID
        self.inputValue = inputValue
        self.variables = variables
        self.logger = logger
        self.services = services
    }
}

/// Why a run failed. Each case names the vertex and its component type where one is to blame.
public enum RunError: Error, Sendable, Equatable, CustomStringConvertible {
    case vertexFailed(vertexID: String, componentType: String, message: String)
    case vertexTimedOut(vertexID: String, componentType: String, seconds: Double)
    case loopLimitExceeded(vertexID: String, componentType: String, items: Int, limit: Int)
    case missingVariable(vertexID: String, componentType: String, variable: String)
    case deadlineExceeded(seconds: Double)
    case cancelled

    public var description: String {
        switch self {
        case .vertexFailed(let id, let type, let message): "Error running \(id) (\(type)): \(message)"
        case .vertexTimedOut(let id, let type, let seconds): "\(id) (\(type)) did not finish within its timeout of \(seconds) s"
        case .loopLimitExceeded(let id, let type, let items, let limit): "\(id) (\(type)): the loop has \(items) items, more than the limit of \(limit)"
        case .missingVariable(let id, let type, let variable): "\(id) (\(type)): variable \"\(variable)\" is not defined"
        case .deadlineExceeded(let seconds): "the run did not finish within its deadline of \(seconds) s"
        case .cancelled: "the run was cancelled"
        }
    }
}

/// Runs built flows by calling their components through the bundle ABI.
///
/// Component calls run on worker threads, never on Swift's cooperative pool or an event loop: a vertex
/// becomes ready when every vertex it depends on has finished, and up to `concurrency` ready vertices run at
/// once. The exception is a plan whose every component is non-blocking (ABI 1.4 `LB_COMPONENT_NONBLOCKING`)
/// and that has no loop (``ExecutionPlan/runsOnCaller``): ``start(_:options:)`` runs it on the calling thread
/// and returns it ended, which saves the hand-offs to a worker and back. A vertex whose every incoming edge comes from an output its source did not produce (the inactive
/// branch of a router) is skipped, and so is what only it leads to.
///
/// ```swift
/// let run = FlowRunner().start(plan, options: RunOptions(inputValue: "hi"))
/// for await event in run.events { print(event.event) }
/// let result = try await run.result()
/// ```
public struct FlowRunner: Sendable {
    public init() {}

    /// Starts a run; its events stream as it goes and `result()` waits for the end.
    public func start(_ plan: ExecutionPlan, options: RunOptions = RunOptions()) -> FlowRun {
        let events = RunEventStream()
        let flowID = options.flowID ?? plan.flow.id ?? ""
        let scheduler = RunScheduler(plan: plan, options: options, flowID: flowID, events: events)
        scheduler.start()
        return FlowRun(scheduler: scheduler, events: events)
    }

    /// Runs a plan to its end and returns the result.
    public func run(_ plan: ExecutionPlan, options: RunOptions = RunOptions()) async throws(RunError) -> RunResult {
        try await start(plan, options: options).result()
    }
}

/// A run in progress.
public final class FlowRun: Sendable {
    let scheduler: RunScheduler
    /// The run's events, ending after `end` or `error`. One consumer.
    public let events: RunEventStream

    init(scheduler: RunScheduler, events: RunEventStream) {
        self.scheduler = scheduler
        self.events = events
    }

    public var context: RunContext { scheduler.context }

    /// Stops the run: nothing more is scheduled and running components see the cancel flag.
    public func cancel() { scheduler.fail(.cancelled) }

    /// Waits for the run to end.
    public func result() async throws(RunError) -> RunResult {
        if let outcome = scheduler.outcomeIfEnded { return try outcome.get() }
        let outcome = await withCheckedContinuation { continuation in scheduler.whenFinished { continuation.resume(returning: $0) } }
        return try outcome.get()
    }
}
