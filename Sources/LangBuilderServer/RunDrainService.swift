import Foundation
public import Logging
public import ServiceLifecycle
public import UnixSignals

/// Stops runs cleanly when the server shuts down.
///
/// On graceful shutdown (SIGTERM, SIGINT) new runs are refused with 503, the runs in progress get `grace` to
/// finish, then the rest are cancelled and given a moment to end; only then does the HTTP server stop, so a
/// streamed run ends with its `error`/`end` events instead of a cut connection. Place it **after** the
/// application in the service group: services shut down in reverse order.
///
/// ```swift
/// let group = ServiceGroup(configuration: .init(
///     services: [app, RunDrainService(activeRuns: runs, grace: .seconds(10), logger: logger)],
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
/// try await group.run()
/// ```
public struct RunDrainService: Service {
    let activeRuns: ActiveRuns
    let grace: Duration
    let logger: Logger

    public init(activeRuns: ActiveRuns, grace: Duration = .seconds(10), logger: Logger) {
        self.activeRuns = activeRuns
        self.grace = grace
        self.logger = logger
    }

    public func run() async throws {
        // Returns when graceful shutdown starts, throws when the group is cancelled.
        try await gracefulShutdown()
        activeRuns.beginDraining()
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        if activeRuns.count > 0 {
            logger.info("shutting down: waiting up to \(grace) for \(activeRuns.count) run(s) in progress")
        }
        while activeRuns.count > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = activeRuns.count
        guard left > 0 else { return }
        logger.warning("shutting down: cancelling \(left) run(s) still in progress")
        activeRuns.cancelAll()
        // Cancelled runs end at their next vertex boundary or cancellation check.
        let cancelDeadline = clock.now + .seconds(5)
        while activeRuns.count > 0, clock.now < cancelDeadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// The service group that runs `app` and stops it cleanly: on SIGTERM/SIGINT, runs are drained first (see
/// ``RunDrainService``), then the HTTP server stops accepting and finishes its open requests.
public func serverServiceGroup(
    app: some Service, activeRuns: ActiveRuns, drainGrace: Duration = .seconds(10),
    gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], extraServices: [any Service] = [], logger: Logger
) -> ServiceGroup {
    ServiceGroup(configuration: .init(
        services: [app, RunDrainService(activeRuns: activeRuns, grace: drainGrace, logger: logger)] + extraServices,
        gracefulShutdownSignals: gracefulShutdownSignals, logger: logger))
}
