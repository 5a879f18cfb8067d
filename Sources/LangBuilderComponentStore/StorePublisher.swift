public import Foundation
import LangBuilderCore

/// Writes a store folder: adds artifacts, yanks and revokes versions, and re-signs `index.json` with a higher
/// `version` and a fresh `expires` each time.
///
/// A published version never changes: adding an artifact to a version and platform that already has one with
/// other content is refused (``ComponentStoreError/Reason/versionImmutable``); the same content is a no-op.
///
/// ```swift
/// let publisher = StorePublisher(folder: storeURL, keys: [try StoreSigningKey(contentsOf: keyURL)])
/// try publisher.publish([URL(fileURLWithPath: "dist/std-text.lbbundle")])
/// ```
public struct StorePublisher: Sendable {
    /// What `publish` attaches to the versions it adds.
    public struct Options: Sendable {
        /// The oldest host version the bundles support.
        public var minHostVersion: String
        /// Dependencies by bundle id, with semver ranges.
        public var dependencies: [String: String]

        public init(minHostVersion: String = "0.1.0", dependencies: [String: String] = [:]) {
            self.minHostVersion = minHostVersion
            self.dependencies = dependencies
        }
    }

    /// What happened to one artifact.
    public struct Published: Sendable, Equatable {
        public var bundleID: String
        public var version: String
        public var artifact: StoreArtifact
        /// False when the identical artifact was already there.
        public var added: Bool
    }

    public let folder: URL
    /// Every key signs the index (more than one during a rotation).
    public let keys: [StoreSigningKey]
    /// How long each signed index stays valid (`expires` = signing time + this).
    public var validity: Duration = .seconds(30 * 24 * 3600)
    /// The clock (tests set it).
    public var now: @Sendable () -> Date = { Date() }

    public init(folder: URL, keys: [StoreSigningKey]) {
        self.folder = folder
        self.keys = keys
    }

    /// The current index of the folder (verified with the publisher's own keys), or an empty one.
    public func currentIndex() throws(ComponentStoreError) -> StoreIndex {
        let path = folder.appendingPathComponent("index.json").path
        guard let data = FileManager.default.contents(atPath: path) else {
            return StoreIndex(version: 0, published: now(), expires: now())
        }
        let signed = try SignedIndex.decode(data, store: folder.path)
        return try signed.verified(by: TrustedKeys(keys.map(\.publicKey)), store: folder.path)
    }

    /// Adds packed artifacts (`.zip`) or packaged bundle folders (`NAME.lbbundle/`, packed here) and re-signs.
    @discardableResult
    public func publish(_ inputs: [URL], options: Options = Options()) throws(ComponentStoreError) -> [Published] {
        guard SemanticVersion(options.minHostVersion) != nil else {
            throw ComponentStoreError(.invalidConfiguration, subject: "min host version", expected: "a semantic version", actual: options.minHostVersion)
        }
        for (id, range) in options.dependencies { _ = try Self.checkedRange(range, dependency: id) }
        let lock = try lockFolder()
        defer { lock.release() }
        var index = try currentIndex()
        var results: [Published] = []
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("langbuilder-publish-\(UUID().uuidString)")
        try FileSystem.createDirectory(scratch.path)
        defer { FileSystem.remove(scratch.path) }
        for input in inputs {
            results.append(try add(input, to: &index, scratch: scratch, options: options))
        }
        if results.contains(where: \.added) { try sign(&index) }
        return results
    }

    /// Marks a version yanked (or not): installs skip it unless pinned.
    public func yank(bundle name: String, version: String, reason: String?, yanked: Bool = true) throws(ComponentStoreError) {
        let lock = try lockFolder()
        defer { lock.release() }
        var index = try currentIndex()
        guard let bundleIndex = index.bundles.firstIndex(where: { $0.id == name || $0.name == name }) else {
            throw ComponentStoreError(.notFound, subject: name, detail: "no such bundle in \(folder.path)")
        }
        guard let versionIndex = index.bundles[bundleIndex].versions.firstIndex(where: { $0.version == version }) else {
            throw ComponentStoreError(.notFound, subject: "\(name) \(version)", detail: "no such version in \(folder.path)")
        }
        index.bundles[bundleIndex].versions[versionIndex].yanked = yanked
        index.bundles[bundleIndex].versions[versionIndex].yankReason = yanked ? reason : nil
        try sign(&index)
    }

