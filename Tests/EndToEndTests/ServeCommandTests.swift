import Foundation
import LangBuilderTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `langbuilder serve` as a real process: it starts on a fresh data directory, serves runs, stops cleanly on
/// SIGTERM (a run in progress is cancelled and its stream ends with events, not a cut connection), and a restart
/// on the same data directory finds everything it stored.
@Suite(.serialized) struct ServeCommandTests {
    /// A `langbuilder serve` child process with its output in a file.
    final class ServerProcess {
        let process = Process()
        /// The port the server bound (it starts with `--port 0`): known once `waitUntilHealthy` returned.
        private(set) var port = 0
        let log: URL

        init(dataDirectory: URL, bundlesDirectory: String) throws {
            log = dataDirectory.deletingLastPathComponent().appendingPathComponent("serve-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let output = try FileHandle(forWritingTo: log)
            process.executableURL = URL(fileURLWithPath: BuiltProducts.path("langbuilder"))
            process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory.path, "--bundles-dir", bundlesDirectory]
            process.environment = ProcessInfo.processInfo.environment.merging([
                "LANGBUILDER_BUNDLES_PATH": "", "LANGBUILDER_SUPERUSER_PASSWORD": "e2e-password",
                "LANGBUILDER_SHUTDOWN_GRACE_SECONDS": "1",
            ]) { _, new in new }
            process.standardOutput = output
            process.standardError = output
            try process.run()
        }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        var base: String { "http://127.0.0.1:\(port)" }

        /// Waits until the server says which port it bound and `/health` answers 200 there.
        func waitUntilHealthy() async throws {
            port = try await ServeCommandTests.listeningPort(log: log, process: process)
            let deadline = Date().addingTimeInterval(60)
            while true {
                // Tried once more after the deadline: a busy test machine may wake this task only after it.
                let late = Date() >= deadline
                guard process.isRunning else { throw BundleFixtures.FixtureError("the server exited:\n\(output)") }
                if (try? await ServeCommandTests.curl(["\(base)/health"]))?.status == 200 { return }
                if late { throw BundleFixtures.FixtureError("the server did not become healthy:\n\(output)") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }

        /// Sends SIGTERM and waits for the exit status.
        func terminate(timeout: TimeInterval = 30) async throws -> Int32 {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            guard !process.isRunning else {
                kill(process.processIdentifier, SIGKILL)
                throw BundleFixtures.FixtureError("the server did not stop within \(timeout) s of SIGTERM:\n\(output)")
            }
            return process.terminationStatus
        }
    }

    /// `curl ARGUMENTS` on a thread of its own (it blocks; Swift's cooperative pool is as wide as the cores and
    /// shared with the other tests), answering the HTTP status (from `-w`) and the body.
    static func curl(_ arguments: [String]) async throws -> (status: Int, body: String) {
        try await BundleFixtures.offThePool { try blockingCurl(arguments) }
    }

    static func blockingCurl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let result = try BundleFixtures.run("/usr/bin/env", ["curl", "-sS", "-w", "\n%{http_code}"] + arguments)
        guard result.status == 0 else { throw BundleFixtures.FixtureError("curl \(arguments) failed: \(result.output)") }
        var lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.removeLast()) ?? -1
        return (status, lines.joined(separator: "\n"))
    }

    /// The port a process started with `--port 0` bound, read from its log: `serve` logs "listening on HOST:PORT",
    /// `store serve` prints "on http://HOST:PORT". (Picking a free port first and passing it races with every
    /// other test: curl's own connections take ephemeral ports from the same range.)
    static func listeningPort(log: URL, process: Process, timeout: TimeInterval = 60) async throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            // Read once more after the deadline: a busy test machine may wake this task only after it.
            let late = Date() >= deadline
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where line.contains("listening on ") || line.contains(" on http://") {
                if let match = line.firstMatch(of: /:(\d+)\s*$/), let port = Int(match.1) { return port }
            }
            guard process.isRunning else { throw BundleFixtures.FixtureError("the process exited before listening:\n\(text)") }
            if late { throw BundleFixtures.FixtureError("the process did not say where it listens within \(Int(timeout)) s:\n\(text)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw BundleFixtures.FixtureError("not a JSON object: \(text)")
        }
        return object
    }

    static func node(_ id: String, _ type: String, _ template: [String: Any] = [:]) -> [String: Any] {
        var fields: [String: Any] = [:]
        for (name, value) in template { fields[name] = ["value": value, "type": "str", "show": true] }
        return ["id": id, "type": "genericNode", "data": ["id": id, "type": type, "node": ["template": fields]]]
    }

    static func edge(_ source: String, _ sourceType: String, to target: String) -> [String: Any] {
        let targetType = String(target.split(separator: "-")[0])
        return [
            "source": source, "target": target,
            "data": [
                "sourceHandle": ["dataType": sourceType, "id": source, "name": "message", "output_types": ["Message"]],
                "targetHandle": ["fieldName": "input_value", "id": target, "inputTypes": ["Message"], "type": "str", "type_name": targetType],
            ],
        ]
    }

