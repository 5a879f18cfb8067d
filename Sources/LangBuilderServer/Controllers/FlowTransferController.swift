import Foundation
import HTTPTypes
import Hummingbird
import LangBuilderCore
import LangBuilderStorage

/// Flow files in and out, and the examples: `POST /flows/upload/`, `POST /flows/download/`,
/// `GET /flows/basic_examples/` and `GET /starter-projects/`.
struct FlowTransferController {
    let storage: any StorageDriver
    let settings: ServerSettings

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("flows/upload", use: upload)
        group.post("flows/download", use: download)
        group.get("flows/basic_examples", use: basicExamples)
        group.get("starter-projects", use: starterProjects)
    }

    // MARK: - Routes

    /// `POST /flows/upload/?folder_id=`: multipart `file=`, one flow file, `{"flows": [...]}` or a ZIP of them.
    /// 201, the stored flows (see ``FlowImport`` for ids, names and placement).
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var folder: UUID?
        if let text = request.uri.queryParameters.get("folder_id"), !text.isEmpty {
            guard let id = UUID(uuidString: text) else {
                throw APIError.validation(location: ["query", "folder_id"], message: "Input should be a valid UUID", input: text, type: "uuid_parsing")
            }
            guard let project = try await storage.folder(id: id), project.userID == user.id else { throw APIError(.notFound, "Project not found") }
            folder = project.id
        }
        let upload = try await Self.receiveFlowFile(request, settings: settings)
        let documents = try FlowFile.documents(inUpload: upload.data)
        let flows = try await FlowImport(storage: storage, user: user, logger: context.logger).run(documents, destination: .upsert(folder: folder))
        return Response.json(.array(flows.map(FlowController.render)), status: .created)
    }

    /// `POST /flows/download/` with a JSON array of ids: one flow as its JSON file, several as a ZIP of them.
    /// Ids the user cannot read are skipped; none left is 404.
    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        guard let list = try await request.jsonBody(context: context).arrayValue else {
            throw APIError.validation(location: ["body"], message: "Input should be a valid list of UUIDs", input: nil, type: "list_type")
        }
        var ids: [UUID] = []
        for item in list {
            guard let text = item.stringValue, let id = UUID(uuidString: text) else {
                throw APIError.validation(location: ["body"], message: "Input should be a valid UUID", input: item.serialized(), type: "uuid_parsing")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        var flows: [FlowRecord] = []
        for id in ids {
            if let flow = try await storage.flow(id: id), flow.userID == user.id || flow.userID == nil || user.isSuperuser { flows.append(flow) }
        }
        guard let first = flows.first else { throw APIError(.notFound, "No flows found.") }
        if flows.count == 1 {
            let filename = FlowFile.safeFileName(first.name, fallback: first.id.lowercasedString) + ".json"
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .contentDisposition: attachmentDisposition(filename: filename)],
                body: .init(byteBuffer: ByteBuffer(bytes: FlowFile.exportData(first))))
        }
        let zip = try ZipArchive.make(FlowFile.archiveEntries(flows))
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-zip-compressed", .contentDisposition: attachmentDisposition(filename: "\(Self.timestamp())_langflow_flows.zip")],
            body: .init(byteBuffer: ByteBuffer(bytes: zip)))
    }

    /// `GET /flows/basic_examples/`: the example flows, by name.
    @Sendable func basicExamples(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return Response.json(.array(try await examples().map(FlowController.render)))
    }

    /// `GET /starter-projects/`: the example graphs in Langflow's `GraphDump` shape.
    @Sendable func starterProjects(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return Response.json(.array(try await examples().map { flow -> JSONValue in
            guard case .object(let read) = FlowController.render(flow) else { return .null }
            return [
                "name": .string(flow.name), "name_key": nil, "description": .text(flow.description), "endpoint_name": .text(flow.endpointName),
                "is_component": .bool(flow.isComponent), "data": read["data"] ?? .null,
            ]
        }))
    }

    // MARK: - Helpers

    private func examples() async throws -> [FlowRecord] {
        try await storage.flows(FlowQuery(owner: .everyone, includeExamples: true, folderID: ExampleFlows.folderID)).items
            .filter { $0.userID == nil }
            .sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
    }

    /// The `file=` of a flow or project upload, in memory, at most `max_file_size_upload` MB; 400 `No file provided`
    /// without one.
    static func receiveFlowFile(_ request: Request, settings: ServerSettings) async throws -> UploadedFile {
        do {
            return try await MultipartUpload(limit: settings.maxFileSizeUploadBytes, tooLargeMessage: settings.fileTooLargeMessage).receive(request)
        } catch MultipartUpload.Failure.missingFile {
            throw APIError(.badRequest, "No file provided")
        } catch MultipartUpload.Failure.malformed(let reason) {
            throw APIError(.badRequest, "Invalid upload: \(reason)")
        }
    }

    /// The local time as Langflow stamps download names: `20261122_000709`.
    static func timestamp(_ date: Date = Date()) -> String {
        let calendar = Calendar(identifier: .gregorian)
        let parts = calendar.dateComponents(in: TimeZone.current, from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", parts.year ?? 0) + two(parts.month) + two(parts.day) + "_" + two(parts.hour) + two(parts.minute) + two(parts.second)
    }
}
