import Foundation
import HTTPTypes
import ZIPFoundation

/// Reading flow JSON files out of an uploaded ZIP, with bounds, and writing ZIPs of flows, through
/// ZIPFoundation (in memory).
///
/// Reading refuses archives with more than ``Limits/maxEntries`` entries and entries with unsafe names
/// (absolute, or with a `..` component), ignores directories, symbolic links and files not ending in `.json`
/// (and the `project.json` metadata Langflow writes), and stops decompressing as soon as an entry or the total
/// grows past its limit, whatever the headers claim.
enum ZipArchive {
    /// How much an uploaded archive may hold.
    struct Limits: Sendable {
        var maxEntries = 500
        var maxEntrySize = 50 * 1024 * 1024
        var maxTotalSize = 200 * 1024 * 1024
    }

    /// Why an archive was refused: the detail of a 400.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    /// Whether the bytes start like a ZIP (a local file header, or the end record of an empty archive).
    static func isZip(_ data: Data) -> Bool {
        data.starts(with: [0x50, 0x4B, 0x03, 0x04]) || data.starts(with: [0x50, 0x4B, 0x05, 0x06])
    }

    /// The `.json` files of the archive, in archive order, as (entry path, bytes).
    static func jsonFiles(in data: Data, limits: Limits = Limits()) throws(Refusal) -> [(path: String, data: Data)] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw Refusal(description: "The uploaded file is not a valid ZIP archive")
        }
        var entries: [Entry] = []
        for entry in archive {
            entries.append(entry)
            if entries.count > limits.maxEntries {
                throw Refusal(description: "The ZIP archive has more than \(limits.maxEntries) entries")
            }
        }
        var files: [(path: String, data: Data)] = []
        var total = 0
        for entry in entries {
            let path = entry.path
            guard isSafe(path) else { throw Refusal(description: "The ZIP entry \"\(path.prefix(200))\" has an unsafe path") }
            guard entry.type == .file, path.lowercased().hasSuffix(".json") else { continue }
            let base = path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? path
            if base.lowercased() == "project.json" { continue }
            var content = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    content.append(chunk)
                    total += chunk.count
                    if content.count > limits.maxEntrySize {
                        throw Refusal(description: "The ZIP entry \"\(path.prefix(200))\" is larger than \(limits.maxEntrySize / (1024 * 1024)) MB uncompressed")
                    }
                    if total > limits.maxTotalSize {
                        throw Refusal(description: "The ZIP archive is larger than \(limits.maxTotalSize / (1024 * 1024)) MB uncompressed")
                    }
                }
            } catch let refusal as Refusal {
                throw refusal
            } catch {
                throw Refusal(description: "The ZIP entry \"\(path.prefix(200))\" could not be read: \(error)")
            }
            files.append((path, content))
        }
        return files
    }

    /// A ZIP (deflated) of the given files, in order.
    static func make(_ files: [(name: String, data: Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for file in files {
            let data = file.data
            try archive.addEntry(with: file.name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw Refusal(description: "The ZIP archive could not be written") }
        return data
    }

    /// A relative path without `..` components, NUL, or a drive letter.
    static func isSafe(_ path: String) -> Bool {
        if path.isEmpty || path.unicodeScalars.contains("\0") { return false }
        if path.hasPrefix("/") || path.hasPrefix("\\") { return false }
        let scalars = Array(path.unicodeScalars)
        if scalars.count > 1, scalars[1] == ":" { return false }
        return !path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..")
    }
}
