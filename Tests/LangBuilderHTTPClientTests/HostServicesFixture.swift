#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import LangBuilderCore
import LangBuilderHTTPClient
import LangBuilderTesting

/// Flows over the host service test bundle (`Tests/Fixtures/http_test_bundle.c`), run by the real engine with a
/// real `CurlHTTPClient`.
enum HostServicesFixture {
    static let registry: ComponentRegistry = {
        var registry = ComponentRegistry()
        try! registry.add(try! BundleLoader().load(file: try! BundleFixtures.hostServicesTestBundle()))
        return registry
    }()

    /// A flow of one `type` node with `fields`, built into a plan.
    static func plan(_ type: String, _ fields: [String: JSONValue]) throws -> ExecutionPlan {
        try FlowBuilder(registry: registry).build(try Flow(json: flow([(id: "\(type)-1", type: type, fields: fields)], edges: [])))
    }

    /// A bare `{nodes, edges}` flow document.
    static func flow(_ nodes: [(id: String, type: String, fields: [String: JSONValue])], edges: [(from: String, output: String, to: String, field: String)]) -> JSONValue {
        let nodeValues: [JSONValue] = nodes.map { node in
            var template = JSONObject()
            for (field, value) in node.fields.sorted(by: { $0.key < $1.key }) {
                template[field] = ["type": "str", "value": value, "show": true, "load_from_db": false]
            }
            return ["id": .string(node.id), "data": ["id": .string(node.id), "type": .string(node.type), "node": ["template": .object(template)]]]
        }
        let edgeValues: [JSONValue] = edges.map { edge in
            [
                "source": .string(edge.from), "target": .string(edge.to),
                "data": [
                    "sourceHandle": ["id": .string(edge.from), "name": .string(edge.output), "output_types": ["str"]],
                    "targetHandle": ["fieldName": .string(edge.field), "id": .string(edge.to), "inputTypes": ["str", "Message"], "type": "str"],
                ],
            ]
        }
        return ["nodes": .array(nodeValues), "edges": .array(edgeValues)]
    }

    /// Run options with the given HTTP client (and a memory history unless one is given).
    static func options(
        http: (any HostHTTPClient)?, messages: (any MessageHistory)? = MemoryMessageHistory(), logger: Logger? = nil,
        variables: @escaping @Sendable (String) -> String? = { _ in nil }
    ) -> RunOptions {
        RunOptions(variables: variables, logger: logger ?? Logger(label: "test"), services: HostServices(http: http, messages: messages))
    }
}

extension HostServicesFixture {
    /// Runs a plan to its end, collecting its events.
    static func run(_ plan: ExecutionPlan, _ options: RunOptions) async -> (events: [RunEvent], result: Result<RunResult, RunError>) {
        let run = FlowRunner().start(plan, options: options)
        var events: [RunEvent] = []
        for await event in run.events { events.append(event) }
        do {
            return (events, .success(try await run.result()))
        } catch {
            return (events, .failure(error))
        }
    }

    /// The Fetch vertex's response: status, headers (name, value) and body.
    static func response(_ result: Result<RunResult, RunError>) throws -> (status: Int, headers: [(String, String)], body: String) {
        let run = try result.get()
        guard case .json("Data", let text)? = run.vertices.first?.outputs["response"], let json = try? JSONValue(parsing: text) else {
            throw FixtureError("no response in \(run.vertices)")
        }
        let headers = (json["headers"]?.arrayValue ?? []).compactMap { pair -> (String, String)? in
            guard let name = pair.arrayValue?.first?.stringValue, let value = pair.arrayValue?.last?.stringValue else { return nil }
            return (name, value)
        }
        return (Int(json["status"]?.numberValue ?? -1), headers, json["body"]?.stringValue ?? "")
    }

    /// The message of a failed run.
    static func failure(_ result: Result<RunResult, RunError>) -> String? {
        if case .failure(let error) = result { return error.description }
        return nil
    }

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The test server's routes: `/echo` (the request as text), `/redirect/N` (N hops to 200 "done"), `/slow`
    /// (answers after 3 s), `/chunks/N` (N chunks "chunk-i\n", 20 ms apart), `/endless` (a chunk every 50 ms
    /// until the client leaves; then `endlessEnded` is set), `/big/N` and `/bigchunked/N` (N bytes).
    static func server(endlessEnded: (@Sendable () -> Void)? = nil) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request, responder in
            let path = request.path
            let number = Int(path.split(separator: "/").last ?? "") ?? 0
            if path == "/echo" {
                var text = "\(request.method) \(request.target)\n"
                for header in request.headers { text += "\(header.name.lowercased()): \(header.value)\n" }
                text += "\n" + String(decoding: request.body, as: UTF8.self)
                responder.respond(status: 200, headers: [("X-Server", "loopback"), ("Content-Type", "text/plain")], text: text)
            } else if path.hasPrefix("/redirect/") {
                if number > 0 {
                    responder.respond(status: 302, headers: [("Location", "/redirect/\(number - 1)")], text: "moving")
                } else {
                    responder.respond(status: 200, text: "done")
                }
            } else if path == "/slow" {
                usleep(3_000_000)
                responder.respond(status: 200, text: "late")
            } else if path.hasPrefix("/chunks/") {
                responder.beginChunks(headers: [("Content-Type", "text/event-stream")])
                for index in 0..<number {
                    responder.sendChunk("chunk-\(index)\n")
                    usleep(20_000)
                }
                responder.endChunks()
            } else if path == "/endless" {
                responder.beginChunks()
                while responder.sendChunk("tick\n") { usleep(50_000) }
                endlessEnded?()
            } else if path.hasPrefix("/big/") {
                responder.respond(status: 200, body: Array(repeating: UInt8(ascii: "x"), count: number))
            } else if path.hasPrefix("/bigchunked/") {
                responder.beginChunks()
                for _ in 0..<(number / 1000) { responder.sendChunk(String(repeating: "x", count: 1000)) }
                responder.endChunks()
            } else {
                responder.respond(status: 404, text: "no route \(path)")
            }
        }
    }
}
