import Foundation
import HTTPTypes
import Hummingbird
import LangBuilderCore
import LangBuilderStorage

/// `/api/v1/files/…`: Langflow's v1 files, kept per flow under `<data dir>/files/<flow id>/`. Only the flow's
/// owner (and the superuser) may upload or delete; whoever may read the flow may list and download. Names from
/// clients never leave the flow's folder (see ``FileStore/checkedName(_:)``).
struct FileController {
    let storage: any StorageDriver
    let settings: ServerSettings

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("files/upload/{flow_id}", use: upload)
        group.get("files/download/{flow_id}/{file_name}", use: download)
        group.get("files/images/{flow_id}/{file_name}", use: image)
        group.get("files/list/{flow_id}", use: list)
        group.delete("files/delete/{flow_id}/{file_name}", use: delete)
    }

    /// Image types `files/images` serves, by extension.
    static let imageTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "bmp": "image/bmp", "svg": "image/svg+xml", "ico": "image/x-icon", "tif": "image/tiff", "tiff": "image/tiff",
    ]

    // MARK: - Routes

    /// `POST /files/upload/{flow_id}`: multipart `file=`; stored as `<timestamp>_<name>`. 201
    /// `{"flowId", "file_path": "<flow id>/<stored name>"}`.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let store = try FileStore.required(settings)
        let flow = try await flow(context, user: user, writing: true)
        let received = try await store.receive(request, settings: settings)
        do {
            let name = "\(Self.uploadStamp())_\(try FileStore.checkedName(received.filename))"
            try store.commit(received.location, to: try store.location(of: flow.id, name: name))
            return Response.json(["flowId": .id(flow.id), "file_path": .string("\(flow.id.lowercasedString)/\(name)")], status: .created)
        } catch {
            try? FileManager.default.removeItem(at: received.location)
            throw error
        }
    }

    /// `GET /files/download/{flow_id}/{file_name}`: the file as an attachment.
    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let (location, name) = try await file(context, user: user)
        let body = try await FileIO().loadFile(path: location.path, context: context)
        return Response(
            status: .ok, headers: [.contentType: "application/octet-stream", .contentDisposition: attachmentDisposition(filename: name)], body: body)
    }

    /// `GET /files/images/{flow_id}/{file_name}`: an image file, with its image content type.
    @Sendable func image(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let name = try FileStore.checkedName(context.parameters.get("file_name"))
        let fileExtension = name.split(separator: ".").count > 1 ? name.split(separator: ".").last!.lowercased() : ""
        guard let type = Self.imageTypes[fileExtension] else { throw APIError(.badRequest, "File \(name) is not an image") }
        let (location, _) = try await file(context, user: user)
        let body = try await FileIO().loadFile(path: location.path, context: context)
        return Response(status: .ok, headers: [.contentType: type], body: body)
    }

    /// `GET /files/list/{flow_id}`: `{"files": [names]}`.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let store = try FileStore.required(settings)
        let flow = try await flow(context, user: user, writing: false)
        return Response.json(["files": .array(store.names(of: flow.id).map(JSONValue.string))])
    }

    /// `DELETE /files/delete/{flow_id}/{file_name}`.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let store = try FileStore.required(settings)
        let flow = try await flow(context, user: user, writing: true)
        let name = try FileStore.checkedName(context.parameters.get("file_name"))
        let location = try store.location(of: flow.id, name: name)
        guard FileStore.isFile(location) else { throw APIError(.notFound, "File not found") }
        try FileManager.default.removeItem(at: location)
        return Response.json(["message": .string("File \(name) deleted successfully")])
    }

    // MARK: - Helpers

    private func flow(_ context: AppRequestContext, user: UserRecord, writing: Bool) async throws -> FlowRecord {
        try await FlowController(storage: storage).visibleFlow(try context.parameters.requireUUID("flow_id"), user: user, writing: writing)
    }

    /// The readable file named in the path, and its checked name; 404 when it does not exist.
    private func file(_ context: AppRequestContext, user: UserRecord) async throws -> (URL, String) {
        let store = try FileStore.required(settings)
        let name = try FileStore.checkedName(context.parameters.get("file_name"))
        let flow = try await flow(context, user: user, writing: false)
        let location = try store.location(of: flow.id, name: name)
        guard FileStore.isFile(location) else { throw APIError(.notFound, "File not found") }
        return (location, name)
    }

    /// The local time as Langflow prefixes v1 uploads: `2026-11-22_00-07-09`.
    static func uploadStamp(_ date: Date = Date()) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", parts.year ?? 0) + "-" + two(parts.month) + "-" + two(parts.day) + "_" + two(parts.hour) + "-" + two(parts.minute) + "-"
            + two(parts.second)
    }
}

extension FileStore {
    /// The store under the configured data directory; 503 when the server has none.
    static func required(_ settings: ServerSettings) throws -> FileStore {
        guard let directory = settings.dataDirectory else {
            throw APIError(.serviceUnavailable, "File storage is not available: the server was started without a data directory")
        }
        return FileStore(dataDirectory: directory)
    }

    /// A file upload (`file=`) received into a temporary file of this store, at most `max_file_size_upload` MB;
    /// 422 when the form has no file, as FastAPI answers a missing `UploadFile`.
    func receive(_ request: Request, settings: ServerSettings) async throws -> (filename: String?, size: Int, location: URL) {
        let temporary = try temporaryLocation()
        do {
            let upload = try await MultipartUpload(limit: settings.maxFileSizeUploadBytes, tooLargeMessage: settings.fileTooLargeMessage)
                .receive(request, into: temporary)
            return (upload.filename, upload.size, temporary)
        } catch MultipartUpload.Failure.missingFile {
            throw APIError.validation(location: ["body", "file"], message: "Field required", input: nil, type: "missing")
        } catch MultipartUpload.Failure.malformed(let reason) {
            throw APIError(.badRequest, "Invalid upload: \(reason)")
        }
    }
}
