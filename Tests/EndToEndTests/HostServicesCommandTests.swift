import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `langbuilder run` wires the host services: a bundle's `http_request` reaches a server on loopback through the
/// executable's libcurl client, configured from the environment.
@Suite struct HostServicesCommandTests {
    /// A folder with the host service test bundle and a flow of one Fetch node for `url`.
    private func setUp(url: String) throws -> (bundles: URL, flow: URL) {
        let folder = try BundleFixtures.temporaryDirectory("run-http")
        let bundles = folder.appendingPathComponent("bundles")
        try FileManager.default.createDirectory(at: bundles, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: try BundleFixtures.hostServicesTestBundle(), toPath: bundles.appendingPathComponent("libhost-services-test.so").path)
        let flow: JSONValue = [
            "id": "flow-run-http", "name": "Run HTTP",
            "data": ["nodes": [["id": "Fetch-1", "data": ["type": "Fetch", "node": ["template": ["url": ["value": .string(url)]]]]]], "edges": []],
        ]
        let file = folder.appendingPathComponent("flow.json")
        try flow.serialized().write(to: file, atomically: true, encoding: .utf8)
        return (bundles, file)
    }

    @Test func runFetchesThroughTheHostsHTTPClient() throws {
        let server = try LoopbackHTTPServer { request, responder in
            responder.respond(status: 200, text: "hello from \(request.path)")
        }
        defer { server.stop() }
        let (bundles, flow) = try setUp(url: server.url("/greeting"))
        let result = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path])
        #expect(result.status == 0, "\(result.output)")
        let response = try JSONValue(parsing: result.output)
        #expect(response["status"] == 200)
        #expect(response["body"] == "hello from /greeting")
        #expect(server.requestsServed == 1)
    }

    @Test func takesTheProxyFromTheEnvironment() throws {
        // The loopback server plays the proxy: a proxied request names the absolute URL.
        let proxy = try LoopbackHTTPServer { request, responder in
            responder.respond(status: 200, text: "proxied \(request.method) \(request.target)")
        }
        defer { proxy.stop() }
        let (bundles, flow) = try setUp(url: "http://api.example.invalid/v1/items")
        let result = try BundleFixtures.run(
            BuiltProducts.path("langbuilder"), ["run", flow.path, "--bundles-dir", bundles.path],
            environment: ["LANGBUILDER_BUNDLES_PATH": "", "http_proxy": proxy.url(""), "no_proxy": "", "NO_PROXY": ""])
        #expect(result.status == 0, "\(result.output)")
        let response = try JSONValue(parsing: result.output)
        #expect(response["body"] == "proxied GET http://api.example.invalid/v1/items")
    }

    @Test func refusesABadHTTPSettingBeforeRunning() throws {
        let (bundles, flow) = try setUp(url: "http://127.0.0.1:1/")
        let result = try BundleFixtures.run(
            BuiltProducts.path("langbuilder"), ["run", flow.path, "--bundles-dir", bundles.path],
            environment: ["LANGBUILDER_BUNDLES_PATH": "", "LANGBUILDER_HTTP_TIMEOUT": "soon"])
        #expect(result.status == 2)
        #expect(result.output == "LANGBUILDER_HTTP_TIMEOUT must be a positive number of seconds, not \"soon\"\n")
    }
}
