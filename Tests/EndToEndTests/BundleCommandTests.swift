import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `langbuilder bundle list|inspect|validate`, run as real processes against the built bundles.
@Suite struct BundleCommandTests {
    @Test func listPrintsEveryFirstPartyBundleAsJSON() throws {
        let result = try BuiltProducts.langbuilder(["bundle", "list", "--bundles-dir", BuiltProducts.directory.path, "--json"])
        #expect(result.status == 0, "\(result.output)")
        let json = try JSONValue(parsing: result.output)
        #expect(json["search_path"] == [.string(BuiltProducts.directory.path)])
        #expect(json["refused"] == [])
        let loaded = try #require(json["loaded"]?.arrayValue).sorted { ($0["id"]?.stringValue ?? "") < ($1["id"]?.stringValue ?? "") }
        #expect(loaded.map { $0["id"]?.stringValue } == BuiltProducts.bundles.map(\.id))
        #expect(loaded.map { $0["language"]?.stringValue } == BuiltProducts.bundles.map(\.language))
        #expect(loaded.map { $0["version"]?.stringValue } == BuiltProducts.bundles.map { _ in "1.0.0" })
        #expect(loaded.map { $0["abi_version"]?.stringValue } == BuiltProducts.bundles.map { _ in "1.4" })
        #expect(loaded.map { $0["file"]?.stringValue } == BuiltProducts.bundles.map { BuiltProducts.path($0.file) })
        #expect(loaded.map { $0["components"]?.arrayValue?.compactMap(\.stringValue) } == BuiltProducts.bundles.map(\.components))
    }

