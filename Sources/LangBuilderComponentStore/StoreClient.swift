public import Foundation
import LangBuilderCore

/// The client side of a component store: reads and checks the signed index, plans installs (dependencies and
/// compatibility first), and installs atomically into ``InstalledBundles``.
///
/// ```swift
/// let client = StoreClient(source: source, trusted: keys, host: .current(version: hostVersion),
///                          stateDirectory: dataDir.appendingPathComponent("store"), installed: installed,
///                          validator: ProcessBundleValidator(executable: langbuilder))
/// let index = try client.refreshIndex()
/// let plan = try client.plan(InstallRequest(name: "std-text"), index: index)
/// try client.install(plan, index: index)
/// ```
public struct StoreClient: Sendable {
    public var source: StoreSource
    public var trusted: TrustedKeys
    public var host: StoreHost
    /// Holds `state.json` (the last index accepted from each store) and the cached index.
    public var stateDirectory: URL
    public var installed: InstalledBundles
    public var validator: any BundleValidator
    /// What an artifact may hold when unpacked.
    public var limits = ArtifactArchive.Limits()
    /// The largest artifact accepted, whatever the index says.
    public var maxArtifactBytes = 512 << 20
    /// The clock for expiry checks and receipts (tests set it).
    public var now: @Sendable () -> Date = { Date() }

    public init(
        source: StoreSource, trusted: TrustedKeys, host: StoreHost, stateDirectory: URL, installed: InstalledBundles,
        validator: any BundleValidator
    ) {
        self.source = source
        self.trusted = trusted
        self.host = host
        self.stateDirectory = stateDirectory
        self.installed = installed
        self.validator = validator
    }

    // MARK: - Index

    /// What the client remembers of one store.
    struct StoreState: Codable, Equatable {
        var freshness: IndexFreshness
        var etag: String?
        var cacheFile: String
    }

    struct State: Codable, Equatable {
        var stores: [String: StoreState] = [:]
    }

    /// The outcome of ``refreshIndex()``.
    public struct IndexRefresh: Sendable {
        public var index: StoreIndex
        /// False when the store answered 304 and the cached copy was used.
        public var changed: Bool
    }

    /// Fetches the index (conditionally on the cached copy's entity tag), verifies its signature, refuses an
    /// expired or rolled-back one, and remembers it.
    public func refreshIndex() throws(ComponentStoreError) -> IndexRefresh {
        var state = loadState()
        let known = state.stores[source.url]
        let cached = known.flatMap { FileManager.default.contents(atPath: stateDirectory.appendingPathComponent($0.cacheFile).path) }
        let fetch = try source.fetchIndex(etag: cached == nil ? nil : known?.etag)
        let data: Data
        let etag: String?
        switch fetch {
        case .notModified:
            guard let cached else {
                throw ComponentStoreError(.transport, subject: source.url + "/index.json", detail: "HTTP 304 to a request that named no cached copy")
            }
            data = cached
            etag = known?.etag
        case .fetched(let fetched, let tag):
            data = fetched
            etag = tag
        }
        let signed = try SignedIndex.decode(data, store: source.url)
        let index = try signed.verified(by: trusted, store: source.url)
        let payloadSHA = BundleManifest.sha256(of: Data(base64Encoded: signed.payload) ?? Data())
        try IndexFreshness.check(index, payloadSHA256: payloadSHA, last: known?.freshness, now: now(), store: source.url)
        let cacheFile = "index-" + String(BundleManifest.sha256(of: Data(source.url.utf8)).prefix(16)) + ".json"
        let next = StoreState(freshness: IndexFreshness(version: index.version, payloadSHA256: payloadSHA), etag: etag, cacheFile: cacheFile)
        if next != known || cached != data {
            try FileSystem.createDirectory(stateDirectory.path)
            try FileSystem.writeAtomically(data, to: stateDirectory.appendingPathComponent(cacheFile).path)
            state.stores[source.url] = next
            try saveState(state)
        }
        return IndexRefresh(index: index, changed: known?.freshness != next.freshness)
    }

    private var statePath: String { stateDirectory.appendingPathComponent("state.json").path }

    func loadState() -> State {
        guard let data = FileManager.default.contents(atPath: statePath) else { return State() }
        return (try? InstalledBundles.decoder.decode(State.self, from: data)) ?? State()
    }

    func saveState(_ state: State) throws(ComponentStoreError) {
        try FileSystem.createDirectory(stateDirectory.path)
        let data: Data
        do {
            data = try InstalledBundles.encoder.encode(state)
        } catch {
            throw ComponentStoreError(.io, subject: statePath, detail: "\(error)")
        }
        try FileSystem.writeAtomically(data, to: statePath, mode: 0o600)
    }

    // MARK: - Planning

