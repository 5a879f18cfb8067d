import ArgumentParser
import Foundation
import Hummingbird
import Logging

/// `store serve DIR`: serves a store folder read-only over HTTP, with `Range`, `ETag` and `If-None-Match`
/// (Hummingbird's file middleware), for self-hosting and mirrors.
struct StoreServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve a store folder over HTTP (read-only).")

    @Argument(help: "The store folder.")
    var directory: String

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port: Int = 8700

    func run() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("\(directory): not a folder")
        }
        guard FileManager.default.fileExists(atPath: directory + "/index.json") else {
            throw CLIError("\(directory): no index.json (publish into it first with `langbuilder store publish`)")
        }
        var logger = Logger(label: "langbuilder-store")
        logger.logLevel = ProcessInfo.processInfo.environment["LANGBUILDER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let router = Router()
        router.add(middleware: FileMiddleware(directory, searchForIndexHtml: false, logger: logger))
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "langbuilder-store"),
            onServerRunning: { [directory, host, port] channel in
                // The bound port, not the asked one: `--port 0` lets the system choose and this line says which.
                let bound = channel.localAddress?.port ?? port
                FileHandle.standardOutput.write(Data("serving the store \(directory) on http://\(host):\(bound)\n".utf8))
            },
            logger: logger)
        try await app.runService()
    }
}
