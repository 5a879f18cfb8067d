import ArgumentParser
import Foundation
import LangBuilderComponentStore

/// Where bundles are looked for: `--bundles-dir` (repeatable), else `<data-dir>/bundles` and the directory of
/// the `langbuilder` executable (where `swift build` puts the first-party bundles), plus every entry of
/// `LANGBUILDER_BUNDLES_PATH` (colon-separated). Bundles installed from a component store (`<dir>/store/`) load
/// from each bundle directory through their `current` pointer.
struct BundleOptions: ParsableArguments {
    @Option(name: .customLong("bundles-dir"), help: "A directory of bundles (repeatable). Default: <data-dir>/bundles and the executable's directory.")
    var bundlesDirectories: [String] = []

    @Option(name: .customLong("data-dir"), help: "The data directory. Default: $LANGBUILDER_DATA_DIR or ~/.langbuilder.")
    var dataDirectory: String?

    var resolvedDataDirectory: String {
        if let dataDirectory { return dataDirectory }
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["LANGBUILDER_DATA_DIR"], !configured.isEmpty { return configured }
        return (environment["HOME"] ?? ".") + "/.langbuilder"
    }

    var searchPath: [String] {
        var directories = bundlesDirectories
        if directories.isEmpty {
            directories = [resolvedDataDirectory + "/bundles", Self.executableDirectory]
        }
        if let extra = ProcessInfo.processInfo.environment["LANGBUILDER_BUNDLES_PATH"] {
            directories += extra.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        var unique: [String] = []
        for directory in directories where !unique.contains(directory) { unique.append(directory) }
        let installed = unique.flatMap { InstalledBundles.loadDirectories(bundlesDirectory: URL(fileURLWithPath: $0)) }
        // Store installs first: a bundle installed from the store wins over a copy of the same id elsewhere.
        return installed.filter { !unique.contains($0) } + unique
    }

    /// Where `store install` puts bundles: the first `--bundles-dir`, else `<data-dir>/bundles`.
    var storeBundlesDirectory: String {
        bundlesDirectories.first ?? resolvedDataDirectory + "/bundles"
    }

    static var executableDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }
}
