import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `langbuilder store` as real processes: a store published with the CLI, served on loopback by `store serve`
/// and read as a folder; installs, updates, rollbacks and removals; resumed downloads; kill -9 of the installer;
/// and a running server that picks up a newly published version without a restart.
@Suite(.serialized) struct StoreCommandTests {
    /// A store folder with a key, and a data folder a client installs into.
    struct Setup {
        let root: URL
        var store: URL { root.appendingPathComponent("store") }
        var data: URL { root.appendingPathComponent("data") }
        var bundles: URL { data.appendingPathComponent("bundles") }
        var key: String { root.appendingPathComponent("store.key").path }
        let publicKey: String

        init(_ label: String) throws {
            root = try BundleFixtures.temporaryDirectory(label)
            let keygen = try BuiltProducts.langbuilder(["store", "keygen", root.appendingPathComponent("store.key").path])
            guard keygen.status == 0, let line = keygen.output.split(separator: "\n").last(where: { $0.hasPrefix("ed25519:") }) else {
                throw BundleFixtures.FixtureError("keygen failed: \(keygen.output)")
            }
            publicKey = String(line)
        }

        /// A packaged C bundle `echo.lbbundle` with one component, EchoStore, whose display name carries the version.
        func package(version: String, padding: Int = 0) throws -> URL {
            let build = root.appendingPathComponent("build-\(version)-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
            var paddingFile: String?
            if padding > 0 {
                // Random bytes do not compress: the artifact is as large as the library.
                let file = build.appendingPathComponent("padding.bin")
                try Data((0..<padding).map { _ in UInt8.random(in: 0...255) }).write(to: file)
                paddingFile = file.path
            }
            let library = try BundleFixtures.compile(name: "echo", source: StoreCommandTests.source(version: version, paddingFile: paddingFile), in: build)
            let packaged = try BuiltProducts.bundleTool(["package", library, "--output", build.path])
            guard packaged.status == 0 else { throw BundleFixtures.FixtureError("package failed: \(packaged.output)") }
            return build.appendingPathComponent("echo.lbbundle")
        }

        func publish(_ packages: [URL]) throws -> String {
            let result = try BuiltProducts.langbuilder(["store", "publish"] + packages.map(\.path) + ["--store", store.path, "--key", key])
            guard result.status == 0 else { throw BundleFixtures.FixtureError("publish failed: \(result.output)") }
            return result.output
        }

        /// Runs a client command against `url` with this setup's key and data folder.
        func client(_ arguments: [String], url: String) throws -> (status: Int32, output: String) {
            try BuiltProducts.langbuilder(["store"] + arguments + ["--store", url, "--trusted-key", publicKey, "--data-dir", data.path])
        }

        func current() -> String? {
            try? FileManager.default.destinationOfSymbolicLink(atPath: bundles.appendingPathComponent("store/test.e2e.echo/current").path)
        }

        /// The artifact file of `version` in the store folder.
        func artifact(_ version: String) throws -> URL {
            let folder = store.appendingPathComponent("artifacts/test.e2e.echo/\(version)")
            guard let name = try FileManager.default.contentsOfDirectory(atPath: folder.path).first(where: { $0.hasSuffix(".zip") }) else {
                throw BundleFixtures.FixtureError("no artifact for \(version)")
            }
            return folder.appendingPathComponent(name)
        }
    }

    /// `langbuilder store serve DIR --port 0`: the system picks the port and the command says which.
    final class StoreServer {
        let process = Process()
        let log: URL
        private(set) var port = 0
        var url: String { "http://127.0.0.1:\(port)" }

