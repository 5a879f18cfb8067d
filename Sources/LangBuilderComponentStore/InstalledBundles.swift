public import Foundation
import LangBuilderCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bundles installed from a store, under `<bundles dir>/store/`:
///
/// ```
/// store/
///   .staging/                 unpacked bundles being checked; swept at start
///   .downloads/<sha256>.part  partial downloads (resumed)
///   .lock                     held while a change is made
///   dev.acme.tools/
///     1.0.0/  manifest.json  libtools.so  receipt.json
///     1.1.0/  ...
///     current  -> 1.1.0       flipped last, with rename(2): the only switch
///     previous -> 1.0.0       kept for rollback
/// ```
///
/// A version folder only appears by renaming a complete, fsynced staging folder, and `current` changes by renaming
/// a new symlink over it, so a crash at any moment leaves `current` naming a complete version.
public struct InstalledBundles: Sendable {
    /// `<bundles dir>/store`.
    public let root: URL

    /// The store installs of the bundle directory `bundlesDirectory` (its `store/` folder).
    public init(bundlesDirectory: URL) {
        root = bundlesDirectory.appendingPathComponent("store")
    }

    /// What `receipt.json` records about an install.
    public struct Receipt: Sendable, Equatable, Codable {
        public var id: String
        public var name: String
        public var version: String
        /// The store it came from.
        public var store: String
        public var indexVersion: Int
        public var artifactSHA256: String
        public var installedAt: Date
        public var components: [String]
        public var dependencies: [String: String]

        enum CodingKeys: String, CodingKey {
            case id, name, version, store, indexVersion, installedAt, components, dependencies
            case artifactSHA256 = "artifactSha256"
        }
    }

    /// One installed bundle.
    public struct Installed: Sendable, Equatable {
        public var id: String
        public var current: String
        public var previous: String?
        public var receipt: Receipt?
        /// The folder of the current version (real path: a new version loads from a new path).
        public var folder: URL
        public var library: URL?
    }

    var staging: URL { root.appendingPathComponent(".staging") }
    var downloads: URL { root.appendingPathComponent(".downloads") }

    func bundleFolder(_ id: String) -> URL { root.appendingPathComponent(id) }

    /// Every installed bundle, by id.
    public func list() -> [Installed] {
        FileSystem.contents(of: root.path).filter { !$0.hasPrefix(".") }.compactMap { installed($0) }
    }

    /// The installed bundle `id`, or nil.
    public func installed(_ id: String) -> Installed? {
        let folder = bundleFolder(id)
        guard let current = FileSystem.readLink(folder.appendingPathComponent("current").path),
            ArtifactArchive.isPlainName(current)
        else { return nil }
        let versionFolder = folder.appendingPathComponent(current)
        let previous = FileSystem.readLink(folder.appendingPathComponent("previous").path).flatMap {
            $0 != current && FileSystem.exists(folder.appendingPathComponent($0).path) ? $0 : nil
        }
        let receipt = FileManager.default.contents(atPath: versionFolder.appendingPathComponent("receipt.json").path).flatMap { try? Self.decoder.decode(Receipt.self, from: $0) }
        let manifest = FileManager.default.contents(atPath: versionFolder.appendingPathComponent("manifest.json").path).flatMap { try? BundleManifest.decode($0) }
        return Installed(
            id: id, current: current, previous: previous, receipt: receipt, folder: versionFolder,
            library: manifest.map { versionFolder.appendingPathComponent($0.file) })
    }

    /// The folders the host loads store bundles from: each bundle's current version, as a real path.
    public static func loadDirectories(bundlesDirectory: URL) -> [String] {
        InstalledBundles(bundlesDirectory: bundlesDirectory).list().map { $0.folder.resolvingSymlinksInPath().path }
    }

    // MARK: - Changes (callers hold the lock)

    /// Takes the store lock (an exclusive `flock` on `.lock`, released by the kernel if the process dies).
    public func lock() throws(ComponentStoreError) -> StoreLock {
        try FileSystem.createDirectory(root.path)
        return try StoreLock.acquire(root.appendingPathComponent(".lock").path)
    }

    /// Removes what an interrupted install left: staging folders, and version folders no pointer names.
    /// Partial downloads are kept, to be resumed. Returns how many entries were removed.
    @discardableResult
    public func sweep() -> Int {
        var removed = 0
        for name in FileSystem.contents(of: staging.path) {
            FileSystem.remove(staging.appendingPathComponent(name).path)
            removed += 1
        }
        for id in FileSystem.contents(of: root.path) where !id.hasPrefix(".") {
            let folder = bundleFolder(id)
            let current = FileSystem.readLink(folder.appendingPathComponent("current").path)
            let previous = FileSystem.readLink(folder.appendingPathComponent("previous").path)
            for name in FileSystem.contents(of: folder.path) where name != "current" && name != "previous" {
                // Leftover link temporaries, and versions renamed in but never made current.
                if name.contains(".tmp-") || (name != current && name != previous) {
                    FileSystem.remove(folder.appendingPathComponent(name).path)
                    removed += 1
                }
            }
            if current == nil && FileSystem.contents(of: folder.path).filter({ $0 != "previous" }).isEmpty {
                FileSystem.remove(folder.path)
            }
        }
        return removed
    }

    /// A new empty staging folder on the same file system as the versions.
    func makeStagingFolder(label: String) throws(ComponentStoreError) -> URL {
        let folder = staging.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileSystem.createDirectory(folder.path)
        return folder
    }