    /// Adds a bundle id (all versions, or a range) to the kill list.
    public func revoke(bundle id: String, versions: String = "*", reason: String) throws(ComponentStoreError) {
        _ = try VersionRange(parsing: versions)
        let lock = try lockFolder()
        defer { lock.release() }
        var index = try currentIndex()
        let resolvedID = index.bundle(named: id)?.id ?? id
        index.revoked.append(Revocation(bundle: resolvedID, versions: versions, reason: reason, revokedAt: now()))
        try sign(&index)
    }

    /// Re-signs the current index with a new version and expiry (run before `expires` to keep the store valid).
    public func resign() throws(ComponentStoreError) {
        let lock = try lockFolder()
        defer { lock.release() }
        var index = try currentIndex()
        try sign(&index)
    }

    /// Publishers of one folder take turns (`.publish.lock`), so two never sign from the same index version.
    private func lockFolder() throws(ComponentStoreError) -> StoreLock {
        try FileSystem.createDirectory(folder.path)
        return try StoreLock.acquire(folder.appendingPathComponent(".publish.lock").path)
    }

    private func sign(_ index: inout StoreIndex) throws(ComponentStoreError) {
        index.version += 1
        index.published = now()
        index.expires = now().addingTimeInterval(TimeInterval(duration: validity))
        index.bundles.sort { $0.id < $1.id }
        let signed = try SignedIndex(signing: index, with: keys)
        let data: Data
        do {
            data = try signed.encoded()
        } catch {
            throw ComponentStoreError(.io, subject: folder.path, detail: "cannot encode the index (\(error))")
        }
        try FileSystem.writeAtomically(data, to: folder.appendingPathComponent("index.json").path)
    }

