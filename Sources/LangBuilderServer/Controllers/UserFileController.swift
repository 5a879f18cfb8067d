import Foundation
import HTTPTypes
import Hummingbird
import LangBuilderCore
import LangBuilderStorage
import Logging

/// `/api/v2/files`: Langflow's v2 files, one ``FileRecord`` per file, kept under `<data dir>/files/<user id>/`
/// as `<file id>.<extension>` (the user's name for the file lives only in the record). Another user's file is
/// 404 `File not found`; the superuser reaches every file by id.
///
/// An upload is written to a temporary file, renamed into place, and only then recorded; when the record cannot
/// be written the file is removed again.
struct UserFileController {
    let storage: any StorageDriver
    let settings: ServerSettings

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("files", use: upload)
        group.get("files", use: list)
        group.delete("files", use: deleteAll)
        group.delete("files/batch", use: deleteMany)
        group.post("files/batch", use: downloadMany)
        group.get("files/{id}", use: download)
        group.put("files/{id}", use: rename)
        group.delete("files/{id}", use: delete)
    }

    // MARK: - Routes

    /// `POST /api/v2/files`: multipart `file=`. 201 `{"id", "name", "path", "size", "provider"}`; a taken name
    /// becomes `name (1)`.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let store = try FileStore.required(settings)
        let received = try await store.receive(request, settings: settings)
        var committed: URL?
        do {
            let filename = try FileStore.checkedName(received.filename)
            var (root, fileExtension) = Self.split(filename)
            var names = NameAllocator(taken: try await storage.files(userID: user.id).map(\.name))
            root = names.claim(root)
            fileExtension = Self.safeExtension(fileExtension)
            let id = UUID()
            let diskName = id.lowercasedString + (fileExtension.isEmpty ? "" : "." + fileExtension)
            let destination = try store.location(of: user.id, name: diskName)
            try store.commit(received.location, to: destination)
            committed = destination
            let record = try await storage.createFile(
                FileRecord(id: id, userID: user.id, name: root, path: FileStore.recordPath(owner: user.id, name: diskName), size: Int64(received.size)))
            return Response.json(Self.renderUpload(record), status: .created)
        } catch {
            try? FileManager.default.removeItem(at: committed ?? received.location)
            throw error
        }
    }

    /// `GET /api/v2/files`: the user's files, oldest first.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        return Response.json(.array(try await storage.files(userID: user.id).map(Self.render)))
    }

    /// `GET /api/v2/files/{id}`: the file as an attachment named `<name>.<extension>`.
    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let store = try FileStore.required(settings)
        let record = try await visibleFile(try context.parameters.requireUUID("id"), user: user)
        guard let location = store.location(ofRecordPath: record.path), FileStore.isFile(location) else {
            throw APIError(.notFound, "File not found")
        }
        let body = try await FileIO().loadFile(path: location.path, context: context)
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream", .contentDisposition: attachmentDisposition(filename: Self.downloadName(record))],
            body: body)
    }

    /// `PUT /api/v2/files/{id}?name=`: renames the file (its record; the bytes stay where they are).
    @Sendable func rename(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let name = request.uri.queryParameters.get("name") else {
            throw APIError.validation(location: ["query", "name"], message: "Field required", input: nil, type: "missing")
        }
        var record = try await visibleFile(try context.parameters.requireUUID("id"), user: user)
        record.name = try FileStore.checkedName(name)
        record.updatedAt = Date()
        return Response.json(Self.renderUpload(try await storage.updateFile(record)))
    }

    /// `DELETE /api/v2/files/{id}`: the record, then the bytes.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let record = try await visibleFile(try context.parameters.requireUUID("id"), user: user)
        try await remove([record], context: context)
        return Response.json(["detail": .string("File \(record.name) deleted successfully")])
    }

    /// `DELETE /api/v2/files/batch/` with a JSON array of ids: deletes those of the user's files; 404 when none is.
    @Sendable func deleteMany(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let files = try await listed(request, context: context, user: user)
        try await remove(files, context: context)
        return Response.json(["message": .string("\(files.count) files deleted successfully")])
    }

    /// `DELETE /api/v2/files`: deletes every file of the user.
    @Sendable func deleteAll(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        try await remove(try await storage.files(userID: user.id), context: context)
        return Response.json(["message": "All files deleted successfully"])
    }

    /// `POST /api/v2/files/batch/` with a JSON array of ids: a ZIP of those of the user's files.
    @Sendable func downloadMany(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let store = try FileStore.required(settings)
        let files = try await listed(request, context: context, user: user)
        var entries: [(name: String, data: Data)] = []
        var used: Set<String> = []
        for record in files {
            guard let location = store.location(ofRecordPath: record.path), let data = FileManager.default.contents(atPath: location.path) else {
                throw APIError(.notFound, "File \(record.name) not found")
            }
            var name = Self.downloadName(record)
            if used.contains(name) { name = record.id.lowercasedString + "_" + name }
            used.insert(name)
            entries.append((name, data))
        }
        let zip = try ZipArchive.make(entries)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/x-zip-compressed",
                .contentDisposition: attachmentDisposition(filename: "\(FlowTransferController.timestamp())_langflow_files.zip"),
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: zip)))
    }

    // MARK: - Helpers

    private func visibleFile(_ id: UUID, user: UserRecord) async throws -> FileRecord {
        guard let record = try await storage.file(id: id), record.userID == user.id || user.isSuperuser else {
            throw APIError(.notFound, "File not found")
        }
        return record
    }

    /// The user's files among the ids of a JSON array body; 404 `No files found` when there are none.
    private func listed(_ request: Request, context: AppRequestContext, user: UserRecord) async throws -> [FileRecord] {
        var request = request
        guard let list = try await request.jsonBody(context: context).arrayValue else {
            throw APIError.validation(location: ["body"], message: "Input should be a valid list of UUIDs", input: nil, type: "list_type")
        }
        var files: [FileRecord] = []
        for item in list {
            guard let text = item.stringValue, let id = UUID(uuidString: text) else {
                throw APIError.validation(location: ["body"], message: "Input should be a valid UUID", input: item.serialized(), type: "uuid_parsing")
            }
            if let record = try await storage.file(id: id), record.userID == user.id, !files.contains(where: { $0.id == id }) { files.append(record) }
        }
        guard !files.isEmpty else { throw APIError(.notFound, "No files found") }
        return files
    }

    /// Deletes the records, then the bytes (a file left behind by a failed removal is only logged).
    private func remove(_ files: [FileRecord], context: AppRequestContext) async throws {
        let store = settings.dataDirectory.map(FileStore.init(dataDirectory:))
        for record in files {
            try await storage.deleteFile(id: record.id)
            guard let location = store?.location(ofRecordPath: record.path), FileStore.isFile(location) else { continue }
            do {
                try FileManager.default.removeItem(at: location)
            } catch {
                context.logger.warning("could not remove the file of \(record.id.lowercasedString): \(error)")
            }
        }
    }

    /// `report.final.pdf` → (`report.final`, `pdf`); a name without a dot (or only a leading one) has no extension.
    static func split(_ filename: String) -> (root: String, fileExtension: String) {
        guard let dot = filename.lastIndex(of: "."), dot != filename.startIndex else { return (filename, "") }
        return (String(filename[..<dot]), String(filename[filename.index(after: dot)...]))
    }

    /// The extension as kept on disk: letters and digits only, at most 16; otherwise none.
    static func safeExtension(_ fileExtension: String) -> String {
        guard fileExtension.count <= 16, fileExtension.unicodeScalars.allSatisfy({ $0.isASCII && CharacterSet.alphanumerics.contains($0) }) else { return "" }
        return fileExtension.lowercased()
    }

    /// The name a download carries: the record's name plus the stored extension.
    static func downloadName(_ record: FileRecord) -> String {
        let (_, fileExtension) = split(record.path.split(separator: "/").last.map(String.init) ?? "")
        return fileExtension.isEmpty ? record.name : record.name + "." + fileExtension
    }

    /// Langflow's `UploadFileResponse` of v2.
    static func renderUpload(_ record: FileRecord) -> JSONValue {
        ["id": .id(record.id), "name": .string(record.name), "path": .string(record.path), "size": .number(Double(record.size)), "provider": nil]
    }

    /// Langflow's `File` row.
    static func render(_ record: FileRecord) -> JSONValue {
        [
            "id": .id(record.id), "user_id": .id(record.userID), "name": .string(record.name), "path": .string(record.path),
            "size": .number(Double(record.size)), "provider": nil, "created_at": .date(record.createdAt), "updated_at": .date(record.updatedAt),
        ]
    }
}
