import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderComponentStore
import LangBuilderCore
import LangBuilderServer
import LangBuilderTesting
import Logging
import Testing

/// `/api/v1/store/...` in process, over a folder store: who may do what, and the registry following installs,
/// updates and the kill list.
@Suite struct StoreControllerTests {
    /// A store folder with `test.server.echo` published, and a StoreSync over it for `registry`.
    struct Store {
        let root: URL
        let key = StoreSigningKey()
        var store: URL { root.appendingPathComponent("store") }
        var publisher: StorePublisher { StorePublisher(folder: store, keys: [key]) }
        let sync: StoreSync

        init(registry: RegistryHolder) throws {
            root = try BundleFixtures.temporaryDirectory("store-controller")
            let client = StoreClient(
                source: try StoreSource(url: root.appendingPathComponent("store").path, http: nil), trusted: TrustedKeys([key.publicKey]),
                host: .current(version: SemanticVersion("0.1.0")!), stateDirectory: root.appendingPathComponent("state"),
                installed: InstalledBundles(bundlesDirectory: root.appendingPathComponent("bundles")),
                validator: ProcessBundleValidator(executable: BundleFixtures.buildDirectory.appendingPathComponent("langbuilder")))
            sync = StoreSync(client: client, registry: registry, configuration: .init(interval: nil), logger: Logger(label: "test"))
        }

