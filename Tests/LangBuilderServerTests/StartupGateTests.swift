import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import Synchronization
import Testing

/// The start-up gate: health checks answer while the start-up work runs, the API waits for it, and a failed
/// start-up gives 503 with its reason.
@Suite struct StartupGateTests {
    /// Start-up work that finishes when the test says so.
    final class Latch: Sendable {
        private let continuation = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let released = Mutex(false)

        func wait() async {
            await withCheckedContinuation { continuation in
                let done = released.withLock { released in
                    if released { return true }
                    self.continuation.withLock { $0 = continuation }
                    return false
                }
                if done { continuation.resume() }
            }
        }

        func release() {
            released.withLock { released in
                released = true
                continuation.withLock { $0?.resume(); $0 = nil }
            }
        }
    }

    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .sequentiallyConsistent) }
        var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
    }

    @Test func healthAnswersWhileTheAPIWaitsForTheStartUpWork() async throws {
        let server = try await TestServer()
        let latch = Latch()
        let finished = Flag()
        let gate = StartupGate()
        gate.start {
            await latch.wait()
            finished.set()
        }
        let app = buildApplication(settings: server.settings, storage: server.storage, registry: server.registry, auth: server.auth, startup: gate)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
            #expect(!gate.isFinished)
            async let version = client.execute(uri: "/api/v1/auto_login", method: .get) { response in
                #expect(finished.isSet, "the API answered before the start-up work finished")
                #expect(response.status == .ok)
            }
            // Give the request time to reach the gate (without the gate it would answer meanwhile and fail).
            try await Task.sleep(for: .milliseconds(200))
            #expect(!finished.isSet)
            latch.release()
            try await version
            #expect(gate.isFinished)
        }
    }

    @Test func aFailedStartUpAnswers503WithItsReason() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the storage is read-only" } }
        let server = try await TestServer()
        let gate = StartupGate()
        gate.start { throw Broken() }
        let app = buildApplication(settings: server.settings, storage: server.storage, registry: server.registry, auth: server.auth, startup: gate)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/version", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.body.json()["detail"] == "The server could not start: the storage is read-only")
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