    /// Moves a checked staging folder in as `id/version` and makes it current; the old current becomes previous.
    /// Older versions than previous are removed.
    func activate(staged: URL, id: String, version: String) throws(ComponentStoreError) {
        let folder = bundleFolder(id)
        try FileSystem.createDirectory(folder.path)
        let destination = folder.appendingPathComponent(version)
        let oldCurrent = FileSystem.readLink(folder.appendingPathComponent("current").path)
        guard oldCurrent != version else {
            throw ComponentStoreError(.io, subject: "\(id) \(version)", detail: "already the current version; it is not replaced in place")
        }
        if FileSystem.exists(destination.path) {
            // A leftover of an interrupted install, or the previous version being reinstalled: replace it
            // (it is not current, so nothing loads it).
            let trash = staging.appendingPathComponent("replaced-\(UUID().uuidString)")
            try FileSystem.rename(destination.path, to: trash.path)
            FileSystem.remove(trash.path)
        }
        try FileSystem.rename(staged.path, to: destination.path)
        try FileSystem.syncDirectory(folder.path)
        if let oldCurrent, oldCurrent != version {
            try FileSystem.flipSymlink(folder.appendingPathComponent("previous").path, to: oldCurrent)
        }
        // The switch: one rename.
        try FileSystem.flipSymlink(folder.appendingPathComponent("current").path, to: version)
        prune(id)
    }

    /// Makes `previous` current and `current` previous.
    public func rollback(_ id: String) throws(ComponentStoreError) -> (from: String, to: String) {
        guard let bundle = installed(id) else {
            throw ComponentStoreError(.notInstalled, subject: id, detail: "not installed from a store")
        }
        guard let previous = bundle.previous else {
            throw ComponentStoreError(.noPreviousVersion, subject: "\(id) \(bundle.current)", detail: "no previous version is kept")
        }
        let folder = bundleFolder(id)
        try FileSystem.flipSymlink(folder.appendingPathComponent("current").path, to: previous)
        try FileSystem.flipSymlink(folder.appendingPathComponent("previous").path, to: bundle.current)
        return (bundle.current, previous)
    }

    /// Removes bundle `id`: its folder is renamed into staging first (one atomic step), then deleted.
    public func remove(_ id: String) throws(ComponentStoreError) {
        guard installed(id) != nil else {
            throw ComponentStoreError(.notInstalled, subject: id, detail: "not installed from a store")
        }
        try FileSystem.createDirectory(staging.path)
        let trash = staging.appendingPathComponent("removed-\(id)-\(UUID().uuidString)")
        try FileSystem.rename(bundleFolder(id).path, to: trash.path)
        try FileSystem.syncDirectory(root.path)
        FileSystem.remove(trash.path)
    }

    private func prune(_ id: String) {
        let folder = bundleFolder(id)
        let keep = Set([FileSystem.readLink(folder.appendingPathComponent("current").path), FileSystem.readLink(folder.appendingPathComponent("previous").path)].compactMap { $0 })
        for name in FileSystem.contents(of: folder.path) where name != "current" && name != "previous" && !keep.contains(name) {
            FileSystem.remove(folder.appendingPathComponent(name).path)
        }
    }

    /// Re-checks the current version of every installed bundle: the library's SHA-256 against its manifest, the
    /// manifest against the receipt. Returns one problem per line; empty when all is well.
    public func verifyFiles() -> [String] {
        var problems: [String] = []
        for bundle in list() {
            let subject = "\(bundle.id) \(bundle.current)"
            let manifestPath = bundle.folder.appendingPathComponent("manifest.json").path
            guard let data = FileManager.default.contents(atPath: manifestPath), let manifest = try? BundleManifest.decode(data) else {
                problems.append("\(subject): manifest.json is missing or unreadable")
                continue
            }
            guard let library = bundle.library, let digest = try? ArtifactArchive.digest(of: library) else {
                problems.append("\(subject): the library \(manifest.file) is missing")
                continue
            }
            if digest.sha256 != manifest.sha256 || digest.size != manifest.size {
                problems.append("\(subject): \(manifest.file): expected sha256 \(manifest.sha256) (\(manifest.size) bytes), found \(digest.sha256) (\(digest.size) bytes)")
            }
            if let receipt = bundle.receipt {
                if receipt.id != manifest.bundle.id || receipt.version != manifest.bundle.version {
                    problems.append("\(subject): receipt.json names \(receipt.id) \(receipt.version), manifest.json \(manifest.bundle.id) \(manifest.bundle.version)")
                }
            } else {
                problems.append("\(subject): receipt.json is missing")
            }
        }
        return problems
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}

/// The held store lock; released by ``release()`` or when the process ends.
public final class StoreLock: Sendable {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Opens (creating) `path` and takes an exclusive `flock` on it, waiting for another holder.
    static func acquire(_ path: String) throws(ComponentStoreError) -> StoreLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ComponentStoreError(.io, subject: path, detail: FileSystem.errorText()) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            close(descriptor)
            throw ComponentStoreError(.io, subject: path, detail: "cannot lock (\(FileSystem.errorText()))")
        }
        return StoreLock(descriptor: descriptor)
    }

    deinit { close(descriptor) }

    /// Releases the lock (closing the descriptor, at deinit, releases it too).
    public func release() { flock(descriptor, LOCK_UN) }
}
