import NIOCore
import NIOPosix
import Testing

@testable import LangBuilderServer

/// The event loop as a request's preferred task executor (what ``EventLoopExecutorMiddleware`` sets up when
/// the loops are Swift's global executor, as in `langbuilder serve`; end-to-end in ServeCommandTests).
@Suite struct EventLoopExecutorTests {
    /// A nonisolated async function with a real suspension in it.
    private nonisolated func hop(_ depth: Int) async -> [Bool] {
        await Task.yield()
        let here = MultiThreadedEventLoopGroup.currentEventLoop != nil
        return depth == 0 ? [here] : [here] + (await hop(depth - 1))
    }

    @Test func nestedAsyncCallsStayOnTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let executor = EventLoopTaskExecutor.executor(for: loop)
        #expect(EventLoopTaskExecutor.executor(for: loop) === executor, "one executor per loop")
        let places = await withTaskExecutorPreference(executor) { await hop(5) }
        #expect(places == Array(repeating: true, count: 6))
        #expect(await hop(0) == [false], "without the preference: Swift's own threads")
        try await group.shutdownGracefully()
    }
}
