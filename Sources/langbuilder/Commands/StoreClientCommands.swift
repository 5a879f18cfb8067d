import ArgumentParser
import Foundation
import LangBuilderComponentStore
import LangBuilderCore
import LangBuilderStorage
import LangBuilderStorageSQLite

/// `store search QUERY`.
struct StoreSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Search the store by id, name, description or component.")

    @Argument(help: "Text to look for (empty: everything).")
    var query: String = ""

    @OptionGroup var options: StoreClientOptions

    func run() throws {
        try storeCommand {
            let index = try options.client().refreshIndex().index
            let found = StoreClient.search(query, in: index)
            if found.isEmpty { print("No bundles match \"\(query)\".") }
            for bundle in found {
                let latest = bundle.latest.map { " \($0.version)\($0.yanked ? " (yanked)" : "")" } ?? ""
                print("\(bundle.id)\(latest): \(bundle.description)")
            }
        }
    }
}

/// `store info NAME`.
struct StoreInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a bundle's metadata, versions and artifacts.")

    @Argument(help: "The bundle id or name.")
    var name: String

    @OptionGroup var options: StoreClientOptions

    func run() throws {
        try storeCommand {
            let client = try options.client()
            let index = try client.refreshIndex().index
            guard let bundle = index.bundle(named: name) else { throw ComponentStoreError(.notFound, subject: name, detail: "no such bundle in the store") }
            print("\(bundle.displayName) (\(bundle.id), name \(bundle.name))")
            print("  \(bundle.description)")
            if let license = bundle.license { print("  license: \(license)") }
            if let homepage = bundle.homepage { print("  homepage: \(homepage)") }
            if let installed = client.installed.installed(bundle.id) { print("  installed: \(installed.current)") }
            for version in bundle.versions.reversed() {
                var flags: [String] = []
                if version.yanked { flags.append("yanked" + (version.yankReason.map { ": \($0)" } ?? "")) }
                if let revocation = index.revocation(of: bundle.id, version: version.version) { flags.append("revoked: \(revocation.reason)") }
                do {
                    _ = try client.check(version, of: bundle, index: index, pinned: true)
                } catch let error as ComponentStoreError {
                    if error.reason != .revoked { flags.append("not installable here: \(error.reason.rawValue)") }
                }
                print("  \(version.version)  ABI \(version.abiRange), host >= \(version.minHostVersion)\(flags.isEmpty ? "" : "  [" + flags.joined(separator: "; ") + "]")")
                if !version.dependencies.isEmpty {
                    print("    depends on: " + version.dependencies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                }
                print("    components: \(version.components.joined(separator: ", "))")
                for artifact in version.artifacts { print("    \(artifact.slot): \(artifact.size) bytes, sha256 \(artifact.sha256)") }
            }
        }
    }
}

/// `store install NAME[@VERSION] [--dry-run]`.
struct StoreInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install a bundle (and its dependencies): the newest compatible version, or the one pinned with @VERSION.")

    @Argument(help: "NAME or NAME@VERSION.")
    var targets: [String]

    @Flag(help: "Show what would be installed, and install nothing.")
    var dryRun = false

    @OptionGroup var options: StoreClientOptions

    func run() throws {
        try storeCommand {
            let client = try options.client()
            let index = try client.refreshIndex().index
            var plan: [StoreClient.PlannedInstall] = []
            for target in targets {
                for item in try client.plan(.init(parsing: target), index: index) where !plan.contains(where: { $0.bundle.id == item.bundle.id }) {
                    plan.append(item)
                }
            }
            try execute(plan, client: client, index: index, dryRun: dryRun)
        }
    }
}

/// Prints and (unless a dry run) installs a plan, with progress.
func execute(_ plan: [StoreClient.PlannedInstall], client: StoreClient, index: StoreIndex, dryRun: Bool) throws {
    if plan.isEmpty {
        print("Nothing to install: already up to date.")
        return
    }
    for item in plan { print("\(dryRun ? "would install" : "installing"): \(item.summary)") }
    if dryRun { return }
    let progress = DownloadProgress()
    let started = Date()
    let folders = try client.install(plan, index: index) { item, received, total in
        progress.update("\(item.bundle.name) \(item.version.version)", received, total)
    }
    for folder in folders { print("installed: \(folder.path)") }
    print(String(format: "done in %.2f s; a running server picks the new versions up on its next store sync", Date().timeIntervalSince(started)))
}

/// `store update [NAME]`.
struct StoreUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Update installed bundles (or one) to their newest compatible versions.")

    @Argument(help: "The bundle to update (default: all installed).")
    var name: String?

    @Flag(help: "Show what would be installed, and install nothing.")
    var dryRun = false

    @OptionGroup var options: StoreClientOptions

    func run() throws {
        try storeCommand {
            let client = try options.client()
            let index = try client.refreshIndex().index
            var updates = client.updates(index: index)
            if let name {
                guard let installed = client.installed.list().first(where: { $0.id == name || $0.receipt?.name == name }) else {
                    throw ComponentStoreError(.notInstalled, subject: name, detail: "not installed from a store")
                }
                updates = updates.filter { $0.id == installed.id }
            }
            var plan: [StoreClient.PlannedInstall] = []
            for update in updates {
                for item in try client.plan(.init(name: update.id), index: index) where !plan.contains(where: { $0.bundle.id == item.bundle.id }) {
                    plan.append(item)
                }
            }
            try execute(plan, client: client, index: index, dryRun: dryRun)
        }
    }
}

