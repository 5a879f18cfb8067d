public import Foundation

/// Builds bundle fixtures for tests: compiles C sources against the ABI header into real `.so` files, and
/// finds the bundles that `swift build` produced.
///
/// ```swift
/// let library = try BundleFixtures.compile(name: "no-entry", source: "int nothing(void) { return 0; }")
/// #expect(throws: ...) { try BundleLoader().load(file: library) }
/// ```
public enum BundleFixtures {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The folder with `langbuilder.h` and `langbuilder_bundle.h`.
    public static var headerDirectory: URL { packageRoot.appendingPathComponent("Sources/CLangBuilderABI/include") }

    /// The headers of an older ABI as they were released (`"1.0"`: `Tests/Fixtures/abi-1.0`), to build the
    /// bundles that a newer host must keep loading.
    public static func headerDirectory(abi version: String) -> URL {
        packageRoot.appendingPathComponent("Tests/Fixtures/abi-\(version)")
    }

    /// The build folder of the running test binary, where SwiftPM puts the bundle products and executables.
    public static var buildDirectory: URL {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On Linux the test binary is <build>/<name>PackageTests.xctest; on Darwin it is inside a bundle.
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("libstd-text.so").path)
            && url.pathExtension == "xctest"
        {
            url.deleteLastPathComponent()
        }
        return url
    }

    /// A fresh temporary directory for one test.
    public static func temporaryDirectory(_ label: String = "fixture") throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("langbuilder-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Compiles `source` (C11) into `<directory>/lib<name>.so` with the ABI headers on the include path
    /// (`headers`: this package's by default; ``headerDirectory(abi:)`` for an older ABI's).
    @discardableResult
    public static func compile(name: String, source: String, in directory: URL? = nil, flags: [String] = [], headers: URL? = nil) throws -> String {
        let folder = try directory ?? temporaryDirectory(name)
        let sourceFile = folder.appendingPathComponent("\(name).c")
        try source.write(to: sourceFile, atomically: true, encoding: .utf8)
        let library = folder.appendingPathComponent("lib\(name).so").path
        let result = try run(
            "/usr/bin/env",
            ["cc", "-std=c11", "-Wall", "-Werror", "-fPIC", "-shared", "-fvisibility=hidden", "-I", (headers ?? headerDirectory).path]
                + flags + ["-o", library, sourceFile.path])
        guard result.status == 0 else {
            throw FixtureError("cc failed for \(name):\n\(result.output)")
        }
        return library
    }

    /// Runs a program and returns its exit status and combined output.
    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs blocking work (a process that takes seconds, a blocking HTTP client) on a thread of its own. Swift's
    /// cooperative pool is only as wide as the cores (two here) and shared by every test running at once: a test
    /// that blocks it for a build stalls all the others, and their deadlines pass while they never ran.
    public static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    public struct FixtureError: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }
}

extension BundleFixtures {
    /// The engine test bundle (`Tests/Fixtures/engine_test_bundle.c`: ChatInput, ChatOutput, Pass, Upper,
    /// Sleep, Fail, IfElse, Loop, Join), compiled once per process; returns the library's path.
    public static func engineTestBundle() throws -> String {
        try engineBundle.get()
    }

    /// The host service test bundle (`Tests/Fixtures/http_test_bundle.c`: Fetch, Stream, Tokens, StateSet,
    /// StateGet, History, Remember, Secret, which call the ABI 1.2 host functions), compiled once per process;
    /// returns the library's path.
    public static func hostServicesTestBundle() throws -> String {
        try hostServicesBundle.get()
    }

    private static let hostServicesBundle: Result<String, any Error> = Result {
        let source = try String(contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/http_test_bundle.c"), encoding: .utf8)
        return try compile(name: "host-services-test", source: source, flags: ["-O2"])
    }

    private static let engineBundle: Result<String, any Error> = Result {
        let source = try String(contentsOf: packageRoot.appendingPathComponent("Tests/Fixtures/engine_test_bundle.c"), encoding: .utf8)
        return try compile(name: "engine-test", source: source, flags: ["-O2"])
    }
}