        init(_ folder: URL) throws {
            log = folder.deletingLastPathComponent().appendingPathComponent("store-serve-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let output = try FileHandle(forWritingTo: log)
            process.executableURL = URL(fileURLWithPath: BuiltProducts.path("langbuilder"))
            process.arguments = ["store", "serve", folder.path, "--port", "0"]
            process.standardOutput = output
            process.standardError = output
            try process.run()
        }

        func waitUntilServing() async throws {
            port = try await ServeCommandTests.listeningPort(log: log, process: process, timeout: 30)
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if (try? await ServeCommandTests.curl(["-o", "/dev/null", "\(url)/index.json"]))?.status == 200 { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            // Once more after the deadline: a busy test machine may wake this task only after it.
            if (try? await ServeCommandTests.curl(["-o", "/dev/null", "\(url)/index.json"]))?.status == 200 { return }
            throw BundleFixtures.FixtureError("store serve listens on \(port) but does not serve index.json:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }

        func stop() {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    @Test func installUpdateRollbackRemoveFromALoopbackStore() async throws {
        let setup = try Setup("store-http")
        defer { try? FileManager.default.removeItem(at: setup.root) }
        _ = try setup.publish([try setup.package(version: "1.0.0")])
        let server = try StoreServer(setup.store)
        defer { server.stop() }
        try await server.waitUntilServing()

        // A signing key inside the served folder would be published with it.
        let inside = setup.store.appendingPathComponent("inside.key").path
        _ = try BuiltProducts.langbuilder(["store", "keygen", inside])
        let refusedKey = try BuiltProducts.langbuilder(["store", "resign", "--store", setup.store.path, "--key", inside])
        #expect(refusedKey.status != 0 && refusedKey.output.contains("inside the store folder"), "\(refusedKey.output)")
        try FileManager.default.removeItem(atPath: inside)
        try FileManager.default.removeItem(atPath: inside + ".pub")

        let search = try setup.client(["search", "EchoStore"], url: server.url)
        #expect(search.status == 0 && search.output.contains("test.e2e.echo 1.0.0"), "\(search.output)")
        let dryRun = try setup.client(["install", "echo", "--dry-run"], url: server.url)
        #expect(dryRun.output.contains("would install: test.e2e.echo 1.0.0"), "\(dryRun.output)")
        #expect(setup.current() == nil)
        let install = try setup.client(["install", "echo"], url: server.url)
        #expect(install.status == 0, "\(install.output)")
        #expect(setup.current() == "1.0.0")

        // The host loads it through the current pointer.
        let list = try BuiltProducts.langbuilder(["bundle", "list", "--data-dir", setup.data.path, "--bundles-dir", setup.bundles.path])
        #expect(list.output.contains("test.e2e.echo 1.0.0"), "\(list.output)")

        _ = try setup.publish([try setup.package(version: "1.1.0")])
        let updates = try setup.client(["list", "--updates"], url: server.url)
        #expect(updates.output.contains("test.e2e.echo 1.0.0 -> 1.1.0"), "\(updates.output)")
        let update = try setup.client(["update"], url: server.url)
        #expect(update.status == 0, "\(update.output)")
        #expect(setup.current() == "1.1.0")
        let verify = try setup.client(["verify"], url: server.url)
        #expect(verify.status == 0, "\(verify.output)")

        let rollback = try BuiltProducts.langbuilder(["store", "rollback", "echo", "--data-dir", setup.data.path])
        #expect(rollback.output.contains("rolled back test.e2e.echo from 1.1.0 to 1.0.0"), "\(rollback.output)")
        #expect(setup.current() == "1.0.0")

        let remove = try BuiltProducts.langbuilder(["store", "remove", "echo", "--data-dir", setup.data.path])
        #expect(remove.status == 0, "\(remove.output)")
        #expect(setup.current() == nil)
        #expect(!FileManager.default.fileExists(atPath: setup.bundles.appendingPathComponent("store/test.e2e.echo").path))
    }

    @Test func downloadsResumeWithRangeAndTamperingIsRefused() async throws {
        let setup = try Setup("store-resume")
        defer { try? FileManager.default.removeItem(at: setup.root) }
        _ = try setup.publish([try setup.package(version: "1.0.0", padding: 1 << 20)])
        let server = try StoreServer(setup.store)
        defer { server.stop() }
        try await server.waitUntilServing()
        let artifact = try Data(contentsOf: try setup.artifact("1.0.0"))
        let digest = try #require(try BuiltProducts.tool("sha256sum", [try setup.artifact("1.0.0").path]).output.split(separator: " ").first)
        let downloads = setup.bundles.appendingPathComponent("store/.downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        let partial = downloads.appendingPathComponent("\(digest).part")

        // A partial download whose first half was corrupted: only a ranged request keeps those bytes, so the
        // digest check fails, and the partial file is dropped.
        var corrupted = artifact.prefix(artifact.count / 2)
        corrupted[corrupted.startIndex] ^= 0xFF
        try Data(corrupted).write(to: partial)
        let refused = try setup.client(["install", "echo"], url: server.url)
        #expect(refused.status != 0)
        #expect(refused.output.contains("[checksumMismatch]"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: partial.path))
        #expect(setup.current() == nil)

        // An honest partial download is resumed and installs.
        try Data(artifact.prefix(artifact.count / 2)).write(to: partial)
        let resumed = try setup.client(["install", "echo"], url: server.url)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("(50%)"), "the progress starts at the resumed offset: \(resumed.output)")
        #expect(setup.current() == "1.0.0")

        // A tampered artifact on the server is refused.
        _ = try setup.publish([try setup.package(version: "1.1.0")])
        let file = try setup.artifact("1.1.0")
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 3] ^= 0x55
        try bytes.write(to: file)
        let tampered = try setup.client(["install", "echo@1.1.0"], url: server.url)
        #expect(tampered.output.contains("[checksumMismatch]"), "\(tampered.output)")
        #expect(setup.current() == "1.0.0")

        // A client that trusts another key refuses the index.
        let otherKey = try Setup("store-other-key")
        defer { try? FileManager.default.removeItem(at: otherKey.root) }
        let wrongKey = try BuiltProducts.langbuilder(["store", "search", "--store", server.url, "--trusted-key", otherKey.publicKey, "--data-dir", setup.data.path])
        #expect(wrongKey.output.contains("[untrustedKey]"), "\(wrongKey.output)")
    }

    @Test func killingTheInstallerAtRandomPointsAlwaysLeavesAVersionThatLoads() async throws {
        let setup = try Setup("store-kill")
        defer { try? FileManager.default.removeItem(at: setup.root) }
        _ = try setup.publish([try setup.package(version: "1.0.0", padding: 2 << 20), try setup.package(version: "1.1.0", padding: 2 << 20)])
        // Even rounds read the store as a folder, odd rounds over HTTP from `store serve` (resuming partial downloads).
        let server = try StoreServer(setup.store)
        defer { server.stop() }
        try await server.waitUntilServing()
        let urls = ["file://" + setup.store.path, server.url]
        let url = urls[0]
        let first = try setup.client(["install", "echo@1.0.0"], url: url)
        try #require(first.status == 0, "\(first.output)")

        // Kill within 1.5 times what a whole install takes, so that kills land at every step of it (and some after).
        let started = Date()
        let timed = try setup.client(["install", "echo@1.1.0"], url: url)
        try #require(timed.status == 0, "\(timed.output)")
        let installMicroseconds = UInt32(Date().timeIntervalSince(started) * 1_000_000)
        _ = try BuiltProducts.langbuilder(["store", "rollback", "echo", "--data-dir", setup.data.path])
        try #require(setup.current() == "1.0.0")

        var completed = 0, interrupted = 0
        for iteration in 0..<50 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: BuiltProducts.path("langbuilder"))
            process.arguments = ["store", "install", "echo@1.1.0", "--store", urls[iteration % 2], "--trusted-key", setup.publicKey, "--data-dir", setup.data.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 0...installMicroseconds * 3 / 2))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .exit { completed += 1 } else { interrupted += 1 }

            // Whatever happened, current names a complete version that loads.
            let current = try #require(setup.current(), "iteration \(iteration): no current version")
            #expect(["1.0.0", "1.1.0"].contains(current), "iteration \(iteration)")
            let library = setup.bundles.appendingPathComponent("store/test.e2e.echo/current/libecho.so").resolvingSymlinksInPath().path
            let loaded = try BundleLoader().load(file: library)
            #expect(loaded.descriptor.version == current, "iteration \(iteration)")
            // Back to 1.0.0 for the next round, when the install went through.
            if current == "1.1.0" {
                let back = try BuiltProducts.langbuilder(["store", "rollback", "echo", "--data-dir", setup.data.path])
                try #require(back.status == 0, "\(back.output)")
            }
        }
        // The next run sweeps what the kills left and completes.
        let final = try setup.client(["install", "echo@1.1.0"], url: url)
        #expect(final.status == 0, "\(final.output)")
        #expect(setup.current() == "1.1.0")
        let staging = setup.bundles.appendingPathComponent("store/.staging").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging).isEmpty)
        let versions = try FileManager.default.contentsOfDirectory(atPath: setup.bundles.appendingPathComponent("store/test.e2e.echo").path).sorted()
        #expect(versions == ["1.0.0", "1.1.0", "current", "previous"], "\(versions)")
        #expect(interrupted > 0, "some kills must land during an install (completed \(completed), interrupted \(interrupted))")
        print("kill -9 loop: \(interrupted) installs interrupted, \(completed) completed before the kill (a whole install: \(installMicroseconds / 1000) ms)")
    }

