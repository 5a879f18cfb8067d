import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `langbuilder bundle new`: the scaffolds it writes build with their own tools, and what they build loads
/// into the host and runs.
@Suite struct BundleScaffoldTests {
    /// Loads `library` and runs its Greet component on `name`.
    private static func greet(_ library: String, _ name: Value?) throws -> [Value?] {
        let bundle = try BundleLoader().load(file: library)
        let greet = try #require(bundle.components.first { $0.typeName == "Greet" })
        let context = CallContext(run: RunContext(), vertexID: "Greet-1", componentType: "Greet")
        return try greet.instantiate(config: [nil], context: context).run(inputs: [name], context: context)
    }

    @Test func cScaffoldBuildsWithMakeAndGreets() async throws {
        let output = try BundleFixtures.temporaryDirectory("scaffold-c")
        defer { try? FileManager.default.removeItem(at: output) }
        let created = try BuiltProducts.langbuilder(["bundle", "new", "my-greeter", "--lang", "c", "--output", output.path])
        #expect(created.status == 0, "\(created.output)")
        let folder = output.appendingPathComponent("my-greeter")
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
        #expect(files == ["Makefile", "README.md", "include", "include/langbuilder.h", "include/langbuilder_bundle.h", "my-greeter.c"])
        let header = try String(contentsOf: folder.appendingPathComponent("include/langbuilder.h"), encoding: .utf8)
        let original = try String(contentsOf: BundleFixtures.headerDirectory.appendingPathComponent("langbuilder.h"), encoding: .utf8)
        #expect(header == original, "the scaffold carries the ABI header of this checkout")

        let make = try await BundleFixtures.offThePool { try BuiltProducts.tool("make", ["CC=gcc"], in: folder) }
        #expect(make.status == 0, "\(make.output)")
        #expect(!make.output.contains("warning"), "\(make.output)")
        let library = folder.appendingPathComponent("libmy-greeter.so").path
        #expect(try BuiltProducts.exportedSymbols(library) == ["lb_bundle_entry"])

        let bundle = try BundleLoader().load(file: library)
        #expect(bundle.descriptor.id == "com.example.my-greeter")
        #expect(bundle.descriptor.version == "0.1.0")
        #expect(bundle.descriptor.fingerprint.language == .c)
        #expect(bundle.descriptor.components.map(\.typeName) == ["Greet"])
        #expect(bundle.descriptor.components.map(\.isNonBlocking) == [true], "the example only computes (ABI 1.4)")
        #expect(try Self.greet(library, .string("Ada")) == [.string("Hello, Ada!")])
        // A Message edge brings its text, escapes decoded (langbuilder_bundle.h's lb_value_text_of / the SDK's Inputs).
        #expect(try Self.greet(library, .json(type: "Message", text: #"{"sender":"User","text":"Ad\u00e1 \"L\""}"#)) == [.string("Hello, Adá \"L\"!")])
        let error = try #require(throws: ComponentError.self) { try Self.greet(library, nil) }
        #expect(error.message == "Greet: input 'name' has no value")
    }

    /// The scaffold's README and source say `langbuilder bundle inspect libNAME.so`, a path without a slash.
    /// dlopen searches the library path for such a name (the executable's RUNPATH holds the build folder)
    /// instead of opening the file in the current folder that the loader checked.
    @Test func inspectOpensALibraryNamedWithoutASlashInTheCurrentFolder() throws {
        let folder = try BundleFixtures.temporaryDirectory("inspect-relative")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: BuiltProducts.path("libstd-text.so"), toPath: folder.appendingPathComponent("libmy-text.so").path)
        let result = try BuiltProducts.langbuilder(["bundle", "inspect", "libmy-text.so"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("(dev.langbuilder.std-text 1.0.0)"), "\(result.output)")

        // A file that has the name of a library in the build folder must still be the one opened.
        try FileManager.default.copyItem(atPath: BuiltProducts.path("libstd-cmath.so"), toPath: folder.appendingPathComponent("libstd-text.so").path)
        let shadowing = try BuiltProducts.langbuilder(["bundle", "inspect", "libstd-text.so"], in: folder)
        #expect(shadowing.status == 0, "\(shadowing.output)")
        #expect(shadowing.output.contains("(dev.langbuilder.std-cmath 1.0.0)"), "\(shadowing.output)")
    }

