import ArgumentParser
import Foundation
import LangBuilderComponentStore
import LangBuilderCore

/// `store keygen KEYFILE`: a new Ed25519 signing key (mode 0600) and its public key, for hosts to trust.
struct StoreKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keygen", abstract: "Create a store signing key and print its public key.")

    @Argument(help: "The key file to create (refused if it exists). The public key goes to KEYFILE.pub.")
    var keyFile: String

    func run() throws {
        try storeCommand {
            let key = StoreSigningKey()
            try key.write(to: URL(fileURLWithPath: keyFile))
            try Data((key.publicKey.description + "\n").utf8).write(to: URL(fileURLWithPath: keyFile + ".pub"))
            print("Wrote \(keyFile) (key id \(key.publicKey.keyID)). Hosts trust it with:")
            print(key.publicKey.description)
        }
    }
}

/// Options shared by the commands that re-sign a store folder.
struct StoreSigningOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: "The store folder.")
    var store: String

    @Option(name: .customLong("key"), help: "A signing key file (repeatable: sign with the old and new key during a rotation).")
    var keys: [String]

    @Option(help: "How many days the signed index stays valid.")
    var expiresInDays: Int = 30

    func publisher() throws -> StorePublisher {
        guard !keys.isEmpty else { throw CLIError("--key KEYFILE is required") }
        guard expiresInDays > 0 else { throw CLIError("--expires-in-days must be positive") }
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        // Everything in the store folder is served: a signing key there would be published with it.
        let storeFolder = URL(fileURLWithPath: store).standardizedFileURL.resolvingSymlinksInPath().path + "/"
        for key in keys where URL(fileURLWithPath: key).standardizedFileURL.resolvingSymlinksInPath().path.hasPrefix(storeFolder) {
            throw CLIError("\(key): the signing key is inside the store folder \(store), which is served as it is; keep it elsewhere")
        }
        var publisher = StorePublisher(folder: URL(fileURLWithPath: store), keys: try keys.map { try StoreSigningKey(contentsOf: URL(fileURLWithPath: $0)) })
        publisher.validity = .seconds(expiresInDays * 24 * 3600)
        return publisher
    }
}

/// `store publish ARTIFACT... --store DIR --key KEYFILE`.
struct StorePublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Add packaged bundles (NAME.lbbundle folders or their .zip artifacts) to a store folder and re-sign its index.",
        discussion: "A published version never changes: the same version and platform with other content is refused.")

    @Argument(help: "NAME.lbbundle folders (written by `swift package package-bundle`) or .zip artifacts.")
    var artifacts: [String]

    @OptionGroup var signing: StoreSigningOptions

    @Option(help: "The oldest host version the bundles support.")
    var minHostVersion: String = LangBuilderCommand.configuration.version

    @Option(name: .customLong("depends"), help: "A dependency, BUNDLE_ID=RANGE (repeatable), e.g. dev.langbuilder.std-text=^1.0.0.")
    var dependencies: [String] = []

    func run() throws {
        var parsed: [String: String] = [:]
        for dependency in dependencies {
            let parts = dependency.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw CLIError("--depends \(dependency): expected BUNDLE_ID=RANGE") }
            parsed[parts[0]] = parts[1]
        }
        try storeCommand {
            let publisher = try signing.publisher()
            let results = try publisher.publish(
                artifacts.map { URL(fileURLWithPath: $0) }, options: .init(minHostVersion: minHostVersion, dependencies: parsed))
            for result in results {
                print("\(result.added ? "published" : "unchanged"): \(result.bundleID) \(result.version) (\(result.artifact.slot), sha256 \(result.artifact.sha256))")
            }
            print("index version \(try publisher.currentIndex().version)")
        }
    }
}

/// `store yank NAME@VERSION`.
struct StoreYankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "yank", abstract: "Mark a published version yanked (installed only when pinned).")

    @Argument(help: "NAME@VERSION")
    var target: String

    @Option(help: "Why, shown to users.")
    var reason: String?

    @Flag(help: "Undo a yank.")
    var undo = false

    @OptionGroup var signing: StoreSigningOptions

    func run() throws {
        let request = StoreClient.InstallRequest(parsing: target)
        guard let version = request.version else { throw CLIError("\(target): expected NAME@VERSION") }
        try storeCommand {
            try signing.publisher().yank(bundle: request.name, version: version, reason: reason, yanked: !undo)
            print("\(undo ? "unyanked" : "yanked") \(request.name) \(version)")
        }
    }
}

/// `store revoke NAME [--versions RANGE] --reason TEXT`.
struct StoreRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Put a bundle (or a range of its versions) on the kill list: hosts refuse and disable it.")

    @Argument(help: "The bundle id or name.")
    var name: String

    @Option(help: "A semver range of versions (default: all).")
    var versions: String = "*"

    @Option(help: "Why, shown to users.")
    var reason: String

    @OptionGroup var signing: StoreSigningOptions

    func run() throws {
        try storeCommand {
            try signing.publisher().revoke(bundle: name, versions: versions, reason: reason)
            print("revoked \(name) \(versions)")
        }
    }
}

/// `store resign`: a new index version with a fresh expiry (run periodically).
struct StoreResignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resign", abstract: "Re-sign the index with a new version and expiry.")

    @OptionGroup var signing: StoreSigningOptions

    func run() throws {
        try storeCommand {
            let publisher = try signing.publisher()
            try publisher.resign()
            let index = try publisher.currentIndex()
            print("index version \(index.version), expires \(index.expires.formatted(.iso8601))")
        }
    }
}