    @Test func listReportsARefusedFileWithItsReason() throws {
        let folder = try BundleFixtures.temporaryDirectory("list-refused")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: BuiltProducts.path("libstd-text.so"), toPath: folder.appendingPathComponent("libstd-text.so").path)
        try Data("not a library".utf8).write(to: folder.appendingPathComponent("libnotes.so"))
        let result = try BuiltProducts.langbuilder(["bundle", "list", "--bundles-dir", folder.path, "--json"])
        #expect(result.status == 0, "\(result.output)")
        let json = try JSONValue(parsing: result.output)
        #expect(json["loaded"]?.arrayValue?.map { $0["id"]?.stringValue } == ["dev.langbuilder.std-text"])
        let refused = try #require(json["refused"]?.arrayValue)
        #expect(refused.map { $0["file"]?.stringValue } == [folder.appendingPathComponent("libnotes.so").path])
        #expect(refused.map { $0["reason"]?.stringValue } == ["notAnELFFile"])
    }

    @Test(arguments: BuiltProducts.bundles.map(\.file))
    func inspectPrintsTheComponents(file: String) throws {
        let bundle = try #require(BuiltProducts.bundles.first { $0.file == file })
        let result = try BuiltProducts.langbuilder(["bundle", "inspect", BuiltProducts.path(file)])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("(\(bundle.id) 1.0.0)"), "\(result.output)")
        #expect(result.output.contains("file:        \(BuiltProducts.path(file))"))
        #expect(result.output.contains("components:  \(bundle.components.count)"))
        // A type name may hold spaces ("Prompt Template"): it ends where the quoted display name starts.
        let listed = result.output.split(separator: "\n").filter { $0.hasPrefix("  - ") }.compactMap { line in
            line.dropFirst(4).firstRange(of: " \"").map { String(line.dropFirst(4)[..<$0.lowerBound]) }
        }
        #expect(listed == bundle.components)
    }

    @Test func inspectShowsPortsAndFunctionSignatures() throws {
        let text = try BuiltProducts.langbuilder(["bundle", "inspect", BuiltProducts.path("libstd-text.so")])
        #expect(text.output.contains(#"in  replacement: str <- str|Message|Text default """#), "\(text.output)")
        #expect(text.output.contains("out characters: int"))
        let cmath = try BuiltProducts.langbuilder(["bundle", "inspect", BuiltProducts.path("libstd-cmath.so")])
        #expect(cmath.output.contains(#"- Power "Power" [math] C function d(dd) thread-safe non-blocking"#), "\(cmath.output)")
        let math = try BuiltProducts.langbuilder(["bundle", "inspect", BuiltProducts.path("libstd-math.so")])
        #expect(math.output.contains("built with:  swift (Swift "), "\(math.output)")
        let processing = try BuiltProducts.langbuilder(["bundle", "inspect", BuiltProducts.path("liblangflow-processing.so")])
        #expect(processing.output.contains("  - Prompt Template \"Prompt Template\" [models_and_agents] thread-safe non-blocking\n"), "\(processing.output)")
        #expect(processing.output.contains("      also named: Prompt\n"))
        let logic = try BuiltProducts.langbuilder(["bundle", "inspect", BuiltProducts.path("liblangflow-logic.so")])
        #expect(logic.output.contains("  - RunFlow \"Run Flow\" [logic] thread-safe\n"), "\(logic.output)")  // it waits for the flow it runs
    }

    @Test func inspectJSONIsTheManifestBody() throws {
        let result = try BuiltProducts.langbuilder(["bundle", "inspect", "--json", BuiltProducts.path("libstd-math.so")])
        #expect(result.status == 0, "\(result.output)")
        let manifest = try BundleManifest.decode(Data(result.output.utf8))
        #expect(manifest.file == "libstd-math.so")
        #expect(manifest.bundle.id == "dev.langbuilder.std-math")
        #expect(manifest.bundle.components.map(\.typeName) == BuiltProducts.components(of: "dev.langbuilder.std-math"))
    }

    /// Files that are not bundles, each with the words the refusal must contain.
    enum NotABundle: String, CaseIterable, Sendable {
        case textFile, emptyFile, missingFile, libraryWithoutEntry

        func make(in folder: URL) throws -> String {
            let path = folder.appendingPathComponent("lib\(rawValue).so").path
            switch self {
            case .textFile: try Data("just some notes\n".utf8).write(to: URL(fileURLWithPath: path))
            case .emptyFile: try Data().write(to: URL(fileURLWithPath: path))
            case .missingFile: break
            case .libraryWithoutEntry:
                try BundleFixtures.compile(name: rawValue, source: "__attribute__((visibility(\"default\"))) int lb_other(void) { return 1; }\n", in: folder)
            }
            return path
        }

        var reason: String {
            switch self {
            case .textFile: "expected an ELF shared object"
            case .emptyFile: "the file is empty"
            case .missingFile: "No such file or directory"
            case .libraryWithoutEntry: "lb_bundle_entry: no entry symbol"
            }
        }
    }

    @Test(arguments: NotABundle.allCases)
    func inspectOfANonBundleFailsNamingTheFileAndTheReason(kind: NotABundle) throws {
        let folder = try BundleFixtures.temporaryDirectory("inspect-\(kind.rawValue)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try kind.make(in: folder)
        let result = try BuiltProducts.langbuilder(["bundle", "inspect", path])
        #expect(result.status != 0)
        #expect(result.output.contains("refused: \(path)"), "\(result.output)")
        #expect(result.output.contains(kind.reason), "\(result.output)")
    }

    @Test func validateOfTheBuildFolderPassesEveryBundle() throws {
        let folder = try BundleFixtures.temporaryDirectory("validate-good")
        defer { try? FileManager.default.removeItem(at: folder) }
        for bundle in BuiltProducts.bundles {
            try FileManager.default.copyItem(atPath: BuiltProducts.path(bundle.file), toPath: folder.appendingPathComponent(bundle.file).path)
        }
        let result = try BuiltProducts.langbuilder(["bundle", "validate", folder.path])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines == [
            "ok: \(folder.path)/liblangflow-data.so: dev.langbuilder.langflow-data 1.0.0, 2 components",
            "ok: \(folder.path)/liblangflow-io.so: dev.langbuilder.langflow-io 1.0.0, 5 components",
            "ok: \(folder.path)/liblangflow-logic.so: dev.langbuilder.langflow-logic 1.0.0, 4 components",
            "ok: \(folder.path)/liblangflow-models.so: dev.langbuilder.langflow-models 1.0.0, 3 components",
            "ok: \(folder.path)/liblangflow-processing.so: dev.langbuilder.langflow-processing 1.0.0, 11 components",
            "ok: \(folder.path)/liblangflow-utilities.so: dev.langbuilder.langflow-utilities 1.0.0, 4 components",
            "ok: \(folder.path)/libstd-cmath.so: dev.langbuilder.std-cmath 1.0.0, 13 components",
            "ok: \(folder.path)/libstd-math.so: dev.langbuilder.std-math 1.0.0, 7 components",
            "ok: \(folder.path)/libstd-text.so: dev.langbuilder.std-text 1.0.0, 7 components",
        ])
    }

    @Test func validateOfAFolderWithABrokenBundleReportsItAndExitsOne() throws {
        let folder = try BundleFixtures.temporaryDirectory("validate-broken")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: BuiltProducts.path("libstd-text.so"), toPath: folder.appendingPathComponent("libstd-text.so").path)
        // A bundle built for ABI 2.0: the loader must refuse it by major version.
        try BundleFixtures.compile(
            name: "future",
            source: """
                #include "langbuilder_bundle.h"
                static int32_t run(void *i, lb_context *c, const lb_value *in, size_t n, lb_value *out, size_t m) { return LB_OK; }
                static const lb_output_port outputs[] = {{sizeof(lb_output_port), 0, "out", NULL, LB_NAMES("str")}};
                static const lb_component components[] = {{sizeof(lb_component), 0, "FutureThing", "Future", "", "custom", NULL,
                    NULL, 0, sizeof(lb_input_port), outputs, 1, sizeof(lb_output_port), NULL, run, NULL, NULL, NULL}};
                static const lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
                static const lb_bundle_descriptor descriptor = {sizeof(lb_bundle_descriptor), LB_ABI_MAKE_VERSION(2, 0), &fingerprint,
                    "com.example.future", "1.0.0", "Future", "", NULL, NULL, components, 1, sizeof(lb_component), NULL, 0,
                    sizeof(lb_function), NULL};
                LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t abi, const lb_host_api *host) { return &descriptor; }
                """,
            in: folder, flags: ["-Wno-unused-parameter"])
        let result = try BuiltProducts.langbuilder(["bundle", "validate", folder.path])
        #expect(result.status == 1, "\(result.output)")
        let future = folder.appendingPathComponent("libfuture.so").path
        #expect(result.output.contains("invalid: \(future): lb_bundle_entry: descriptor.abi_version: expected major 1 (host ABI 1.4), found 2.0"), "\(result.output)")
        #expect(result.output.contains("ok: \(folder.path)/libstd-text.so: dev.langbuilder.std-text 1.0.0, 7 components"), "\(result.output)")
    }
}