    @Test(arguments: ["My-Greeter", "1greeter", "greeter_two", "greeter.so", "-greeter", String(repeating: "a", count: 65)])
    func newRefusesABadName(name: String) throws {
        let output = try BundleFixtures.temporaryDirectory("scaffold-bad-name")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try BuiltProducts.langbuilder(["bundle", "new", "--output", output.path, "--", name])
        #expect(result.status != 0)
        #expect(result.output.contains("bundle name '\(name)' must start with a lowercase letter"), "\(result.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == [], "nothing is written")
    }

    @Test func newRefusesABadID() throws {
        let output = try BundleFixtures.temporaryDirectory("scaffold-bad-id")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try BuiltProducts.langbuilder(["bundle", "new", "greeter", "--id", "greeter", "--output", output.path])
        #expect(result.status != 0)
        #expect(result.output.contains("bundle id 'greeter' must be reverse-DNS"), "\(result.output)")
    }

    @Test func newRefusesAnExistingFolder() throws {
        let output = try BundleFixtures.temporaryDirectory("scaffold-existing")
        defer { try? FileManager.default.removeItem(at: output) }
        let folder = output.appendingPathComponent("my-greeter")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let result = try BuiltProducts.langbuilder(["bundle", "new", "my-greeter", "--output", output.path])
        #expect(result.status != 0)
        #expect(result.output.contains("\(folder.path) already exists"), "\(result.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"], "the folder is left alone")
    }

    @Test func swiftScaffoldHasAPackageOnTheSDK() throws {
        let output = try BundleFixtures.temporaryDirectory("scaffold-swift-files")
        defer { try? FileManager.default.removeItem(at: output) }
        let created = try BuiltProducts.langbuilder(["bundle", "new", "my-swift-greeter", "--lang", "swift", "--output", output.path])
        #expect(created.status == 0, "\(created.output)")
        let folder = output.appendingPathComponent("my-swift-greeter")
        let module = "Bundle_com_example_my_swift_greeter"
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
        #expect(files == [".gitignore", "Package.swift", "README.md", "Sources", "Sources/\(module)", "Sources/\(module)/\(module).swift", "exports.map"])
        let manifest = try String(contentsOf: folder.appendingPathComponent("Package.swift"), encoding: .utf8)
        let root = BundleFixtures.packageRoot.standardizedFileURL.path
        #expect(manifest.contains(#".package(path: "\#(root)")"#), "\(manifest)")
        #expect(manifest.contains(#".library(name: "my-swift-greeter", type: .dynamic, targets: ["\#(module)"])"#))
        #expect(manifest.contains(#".product(name: "LangBuilderBundleSDK", package: "\#((root as NSString).lastPathComponent)")"#))
        let source = try String(contentsOf: folder.appendingPathComponent("Sources/\(module)/\(module).swift"), encoding: .utf8)
        #expect(source.contains(#"@_cdecl("lb_bundle_entry")"#))
        #expect(source.contains(#"id: "com.example.my-swift-greeter""#))
        let exports = try String(contentsOf: folder.appendingPathComponent("exports.map"), encoding: .utf8)
        #expect(exports.contains("global: lb_bundle_entry;") && exports.contains("local: *;"))
    }

