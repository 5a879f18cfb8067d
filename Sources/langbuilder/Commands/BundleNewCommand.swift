import ArgumentParser
import Foundation

struct BundleNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Scaffold a third-party bundle in a new folder that builds with one command and loads.",
        discussion: """
            C:     cd NAME && make                    -> libNAME.so (needs only a C compiler)
            Swift: cd NAME && swift build -c release  -> .build/release/libNAME.so (uses LangBuilderBundleSDK)
            """
    )

    enum Language: String, ExpressibleByArgument, CaseIterable {
        case c, swift
    }

    @Argument(help: "The bundle name: lowercase letters, digits and dashes (e.g. my-text-tools).")
    var name: String

    @Option(help: "The language: c or swift.")
    var lang: Language = .c

    @Option(help: "The reverse-DNS bundle id. Default: com.example.<name>.")
    var id: String?

    @Option(name: .customLong("output"), help: "The folder to create the bundle in. Default: the current directory.")
    var outputDirectory: String = "."

    @Option(help: "The LangBuilder source checkout providing the headers and the Swift SDK. Default: $LANGBUILDER_SDK_DIR, else the checkout this tool was built from.")
    var sdk: String?

    func validate() throws {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first),
            name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }),
            name.count <= 64
        else {
            throw ValidationError("bundle name '\(name)' must start with a lowercase letter and contain only lowercase letters, digits and dashes")
        }
        if let id, id.split(separator: ".").count < 2 || id.contains("..") || id.contains(" ") {
            throw ValidationError("bundle id '\(id)' must be reverse-DNS, like com.example.\(name)")
        }
    }

    func run() throws {
        let root = try sdkRoot()
        let folder = URL(fileURLWithPath: outputDirectory).appendingPathComponent(name)
        let fileManager = FileManager.default
        guard !fileManager.fileExists(atPath: folder.path) else {
            throw CLIError("\(folder.path) already exists; choose another name or --output")
        }
        let bundleID = id ?? "com.example.\(name)"
        try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
        switch lang {
        case .c:
            let include = folder.appendingPathComponent("include")
            try fileManager.createDirectory(at: include, withIntermediateDirectories: true)
            for header in ["langbuilder.h", "langbuilder_bundle.h"] {
                try fileManager.copyItem(
                    at: root.appendingPathComponent("Sources/CLangBuilderABI/include/\(header)"),
                    to: include.appendingPathComponent(header))
            }
            try BundleScaffold.cSource(id: bundleID, name: name).write(to: folder.appendingPathComponent("\(name).c"), atomically: true, encoding: .utf8)
            try BundleScaffold.makefile(name: name).write(to: folder.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
            try BundleScaffold.readme(name: name, language: .c).write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
            print("Created \(folder.path) (C). Build it with: cd \(folder.path) && make")
        case .swift:
            let module = BundleScaffold.moduleName(for: bundleID)
            let sources = folder.appendingPathComponent("Sources/\(module)")
            try fileManager.createDirectory(at: sources, withIntermediateDirectories: true)
            try BundleScaffold.packageManifest(name: name, module: module, sdkPath: root.path)
                .write(to: folder.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
            try BundleScaffold.swiftSource(id: bundleID, name: name).write(to: sources.appendingPathComponent("\(module).swift"), atomically: true, encoding: .utf8)
            try "{\n  global: lb_bundle_entry;\n  local: *;\n};\n".write(to: folder.appendingPathComponent("exports.map"), atomically: true, encoding: .utf8)
            try ".build/\nPackage.resolved\n".write(to: folder.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
            try BundleScaffold.readme(name: name, language: .swift).write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
            print("Created \(folder.path) (Swift, module \(module)). Build it with: cd \(folder.path) && swift build -c release")
        }
    }

    /// The LangBuilder checkout that holds the ABI headers and the SDK package.
    private func sdkRoot() throws -> URL {
        let candidates: [String] = [sdk, ProcessInfo.processInfo.environment["LANGBUILDER_SDK_DIR"]].compactMap { $0 }
            + [URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path]
        for candidate in candidates {
            let header = URL(fileURLWithPath: candidate).appendingPathComponent("Sources/CLangBuilderABI/include/langbuilder.h")
            if FileManager.default.fileExists(atPath: header.path) { return URL(fileURLWithPath: candidate).standardizedFileURL }
        }
        throw CLIError("cannot find the LangBuilder SDK (Sources/CLangBuilderABI/include/langbuilder.h) in \(candidates.joined(separator: ", ")); pass --sdk PATH to a LangBuilder checkout")
    }
}

/// The files of a new bundle.
enum BundleScaffold {
    /// A Swift module name unique to the bundle id: Swift's runtime looks types up by module name process-wide.
    static func moduleName(for id: String) -> String {
        "Bundle_" + String(id.unicodeScalars.map { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        })
    }

    static func cSource(id: String, name: String) -> String {
        """
        /* \(name): a LangBuilder bundle. Build with `make`; load with `langbuilder bundle inspect lib\(name).so`. */
        #include "langbuilder_bundle.h"

        #include <stdio.h>

        LB_BUNDLE_HOST_API;

        /* Greet: "Hello, <name>!" */
        static int32_t greet_run(void *instance, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)instance; (void)n_in; (void)n_out;
            if (!lb_value_present(&in[0])) return lb_fail(lb_host, ctx, "Greet: input 'name' has no value");
            lb_string name;
            if (lb_value_text_of(lb_host, ctx, &in[0], &name) != LB_OK) return lb_fail(lb_host, ctx, "Greet: 'name' must be text");
            size_t size = name.len + 9;
            char *text = lb_host->alloc(ctx, size);
            if (text == NULL) return lb_fail(lb_host, ctx, "out of memory");
            int written = snprintf(text, size, "Hello, %.*s!", (int)name.len, name.ptr);
            lb_set_string(&out[0], text, (size_t)written);
            return LB_OK;
        }

        static const lb_input_port greet_inputs[] = {
            {sizeof(lb_input_port), LB_INPUT_REQUIRED, "name", "Name", "Who to greet", "str", LB_NAMES("str", "Message"), NULL, NULL},
        };
        static const lb_output_port greet_outputs[] = {
            {sizeof(lb_output_port), 0, "text", "Text", LB_NAMES("str")},
        };
        static const lb_component components[] = {
            {sizeof(lb_component), LB_COMPONENT_THREADSAFE | LB_COMPONENT_NONBLOCKING, "Greet", "Greet", "Says hello.", "processing", "Hand",
             greet_inputs, 1, sizeof(lb_input_port), greet_outputs, 1, sizeof(lb_output_port),
             NULL, greet_run, NULL, NULL, NULL, NULL /* create, run, destroy, user_data, documentation, aliases */},
        };
        static const lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
        static const lb_bundle_descriptor descriptor = {
            sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "\(id)", "0.1.0", "\(name)",
            "A bundle made with langbuilder bundle new.", "Apache-2.0", NULL,
            components, 1, sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
        };
        LB_BUNDLE_ENTRY(descriptor)

        """
    }

    static func makefile(name: String) -> String {
        """
        CC ?= cc
        CFLAGS ?= -std=c11 -O2 -Wall -Wextra

        lib\(name).so: \(name).c include/langbuilder.h include/langbuilder_bundle.h
        \t$(CC) $(CFLAGS) -fPIC -shared -fvisibility=hidden -Iinclude -o $@ \(name).c

        clean:
        \trm -f lib\(name).so

        .PHONY: clean

        """
    }

    static func packageManifest(name: String, module: String, sdkPath: String) -> String {
        """
        // swift-tools-version:6.0
        import PackageDescription

        let package = Package(
            name: "\(name)",
            products: [.library(name: "\(name)", type: .dynamic, targets: ["\(module)"])],
            dependencies: [.package(path: "\(sdkPath)")],
            targets: [
                .target(
                    name: "\(module)",
                    dependencies: [.product(name: "LangBuilderBundleSDK", package: "\(URL(fileURLWithPath: sdkPath).lastPathComponent)")],
                    swiftSettings: [.swiftLanguageMode(.v6)],
                    // Export only the entry symbol; the host provides the Swift runtime.
                    linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\\(Context.packageDirectory)/exports.map", "-no-toolchain-stdlib-rpath"])]
                )
            ]
        )

        """
    }

    static func swiftSource(id: String, name: String) -> String {
        """
        import LangBuilderBundleSDK

        let bundle = BundleDefinition(
            id: "\(id)",
            version: "0.1.0",
            displayName: "\(name)",
            description: "A bundle made with langbuilder bundle new.",
            license: "Apache-2.0",
            components: [
                ComponentDefinition(
                    "Greet", displayName: "Greet", description: "Says hello.", category: "processing", icon: "Hand",
                    inputs: [.text("name", displayName: "Name", required: true)],
                    outputs: [OutputDefinition("text", displayName: "Text", types: ["str"])]
                ) { inputs, _ in
                    ["text": .string("Hello, \\(try inputs.string("name"))!")]
                }
                .nonBlocking()  // it only computes: runs of it stay on the caller's thread
            ]
        )

        @_cdecl("lb_bundle_entry")
        public func lb_bundle_entry(_ hostABI: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
            bundle.export(hostABI: hostABI, host: host)
        }

        """
    }

    static func readme(name: String, language: BundleNewCommand.Language) -> String {
        let build = language == .c ? "make" : "swift build -c release"
        let file = language == .c ? "lib\(name).so" : ".build/release/lib\(name).so"
        return """
            # \(name)

            A LangBuilder bundle. Build: `\(build)`. Check: `langbuilder bundle inspect \(file)`.
            Install: copy `\(file)` into the server's bundles directory (`~/.langbuilder/bundles`).

            """
    }
}
