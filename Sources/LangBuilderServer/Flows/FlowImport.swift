import Foundation
import HTTPTypes
import LangBuilderCore
import LangBuilderStorage
import Logging

/// Imports flow files (Langflow exports) for a user, all or nothing: every flow is checked and planned before
/// the first write, and a failed write undoes the ones before it.
///
/// - A flow whose `id` is one of the user's flows overwrites it (``Destination/upsert(folder:)`` only).
/// - A flow whose `id` belongs to someone else, or to an example, becomes a new flow with a new id; an `id`
///   nobody has is kept, so a flow moved between instances keeps its id.
/// - New flows get free names (`Echo (1)`) and endpoint names (`echo-1`), as Langflow's.
/// - Code given as a list of lines is joined into one string.
struct FlowImport {
    let storage: any StorageDriver
    let user: UserRecord
    var logger: Logger?

    /// Where the imported flows go.
    enum Destination {
        /// `POST /flows/upload/`: overwrite the user's flows by id; new flows go to `folder` when given, else to the
        /// file's `folder_id` when it is one of the user's projects, else to the default project; overwritten
        /// flows stay where they are unless `folder` is given.
        case upsert(folder: UUID?)
        /// `POST /projects/upload/`: every flow becomes a new flow in this project.
        case newProject(UUID)
    }

    private enum Step {
        case update(original: FlowRecord, updated: FlowRecord)
        case create(FlowRecord)
    }

    /// Imports the flow objects; returns the stored flows in the order given.
    func run(_ documents: [JSONObject], destination: Destination) async throws -> [FlowRecord] {
        let steps = try await plan(documents, destination: destination)
        var done: [Step] = []
        var stored: [FlowRecord] = []
        do {
            for step in steps {
                switch step {
                case .update(_, let updated): stored.append(try await storage.updateFlow(updated, expectedVersionToken: nil))
                case .create(let flow): stored.append(try await storage.createFlow(flow))
                }
                done.append(step)
            }
        } catch {
            await undo(done)
            throw error
        }
        return stored
    }

    private func undo(_ steps: [Step]) async {
        for step in steps.reversed() {
            do {
                switch step {
                case .update(let original, _): try await storage.updateFlow(original, expectedVersionToken: nil)
                case .create(let flow): try await storage.deleteFlow(id: flow.id)
                }
            } catch {
                logger?.error("could not undo a step of a failed flow import: \(error)")
            }
        }
    }

    private struct Draft {
        var requestedID: UUID?
        var requestedFolder: UUID?
        var fields: FlowController.FlowFields
        var name: String
    }

    private func plan(_ documents: [JSONObject], destination: Destination) async throws -> [Step] {
        var drafts: [Draft] = []
        for (index, document) in documents.enumerated() {
            var document = document
            if let data = document["data"] { document["data"] = FlowFile.joiningCodeLines(data) }
            var requestedID: UUID?
            switch document["id"] {
            case nil, .null?: break
            case .string(let text)?:
                guard let id = UUID(uuidString: text) else {
                    throw APIError.validation(location: ["body", "flows", String(index), "id"], message: "Input should be a valid UUID", input: text, type: "uuid_parsing")
                }
                requestedID = id
            default:
                throw APIError.validation(location: ["body", "flows", String(index), "id"], message: "Input should be a valid UUID", input: document["id"]?.serialized())
            }
            let fields = FlowController.FlowFields(body: document)
            guard let name = try fields.string("name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw APIError.validation(location: ["body", "flows", String(index), "name"], message: "Field required", input: nil, type: "missing")
            }
            var probe = FlowRecord(name: name, userID: user.id)
            try fields.apply(to: &probe)
            drafts.append(Draft(requestedID: requestedID, requestedFolder: probe.folderID, fields: fields, name: name))
        }
        let requested = drafts.compactMap(\.requestedID)
        guard Set(requested).count == requested.count else {
            throw APIError(.unprocessableContent, "Invalid upload: duplicate flow IDs are not allowed")
        }
        var existing: [UUID: FlowRecord] = [:]
        for id in requested {
            if let flow = try await storage.flow(id: id) { existing[id] = flow }
        }
        let mine = try await storage.flows(FlowQuery(owner: .user(user.id), includeExamples: false, includeData: false)).items
        var ownFolders: Set<UUID> = Set(try await storage.folders(userID: user.id).map(\.id))
        func folder(for draft: Draft, fallback: UUID?) async throws -> UUID {
            switch destination {
            case .newProject(let project): return project
            case .upsert(let chosen?): return chosen
            case .upsert(nil):
                if let requested = draft.requestedFolder, ownFolders.contains(requested) { return requested }
                if let fallback { return fallback }
                let project = try await DefaultProject.ensure(for: user.id, storage: storage).id
                ownFolders.insert(project)
                return project
            }
        }

        // Overwrites first: their names and endpoint names are fixed, new flows work around them.
        var steps: [Step?] = Array(repeating: nil, count: drafts.count)
        let overwritten: Set<UUID>
        if case .upsert = destination {
            overwritten = Set(requested.filter { existing[$0]?.userID == user.id })
        } else {
            overwritten = []
        }
        var names = NameAllocator(taken: mine.filter { !overwritten.contains($0.id) }.map(\.name))
        var endpoints = NameAllocator(taken: mine.filter { !overwritten.contains($0.id) }.compactMap(\.endpointName))
        for (index, draft) in drafts.enumerated() {
            guard let id = draft.requestedID, overwritten.contains(id), let original = existing[id] else { continue }
            var updated = original
            try draft.fields.apply(to: &updated)
            guard !names.taken.contains(updated.name) else { throw APIError(.conflict, "Name must be unique: another flow is called \"\(updated.name)\"") }
            names.reserve(updated.name)
            if let endpoint = updated.endpointName {
                guard !endpoints.taken.contains(endpoint) else { throw APIError(.conflict, "Endpoint name must be unique: another flow uses \"\(endpoint)\"") }
                endpoints.reserve(endpoint)
            }
            updated.folderID = try await folder(for: draft, fallback: original.folderID)
            updated.lastModifiedBy = user.id
            updated.updatedAt = Date()
            steps[index] = .update(original: original, updated: updated)
        }
        for (index, draft) in drafts.enumerated() where steps[index] == nil {
            let keepsID = draft.requestedID.map { existing[$0] == nil } ?? false
            var flow = FlowRecord(id: keepsID ? draft.requestedID! : UUID(), name: draft.name, userID: user.id)
            try draft.fields.apply(to: &flow)
            flow.name = names.claim(flow.name)
            flow.endpointName = flow.endpointName.map { endpoints.claimEndpoint($0) }
            flow.folderID = try await folder(for: draft, fallback: nil)
            flow.lastModifiedBy = user.id
            steps[index] = .create(flow)
        }
        return steps.compactMap { $0 }
    }
}
