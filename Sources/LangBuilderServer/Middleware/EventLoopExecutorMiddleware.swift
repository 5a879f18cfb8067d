import Hummingbird
import NIOCore
import NIOPosix
import Synchronization

/// Keeps a request's handler on the event loop it already runs on, when the event loops are Swift's global
/// executor (`langbuilder serve`, ``ServerConfiguration/eventLoopExecutor``).
///
/// There, a task runs on an event loop *as that loop's serial executor*, so each call into a nonisolated
/// `async` function first hops to the global executor, which enqueues the task on the same loop again: a
/// trip through the loop's task queue per call, about a tenth of a short run's CPU time. With the loop as the
/// handler's preferred task executor, those calls stay where they are. Elsewhere (tests, Swift's own
/// executor) the handler runs on no event loop and this middleware only passes the request on.
struct EventLoopExecutorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return try await next(request, context) }
        return try await withTaskExecutorPreference(EventLoopTaskExecutor.executor(for: loop)) { try await next(request, context) }
    }
}

/// An event loop as a task executor: jobs run on the loop's thread, as the loop's own tasks.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop
    private static let executors = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    private init(loop: any EventLoop) { self.loop = loop }

    /// The one executor of `loop`.
    static func executor(for loop: any EventLoop) -> EventLoopTaskExecutor {
        executors.withLock { executors in
            if let existing = executors[ObjectIdentifier(loop)] { return existing }
            let made = EventLoopTaskExecutor(loop: loop)
            executors[ObjectIdentifier(loop)] = made
            return made
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
