import Dispatch
public import Foundation
public import LangBuilderComponentStore
import LangBuilderCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Keeps the running server in step with its component store: polls the signed index (conditionally, by entity
/// tag), installs updates when auto-update is on, disables revoked bundles at once, and hot-loads new versions.
///
/// Hot-loading `dlopen`s the new version from its own versioned folder beside the old one (never `dlclose`)
/// and swaps the registry: runs already started keep the components they resolved; new runs use the new
/// version; `/api/v1/all` shows it at once.
///
/// ```swift
/// let sync = StoreSync(client: client, registry: holder, configuration: .init(interval: .seconds(300)), logger: logger)
/// let services = serverServiceGroup(app: app, activeRuns: runs, extraServices: [sync], logger: logger)
/// ```
public final class StoreSync: Service, Sendable {
    public struct Configuration: Sendable {
        /// How often the index is polled; nil: only on `POST /api/v1/store/sync`.
        public var interval: Duration?
        /// Install newer versions of installed bundles on each sync.
        public var autoUpdate: Bool

        public init(interval: Duration? = .seconds(300), autoUpdate: Bool = false) {
            self.interval = interval
            self.autoUpdate = autoUpdate
        }
    }

    /// What the last syncs did, for `GET /api/v1/store/status`.
    public struct Status: Sendable {
        public var indexVersion: Int?
        public var lastSync: Date?
        public var lastError: String?
        public var syncs = 0
        /// Bundles disabled by the kill list: id, version, reason.
        public var disabled: [(id: String, version: String, reason: String)] = []
        /// Hot-loads so far: id, old version, new version.
        public var hotLoaded: [(id: String, from: String?, to: String)] = []
        /// The index of the last successful refresh.
        public var index: StoreIndex?
    }

    public let client: StoreClient
    public let configuration: Configuration
    let registry: RegistryHolder
    let logger: Logger
    private let state = Mutex(Status())
    /// Syncs run one at a time, off the cooperative pool (they block on HTTP and file I/O).
    private let queue = DispatchQueue(label: "langbuilder.store-sync")

    public init(client: StoreClient, registry: RegistryHolder, configuration: Configuration = Configuration(), logger: Logger) {
        self.client = client
        self.registry = registry
        self.configuration = configuration
        self.logger = logger
    }

    public var status: Status { state.withLock { $0 } }

    /// Polls every ``Configuration/interval`` until graceful shutdown.
    public func run() async throws {
        guard let interval = configuration.interval else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await self.sync()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One sync now: refresh the index, update (if on), apply the kill list and hot-load. Never throws: the
    /// error is in the returned status.
    @discardableResult
    public func sync() async -> Status {
        await withCheckedContinuation { continuation in
            queue.async {
                self.syncNow()
                continuation.resume(returning: self.status)
            }
        }
    }

    /// Runs `body` (an install or remove) serialized with the syncs, then reconciles the registry at once.
    public func change<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            queue.async {
                let result = Result { try body() }
                if let index = self.status.index { self.reconcile(index: index) }
                continuation.resume(returning: result)
            }
        }
        return try result.get()
    }

    private func syncNow() {
        let index: StoreIndex
        do {
            index = try client.refreshIndex().index
        } catch {
            logger.warning("store sync: \(error)")
            state.withLock {
                $0.lastError = "\(error)"
                $0.lastSync = Date()
                $0.syncs += 1
            }
            return
        }
        var errors: [String] = []
        if configuration.autoUpdate {
            for update in client.updates(index: index) {
                do {
                    try client.install(try client.plan(.init(name: update.id), index: index), index: index)
                    logger.info("store sync: installed \(update.id) \(update.available) (was \(update.installed))")
                } catch {
                    errors.append("\(error)")
                    logger.warning("store sync: update of \(update.id) failed: \(error)")
                }
            }
        }
        state.withLock {
            $0.index = index
            $0.indexVersion = index.version
        }
        errors += reconcile(index: index)
        state.withLock {
            $0.lastError = errors.isEmpty ? nil : errors.joined(separator: "; ")
            $0.lastSync = Date()
            $0.syncs += 1
        }
    }

    /// Makes the registry match the installed store bundles and the kill list. Runs on the sync queue. Returns
    /// the registry's refusals of new versions (those stay unloaded; the old version stays in).
    @discardableResult
    func reconcile(index: StoreIndex) -> [String] {
        let snapshot = registry.snapshot.registry
        let storeRoot = client.installed.root.resolvingSymlinksInPath().path + "/"
        var installed: [String: InstalledBundles.Installed] = [:]
        for bundle in client.installed.list() { installed[bundle.id] = bundle }
        var bundles: [LoadedBundle] = []
        var changed = false
        var disabled: [(id: String, version: String, reason: String)] = []
        var hotLoaded: [(id: String, from: String?, to: String)] = []
        var handled = Set<String>()

        func load(_ entry: InstalledBundles.Installed) -> LoadedBundle? {
            guard let library = entry.library?.resolvingSymlinksInPath().path else { return nil }
            do {
                return try BundleLoader().load(file: library)
            } catch {
                logger.error("store sync: \(entry.id) \(entry.current) did not load: \(error)")
                return nil
            }
        }

        for bundle in snapshot.bundles {
            let id = bundle.descriptor.id
            if let revocation = index.revocation(of: id, version: bundle.descriptor.version) {
                disabled.append((id, bundle.descriptor.version, revocation.reason))
                logger.warning("store sync: disabled \(id) \(bundle.descriptor.version), revoked: \(revocation.reason)")
                changed = true
                continue
            }
            guard let entry = installed[id] else {
                if bundle.file.hasPrefix(storeRoot) {
                    // Removed from the store folder.
                    changed = true
                    continue
                }
                bundles.append(bundle)
                continue
            }
            handled.insert(id)
            let wanted = entry.library?.resolvingSymlinksInPath().path
            if wanted == bundle.file || index.revocation(of: id, version: entry.current) != nil {
                bundles.append(bundle)
                continue
            }
            if let fresh = load(entry) {
                bundles.append(fresh)
                hotLoaded.append((id, bundle.descriptor.version, fresh.descriptor.version))
                changed = true
            } else {
                bundles.append(bundle)
            }
        }
        for (id, entry) in installed.sorted(by: { $0.key < $1.key }) where !handled.contains(id) {
            if index.revocation(of: id, version: entry.current) != nil { continue }
            if let fresh = load(entry) {
                bundles.append(fresh)
                hotLoaded.append((id, nil, fresh.descriptor.version))
                changed = true
            }
        }
        var refusals: [String] = []
        if changed {
            var next = ComponentRegistry(scan: BundleScan(loaded: bundles), types: snapshot.types)
            // A new version the registry refuses (a component another bundle exports) does not replace the old one.
            let refusedFiles = Set(next.refused.map(\.file))
            if !refusedFiles.isEmpty {
                for refusal in next.refused {
                    refusals.append("\(refusal)")
                    logger.error("store sync: bundle refused: \(refusal)")
                }
                let kept = bundles.map { bundle in
                    guard refusedFiles.contains(bundle.file) else { return bundle }
                    return snapshot.bundles.first { $0.descriptor.id == bundle.descriptor.id && !refusedFiles.contains($0.file) } ?? bundle
                }
                next = ComponentRegistry(scan: BundleScan(loaded: kept), types: snapshot.types)
                hotLoaded.removeAll { load in bundles.contains { refusedFiles.contains($0.file) && $0.descriptor.id == load.id } }
            }
            registry.replace(with: next)
            for load in hotLoaded { logger.info("store sync: loaded \(load.id) \(load.to)\(load.from.map { " (was \($0))" } ?? "")") }
        }
        state.withLock {
            $0.disabled += disabled
            $0.hotLoaded += hotLoaded
            if !refusals.isEmpty { $0.lastError = refusals.joined(separator: "; ") }
        }
        return refusals
    }
}