/// `store remove NAME [--force]`.
struct StoreRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove an installed bundle; refused while a stored flow uses one of its components, unless --force.")

    @Argument(help: "The bundle id or name.")
    var name: String

    @Flag(help: "Remove it even if stored flows use it.")
    var force = false

    @OptionGroup var bundles: BundleOptions

    func run() async throws {
        let installed = InstalledBundles(bundlesDirectory: URL(fileURLWithPath: bundles.storeBundlesDirectory))
        guard let bundle = installed.list().first(where: { $0.id == name || $0.receipt?.name == name }) else {
            throw CLIError("\(name): not installed from a store")
        }
        if !force {
            let users = try await flowsUsing(components: Set(bundle.receipt?.components ?? []), dataDirectory: bundles.resolvedDataDirectory)
            if !users.isEmpty {
                throw ComponentStoreError(
                    .inUse, subject: bundle.id, detail: "used by stored flows: \(users.joined(separator: ", ")); pass --force to remove it anyway"
                ).cli
            }
        }
        let lock = try storeCommand { try installed.lock() }
        defer { lock.release() }
        try storeCommand { try installed.remove(bundle.id) }
        print("removed \(bundle.id) \(bundle.current)")
    }
}

/// The names of the stored flows (in `<data-dir>/langbuilder.db`) with a node of one of `components`.
func flowsUsing(components: Set<String>, dataDirectory: String) async throws -> [String] {
    let path = dataDirectory + "/langbuilder.db"
    guard !components.isEmpty, FileManager.default.fileExists(atPath: path) else { return [] }
    let storage = try SQLiteStorageDriver(path: path)
    let flows: RecordPage<FlowRecord>
    do {
        flows = try await storage.flows(FlowQuery(owner: .everyone))
    } catch {
        try? await storage.close()
        throw error
    }
    try? await storage.close()
    return flows.items.filter { flow in
        guard let data = flow.data?.data(using: .utf8),
            let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let nodes = document["nodes"] as? [[String: Any]]
        else { return false }
        return nodes.contains { node in
            let type = (node["data"] as? [String: Any])?["type"] as? String
            return type.map(components.contains) ?? false
        }
    }.map(\.name)
}

/// `store list [--installed|--updates]`.
struct StoreListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the store's bundles, the installed ones, or available updates.")

    @Flag(help: "Only installed bundles (no store needed).")
    var installed = false

    @Flag(help: "Only installed bundles with a newer version in the store.")
    var updates = false

    @OptionGroup var options: StoreClientOptions

    func run() throws {
        try storeCommand {
            if installed {
                let list = options.installed.list()
                if list.isEmpty { print("No bundles installed from a store.") }
                for bundle in list {
                    print("\(bundle.id) \(bundle.current)\(bundle.previous.map { " (previous \($0))" } ?? "")  \(bundle.folder.path)")
                }
                return
            }
            let client = try options.client()
            let index = try client.refreshIndex().index
            if updates {
                let found = client.updates(index: index)
                if found.isEmpty { print("All installed bundles are up to date.") }
                for update in found { print("\(update.id) \(update.installed) -> \(update.available)") }
                return
            }
            for bundle in index.bundles {
                let mark = client.installed.installed(bundle.id).map { " [installed \($0.current)]" } ?? ""
                print("\(bundle.id) \(bundle.latest?.version ?? "-")\(mark)")
            }
        }
    }
}

/// `store verify`.
struct StoreVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Re-check installed bundles' files against their manifests and the store's signed index.")

    @OptionGroup var options: StoreClientOptions

    func run() throws {
        let problems = try storeCommand {
            let client = try options.client()
            return client.verify(index: try client.refreshIndex().index)
        }
        for problem in problems { print("problem: \(problem)") }
        if !problems.isEmpty { throw ExitCode(1) }
        print("ok: \(options.installed.list().count) installed bundles verified")
    }
}

/// `store rollback NAME`.
struct StoreRollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "Make the previous installed version of a bundle current again.")

    @Argument(help: "The bundle id or name.")
    var name: String

    @OptionGroup var bundles: BundleOptions

    func run() throws {
        let installed = InstalledBundles(bundlesDirectory: URL(fileURLWithPath: bundles.storeBundlesDirectory))
        guard let bundle = installed.list().first(where: { $0.id == name || $0.receipt?.name == name }) else {
            throw CLIError("\(name): not installed from a store")
        }
        try storeCommand {
            let lock = try installed.lock()
            defer { lock.release() }
            let result = try installed.rollback(bundle.id)
            print("rolled back \(bundle.id) from \(result.from) to \(result.to)")
        }
    }
}
