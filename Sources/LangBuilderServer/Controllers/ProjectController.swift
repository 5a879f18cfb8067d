import Foundation
import HTTPTypes
import Hummingbird
import LangBuilderCore
import LangBuilderStorage
import Logging

/// `/projects/`: Langflow's projects (folders of flows), per user. Another user's project is 404 `Project not
/// found`; the superuser reaches every project by id. `/api/v1/folders/…`, the old name, answers 307 to the same
/// path under `/api/v1/projects/`.
struct ProjectController {
    let storage: any StorageDriver
    let settings: ServerSettings

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("projects", use: list)
        group.post("projects", use: create)
        group.get("projects/{id}", use: read)
        group.patch("projects/{id}", use: update)
        group.put("projects/{id}", use: update)
        group.delete("projects/{id}", use: delete)
        group.get("projects/download/{id}", use: download)
        group.post("projects/upload", use: upload)
    }

    /// The 307 from `/api/v1/folders/…` to `/api/v1/projects/…`, query kept; on the public router, so that the
    /// redirect does not depend on credentials.
    static func addRedirects(to router: Router<AppRequestContext>) {
        let redirect: @Sendable (Request, AppRequestContext) async throws -> Response = { request, _ in
            let path = request.uri.path
            let prefix = "/api/v1/folders"
            var location = "/api/v1/projects" + path.dropFirst(prefix.count)
            if let query = request.uri.query, !query.isEmpty { location += "?" + query }
            return Response(status: .temporaryRedirect, headers: [.location: location])
        }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("api/v1/folders", method: method, use: redirect)
            router.on("api/v1/folders/**", method: method, use: redirect)
        }
    }

    // MARK: - Routes

    /// `GET /projects/`: the user's projects, the default project first (created when missing).
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let defaultProject = try await DefaultProject.ensure(for: user.id, storage: storage)
        let folders = try await storage.folders(userID: user.id)
        let ordered = folders.filter { $0.id == defaultProject.id } + folders.filter { $0.id != defaultProject.id }
        return Response.json(.array(ordered.map { Self.render($0, owner: user, viewer: user) }))
    }

    /// `POST /projects/`: a new project (a taken name becomes `Name (1)`), moving in the user's flows listed in
    /// `flows_list` and `components_list`.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        let body = try await request.jsonObject(context: context)
        let fields = FlowController.FlowFields(body: body)
        guard let name = try fields.string("name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.validation(location: ["body", "name"], message: "Field required", input: nil, type: "missing")
        }
        let description = try fields.string("description")
        let parentID = try await parent(body["parent_id"], owner: user.id, of: nil)
        var moving: [UUID] = []
        for key in ["flows_list", "components_list"] {
            moving += try Self.ids(body[key], location: ["body", key])
        }
        var flows: [FlowRecord] = []
        for id in Set(moving) {
            if let flow = try await storage.flow(id: id), flow.userID == user.id { flows.append(flow) }
        }
        var names = NameAllocator(taken: try await storage.folders(userID: user.id).map(\.name))
        let project = try await storage.createFolder(
            FolderRecord(name: names.claim(name), description: description, parentID: parentID, userID: user.id))
        var moved: [FlowRecord] = []
        do {
            for flow in flows {
                var updated = flow
                updated.folderID = project.id
                try await storage.updateFlow(updated, expectedVersionToken: nil)
                moved.append(flow)
            }
        } catch {
            for flow in moved { _ = try? await storage.updateFlow(flow, expectedVersionToken: nil) }
            try? await storage.deleteFolder(id: project.id)
            throw error
        }
        return Response.json(Self.render(project, owner: user, viewer: user), status: .created)
    }

    /// `GET /projects/{id}`: the project with its flows; with `page` and `size`, `{"folder", "flows": page}`
    /// filtered by `search` (in names, ignoring case), `is_component` and `is_flow`.
    @Sendable func read(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let (project, owner) = try await visibleProject(try context.parameters.requireUUID("id"), user: user)
        var flows = try await self.flows(in: project)
        let folder = Self.render(project, owner: owner, viewer: user)
        let page = try request.intQuery("page")
        let size = try request.intQuery("size")
        guard let page, let size else {
            guard case .object(var object) = folder else { return Response.json(folder) }
            object["flows"] = .array(flows.map(FlowController.render))
            return Response.json(.object(object))
        }
        guard page >= 1 else { throw APIError.validation(location: ["query", "page"], message: "Input should be greater than or equal to 1", input: String(page)) }
        guard (1...100).contains(size) else { throw APIError.validation(location: ["query", "size"], message: "Input should be between 1 and 100", input: String(size)) }
        if try request.boolQuery("is_component") == true { flows = flows.filter(\.isComponent) }
        if try request.boolQuery("is_flow") == true { flows = flows.filter { !$0.isComponent } }
        if let search = request.uri.queryParameters.get("search"), !search.isEmpty {
            flows = flows.filter { $0.name.range(of: search, options: .caseInsensitive) != nil }
        }
        let window = flows.dropFirst((page - 1) * size).prefix(size)
        return Response.json([
            "folder": folder,
            "flows": [
                "items": .array(window.map(FlowController.render)), "total": .int(flows.count), "page": .int(page), "size": .int(size),
                "pages": .int((flows.count + size - 1) / size),
            ],
        ])
    }

    /// `PATCH` (and `PUT`) `/projects/{id}`: name, description, parent.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        var request = request
        let body = try await request.jsonObject(context: context)
        let (stored, owner) = try await visibleProject(try context.parameters.requireUUID("id"), user: user)
        let fields = FlowController.FlowFields(body: body)
        var project = stored
        if let name = try fields.string("name"), name != stored.name {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw APIError.validation(location: ["body", "name"], message: "The name must not be empty", input: name)
            }
            if try await storage.folders(userID: stored.userID).contains(where: { $0.name == name && $0.id != stored.id }) {
                throw APIError(.badRequest, "Project name must be unique")
            }
            project.name = name
        }
        if let description = try fields.string("description") { project.description = description }
        if let parent = body["parent_id"], parent != .null {
            guard let ownerID = stored.userID else { throw APIError(.badRequest, "The examples folder cannot be moved") }
            project.parentID = try await self.parent(parent, owner: ownerID, of: stored.id)
        }
        if project != stored { project = try await storage.updateFolder(project) }
        return Response.json(Self.render(project, owner: owner, viewer: user))
    }

    /// `DELETE /projects/{id}`: 204; the flows in the project (and its subprojects) are deleted with it.
    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let (project, _) = try await visibleProject(try context.parameters.requireUUID("id"), user: user)
        guard project.id != ExampleFlows.folderID else {
            throw APIError(.forbidden, "Cannot delete the '\(ExampleFlows.folderName)' folder, that contains the example flows.")
        }
        try await storage.deleteFolder(id: project.id)
        if let directory = settings.dataDirectory { _ = try? await FileStore(dataDirectory: directory).removeOrphans(storage: storage) }
        return Response(status: .noContent)
    }

    /// `GET /projects/download/{id}`: a ZIP of the project's flows, one `<name>.json` each (code as lines).
    @Sendable func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let (project, _) = try await visibleProject(try context.parameters.requireUUID("id"), user: user)
        let flows = try await self.flows(in: project)
        guard !flows.isEmpty else { throw APIError(.notFound, "No flows found in project") }
        let zip = try ZipArchive.make(FlowFile.archiveEntries(flows))
        let filename = "\(FlowTransferController.timestamp())_\(project.name)_flows.zip"
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-zip-compressed", .contentDisposition: attachmentDisposition(filename: filename)],
            body: .init(byteBuffer: ByteBuffer(bytes: zip)))
    }

    /// `POST /projects/upload/`: multipart `file=`, a ZIP of flow files (or a JSON `{"folder_name", "flows"}`):
    /// a new project named after the file, holding new copies of the flows. 201, the flows.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let upload = try await FlowTransferController.receiveFlowFile(request, settings: settings)
        var projectName = upload.filename.map { name -> String in
            let base = name.split(separator: "/").last.map(String.init) ?? name
            guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
            return String(base[..<dot])
        } ?? ""
        var description = ""
        let documents: [JSONObject]
        if ZipArchive.isZip(upload.data) {
            documents = try FlowFile.documents(inUpload: upload.data)
        } else {
            let value: JSONValue
            do {
                value = try JSONValue(parsing: upload.data)
            } catch {
                throw APIError(.badRequest, "Invalid JSON file: \(error.underlying)")
            }
            guard case .object(let object) = value else {
                throw APIError(.badRequest, "Invalid project data: expected a JSON object with 'folder_name' and 'flows' fields")
            }
            let missing = ["folder_name", "flows"].filter { object[$0] == nil }
            guard missing.isEmpty else { throw APIError(.badRequest, "Missing required field(s): \(missing.joined(separator: ", "))") }
            guard case .array(let items) = object["flows"]!, !items.isEmpty else { throw APIError(.badRequest, "No flows found in the data") }
            documents = try items.enumerated().map { index, item in
                guard case .object(let flow) = item else { throw APIError(.unprocessableContent, "flows[\(index)] is not an object") }
                return flow
            }
            projectName = object["folder_name"]?.stringValue ?? projectName
            description = object["folder_description"]?.stringValue ?? ""
        }
        if projectName.trimmingCharacters(in: .whitespaces).isEmpty { projectName = "Imported Project" }
        var names = NameAllocator(taken: try await storage.folders(userID: user.id).map(\.name))
        let project = try await storage.createFolder(FolderRecord(name: names.claim(projectName), description: description, userID: user.id))
        do {
            let flows = try await FlowImport(storage: storage, user: user, logger: context.logger).run(documents, destination: .newProject(project.id))
            return Response.json(.array(flows.map(FlowController.render)), status: .created)
        } catch {
            try? await storage.deleteFolder(id: project.id)
            throw error
        }
    }

    // MARK: - Helpers

    /// The project and its owner if `user` may reach it; 404 `Project not found` otherwise.
    func visibleProject(_ id: UUID, user: UserRecord) async throws -> (FolderRecord, UserRecord?) {
        guard let project = try await storage.folder(id: id), project.userID == user.id || user.isSuperuser else {
            throw APIError(.notFound, "Project not found")
        }
        guard let ownerID = project.userID else { return (project, nil) }
        guard ownerID != user.id else { return (project, user) }
        guard let owner = try await storage.user(id: ownerID) else { throw APIError(.notFound, "Project not found") }
        return (project, owner)
    }

    /// The flows in a project that belong to its owner (the ownerless examples in the examples folder), newest
    /// first.
    func flows(in project: FolderRecord) async throws -> [FlowRecord] {
        guard let ownerID = project.userID else {
            return try await storage.flows(FlowQuery(owner: .everyone, includeExamples: true, folderID: project.id)).items.filter { $0.userID == nil }
        }
        return try await storage.flows(FlowQuery(owner: .user(ownerID), includeExamples: false, folderID: project.id)).items
    }

    /// A `parent_id` from a body: nil when absent; 400 unless it is another project of `owner` that does not
    /// lie inside `child`.
    private func parent(_ value: JSONValue?, owner: UUID, of child: UUID?) async throws -> UUID? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, let id = UUID(uuidString: text) else {
            throw APIError.validation(location: ["body", "parent_id"], message: "Input should be a valid UUID", input: value.serialized(), type: "uuid_parsing")
        }
        var cursor: UUID? = id
        var seen: Set<UUID> = []
        while let current = cursor, seen.insert(current).inserted {
            guard current != child else { throw APIError(.badRequest, "A project cannot be moved inside itself") }
            guard let folder = try await storage.folder(id: current), folder.userID == owner else {
                throw APIError(.badRequest, "Parent project not found")
            }
            cursor = folder.parentID
        }
        return id
    }

    /// A list of flow ids from a body; 422 for anything else.
    private static func ids(_ value: JSONValue?, location: [String]) throws -> [UUID] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else { throw APIError.validation(location: location, message: "Input should be a valid list", input: value.serialized()) }
        return try items.map { item in
            guard let text = item.stringValue, let id = UUID(uuidString: text) else {
                throw APIError.validation(location: location, message: "Input should be a valid UUID", input: item.serialized(), type: "uuid_parsing")
            }
            return id
        }
    }

    /// Langflow's `FolderRead`, with the owner as seen by `viewer`.
    static func render(_ project: FolderRecord, owner: UserRecord?, viewer: UserRecord) -> JSONValue {
        [
            "name": .string(project.name), "description": .text(project.description), "auth_settings": nil,
            "id": .id(project.id), "parent_id": .id(project.parentID), "owner_username": .text(owner?.username),
            "is_owner": .bool(project.userID == viewer.id),
        ]
    }
}
