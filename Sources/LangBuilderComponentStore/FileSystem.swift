import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations installs rely on for crash safety: durable writes, atomic renames and symlink flips.
enum FileSystem {
    static func errorText() -> String { String(cString: strerror(errno)) }

    /// Writes `data` to `path` and flushes it to disk (tmp file + fsync + rename + fsync of the folder).
    static func writeAtomically(_ data: Data, to path: String, mode: mode_t = 0o644) throws(ComponentStoreError) {
        let temporary = path + ".tmp-\(getpid())"
        try write(data, to: temporary, mode: mode, exclusive: false)
        try rename(temporary, to: path)
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Writes `data` to a new file and fsyncs it; `exclusive` refuses an existing file (and a symlink).
    static func write(_ data: Data, to path: String, mode: mode_t = 0o644, exclusive: Bool) throws(ComponentStoreError) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (exclusive ? O_EXCL : O_TRUNC)
        let descriptor = open(path, flags, mode)
        guard descriptor >= 0 else { throw ComponentStoreError(.io, subject: path, detail: "cannot create (\(errorText()))") }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { writeAll($0, to: descriptor) }
        guard written else { throw ComponentStoreError(.io, subject: path, detail: "cannot write (\(errorText()))") }
        guard fsync(descriptor) == 0 else { throw ComponentStoreError(.io, subject: path, detail: "fsync failed (\(errorText()))") }
    }

    static func rename(_ from: String, to: String) throws(ComponentStoreError) {
        guard Glibc.rename(from, to) == 0 else {
            throw ComponentStoreError(.io, subject: to, detail: "cannot rename \(from) to it (\(errorText()))")
        }
    }

    /// Flushes a folder's entries (names created, renamed or removed in it).
    static func syncDirectory(_ path: String) throws(ComponentStoreError) {
        let descriptor = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ComponentStoreError(.io, subject: path, detail: "cannot open folder (\(errorText()))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw ComponentStoreError(.io, subject: path, detail: "fsync failed (\(errorText()))") }
    }

    /// fsyncs an existing file.
    static func syncFile(_ path: String) throws(ComponentStoreError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ComponentStoreError(.io, subject: path, detail: "cannot open (\(errorText()))") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw ComponentStoreError(.io, subject: path, detail: "fsync failed (\(errorText()))") }
    }

    /// Points the symlink `link` at `target` atomically: a new link beside it, renamed over it.
    static func flipSymlink(_ link: String, to target: String) throws(ComponentStoreError) {
        let temporary = link + ".tmp-\(getpid())"
        unlink(temporary)
        guard symlink(target, temporary) == 0 else {
            throw ComponentStoreError(.io, subject: temporary, detail: "cannot create symlink (\(errorText()))")
        }
        try rename(temporary, to: link)
        try syncDirectory((link as NSString).deletingLastPathComponent)
    }

    /// The target of a symlink, or nil.
    static func readLink(_ path: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: path)
    }

    static func createDirectory(_ path: String) throws(ComponentStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ComponentStoreError(.io, subject: path, detail: "cannot create folder (\(error.localizedDescription))")
        }
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Whether anything (a dangling symlink included) has this name.
    static func exists(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }

    static func contents(of path: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path))?.sorted() ?? []
    }

    static func size(of path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue
    }

    /// Writes every byte of `buffer` to `descriptor`, retrying short and interrupted writes; false on an error
    /// (`errno` says which).
    static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }
}
