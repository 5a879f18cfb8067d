import ArgumentParser
import Foundation
import Hummingbird
import LangBuilderCore
import LangBuilderServer
import Logging

/// `langbuilder serve`: the REST server, with the bundles from the bundle directories loaded.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the LangBuilder REST server (Langflow-compatible /api/v1)."
    )

    @Option(help: "The address to listen on. Default: $LANGBUILDER_HOST or 127.0.0.1.")
    var host: String?

    @Option(help: "The port to listen on. Default: $LANGBUILDER_PORT or 7860.")
    var port: Int?

    @OptionGroup var bundles: BundleOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let host = self.host ?? environment["LANGBUILDER_HOST"] ?? "127.0.0.1"
        let port: Int
        if let explicit = self.port {
            port = explicit
        } else if let configured = environment["LANGBUILDER_PORT"] {
            guard let value = Int(configured), (1...65535).contains(value) else {
                throw CLIError("LANGBUILDER_PORT must be a port number (1-65535), found \"\(configured)\"")
            }
            port = value
        } else {
            port = 7860
        }
        var logger = Logger(label: "langbuilder")
        logger.logLevel = environment["LANGBUILDER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info

        let started = Date()
        let scan = BundleLoader().scan(directories: bundles.searchPath)
        let registry = ComponentRegistry(scan: scan)
        for refusal in registry.refused { logger.warning("bundle refused: \(refusal)") }
        logger.info(
            "loaded \(registry.bundles.count) bundles, \(registry.components.count) components from \(bundles.searchPath.joined(separator: ", ")) in \(Int(Date().timeIntervalSince(started) * 1000)) ms")

        let app = buildApplication(
            settings: ServerSettings(host: host, port: port), registry: RegistryHolder(registry), logger: logger)
        try await app.runService()
    }
}
