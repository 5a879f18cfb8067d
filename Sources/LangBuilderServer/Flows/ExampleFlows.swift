public import Foundation
import LangBuilderCore
public import LangBuilderStorage

/// The example flows that ship with the server: Langflow's starter projects. They are owned by nobody
/// (`user_id: null`), live in the ownerless "Starter Projects" folder, are readable by every user and
/// writable by none but the superuser.
///
/// Each example is one Langflow flow file (`*.json`, code values as strings or lists of lines) in the
/// `Examples` resource directory of this module, with a fixed `id`; adding an example is dropping a file in.
/// ``seed(into:)`` runs at start and is idempotent: it creates missing examples, updates those whose file
/// changed and removes those whose file is gone.
///
/// ```swift
/// let report = try await ExampleFlows.shipped().seed(into: storage)
/// logger.info("example flows: \(report.created) created, \(report.updated) updated, \(report.removed) removed")
/// ```
public struct ExampleFlows: Sendable {
    /// The ownerless folder of the examples.
    public static let folderID = UUID(uuidString: "5f4c1a9e-8d3b-4c2a-9e71-0b6d2f3a4c5e")!
    public static let folderName = "Starter Projects"
    public static let folderDescription = "Example flows that ship with LangBuilder."

    /// The examples, by file name order.
    public let flows: [FlowRecord]

    /// What ``seed(into:)`` changed.
    public struct SeedReport: Sendable, Equatable {
        public var created: Int
        public var updated: Int
        public var removed: Int

        public init(created: Int = 0, updated: Int = 0, removed: Int = 0) {
            self.created = created
            self.updated = updated
            self.removed = removed
        }
    }

    /// Why an example file was refused.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The examples in the module's `Examples` resource directory.
    public static func shipped() throws -> ExampleFlows {
        guard let directory = Bundle.module.url(forResource: "Examples", withExtension: nil) else {
            throw LoadError(description: "the Examples resource directory is missing from the LangBuilderServer bundle")
        }
        return try ExampleFlows(directory: directory)
    }

    /// The examples in the `*.json` files of `directory`.
    public init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        var flows: [FlowRecord] = []
        for name in names {
            let flow = try Self.example(from: try Data(contentsOf: directory.appendingPathComponent(name)), file: name)
            if let other = flows.first(where: { $0.id == flow.id }) {
                throw LoadError(description: "\(name): the id \(flow.id.lowercasedString) is also the id of the example \"\(other.name)\"")
            }
            flows.append(flow)
        }
        self.flows = flows
    }

    private static func example(from data: Data, file: String) throws -> FlowRecord {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: data)
        } catch {
            throw LoadError(description: "\(file): \(error)")
        }
        guard case .object(var object) = value else { throw LoadError(description: "\(file): not a JSON object") }
        guard let id = object["id"]?.stringValue.flatMap(UUID.init(uuidString:)) else {
            throw LoadError(description: "\(file): an example needs a fixed \"id\" (a UUID)")
        }
        guard let name = object["name"]?.stringValue, !name.isEmpty else { throw LoadError(description: "\(file): an example needs a \"name\"") }
        guard case .object? = object["data"] else { throw LoadError(description: "\(file): an example needs its graph in \"data\"") }
        object["data"] = FlowFile.joiningCodeLines(object["data"]!)
        for key in ["endpoint_name", "folder_id", "user_id"] { object[key] = nil }
        var flow = FlowRecord(id: id, name: name, userID: nil)
        do {
            try FlowController.FlowFields(body: object).apply(to: &flow)
        } catch let error as APIError {
            throw LoadError(description: "\(file): \(error.detail.serialized())")
        }
        flow.folderID = folderID
        flow.userID = nil
        return flow
    }

    /// Brings storage in line with the shipped examples (see the type's summary).
    @discardableResult
    public func seed(into storage: some StorageDriver) async throws -> SeedReport {
        var report = SeedReport()
        let folder = FolderRecord(id: Self.folderID, name: Self.folderName, description: Self.folderDescription, userID: nil)
        if let stored = try await storage.folder(id: Self.folderID) {
            if stored != folder { try await storage.updateFolder(folder) }
        } else {
            try await storage.createFolder(folder)
        }
        let stored = try await storage.flows(FlowQuery(owner: .everyone, includeExamples: true, folderID: Self.folderID)).items
            .filter { $0.userID == nil }
        for example in flows {
            guard let current = stored.first(where: { $0.id == example.id }) else {
                try await storage.createFlow(example)
                report.created += 1
                continue
            }
            guard !Self.same(current, example) else { continue }
            var updated = example
            updated.createdAt = current.createdAt
            updated.updatedAt = Date()
            try await storage.updateFlow(updated, expectedVersionToken: nil)
            report.updated += 1
        }
        let shipped = Set(flows.map(\.id))
        let stale = stored.filter { !shipped.contains($0.id) }.map(\.id)
        if !stale.isEmpty { report.removed = try await storage.deleteFlows(ids: stale, ownedBy: nil) }
        return report
    }

    /// Whether a stored example still matches its file (dates, version token and last editor aside).
    private static func same(_ stored: FlowRecord, _ example: FlowRecord) -> Bool {
        var stored = stored
        stored.createdAt = example.createdAt
        stored.updatedAt = example.updatedAt
        stored.versionToken = example.versionToken
        stored.lastModifiedBy = example.lastModifiedBy
        return stored == example
    }
}