    /// `NAME` or `NAME@VERSION`; an exact version is a pin (it may pick a yanked version).
    public struct InstallRequest: Sendable, Equatable {
        public var name: String
        public var version: String?

        public init(name: String, version: String? = nil) {
            self.name = name
            self.version = version
        }

        /// Parses `NAME[@VERSION]`.
        public init(parsing text: String) {
            if let at = text.lastIndex(of: "@"), at != text.startIndex {
                self.init(name: String(text[..<at]), version: String(text[text.index(after: at)...]))
            } else {
                self.init(name: text)
            }
        }
    }

    /// One bundle to install, with the artifact chosen for this host.
    public struct PlannedInstall: Sendable, Equatable {
        public var bundle: StoreBundle
        public var version: StoreBundleVersion
        public var artifact: StoreArtifact
        /// Installed version being replaced, if any.
        public var replacing: String?
        /// Set for dependencies pulled in by the request.
        public var requiredBy: String?

        /// One line for people: `id old -> new (platform, size)`, and who needs it.
        public var summary: String {
            let action = replacing.map { "\($0) -> \(version.version)" } ?? version.version
            return "\(bundle.id) \(action) (\(artifact.slot), \(artifact.size) bytes)" + (requiredBy.map { ", required by \($0)" } ?? "")
        }
    }

    /// Resolves `request` and its dependencies against `index` and this host, before anything is downloaded.
    /// Dependencies already installed in a matching version are kept. The plan lists dependencies first.
    public func plan(_ request: InstallRequest, index: StoreIndex) throws(ComponentStoreError) -> [PlannedInstall] {
        var planned: [PlannedInstall] = []
        try resolve(request, range: nil, requiredBy: nil, index: index, into: &planned, depth: 0)
        return planned
    }

    private func resolve(
        _ request: InstallRequest, range: VersionRange?, requiredBy: String?, index: StoreIndex, into planned: inout [PlannedInstall], depth: Int
    ) throws(ComponentStoreError) {
        guard depth < 16 else {
            throw ComponentStoreError(.dependencyUnsatisfied, subject: request.name, detail: "dependencies nest deeper than 16 levels (a cycle?)")
        }
        guard let bundle = index.bundle(named: request.name) else {
            throw ComponentStoreError(
                requiredBy == nil ? .notFound : .dependencyUnsatisfied, subject: request.name,
                detail: requiredBy.map { "needed by \($0), but not in the store \(source.url)" } ?? "no such bundle in the store \(source.url)")
        }
        let (version, artifact) = try choose(bundle, request: request, range: range, index: index)
        if let already = planned.first(where: { $0.bundle.id == bundle.id }) {
            guard already.version.version == version.version else {
                throw ComponentStoreError(
                    .dependencyUnsatisfied, subject: bundle.id,
                    detail: "needs both \(already.version.version) and \(version.version)" + (requiredBy.map { " (from \($0))" } ?? ""))
            }
            return
        }
        let current = installed.installed(bundle.id)
        // A dependency already installed in a matching, unrevoked version is kept.
        if requiredBy != nil, let current, let range, let parsed = SemanticVersion(current.current), range.contains(parsed),
            index.revocation(of: bundle.id, version: current.current) == nil
        {
            return
        }
        for (dependency, rangeText) in version.dependencies.sorted(by: { $0.key < $1.key }) {
            let dependencyRange: VersionRange
            do {
                dependencyRange = try VersionRange(parsing: rangeText)
            } catch {
                throw ComponentStoreError(.invalidIndex, subject: "\(bundle.id) \(version.version)", field: "dependencies.\(dependency)", detail: error.description)
            }
            try resolve(
                InstallRequest(name: dependency), range: dependencyRange, requiredBy: "\(bundle.id) \(version.version)", index: index, into: &planned,
                depth: depth + 1)
        }
        if current?.current == version.version && requiredBy == nil {
            // Already current: nothing to do for the requested bundle itself (a current version is never replaced
            // in place: that would leave `current` naming a missing folder for a moment).
            return
        }
        planned.append(PlannedInstall(bundle: bundle, version: version, artifact: artifact, replacing: current?.current, requiredBy: requiredBy))
    }

