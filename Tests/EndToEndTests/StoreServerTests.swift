import Foundation
import LangBuilderTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A running `langbuilder serve` synced with a component store: installs over REST (superuser only), picks up a
/// newly published version without a restart while a run on the old version completes, and disables a revoked
/// bundle at once.
@Suite(.serialized) struct StoreServerTests {
    @Test func aRunningServerHotLoadsANewVersionAndAppliesTheKillList() async throws {
        let setup = try StoreCommandTests.Setup("store-server")
        defer { try? FileManager.default.removeItem(at: setup.root) }
        _ = try setup.publish([try setup.package(version: "1.0.0")])
        let engine = URL(fileURLWithPath: try BundleFixtures.engineTestBundle()).deletingLastPathComponent().path
        let log = setup.root.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("langbuilder"))
        process.arguments = [
            "serve", "--port", "0", "--data-dir", setup.data.path, "--bundles-dir", setup.bundles.path, "--bundles-dir", engine,
            "--store", "file://" + setup.store.path, "--trusted-key", setup.publicKey, "--store-sync-interval", "0", "--store-auto-update",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "LANGBUILDER_BUNDLES_PATH": "", "LANGBUILDER_SUPERUSER_PASSWORD": "e2e-password", "LANGBUILDER_SHUTDOWN_GRACE_SECONDS": "1",
        ]) { _, new in new }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let port = try await ServeCommandTests.listeningPort(log: log, process: process)
        let base = "http://127.0.0.1:\(port)"
        let curl = ServeCommandTests.curl
        let deadline = Date().addingTimeInterval(60)
        var late = false
        while (try? await curl(["\(base)/health"]))?.status != 200 {
            guard process.isRunning, !late else {
                throw BundleFixtures.FixtureError("the server did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
            // One more try after the deadline: a busy test machine may wake this task only after it.
            late = Date() >= deadline
            try await Task.sleep(for: .milliseconds(50))
        }
        let login = try await curl(["-X", "POST", "-d", "username=langflow&password=e2e-password", "\(base)/api/v1/login"])
        let token = try #require(try ServeCommandTests.json(login.body)["access_token"] as? String)
        let auth = ["-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json"]

        // Unauthenticated callers see nothing; the superuser browses and installs.
        #expect(try await curl(["-X", "POST", "-d", #"{"name":"echo"}"#, "\(base)/api/v1/store/install"]).status == 403)
        let listing = try await curl(auth + ["\(base)/api/v1/store/components?search=EchoStore"])
        #expect(listing.status == 200 && listing.body.contains("\"count\":1"), "\(listing.body)")
        let details = try await curl(auth + ["\(base)/api/v1/store/components/echo"])
        #expect(details.status == 200 && details.body.contains("\"installable\":true"), "\(details.body)")
        #expect(try await curl(auth + ["\(base)/api/v1/store/components/nothing"]).status == 404)
        let installed = try await curl(auth + ["-X", "POST", "-d", #"{"name":"echo"}"#, "\(base)/api/v1/store/install"])
        #expect(installed.status == 201, "\(installed.body)")
        #expect(try await curl(auth + ["\(base)/api/v1/all"]).body.contains("Echo 1.0.0"))

        // Flows: one with the echo, one that sleeps before it (to be in flight across the swap).
        let echo = try ServeCommandTests.flowBody(
            name: "Echo", endpoint: "store-echo",
            nodes: [ServeCommandTests.node("ChatInput-1", "ChatInput"), ServeCommandTests.node("EchoStore-1", "EchoStore"), ServeCommandTests.node("ChatOutput-1", "ChatOutput")],
            edges: [ServeCommandTests.edge("ChatInput-1", "ChatInput", to: "EchoStore-1"), ServeCommandTests.edge("EchoStore-1", "EchoStore", to: "ChatOutput-1")])
        #expect(try await curl(auth + ["-X", "POST", "-d", echo, "\(base)/api/v1/flows/"]).status == 201)
        let slow = try ServeCommandTests.flowBody(
            name: "Slow echo", endpoint: "slow-echo",
            nodes: [
                ServeCommandTests.node("ChatInput-1", "ChatInput"), ServeCommandTests.node("Sleep-1", "Sleep", ["milliseconds": 3000]),
                ServeCommandTests.node("EchoStore-1", "EchoStore"), ServeCommandTests.node("ChatOutput-1", "ChatOutput"),
            ],
            edges: [
                ServeCommandTests.edge("ChatInput-1", "ChatInput", to: "Sleep-1"), ServeCommandTests.edge("Sleep-1", "Sleep", to: "EchoStore-1"),
                ServeCommandTests.edge("EchoStore-1", "EchoStore", to: "ChatOutput-1"),
            ])
        #expect(try await curl(auth + ["-X", "POST", "-d", slow, "\(base)/api/v1/flows/"]).status == 201)
        let first = try await curl(auth + ["-X", "POST", "-d", #"{"input_value":"hi"}"#, "\(base)/api/v1/run/store-echo"])
        #expect(first.body.contains("(echo 1.0.0)") && !first.body.contains("(echo 1.1.0)"), "\(first.body)")

        // A run on 1.0.0 is in flight while 1.1.0 is published and synced.
        let inFlight = Task { [auth] in try await curl(auth + ["-X", "POST", "-d", #"{"input_value":"slow"}"#, "\(base)/api/v1/run/slow-echo"]) }
        try await Task.sleep(for: .milliseconds(500))
        _ = try setup.publish([try setup.package(version: "1.1.0")])
        let published = Date()
        let synced = try await curl(auth + ["-X", "POST", "\(base)/api/v1/store/sync"])
        #expect(synced.status == 200 && synced.body.contains("\"to\":\"1.1.0\""), "\(synced.body)")
        var live = false
        while !live, Date().timeIntervalSince(published) < 30 {
            live = try await curl(auth + ["\(base)/api/v1/all"]).body.contains("Echo 1.1.0")
        }
        let publishToLive = Date().timeIntervalSince(published)
        #expect(live)
        let second = try await curl(auth + ["-X", "POST", "-d", #"{"input_value":"hi"}"#, "\(base)/api/v1/run/store-echo"])
        #expect(second.body.contains("(echo 1.1.0)") && !second.body.contains("(echo 1.0.0)"), "\(second.body)")
        let old = try await inFlight.value
        #expect(old.status == 200 && old.body.contains("slow") && old.body.contains("(echo 1.0.0)") && !old.body.contains("(echo 1.1.0)"), "the run started before the swap finishes on the old version: \(old.body)")
        print("store: publish to live in a running server: \(Int(publishToLive * 1000)) ms")

        let status = try await curl(auth + ["\(base)/api/v1/store/status"])
        #expect(status.body.contains("\"loaded_version\":\"1.1.0\""), "\(status.body)")

        // Revoked: disabled at the next sync.
        let revoke = try BuiltProducts.langbuilder(["store", "revoke", "echo", "--versions", ">=1.1.0", "--reason", "e2e", "--store", setup.store.path, "--key", setup.key])
        #expect(revoke.status == 0, "\(revoke.output)")
        let afterRevoke = try await curl(auth + ["-X", "POST", "\(base)/api/v1/store/sync"])
        #expect(afterRevoke.body.contains("\"reason\":\"e2e\""), "\(afterRevoke.body)")
        #expect(!(try await curl(auth + ["\(base)/api/v1/all"]).body.contains("EchoStore")))

        // Removal is refused while a stored flow uses the bundle, unless forced: by the CLI (reading the same
        // SQLite file) and over REST.
        let cliRefused = try BuiltProducts.langbuilder(["store", "remove", "echo", "--data-dir", setup.data.path, "--bundles-dir", setup.bundles.path])
        #expect(cliRefused.status != 0 && cliRefused.output.contains("[inUse]") && cliRefused.output.contains("Slow echo"), "\(cliRefused.output)")
        let refused = try await curl(auth + ["-X", "DELETE", "\(base)/api/v1/store/components/echo"])
        #expect(refused.status == 409, "\(refused.body)")
        let removed = try await curl(auth + ["-X", "DELETE", "\(base)/api/v1/store/components/echo?force=true"])
        #expect(removed.status == 200, "\(removed.body)")
        #expect(!FileManager.default.fileExists(atPath: setup.bundles.appendingPathComponent("store/test.e2e.echo").path))
    }
}