        /// Packages and publishes version `version` of the one-component bundle `test.server.echo` (`typeName`).
        func publish(_ version: String, typeName: String = "ServerEcho") throws {
            let folder = root.appendingPathComponent("build-\(version)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let source = """
                #include "langbuilder_bundle.h"
                LB_BUNDLE_HOST_API;
                static int32_t run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
                { (void)self; (void)ctx; (void)n_in; (void)n_out; out[0] = in[0]; return LB_OK; }
                static lb_input_port inputs[] = {{sizeof(lb_input_port), 0, "input_value", "Text", NULL, "str", LB_NAMES("str"), NULL, NULL}};
                static lb_output_port outputs[] = {{sizeof(lb_output_port), 0, "message", "Message", LB_NAMES("str")}};
                static lb_component components[] = {{sizeof(lb_component), LB_COMPONENT_THREADSAFE, "\(typeName)", "Server echo \(version)",
                    "Echoes.", "testing", NULL, inputs, 1, sizeof(lb_input_port), outputs, 1, sizeof(lb_output_port), NULL, run, NULL, NULL, NULL}};
                static lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
                static lb_bundle_descriptor descriptor = {sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "test.server.echo",
                    "\(version)", "Server echo", "A bundle for the store API tests.", "MIT", NULL, components, 1, sizeof(lb_component), NULL, 0,
                    sizeof(lb_function), NULL};
                LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi, const lb_host_api *host);
                LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi, const lb_host_api *host)
                { (void)host_abi; lb_host = host; return &descriptor; }
                """
            let library = try BundleFixtures.compile(name: "server-echo", source: source, in: folder)
            let package = folder.appendingPathComponent("server-echo.lbbundle")
            try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: library, toPath: package.appendingPathComponent("libserver-echo.so").path)
            try BundleManifest(describing: try BundleLoader().load(file: library)).encoded().write(to: package.appendingPathComponent("manifest.json"))
            try publisher.publish([package])
        }
    }

    @Test func onlyTheSuperuserInstallsAndRemovesAndTheRegistryFollows() async throws {
        let server = try await TestServer()
        // A registry of its own: the shared one must not see this test's bundles.
        let registry = RegistryHolder(server.registry.snapshot.registry)
        let store = try Store(registry: registry)
        defer { try? FileManager.default.removeItem(at: store.root) }
        try store.publish("1.0.0")
        let app = buildApplication(settings: server.settings, storage: server.storage, registry: registry, auth: server.auth, storeSync: store.sync)
        let admin = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
        let bob = HTTPFields.bearer(try await server.accessToken(for: "bob"))
        let install = ByteBuffer(string: #"{"name":"server-echo"}"#)

        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/store/components", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(response.body.json()["count"] == 1)
                #expect(response.body.json()["results"]?[0]?["installed_version"] == .null)
            }
            try await client.execute(uri: "/api/v1/store/install", method: .post, headers: bob + .json, body: install) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/store/install", method: .post, headers: admin + .json, body: ByteBuffer(string: #"{"name":"nothing"}"#)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/store/install", method: .post, headers: admin + .json, body: install) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            #expect(registry.snapshot.registry.component(named: "ServerEcho")?.descriptor.displayName == "Server echo 1.0.0")
            try await client.execute(uri: "/api/v1/all", method: .get, headers: bob) { response in
                #expect(String(buffer: response.body).contains("Server echo 1.0.0"))
            }

            // A new version: installed and hot-loaded by the next sync (auto-update is off: installed by the API).
            try store.publish("1.1.0")
            try await client.execute(uri: "/api/v1/store/sync", method: .post, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(response.body.json()["updates"]?[0]?["available"] == "1.1.0")
            }
            try await client.execute(uri: "/api/v1/store/install", method: .post, headers: admin + .json, body: install) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            #expect(registry.snapshot.registry.component(named: "ServerEcho")?.descriptor.displayName == "Server echo 1.1.0")
            try await client.execute(uri: "/api/v1/store/components/server-echo", method: .get, headers: bob) { response in
                #expect(response.body.json()["installed_version"] == "1.1.0")
                #expect(response.body.json()["versions"]?.arrayValue?.count == 2)
            }

            // Yanked versions need a pin; revoked ones are refused and disabled.
            try store.publisher.yank(bundle: "server-echo", version: "1.0.0", reason: "test")
            try await client.execute(
                uri: "/api/v1/store/install", method: .post, headers: admin + .json, body: ByteBuffer(string: #"{"name":"server-echo","version":"1.0.0","dry_run":true}"#)
            ) { response in
                #expect(response.status == .ok, "a pinned yanked version is installable: \(String(buffer: response.body))")
            }
            try store.publisher.revoke(bundle: "server-echo", versions: "*", reason: "compromised")
            try await client.execute(uri: "/api/v1/store/sync", method: .post, headers: bob) { response in
                #expect(response.body.json()["disabled"]?[0]?["reason"] == "compromised")
            }
            #expect(registry.snapshot.registry.component(named: "ServerEcho") == nil)
            try await client.execute(uri: "/api/v1/store/install", method: .post, headers: admin + .json, body: install) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("[revoked]"))
            }

            try await client.execute(uri: "/api/v1/store/components/server-echo", method: .delete, headers: bob) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/store/components/server-echo", method: .delete, headers: admin) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/api/v1/store/status", method: .get, headers: bob) { response in
                #expect(response.body.json()["installed"]?.arrayValue?.isEmpty == true)
            }
        }
    }

    @Test func aNewVersionTheRegistryRefusesLeavesTheOldOneLoaded() async throws {
        let server = try await TestServer()
        let registry = RegistryHolder(server.registry.snapshot.registry)
        let store = try Store(registry: registry)
        defer { try? FileManager.default.removeItem(at: store.root) }
        try store.publish("1.0.0")
        let app = buildApplication(settings: server.settings, storage: server.storage, registry: registry, auth: server.auth, storeSync: store.sync)
        let admin = HTTPFields.bearer(try await server.accessToken(for: TestServer.superuser))
        let install = ByteBuffer(string: #"{"name":"server-echo"}"#)
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/store/install", method: .post, headers: admin + .json, body: install) { response in
                #expect(response.body.json()["installed"]?[0]?["loaded"] == true)
            }
            // 1.1.0 exports ChatInput, which the engine test bundle already exports: installed, but not loaded.
            try store.publish("1.1.0", typeName: "ChatInput")
            try await client.execute(uri: "/api/v1/store/install", method: .post, headers: admin + .json, body: install) { response in
                #expect(response.status == .created)
                #expect(response.body.json()["installed"]?[0]?["loaded"] == false, "\(String(buffer: response.body))")
                #expect(response.body.json()["errors"]?.stringValue?.contains("ChatInput") == true, "\(String(buffer: response.body))")
            }
        }
        let snapshot = registry.snapshot.registry
        #expect(snapshot.component(named: "ServerEcho")?.descriptor.displayName == "Server echo 1.0.0")
        #expect(snapshot.component(named: "ChatInput")?.provenance.bundleID != "test.server.echo")
    }
}