    @Test func firstPartyBundlesArePublishedByTheRepoScriptAndInstallOnAHostWithoutThem() throws {
        let root = try BundleFixtures.temporaryDirectory("store-first-party")
        defer { try? FileManager.default.removeItem(at: root) }
        let script = BundleFixtures.packageRoot.appendingPathComponent("scripts/publish-first-party.sh").path
        let store = root.appendingPathComponent("store"), key = root.appendingPathComponent("keys/store.key")
        let published = try BundleFixtures.run(script, [store.path, key.path, BuiltProducts.directory.path])
        #expect(published.status == 0, "\(published.output)")
        for bundle in BuiltProducts.bundles {
            #expect(published.output.contains("published: \(bundle.id) "), "\(bundle.id): \(published.output)")
        }
        let again = try BundleFixtures.run(script, [store.path, key.path, BuiltProducts.directory.path])
        #expect(again.status == 0 && !again.output.contains("published:"), "publishing unchanged bundles again changes nothing: \(again.output)")

        // A host with no bundle of its own installs a Swift bundle and its components load.
        let publicKey = try String(contentsOf: URL(fileURLWithPath: key.path + ".pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let data = root.appendingPathComponent("data")
        let install = try BuiltProducts.langbuilder(["store", "install", "langflow-io", "std-text", "--store", store.path, "--trusted-key", publicKey, "--data-dir", data.path])
        #expect(install.status == 0, "\(install.output)")
        let list = try BuiltProducts.langbuilder(["bundle", "list", "--data-dir", data.path, "--bundles-dir", data.appendingPathComponent("bundles").path])
        #expect(list.output.contains("dev.langbuilder.langflow-io 1.0.0") && list.output.contains("dev.langbuilder.std-text 1.0.0"), "\(list.output)")
        #expect(list.output.contains("ChatInput"), "\(list.output)")
    }

    /// The C source of the EchoStore bundle at `version`; the bytes of `paddingFile` are included as read-only data.
    static func source(version: String, paddingFile: String?) -> String {
        """
        #include "langbuilder_bundle.h"
        #include <string.h>

        LB_BUNDLE_HOST_API;

        \(paddingFile.map { "__asm__(\".pushsection .rodata\\n.incbin \\\"\($0)\\\"\\n.popsection\\n\");" } ?? "")

        static int32_t echo_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)n_in; (void)n_out;
            static const char suffix[] = " (echo \(version))";
            lb_string text = lb_value_present(&in[0]) ? lb_value_text(&in[0]) : (lb_string){"", 0};
            char *copy = lb_arena_copy(lb_host, ctx, text.ptr, text.len + sizeof(suffix) - 1);
            if (copy == NULL) return lb_fail(lb_host, ctx, "out of memory");
            memcpy(copy + text.len, suffix, sizeof(suffix) - 1);
            lb_set_string(&out[0], copy, text.len + sizeof(suffix) - 1);
            return LB_OK;
        }

        static lb_input_port inputs[] = {
            {sizeof(lb_input_port), 0, "input_value", "Text", "What to echo", "str", LB_NAMES("str", "Message"), NULL, NULL},
        };
        static lb_output_port outputs[] = {
            {sizeof(lb_output_port), 0, "message", "Message", LB_NAMES("Message", "str")},
        };
        static lb_component components[] = {
            {sizeof(lb_component), LB_COMPONENT_THREADSAFE, "EchoStore", "Echo \(version)", "Echoes its input with the bundle version.", "testing", "Repeat",
             inputs, 1, sizeof(lb_input_port), outputs, 1, sizeof(lb_output_port), NULL, echo_run, NULL, NULL, NULL},
        };
        static lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
        static lb_bundle_descriptor descriptor = {
            sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "test.e2e.echo", "\(version)", "Echo store test",
            "A bundle published to a test store.", "MIT", NULL, components, 1, sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
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
