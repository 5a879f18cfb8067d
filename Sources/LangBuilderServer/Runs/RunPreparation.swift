import Foundation
import HTTPTypes
import LangBuilderAuth
import LangBuilderCore
import LangBuilderStorage
import Logging
import Synchronization

/// What every way of running a flow shares (`/run`, `/run/advanced`, builds, webhooks): reading the stored
/// flow, building it against the registry, and the run options with the user's variables and the chat history
/// of the storage.
struct RunPreparation: Sendable {
    let storage: any StorageDriver
    let registry: RegistryHolder
    let credentials: CredentialCipher
    /// Records the flows that components run (Run Flow) as the flows they are: their messages and transactions.
    let recorder: RunRecorder
    /// Stored flows already parsed, by id and version: a flow that runs again is not parsed again.
    let parsedFlows = ParsedFlowCache()

    /// The flow stored in `record` (or `data` in its place, for a build of an unsaved graph), with its id set to
    /// the record's; 422 when it cannot be read.
    func flow(_ record: FlowRecord, data: JSONValue? = nil) throws -> Flow {
        if data == nil, let cached = parsedFlows.flow(record) { return cached }
        var flow: Flow
        do {
            if let data {
                flow = try Flow(json: data)
            } else {
                guard let stored = record.data else {
                    throw APIError(.unprocessableContent, "Flow \(record.id.lowercasedString) has no data to run")
                }
                flow = try Flow(parsing: Data(stored.utf8))
            }
        } catch let error as FlowError {
            throw APIError(.unprocessableContent, "The flow cannot be read: \(error)")
        }
        flow.id = record.id.lowercasedString
        if data == nil { parsedFlows.keep(flow, of: record) }
        return flow
    }

    /// Builds `flow` against the current registry.
    func plan(_ flow: Flow, tweaks: JSONValue? = nil, inputValue: String? = nil, inputType: String = "chat") throws(FlowValidationError) -> ExecutionPlan {
        try FlowBuilder(registry: registry.snapshot.registry).build(flow, tweaks: tweaks, inputValue: inputValue, inputType: inputType)
    }

    /// Builds the stored flow of `record` (parsed as `flow`) for a run. Without tweaks, the plan comes from a
    /// template kept per flow version, registry generation and input type (the flow built without an input,
    /// ``FlowBuilder/plan(_:withInput:inputType:)``), so a flow that runs again is not validated and planned
    /// again; with tweaks, or when no template fits, it is built afresh.
    func plan(_ flow: Flow, of record: FlowRecord, tweaks: JSONValue?, inputValue: String?, inputType: String) throws(FlowValidationError) -> ExecutionPlan {
        guard tweaks == nil else { return try plan(flow, tweaks: tweaks, inputValue: inputValue, inputType: inputType) }
        let snapshot = registry.snapshot
        let key = "\(snapshot.generation) \(inputType)"
        let template: ExecutionPlan?
        if let kept = parsedFlows.template(of: record, key: key) {
            template = kept
        } else {
            // A flow that only builds with its input (a required input_value) keeps no template: nil is kept.
            template = try? FlowBuilder(registry: snapshot.registry).build(flow, inputType: inputType)
            parsedFlows.keep(template: template, of: record, key: key)
        }
        if let template {
            guard let inputValue else { return template }
            if let plan = FlowBuilder.plan(template, withInput: inputValue, inputType: inputType) { return plan }
        }
        return try FlowBuilder(registry: snapshot.registry).build(flow, inputValue: inputValue, inputType: inputType)
    }

    /// The options of a run of `plan` as `user`: the user's variables are read before the run when the flow
    /// references some, else on a component's first `get_variable`, so plain runs cost no extra storage query.
    /// `depth` counts the flows this run is nested in (Run Flow); its components may run stored flows of the
    /// user one level deeper.
    func options(
        for plan: ExecutionPlan, flowID: UUID, user: UserRecord, sessionID: String?, inputValue: String?, logger: Logger, depth: Int = 0
    ) async throws -> RunOptions {
        let readsVariables = plan.vertices.contains { vertex in
            vertex.inputs.contains { if case .variable = $0 { true } else { false } }
        }
        let lookup: @Sendable (String) -> String?
        if readsVariables {
            let variables = try await VariableController.values(for: user.id, storage: storage, credentials: credentials)
            lookup = { variables[$0] }
        } else {
            // A component may still ask for a variable by name (a model's OPENAI_API_KEY): read them on first use.
            let lazy = LazyVariables { [storage, credentials] in try await VariableController.values(for: user.id, storage: storage, credentials: credentials) }
            lookup = { lazy.value(named: $0) }
        }
        return RunOptions(
            flowID: flowID.lowercasedString, sessionID: sessionID, userID: user.id.lowercasedString, inputValue: inputValue,
            variables: lookup, logger: logger,
            services: HostServices(
                http: HostServices.current.http, messages: StoredMessageHistory(storage: storage, recorder: recorder),
                flows: StoredFlowService(preparation: self, user: user, depth: depth)))
    }

