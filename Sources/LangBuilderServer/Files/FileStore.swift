public import Foundation
import HTTPTypes
import Hummingbird
import LangBuilderCore
public import LangBuilderStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The uploaded files under the data directory: `<data dir>/files/<owner id>/<name>`, where the owner is a
/// flow (Langflow's v1 files) or a user (v2 files). Nothing is ever read or written outside `files/`: every
/// name from a client goes through ``checkedName(_:)`` and every path is built from checked pieces.
///
/// Uploads arrive in `files/.incoming/` and are renamed into place once complete, so a reader never sees
/// half a file.
struct FileStore: Sendable {
    /// `<data dir>/files`.
    let root: URL
    /// The folder name of `root` inside the data directory, the first component of ``FileRecord/path``.
    static let folder = "files"

    init(dataDirectory: URL) {
        root = dataDirectory.appendingPathComponent(Self.folder, isDirectory: true)
    }

    /// The name as given if it is a plain file name, else 400 naming the problem: no path separators, no
    /// `.` or `..`, no absolute paths, no NUL or other control characters, at most 200 bytes.
    static func checkedName(_ name: String?) throws -> String {
        guard let name, !name.isEmpty else { throw APIError(.badRequest, "The file has no name") }
        func refuse(_ reason: String) -> APIError {
            let shown = name.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }.joined()
            return APIError(.badRequest, "Invalid file name \"\(shown.prefix(100))\": \(reason)")
        }
        if name.unicodeScalars.contains("\0") { throw refuse("it contains a NUL character") }
        if name.hasPrefix("/") || name.hasPrefix("\\") || (name.count > 1 && Array(name)[1] == ":") {
            throw refuse("it is an absolute path")
        }
        if name.contains("/") || name.contains("\\") { throw refuse("it contains a path separator") }
        if name == "." || name == ".." { throw refuse("it is a reference to a directory") }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { throw refuse("it contains a control character") }
        if name.utf8.count > 200 { throw refuse("it is longer than 200 bytes") }
        return name
    }

    /// The folder of one owner.
    func directory(of owner: UUID) -> URL {
        root.appendingPathComponent(owner.lowercasedString, isDirectory: true)
    }

    /// Where the file `name` of `owner` lives; `name` must have passed ``checkedName(_:)``.
    func location(of owner: UUID, name: String) throws -> URL {
        let checked = try Self.checkedName(name)
        return directory(of: owner).appendingPathComponent(checked, isDirectory: false)
    }

    /// The file a ``FileRecord/path`` (`files/<owner>/<name>`, relative to the data directory) points to, or nil
    /// when the path is not of that form.
    func location(ofRecordPath path: String) -> URL? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == Self.folder, let owner = UUID(uuidString: parts[1]), (try? Self.checkedName(parts[2])) != nil else {
            return nil
        }
        return try? location(of: owner, name: parts[2])
    }

    /// The ``FileRecord/path`` of a file of `owner`.
    static func recordPath(owner: UUID, name: String) -> String {
        "\(folder)/\(owner.lowercasedString)/\(name)"
    }

    /// A fresh temporary file location for an upload, in the same file system as its destination.
    func temporaryLocation() throws -> URL {
        let incoming = root.appendingPathComponent(".incoming", isDirectory: true)
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return incoming.appendingPathComponent(UUID().lowercasedString + ".part", isDirectory: false)
    }

    /// Moves a complete upload to `destination` in one step (replacing a file of that name).
    func commit(_ temporary: URL, to destination: URL) throws {
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw APIError(.internalServerError, "Could not store the file: \(reason)")
        }
    }

    /// The names of the files of `owner`, sorted; empty when it has none.
    func names(of owner: UUID) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory(of: owner).path)) ?? []
        return entries.filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Whether a regular file exists at `location`.
    static func isFile(_ location: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: location.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Removes the folder of `owner` and everything in it (a deleted flow's files).
    func removeDirectory(of owner: UUID) {
        try? FileManager.default.removeItem(at: directory(of: owner))
    }

    /// Removes the folders whose owner is gone: no flow and no user has their id any more. Run after flows are
    /// deleted (directly, with their project or with their user) and at start, for what an earlier process left.
    ///
    /// - Parameter owners: the folders to look at; nil: all of them.
    /// - Returns: how many folders were removed.
    @discardableResult
    func removeOrphans(among owners: [UUID]? = nil, storage: some StorageDriver) async throws -> Int {
        let candidates = owners ?? ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).compactMap(UUID.init(uuidString:))
        var removed = 0
        for owner in Set(candidates) where FileManager.default.fileExists(atPath: directory(of: owner).path) {
            guard try await storage.flow(id: owner) == nil, try await storage.user(id: owner) == nil else { continue }
            removeDirectory(of: owner)
            removed += 1
        }
        return removed
    }
}

/// Removes the uploaded-file folders under `dataDirectory` whose flow or user is gone (see
/// ``FileStore/removeOrphans(among:storage:)``); `langbuilder serve` runs it at start.
@discardableResult
public func removeOrphanedFiles(dataDirectory: URL, storage: some StorageDriver) async throws -> Int {
    try await FileStore(dataDirectory: dataDirectory).removeOrphans(storage: storage)
}