    private func add(_ input: URL, to index: inout StoreIndex, scratch: URL, options: Options) throws(ComponentStoreError) -> Published {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input.path, isDirectory: &isDirectory) else {
            throw ComponentStoreError(.io, subject: input.path, detail: "no such file or folder")
        }
        let packed: URL
        let manifest: BundleManifest
        if isDirectory.boolValue {
            packed = scratch.appendingPathComponent(UUID().uuidString + ".zip")
            manifest = try ArtifactArchive.pack(folder: input, to: packed)
        } else {
            packed = input
            let unpacked = scratch.appendingPathComponent(UUID().uuidString)
            try FileSystem.createDirectory(unpacked.path)
            manifest = try ArtifactArchive.unpack(input, into: unpacked, subject: input.path)
            let library = try ArtifactArchive.digest(of: unpacked.appendingPathComponent(manifest.file))
            guard library.sha256 == manifest.sha256, library.size == manifest.size else {
                throw ComponentStoreError(
                    .manifestMismatch, subject: "\(input.path): \(manifest.file)", field: "sha256",
                    expected: "\(manifest.sha256) (\(manifest.size) bytes)", actual: "\(library.sha256) (\(library.size) bytes)")
            }
        }
        let descriptor = manifest.bundle
        guard SemanticVersion(descriptor.version) != nil else {
            throw ComponentStoreError(.invalidArtifact, subject: input.path, field: "bundle.version", expected: "a semantic version", actual: descriptor.version)
        }
        guard ArtifactArchive.isPlainName(descriptor.id), descriptor.id.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw ComponentStoreError(.invalidArtifact, subject: input.path, field: "bundle.id", expected: "letters, digits, '.', '_' and '-'", actual: descriptor.id)
        }
        let name = Self.shortName(libraryFile: manifest.file)
        let (sha256, size) = try ArtifactArchive.digest(of: packed)
        var artifact = StoreArtifact(
            os: StoreHost.currentOS, arch: StoreHost.currentArch, language: descriptor.fingerprint.language,
            swiftCompilerVersion: descriptor.fingerprint.language == .swift ? descriptor.fingerprint.swiftCompilerVersion : nil,
            path: "", sha256: sha256, size: size)
        artifact.path = "artifacts/\(descriptor.id)/\(descriptor.version)/\(name)-\(descriptor.version)-\(artifact.slot).zip"
        let subject = "\(descriptor.id) \(descriptor.version) (\(artifact.slot))"

        var bundleIndex = index.bundles.firstIndex { $0.id == descriptor.id }
        if bundleIndex == nil {
            index.bundles.append(
                StoreBundle(
                    id: descriptor.id, name: name, displayName: descriptor.displayName, description: descriptor.description,
                    license: descriptor.license, homepage: descriptor.homepage, versions: []))
            bundleIndex = index.bundles.count - 1
        }
        guard let bundleIndex else { throw ComponentStoreError(.io, subject: subject, detail: "internal: bundle slot missing") }
        let components = descriptor.components.map(\.typeName).sorted()
        if let versionIndex = index.bundles[bundleIndex].versions.firstIndex(where: { $0.version == descriptor.version }) {
            let existing = index.bundles[bundleIndex].versions[versionIndex]
            if let same = existing.artifacts.first(where: { $0.slot == artifact.slot }) {
                guard same.sha256 == sha256 else {
                    throw ComponentStoreError(
                        .versionImmutable, subject: subject, field: "sha256", expected: same.sha256, actual: sha256,
                        detail: "version \(descriptor.version) is already published with other content; publish a new version")
                }
                return Published(bundleID: descriptor.id, version: descriptor.version, artifact: same, added: false)
            }
            guard existing.abiVersion == descriptor.abiVersion, existing.components == components else {
                throw ComponentStoreError(
                    .versionImmutable, subject: subject, detail: "version \(descriptor.version) is published with another ABI or component list")
            }
            try store(packed, at: artifact.path)
            index.bundles[bundleIndex].versions[versionIndex].artifacts.append(artifact)
        } else {
            try store(packed, at: artifact.path)
            index.bundles[bundleIndex].versions.append(
                StoreBundleVersion(
                    version: descriptor.version, published: now(), abiVersion: descriptor.abiVersion, minHostVersion: options.minHostVersion,
                    dependencies: options.dependencies, components: components, artifacts: [artifact]))
            index.bundles[bundleIndex].versions.sort { StoreBundle.precedes($0.version, $1.version) }
            // The newest version's metadata describes the bundle.
            if index.bundles[bundleIndex].latest?.version == descriptor.version {
                index.bundles[bundleIndex].displayName = descriptor.displayName
                index.bundles[bundleIndex].description = descriptor.description
                index.bundles[bundleIndex].license = descriptor.license
                index.bundles[bundleIndex].homepage = descriptor.homepage
            }
        }
        return Published(bundleID: descriptor.id, version: descriptor.version, artifact: artifact, added: true)
    }

    /// Copies the artifact into the store folder (written and synced before the index names it).
    private func store(_ packed: URL, at relativePath: String) throws(ComponentStoreError) {
        let destination = folder.appendingPathComponent(relativePath)
        try FileSystem.createDirectory(destination.deletingLastPathComponent().path)
        guard let data = FileManager.default.contents(atPath: packed.path) else {
            throw ComponentStoreError(.io, subject: packed.path, detail: "cannot read the artifact")
        }
        try FileSystem.writeAtomically(data, to: destination.path)
    }

    /// `std-text` for `libstd-text.so`.
    public static func shortName(libraryFile: String) -> String {
        var name = Substring(libraryFile)
        if name.hasPrefix("lib") { name = name.dropFirst(3) }
        if name.hasSuffix(".so") { name = name.dropLast(3) }
        return String(name)
    }

    static func checkedRange(_ text: String, dependency: String) throws(ComponentStoreError) -> VersionRange {
        do {
            return try VersionRange(parsing: text)
        } catch {
            throw ComponentStoreError(.invalidConfiguration, subject: "dependency \(dependency)", expected: "a semver range", actual: text)
        }
    }
}

extension TimeInterval {
    init(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = Double(seconds) + Double(attoseconds) / 1e18
    }
}
