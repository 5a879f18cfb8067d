import Foundation
import LangBuilderCore
import LangBuilderHTTPClient

extension HostServices {
    /// Sets the host services of every run of this process: HTTP for bundles over libcurl (timeouts, size limit
    /// and CA file from `LANGBUILDER_HTTP_*`, the proxy from the environment), and the chat history in memory.
    /// Called by `serve` and `run` before anything runs.
    static func bootstrapForCommandLine() throws {
        let configuration: CurlHTTPClient.Configuration
        do {
            configuration = try CurlHTTPClient.Configuration.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            throw CLIError("\(error)")
        }
        do {
            bootstrap(HostServices(http: try CurlHTTPClient(configuration: configuration), messages: MemoryMessageHistory()))
        } catch {
            throw CLIError(error.message)
        }
    }
}