    /// Picks the version to install: the pinned one, or the newest that is in `range`, not yanked, not revoked
    /// and compatible with this host. When none is, the newest candidate's refusal is thrown (so the user sees
    /// why, e.g. the wrong platform).
    func choose(_ bundle: StoreBundle, request: InstallRequest, range: VersionRange?, index: StoreIndex) throws(ComponentStoreError) -> (StoreBundleVersion, StoreArtifact) {
        if let pinned = request.version {
            guard let version = bundle.version(pinned) else {
                throw ComponentStoreError(
                    .notFound, subject: "\(bundle.id)@\(pinned)", detail: "no such version; the store has \(bundle.versions.map(\.version).joined(separator: ", "))")
            }
            return (version, try check(version, of: bundle, index: index, pinned: true))
        }
        let candidates = bundle.versions
            .filter { version in
                guard let range else { return true }
                return SemanticVersion(version.version).map { range.contains($0) } ?? false
            }
            .sorted { StoreBundle.precedes($1.version, $0.version) }
        guard !candidates.isEmpty else {
            throw ComponentStoreError(
                range == nil ? .noCompatibleVersion : .dependencyUnsatisfied, subject: bundle.id,
                detail: "no version in \(range?.description ?? "*"); the store has \(bundle.versions.map(\.version).joined(separator: ", "))")
        }
        var firstRefusal: ComponentStoreError?
        for version in candidates {
            do {
                return (version, try check(version, of: bundle, index: index, pinned: false))
            } catch {
                if firstRefusal == nil { firstRefusal = error }
            }
        }
        throw firstRefusal ?? ComponentStoreError(.noCompatibleVersion, subject: bundle.id)
    }

    /// Refuses revoked, yanked (unless pinned) and incompatible versions; returns the artifact for this host.
    public func check(_ version: StoreBundleVersion, of bundle: StoreBundle, index: StoreIndex, pinned: Bool) throws(ComponentStoreError) -> StoreArtifact {
        let subject = "\(bundle.id) \(version.version)"
        guard ArtifactArchive.isPlainName(bundle.id), ArtifactArchive.isPlainName(version.version), SemanticVersion(version.version) != nil else {
            throw ComponentStoreError(.invalidIndex, subject: subject, detail: "a bundle id and version must be plain names (they name folders)")
        }
        if let revocation = index.revocation(of: bundle.id, version: version.version) {
            throw ComponentStoreError(.revoked, subject: subject, detail: "revoked by the store: \(revocation.reason)")
        }
        if version.yanked && !pinned {
            throw ComponentStoreError(
                .yanked, subject: subject, detail: "yanked\(version.yankReason.map { " (\($0))" } ?? ""); install it only with an exact pin, \(bundle.name)@\(version.version)")
        }
        let artifact = try host.compatibleArtifact(of: version, bundle: bundle.id)
        guard artifact.size <= maxArtifactBytes else {
            throw ComponentStoreError(
                .artifactTooLarge, subject: subject, field: "size", expected: "at most \(maxArtifactBytes) bytes", actual: "\(artifact.size) bytes")
        }
        return artifact
    }

    // MARK: - Installing

    /// Installs each planned bundle: download (resumed) → size and SHA-256 against the signed index → unpack into
    /// staging with the archive rules → manifest against the index → out-of-process validation → fsync → rename
    /// into the versioned folder → flip `current`. Returns the installed folders.
    @discardableResult
    public func install(
        _ plan: [PlannedInstall], index: StoreIndex, progress: @escaping (PlannedInstall, Int, Int) -> Void = { _, _, _ in }
    ) throws(ComponentStoreError) -> [URL] {
        let lock = try installed.lock()
        defer { lock.release() }
        installed.sweep()
        var folders: [URL] = []
        for item in plan {
            folders.append(try installOne(item, index: index, progress: progress))
        }
        return folders
    }

    private func installOne(
        _ item: PlannedInstall, index: StoreIndex, progress: @escaping (PlannedInstall, Int, Int) -> Void
    ) throws(ComponentStoreError) -> URL {
        let subject = "\(item.bundle.id) \(item.version.version) (\(item.artifact.slot))"
        try FileSystem.createDirectory(installed.downloads.path)
        let partial = installed.downloads.appendingPathComponent(item.artifact.sha256 + ".part")
        try source.download(item.artifact, to: partial, subject: subject) { received, total in progress(item, received, total) }
        let staged = try installed.makeStagingFolder(label: "\(item.bundle.id)-\(item.version.version)")
        do {
            try stageAndActivate(item, index: index, partial: partial, staged: staged, subject: subject)
        } catch {
            // Nothing of a refused bundle stays behind (a kill here is swept at the next start).
            FileSystem.remove(staged.path)
            throw error
        }
        FileSystem.remove(partial.path)
        return installed.bundleFolder(item.bundle.id).appendingPathComponent(item.version.version)
    }

    private func stageAndActivate(_ item: PlannedInstall, index: StoreIndex, partial: URL, staged: URL, subject: String) throws(ComponentStoreError) {
        let manifest = try ArtifactArchive.unpack(partial, into: staged, limits: limits, subject: subject)
        try checkManifest(manifest, against: item, subject: subject)
        let receipt = InstalledBundles.Receipt(
            id: item.bundle.id, name: item.bundle.name, version: item.version.version, store: source.url, indexVersion: index.version,
            artifactSHA256: item.artifact.sha256, installedAt: now(), components: item.version.components, dependencies: item.version.dependencies)
        do {
            try FileSystem.write(InstalledBundles.encoder.encode(receipt), to: staged.appendingPathComponent("receipt.json").path, exclusive: true)
        } catch let error as ComponentStoreError {
            throw error
        } catch {
            throw ComponentStoreError(.io, subject: staged.path, detail: "\(error)")
        }
        try FileSystem.syncDirectory(staged.path)
        try validator.validate(folder: staged)
        try installed.activate(staged: staged, id: item.bundle.id, version: item.version.version)
    }

