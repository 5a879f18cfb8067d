import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory package-bundle --product NAME [--output DIR]`
///
/// Builds the dynamic-library product NAME in release mode and hands the library to
/// `langbuilder-bundle-tool package`, which validates it and writes DIR/NAME.lbbundle/{libNAME.so, manifest.json}.
@main
struct PackageBundlePlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let products = extractor.extractOption(named: "product")
        let output = extractor.extractOption(named: "output").last ?? context.package.directoryURL.appendingPathComponent("dist").path
        guard !products.isEmpty else {
            throw PluginError("name the bundle product to package: --product NAME")
        }
        let tool = try context.tool(named: "langbuilder-bundle-tool")
        for product in products {
            let result = try packageManager.build(.product(product), parameters: .init(configuration: .release, echoLogs: true))
            guard result.succeeded else { throw PluginError("building \(product) failed:\n\(result.logText)") }
            guard let library = result.builtArtifacts.first(where: { $0.kind == .dynamicLibrary }) else {
                throw PluginError("\(product) is not a dynamic library product (.library(type: .dynamic))")
            }
            let process = Process()
            process.executableURL = tool.url
            process.arguments = ["package", library.url.path, "--output", output]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw PluginError("langbuilder-bundle-tool refused \(product)") }
        }
    }
}

struct PluginError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
