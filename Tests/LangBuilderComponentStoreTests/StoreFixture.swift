import Foundation
import LangBuilderComponentStore
import LangBuilderCore
import LangBuilderTesting

/// A temporary store folder, a key, a bundles folder and a client, plus packaged fixture bundles.
struct StoreFixture {
    let root: URL
    let store: URL
    let bundles: URL
    let state: URL
    let key = StoreSigningKey()

    init(_ label: String = "store") throws {
        root = try BundleFixtures.temporaryDirectory(label)
        store = root.appendingPathComponent("store")
        bundles = root.appendingPathComponent("bundles")
        state = root.appendingPathComponent("state")
        for folder in [store, bundles, state] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    var publisher: StorePublisher { StorePublisher(folder: store, keys: [key]) }
    var installed: InstalledBundles { InstalledBundles(bundlesDirectory: bundles) }
    static let hostVersion = SemanticVersion("0.1.0")!
    static var langbuilder: URL { BundleFixtures.buildDirectory.appendingPathComponent("langbuilder") }

    func client(url: String? = nil, host: StoreHost = .current(version: hostVersion), trusted: [StorePublicKey]? = nil, http: (any HostHTTPClient)? = nil) throws -> StoreClient {
        StoreClient(
            source: try StoreSource(url: url ?? "file://" + store.path, http: http), trusted: TrustedKeys(trusted ?? [key.publicKey]), host: host,
            stateDirectory: state, installed: installed, validator: ProcessBundleValidator(executable: Self.langbuilder))
    }

    /// A packaged C bundle `NAME.lbbundle/` (id `test.store.NAME`, one component `<Type>`), at `version`.
    func package(_ name: String, version: String, typeName: String? = nil, padding: Int = 0) throws -> URL {
        let build = root.appendingPathComponent("build-\(name)-\(version)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
        let library = try BundleFixtures.compile(
            name: name, source: Self.source(id: "test.store.\(name)", version: version, typeName: typeName ?? Self.typeName(name), padding: padding), in: build)
        let loaded = try BundleLoader().load(file: library)
        let manifest = try BundleManifest(describing: loaded)
        let folder = build.appendingPathComponent("\(name).lbbundle")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: library, toPath: folder.appendingPathComponent("lib\(name).so").path)
        try manifest.encoded().write(to: folder.appendingPathComponent("manifest.json"))
        return folder
    }

    static func typeName(_ name: String) -> String {
        "Echo" + name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The C source of a one-component bundle; `padding` bytes of read-only data make the file that much larger.
    static func source(id: String, version: String, typeName: String, padding: Int) -> String {
        """
        #include "langbuilder_bundle.h"
        #include <string.h>

        LB_BUNDLE_HOST_API;

        \(padding > 0 ? "__attribute__((used)) static const unsigned char padding[\(padding)] = {1};" : "")

        static int32_t echo_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)n_in; (void)n_out;
            if (!lb_value_present(&in[0])) return lb_fail(lb_host, ctx, "Echo: input 'text' has no value");
            lb_string text = lb_value_text(&in[0]);
            char *copy = lb_arena_copy(lb_host, ctx, text.ptr, text.len);
            if (copy == NULL) return lb_fail(lb_host, ctx, "out of memory");
            lb_set_string(&out[0], copy, text.len);
            return LB_OK;
        }

        static lb_input_port inputs[] = {
            {sizeof(lb_input_port), LB_INPUT_REQUIRED, "text", "Text", "What to echo", "str", LB_NAMES("str", "Message"), "\\"hi\\"", NULL},
        };
        static lb_output_port outputs[] = {
            {sizeof(lb_output_port), 0, "text", "Text", LB_NAMES("str")},
        };
        static lb_component components[] = {
            {sizeof(lb_component), LB_COMPONENT_THREADSAFE, "\(typeName)", "Echo \(version)", "Echoes its input.", "testing", "Repeat",
             inputs, 1, sizeof(lb_input_port), outputs, 1, sizeof(lb_output_port), NULL, echo_run, NULL, NULL, NULL},
        };
        static lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
        static lb_bundle_descriptor descriptor = {
            sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "\(id)", "\(version)", "Echo fixture",
            "A store test bundle.", "MIT", "https://example.com/echo", components, 1, sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
        };

        LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi, const lb_host_api *host);
        LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi, const lb_host_api *host)
        {
            (void)host_abi;
            lb_host = host;
            return &descriptor;
        }

        """
    }
}

/// Runs `body` and returns the store error it threw (recording an issue when it threw none or another error).
func storeError(_ body: () throws -> Void) -> ComponentStoreError? {
    do {
        try body()
        return nil
    } catch let error as ComponentStoreError {
        return error
    } catch {
        return ComponentStoreError(.io, subject: "unexpected error: \(error)")
    }
}