    static func flowBody(name: String, endpoint: String, nodes: [[String: Any]], edges: [[String: Any]]) throws -> String {
        let body: [String: Any] = ["name": name, "endpoint_name": endpoint, "data": ["nodes": nodes, "edges": edges]]
        return String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
    }

    @Test func startsStopsCleanlyOnSIGTERMAndKeepsItsDataAcrossARestart() async throws {
        let folder = try BundleFixtures.temporaryDirectory("serve")
        let data = folder.appendingPathComponent("data")
        let bundles = URL(fileURLWithPath: try BundleFixtures.engineTestBundle()).deletingLastPathComponent().path
        let first = try ServerProcess(dataDirectory: data, bundlesDirectory: bundles)
        try await first.waitUntilHealthy()
        let login = try await Self.curl(["-X", "POST", "-d", "username=langflow&password=e2e-password", "\(first.base)/api/v1/login"])
        #expect(login.status == 200, "\(login.body)")
        let token = try #require(try Self.json(login.body)["access_token"] as? String)
        let auth = ["-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json"]

        let echo = try Self.flowBody(
            name: "Echo", endpoint: "echo", nodes: [Self.node("ChatInput-1", "ChatInput"), Self.node("ChatOutput-1", "ChatOutput")],
            edges: [Self.edge("ChatInput-1", "ChatInput", to: "ChatOutput-1")])
        let created = try await Self.curl(auth + ["-X", "POST", "-d", echo, "\(first.base)/api/v1/flows/"])
        #expect(created.status == 201, "\(created.body)")
        let flowID = try #require(try Self.json(created.body)["id"] as? String)
        let sleepy = try Self.flowBody(
            name: "Sleepy", endpoint: "sleepy",
            nodes: [Self.node("ChatInput-1", "ChatInput"), Self.node("Sleep-1", "Sleep", ["milliseconds": 60000]), Self.node("ChatOutput-1", "ChatOutput")],
            edges: [Self.edge("ChatInput-1", "ChatInput", to: "Sleep-1"), Self.edge("Sleep-1", "Sleep", to: "ChatOutput-1")])
        #expect(try await Self.curl(auth + ["-X", "POST", "-d", sleepy, "\(first.base)/api/v1/flows/"]).status == 201)

        // A streamed run that would sleep for a minute; curl blocks, so it runs off the cooperative pool.
        let base = first.base
        let streamed = Task { [auth] in
            try await Self.curl(auth + ["-N", "-X", "POST", "-d", #"{"input_value":"zzz"}"#, "\(base)/api/v1/run/sleepy?stream=true"])
        }
        var active = 0
        let deadline = Date().addingTimeInterval(90)
        while active == 0, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            let queue = try await Self.curl(auth + ["\(first.base)/api/v1/monitor/job_queue"])
            active = (try Self.json(queue.body)["active_jobs"] as? Int) ?? 0
        }
        #expect(active == 1)

        let stopped = Date()
        #expect(try await first.terminate() == 0, "\(first.output)")
        #expect(Date().timeIntervalSince(stopped) < 20, "the 60 s run was cancelled after the 1 s grace period")
        let stream = try await streamed.value
        #expect(stream.status == 200)
        #expect(stream.body.contains("\"vertices_sorted\""))
        #expect(stream.body.contains("\"error\""), "the cancelled run ends its stream with an error event: \(stream.body)")
        #expect(first.output.contains("cancelling 1 run(s)"), "\(first.output)")
        #expect(first.output.contains("stopped"), "\(first.output)")

        // The same data directory: no new superuser, the same password, the flows are there and run.
        let second = try ServerProcess(dataDirectory: data, bundlesDirectory: bundles)
        defer { if second.process.isRunning { kill(second.process.processIdentifier, SIGKILL) } }
        try await second.waitUntilHealthy()
        #expect(!second.output.contains("created the superuser"))
        let again = try await Self.curl(["-X", "POST", "-d", "username=langflow&password=e2e-password", "\(second.base)/api/v1/login"])
        let token2 = try #require(try Self.json(again.body)["access_token"] as? String)
        let auth2 = ["-H", "Authorization: Bearer \(token2)", "-H", "Content-Type: application/json"]
        let fetched = try await Self.curl(auth2 + ["\(second.base)/api/v1/flows/\(flowID)"])
        #expect(fetched.status == 200)
        #expect(try Self.json(fetched.body)["name"] as? String == "Echo")
        let run = try await Self.curl(auth2 + ["-X", "POST", "-d", #"{"input_value":"after restart"}"#, "\(second.base)/api/v1/run/echo"])
        #expect(run.status == 200, "\(run.body)")
        #expect(run.body.contains("after restart"))
        #expect(try await second.terminate() == 0)
    }
}