    /// The manifest inside the artifact must describe what the signed index promised.
    private func checkManifest(_ manifest: BundleManifest, against item: PlannedInstall, subject: String) throws(ComponentStoreError) {
        let bundle = manifest.bundle
        if bundle.id != item.bundle.id {
            throw ComponentStoreError(.manifestMismatch, subject: subject, field: "manifest.bundle.id", expected: item.bundle.id, actual: bundle.id)
        }
        if bundle.version != item.version.version {
            throw ComponentStoreError(.manifestMismatch, subject: subject, field: "manifest.bundle.version", expected: item.version.version, actual: bundle.version)
        }
        try host.checkABI(bundle.abiVersion, subject: subject)
        let fingerprint = bundle.fingerprint, own = BuildFingerprint.host
        for (field, theirs, ours) in [
            ("pointer_size", "\(fingerprint.pointerSize)", "\(own.pointerSize)"), ("value_size", "\(fingerprint.valueSize)", "\(own.valueSize)"),
            ("byte_order", fingerprint.byteOrder.rawValue, own.byteOrder.rawValue),
        ] where theirs != ours {
            throw ComponentStoreError(.wrongPlatform, subject: subject, field: "manifest.bundle.fingerprint.\(field)", expected: ours, actual: theirs)
        }
        if bundle.fingerprint.language == .swift && bundle.fingerprint.swiftCompilerVersion != host.swiftCompilerVersion {
            throw ComponentStoreError(
                .swiftCompilerMismatch, subject: subject, field: "manifest.bundle.fingerprint.swift_compiler_version",
                expected: host.swiftCompilerVersion, actual: bundle.fingerprint.swiftCompilerVersion ?? "none")
        }
    }

    // MARK: - Queries

    /// Bundles whose id, name, description or component names contain `query` (case-insensitive); all for "".
    public static func search(_ query: String, in index: StoreIndex) -> [StoreBundle] {
        let needle = query.lowercased()
        guard !needle.isEmpty else { return index.bundles }
        return index.bundles.filter { bundle in
            [bundle.id, bundle.name, bundle.displayName, bundle.description].contains { $0.lowercased().contains(needle) }
                || (bundle.latest?.components ?? []).contains { $0.lowercased().contains(needle) }
        }
    }

    /// An installed bundle with a newer compatible version in the store.
    public struct Update: Sendable, Equatable {
        public var id: String
        public var installed: String
        public var available: String

        public init(id: String, installed: String, available: String) {
            self.id = id
            self.installed = installed
            self.available = available
        }
    }

    /// Installed bundles for which the store offers a newer installable version.
    public func updates(index: StoreIndex) -> [Update] {
        installed.list().compactMap { bundle in
            guard let entry = index.bundle(named: bundle.id),
                let (version, _) = try? choose(entry, request: InstallRequest(name: bundle.id), range: nil, index: index),
                let available = SemanticVersion(version.version), let current = SemanticVersion(bundle.current), available > current
            else { return nil }
            return Update(id: bundle.id, installed: bundle.current, available: version.version)
        }
    }

    /// Installed bundles whose current version the index revokes, with the reason.
    public func revokedInstalls(index: StoreIndex) -> [(id: String, version: String, reason: String)] {
        installed.list().compactMap { bundle in
            index.revocation(of: bundle.id, version: bundle.current).map { (bundle.id, bundle.current, $0.reason) }
        }
    }

    /// ``InstalledBundles/verifyFiles()`` plus, for each installed bundle, the index's word on it: its artifact
    /// must still be the one the index names, and it must not be revoked.
    public func verify(index: StoreIndex) -> [String] {
        var problems = installed.verifyFiles()
        for bundle in installed.list() {
            let subject = "\(bundle.id) \(bundle.current)"
            if let revocation = index.revocation(of: bundle.id, version: bundle.current) {
                problems.append("\(subject): revoked by the store: \(revocation.reason)")
            }
            guard let receipt = bundle.receipt, receipt.store == source.url else { continue }
            guard let version = index.bundle(named: bundle.id)?.version(bundle.current) else {
                problems.append("\(subject): no longer in the store's index")
                continue
            }
            if !version.artifacts.contains(where: { $0.sha256 == receipt.artifactSHA256 }) {
                problems.append("\(subject): installed from artifact \(receipt.artifactSHA256), which the index no longer names")
            }
        }
        return problems
    }
}
