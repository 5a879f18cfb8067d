import Crypto
public import Foundation
public import LangBuilderCore
import ZIPFoundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file format of store artifacts: a ZIP of a packaged bundle folder (`NAME.lbbundle/`): its `manifest.json`
/// and its library, flat, with no folders or links.
///
/// Packing is deterministic (fixed dates and modes), so packing the same folder twice gives the same bytes and
/// the same SHA-256. Unpacking refuses anything but plain files with plain names.
public enum ArtifactArchive {
    /// How much an archive may hold; anything over is refused before it is written.
    public struct Limits: Sendable, Equatable {
        /// Entries in the archive.
        public var maxEntries: Int
        /// Uncompressed bytes of one entry.
        public var maxEntryBytes: Int
        /// Uncompressed bytes of all entries.
        public var maxTotalBytes: Int

        public init(maxEntries: Int = 16, maxEntryBytes: Int = 512 << 20, maxTotalBytes: Int = 512 << 20) {
            self.maxEntries = maxEntries
            self.maxEntryBytes = maxEntryBytes
            self.maxTotalBytes = maxTotalBytes
        }
    }

    /// Packs a `NAME.lbbundle` folder into `destination`; returns the folder's manifest.
    @discardableResult
    public static func pack(folder: URL, to destination: URL) throws(ComponentStoreError) -> BundleManifest {
        let manifestURL = folder.appendingPathComponent("manifest.json")
        guard let manifestData = FileManager.default.contents(atPath: manifestURL.path) else {
            throw ComponentStoreError(.invalidArtifact, subject: folder.path, detail: "no manifest.json: pack a folder written by `swift package package-bundle`")
        }
        let manifest: BundleManifest
        do {
            manifest = try BundleManifest.decode(manifestData)
        } catch {
            throw ComponentStoreError(.invalidArtifact, subject: manifestURL.path, detail: "not a valid manifest (\(error))")
        }
        guard isPlainName(manifest.file), manifest.file.hasSuffix(".so") else {
            throw ComponentStoreError(.invalidArtifact, subject: manifestURL.path, field: "file", expected: "a .so name inside the folder", actual: manifest.file)
        }
        guard let library = FileManager.default.contents(atPath: folder.appendingPathComponent(manifest.file).path) else {
            throw ComponentStoreError(.invalidArtifact, subject: folder.path, detail: "the library \(manifest.file) named by manifest.json is missing")
        }
        let digest = BundleManifest.sha256(of: library)
        guard digest == manifest.sha256, library.count == manifest.size else {
            throw ComponentStoreError(
                .manifestMismatch, subject: folder.appendingPathComponent(manifest.file).path, field: "sha256",
                expected: "\(manifest.sha256) (\(manifest.size) bytes)", actual: "\(digest) (\(library.count) bytes)")
        }
        FileSystem.remove(destination.path)
        do {
            let archive = try Archive(url: destination, accessMode: .create)
            // Fixed date and modes: the same folder always packs to the same bytes.
            let date = Date(timeIntervalSince1970: 315_532_800)
            for (name, data, mode) in [("manifest.json", manifestData, UInt16(0o644)), (manifest.file, library, UInt16(0o755))] {
                try archive.addEntry(
                    with: name, type: .file, uncompressedSize: Int64(data.count), modificationDate: date, permissions: mode,
                    compressionMethod: .deflate
                ) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
        } catch {
            throw ComponentStoreError(.io, subject: destination.path, detail: "cannot write the artifact (\(error))")
        }
        return manifest
    }

    /// Unpacks `archive` into the existing empty folder `folder`, refusing absolute or `..` paths, nested paths,
    /// links, and more entries or bytes than `limits`; every entry is checked before the first byte is written.
    /// Files are fsynced. Returns the bundle's manifest.
    public static func unpack(_ archive: URL, into folder: URL, limits: Limits = Limits(), subject: String) throws(ComponentStoreError) -> BundleManifest {
        let zip: Archive
        do {
            zip = try Archive(url: archive, accessMode: .read)
        } catch {
            throw ComponentStoreError(.invalidArtifact, subject: subject, detail: "not a readable ZIP archive (\(error))")
        }
        var entries: [Entry] = []
        var declaredTotal: UInt64 = 0
        for entry in zip {
            entries.append(entry)
            guard entries.count <= limits.maxEntries else {
                throw ComponentStoreError(.archiveTooLarge, subject: subject, field: "entries", expected: "at most \(limits.maxEntries)", actual: "more")
            }
            let path = entry.path
            let entrySubject = "\(subject): entry \"\(path)\""
            if path.hasPrefix("/") || path.hasPrefix("\\") || path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..") {
                throw ComponentStoreError(.unsafePath, subject: entrySubject, detail: "absolute or parent-relative path (zip-slip)")
            }
            switch entry.type {
            case .symlink:
                throw ComponentStoreError(.linkEntry, subject: entrySubject, detail: "links are not allowed in an artifact")
            case .directory:
                throw ComponentStoreError(.unsafePath, subject: entrySubject, detail: "folders are not allowed in an artifact (it is flat)")
            case .file:
                break
            }
            guard isPlainName(path) else {
                throw ComponentStoreError(.unsafePath, subject: entrySubject, detail: "an artifact holds plain file names only")
            }
            guard entry.uncompressedSize <= UInt64(limits.maxEntryBytes) else {
                throw ComponentStoreError(
                    .archiveTooLarge, subject: entrySubject, field: "size", expected: "at most \(limits.maxEntryBytes) bytes",
                    actual: "\(entry.uncompressedSize) bytes")
            }
            declaredTotal += entry.uncompressedSize
            guard declaredTotal <= UInt64(limits.maxTotalBytes) else {
                throw ComponentStoreError(.archiveTooLarge, subject: subject, field: "total size", expected: "at most \(limits.maxTotalBytes) bytes", actual: "more")
            }
        }
        var total = 0
        for entry in entries {
            let path = folder.appendingPathComponent(entry.path).path
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, entry.path.hasSuffix(".so") ? 0o755 : 0o644)
            guard descriptor >= 0 else {
                if errno == EEXIST {
                    throw ComponentStoreError(.unsafePath, subject: "\(subject): entry \"\(entry.path)\"", detail: "the name appears twice")
                }
                throw ComponentStoreError(.io, subject: path, detail: "cannot create (\(FileSystem.errorText()))")
            }
            defer { close(descriptor) }
            var written = 0
            var failure: ComponentStoreError?
            do {
                _ = try zip.extract(entry, skipCRC32: false) { chunk in
                    written += chunk.count
                    total += chunk.count
                    // The declared sizes may lie: count what actually comes out.
                    if written > limits.maxEntryBytes || total > limits.maxTotalBytes {
                        failure = ComponentStoreError(
                            .archiveTooLarge, subject: "\(subject): entry \"\(entry.path)\"", detail: "it expands beyond the limit of \(limits.maxEntryBytes) bytes")
                        throw CancellationError()
                    }
                    let ok = chunk.withUnsafeBytes { FileSystem.writeAll($0, to: descriptor) }
                    if !ok {
                        failure = ComponentStoreError(.io, subject: path, detail: "cannot write (\(FileSystem.errorText()))")
                        throw CancellationError()
                    }
                }
            } catch {
                throw failure ?? ComponentStoreError(.invalidArtifact, subject: "\(subject): entry \"\(entry.path)\"", detail: "cannot extract (\(error))")
            }
            guard fsync(descriptor) == 0 else { throw ComponentStoreError(.io, subject: path, detail: "fsync failed (\(FileSystem.errorText()))") }
        }
        try FileSystem.syncDirectory(folder.path)
        let manifestPath = folder.appendingPathComponent("manifest.json").path
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw ComponentStoreError(.invalidArtifact, subject: subject, detail: "the artifact has no manifest.json")
        }
        let manifest: BundleManifest
        do {
            manifest = try BundleManifest.decode(manifestData)
        } catch {
            throw ComponentStoreError(.invalidArtifact, subject: subject + ": manifest.json", detail: "not a valid manifest (\(error))")
        }
        guard isPlainName(manifest.file), manifest.file.hasSuffix(".so"), FileSystem.exists(folder.appendingPathComponent(manifest.file).path) else {
            throw ComponentStoreError(.invalidArtifact, subject: subject + ": manifest.json", field: "file", expected: "a .so file in the artifact", actual: manifest.file)
        }
        return manifest
    }

    /// A name with no path separator, not `.` or `..`, not empty, not hidden.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && !name.contains("\\") && !name.hasPrefix(".") && !name.contains("\0")
    }

    /// SHA-256 and size of a file, read in chunks.
    public static func digest(of url: URL) throws(ComponentStoreError) -> (sha256: String, size: Int) {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw ComponentStoreError(.io, subject: url.path, detail: "cannot open")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw ComponentStoreError(.io, subject: url.path, detail: "cannot read (\(error))")
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
            size += chunk.count
        }
        return (hex(hasher.finalize()), size)
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