    /// Builds the Swift scaffold with `swift build -c release` (about 20 s with a warm package cache), then a second
    /// version of it that loads beside the first (about 10 s more).
    @Test(.timeLimit(.minutes(5)))
    func swiftScaffoldBuildsAndGreets() async throws {
        let output = try BundleFixtures.temporaryDirectory("scaffold-swift")
        defer { try? FileManager.default.removeItem(at: output) }
        let created = try BuiltProducts.langbuilder(["bundle", "new", "my-swift-greeter", "--lang", "swift", "--output", output.path])
        try #require(created.status == 0, "\(created.output)")
        let folder = output.appendingPathComponent("my-swift-greeter")
        // SwiftPM's lock files go to TMPDIR: keep them in the folder that the test removes.
        let build = try await BundleFixtures.offThePool { try BuiltProducts.tool("swift", ["build", "-c", "release"], in: folder, environment: ["TMPDIR": output.path]) }
        try #require(build.status == 0, "\(build.output)")
        let library = folder.appendingPathComponent(".build/release/libmy-swift-greeter.so").path
        #expect(try BuiltProducts.exportedSymbols(library) == ["lb_bundle_entry"])

        let bundle = try BundleLoader().load(file: library)
        #expect(bundle.descriptor.id == "com.example.my-swift-greeter")
        #expect(bundle.descriptor.fingerprint.language == .swift)
        #expect(bundle.descriptor.components.map(\.typeName) == ["Greet"])
        #expect(bundle.descriptor.components.map(\.isNonBlocking) == [true], "the example only computes (ABI 1.4)")
        #expect(try Self.greet(library, .string("Ada")) == [.string("Hello, Ada!")])
        // A Message edge brings its text, escapes decoded (langbuilder_bundle.h's lb_value_text_of / the SDK's Inputs).
        #expect(try Self.greet(library, .json(type: "Message", text: #"{"sender":"User","text":"Ad\u00e1 \"L\""}"#)) == [.string("Hello, Adá \"L\"!")])
        #expect(try Self.greet(library, .json(type: "Message", text: #"{"text":"Grace"}"#)) == [.string("Hello, Grace!")])
        let error = try #require(throws: ComponentError.self) { try Self.greet(library, nil) }
        #expect(error.message == "Greet: input 'name' has no value")

        // A new version loads beside the old one, as the store's hot-load does (new path, never dlclose): two
        // copies of one Swift module in the process, each answering with its own code, the old one still working.
        let installed = output.appendingPathComponent("installed")
        let first = installed.appendingPathComponent("0.1.0/libmy-swift-greeter.so")
        let second = installed.appendingPathComponent("0.2.0/libmy-swift-greeter.so")
        for file in [first, second] {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: library, toPath: first.path)
        let oldBundle = try BundleLoader().load(file: first.path)
        let source = try #require(
            FileManager.default.enumerator(atPath: folder.appendingPathComponent("Sources").path)?.compactMap { $0 as? String }.first { $0.hasSuffix(".swift") })
        let sourceFile = folder.appendingPathComponent("Sources/\(source)")
        let code = try String(contentsOf: sourceFile, encoding: .utf8)
        try #require(code.contains("Hello, ") && code.contains("\"0.1.0\""))
        try code.replacingOccurrences(of: "Hello, ", with: "Howdy, ").replacingOccurrences(of: "\"0.1.0\"", with: "\"0.2.0\"")
            .write(to: sourceFile, atomically: true, encoding: .utf8)
        // The loaded file moves aside (its mapped inode stays intact) so the linker writes a new one.
        try FileManager.default.moveItem(atPath: library, toPath: library + ".loaded")
        let rebuild = try await BundleFixtures.offThePool { try BuiltProducts.tool("swift", ["build", "-c", "release"], in: folder, environment: ["TMPDIR": output.path]) }
        try #require(rebuild.status == 0, "\(rebuild.output)")
        try FileManager.default.copyItem(atPath: library, toPath: second.path)
        let newBundle = try BundleLoader().load(file: second.path)
        #expect(oldBundle.descriptor.version == "0.1.0")
        #expect(newBundle.descriptor.version == "0.2.0")
        #expect(try Self.greet(second.path, .string("Ada")) == [.string("Howdy, Ada!")])
        #expect(try Self.greet(first.path, .string("Ada")) == [.string("Hello, Ada!")])
        #expect(try Self.greet(second.path, .string("Grace")) == [.string("Howdy, Grace!")])
    }
}
