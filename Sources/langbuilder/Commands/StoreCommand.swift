import ArgumentParser
import Foundation
import LangBuilderComponentStore
import LangBuilderCore
import LangBuilderHTTPClient

/// `langbuilder store`: publish to, serve, and install from a signed component store.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Publish, serve and install bundles from a signed component store.",
        discussion: """
            A component store is a static folder (index.json signed with Ed25519, artifacts/…) served by any HTTP
            server (`store serve`), or read as a folder or file:// URL. Hosts trust the store's public keys, given
            with --trusted-key, $LANGBUILDER_STORE_TRUSTED_KEYS (space-separated) or <data-dir>/store/trusted-keys
            (one ed25519:BASE64 per line).

            Key rotation: publish with both keys (--key OLD --key NEW), add the new key to every host's trust file,
            then publish with the new key only and remove the old key from the hosts.
            """,
        subcommands: [
            StoreKeygenCommand.self, StorePublishCommand.self, StoreYankCommand.self, StoreRevokeCommand.self, StoreResignCommand.self,
            StoreServeCommand.self, StoreSearchCommand.self, StoreInfoCommand.self, StoreInstallCommand.self, StoreUpdateCommand.self,
            StoreRemoveCommand.self, StoreListCommand.self, StoreVerifyCommand.self, StoreRollbackCommand.self,
        ]
    )

    /// The host version bundles' `min_host_version` is compared with.
    static var hostVersion: SemanticVersion {
        SemanticVersion(LangBuilderCommand.configuration.version) ?? SemanticVersion("0.0.0")!
    }
}

/// Which store a client command talks to, which keys it trusts, and where it installs.
struct StoreClientOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: "The store: an http(s):// or file:// URL, or a folder. Default: $LANGBUILDER_STORE_URL.")
    var storeURL: String?

    @Option(name: .customLong("trusted-key"), help: "A trusted store key, ed25519:BASE64 (repeatable).")
    var trustedKeys: [String] = []

    @OptionGroup var bundles: BundleOptions

    func client() throws -> StoreClient {
        try makeStoreClient(url: storeURL, trustedKeys: trustedKeys, bundles: bundles)
    }

    var installed: InstalledBundles { InstalledBundles(bundlesDirectory: URL(fileURLWithPath: bundles.storeBundlesDirectory)) }
}

/// The store client for `url` (else $LANGBUILDER_STORE_URL), trusting `trustedKeys`, $LANGBUILDER_STORE_TRUSTED_KEYS
/// and `<data-dir>/store/trusted-keys`, installing into the bundle directory of `bundles`. HTTP goes through libcurl;
/// new bundles are validated by this executable's `bundle validate` in a child process.
func makeStoreClient(url: String?, trustedKeys: [String], bundles: BundleOptions) throws -> StoreClient {
    guard let url = url ?? ProcessInfo.processInfo.environment["LANGBUILDER_STORE_URL"], !url.isEmpty else {
        throw CLIError("no store: pass --store URL or set LANGBUILDER_STORE_URL")
    }
    let stateDirectory = URL(fileURLWithPath: bundles.resolvedDataDirectory).appendingPathComponent("store")
    var keys: [StorePublicKey] = []
    let environment = ProcessInfo.processInfo.environment["LANGBUILDER_STORE_TRUSTED_KEYS"] ?? ""
    for text in trustedKeys + environment.split(separator: " ").map(String.init) where !text.isEmpty {
        keys.append(try StorePublicKey(parsing: text))
    }
    let file = stateDirectory.appendingPathComponent("trusted-keys")
    if let data = FileManager.default.contents(atPath: file.path) {
        keys += try TrustedKeys(parsing: String(decoding: data, as: UTF8.self), source: file.path).keys
    }
    guard !keys.isEmpty else {
        throw CLIError("no trusted store key: pass --trusted-key ed25519:…, set LANGBUILDER_STORE_TRUSTED_KEYS, or write \(file.path)")
    }
    let http: (any HostHTTPClient)?
    if url.hasPrefix("http://") || url.hasPrefix("https://") {
        let configuration = try CurlHTTPClient.Configuration.fromEnvironment(ProcessInfo.processInfo.environment)
        http = try CurlHTTPClient(configuration: configuration)
    } else {
        http = nil
    }
    let executable = URL(fileURLWithPath: BundleOptions.executableDirectory).appendingPathComponent("langbuilder")
    return StoreClient(
        source: try StoreSource(url: url, http: http), trusted: TrustedKeys(keys), host: .current(version: StoreCommand.hostVersion),
        stateDirectory: stateDirectory, installed: InstalledBundles(bundlesDirectory: URL(fileURLWithPath: bundles.storeBundlesDirectory)),
        validator: ProcessBundleValidator(executable: executable))
}

/// Download progress: a bar with bytes, rate and ETA on a terminal; a plain line per quarter otherwise.
final class DownloadProgress: @unchecked Sendable {
    let isTerminal = isatty(STDOUT_FILENO) == 1
    private var started = Date()
    private var lastQuarter = -1
    private var lastDraw = Date.distantPast
    private var current = ""

    func update(_ label: String, _ received: Int, _ total: Int) {
        if label != current {
            current = label
            started = Date()
            lastQuarter = -1
        }
        let fraction = total > 0 ? Double(received) / Double(total) : 1
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(received) / elapsed
        if isTerminal {
            guard received == total || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = Date()
            let width = 30
            let filled = Int(fraction * Double(width))
            let eta = rate > 0 ? Double(total - received) / rate : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            let line = "\r\(label) [\(bar)] \(Self.bytes(received))/\(Self.bytes(total)) \(Self.bytes(Int(rate)))/s ETA \(Int(eta.rounded()))s"
            FileHandle.standardOutput.write(Data((line + (received == total ? "\n" : "")).utf8))
        } else {
            let quarter = Int(fraction * 4)
            guard quarter != lastQuarter else { return }
            lastQuarter = quarter
            print("\(label): \(Self.bytes(received)) of \(Self.bytes(total)) (\(quarter * 25)%)")
        }
    }

    static func bytes(_ count: Int) -> String {
        if count >= 1 << 20 { return String(format: "%.1f MB", Double(count) / 1_048_576) }
        if count >= 1 << 10 { return String(format: "%.1f KB", Double(count) / 1024) }
        return "\(count) B"
    }
}

extension ComponentStoreError {
    /// The error as the CLI shows it.
    var cli: CLIError { CLIError("\(self)") }
}

/// Runs `body`, turning store errors into CLI errors with their message.
func storeCommand<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ComponentStoreError {
        throw error.cli
    }
}