    /// The flow named by id or endpoint name, if `user` may run it; 404 `Flow identifier … not found` otherwise.
    func flow(identifiedBy identifier: String, user: UserRecord) async throws -> FlowRecord {
        if let id = UUID.parsing(identifier), let flow = try await storage.flow(id: id), Self.mayRun(flow, user) {
            return flow
        }
        if let flow = try await storage.flow(endpointName: identifier, userID: user.id) { return flow }
        throw APIError(.notFound, "Flow identifier \(identifier) not found")
    }

    /// Whether `user` may run (and read the run records of) `flow`: the owner, anyone for an example flow, the superuser.
    static func mayRun(_ flow: FlowRecord, _ user: UserRecord) -> Bool {
        flow.userID == user.id || flow.userID == nil || user.isSuperuser
    }

    /// A flow that does not build: 422 with every issue.
    static func invalid(_ error: FlowValidationError) -> APIError {
        APIError(.unprocessableContent, detail: [
            "message": .string(summary(error)), "issues": .array(error.issues.map(render)),
        ])
    }

    static func summary(_ error: FlowValidationError) -> String {
        "The flow is not valid: \(error.issues.count) problem\(error.issues.count == 1 ? "" : "s")"
    }

    static func render(_ issue: FlowIssue) -> JSONValue {
        [
            "type": .string(issue.kind.rawValue), "node_id": .text(issue.nodeID), "component_type": .text(issue.componentType),
            "field": .text(issue.field), "message": .string(issue.message), "description": .string(issue.description),
        ]
    }
}

/// Parsed stored flows, keyed by flow id and checked against the record's version token (every write of a
/// flow changes it), so an edited flow is parsed afresh. Bounded: past `capacity` flows it starts over.
final class ParsedFlowCache: Sendable {
    private struct Entry {
        var version: String
        var flow: Flow
        /// Plan templates by registry generation and input type; nil: the flow does not build without its input.
        var templates: [String: ExecutionPlan?] = [:]
    }

    private let entries = Mutex<[UUID: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 512) { self.capacity = capacity }

    func flow(_ record: FlowRecord) -> Flow? {
        entries.withLock { entries in
            guard let entry = entries[record.id], entry.version == record.versionToken else { return nil }
            return entry.flow
        }
    }

    func keep(_ flow: Flow, of record: FlowRecord) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[record.id] == nil { entries.removeAll(keepingCapacity: true) }
            entries[record.id] = Entry(version: record.versionToken, flow: flow)
        }
    }

    /// The template kept for `record`'s version under `key`: .some(nil) when the flow had none.
    func template(of record: FlowRecord, key: String) -> ExecutionPlan?? {
        entries.withLock { entries in
            guard let entry = entries[record.id], entry.version == record.versionToken else { return nil }
            return entry.templates[key]
        }
    }

    /// Keeps a template for `record`'s version, if its parsed flow is still kept (a few registry generations at most).
    func keep(template: ExecutionPlan?, of record: FlowRecord, key: String) {
        entries.withLock { entries in
            guard entries[record.id]?.version == record.versionToken else { return }
            if entries[record.id]!.templates.count >= 8 { entries[record.id]!.templates.removeAll() }
            entries[record.id]!.templates[key] = template  // in place: the kept flow and templates are not copied
        }
    }
}

/// The user's variables, read from storage the first time a component asks for one (on the run's worker thread,
/// which waits; never on Swift's cooperative pool).
final class LazyVariables: Sendable {
    private let load: @Sendable () async throws -> [String: String]
    private let loaded = Mutex<[String: String]?>(nil)

    init(_ load: @escaping @Sendable () async throws -> [String: String]) { self.load = load }

    func value(named name: String) -> String? {
        if let variables = loaded.withLock({ $0 }) { return variables[name] }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let load = self.load
        Task {
            box.variables = (try? await load()) ?? [:]
            done.signal()
        }
        done.wait()
        let variables = box.variables
        loaded.withLock { $0 = variables }
        return variables[name]
    }

    private final class Box: @unchecked Sendable {
        // Written by the task before it signals, read after the wait.
        var variables: [String: String] = [:]
    }
}
