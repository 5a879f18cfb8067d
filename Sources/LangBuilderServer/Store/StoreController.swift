import Foundation
import Hummingbird
import LangBuilderComponentStore
import LangBuilderCore
import LangBuilderStorage

/// `/api/v1/store/...`: browse the component store, install and remove bundles (superuser only), trigger a sync
/// and read its status. Installs and removals are applied to the running registry at once.
struct StoreController {
    let sync: StoreSync
    let storage: any StorageDriver

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("store/components", use: list)
        group.get("store/components/{name}", use: show)
        group.post("store/install", use: install)
        group.delete("store/components/{name}", use: remove)
        group.get("store/status", use: status)
        group.post("store/sync", use: syncNow)
    }

    /// The index, from the last sync, or fetched now when there is none yet.
    private func index() async throws -> StoreIndex {
        if let index = sync.status.index { return index }
        let status = await sync.sync()
        guard let index = status.index else {
            throw APIError(.badGateway, "The component store could not be read: \(status.lastError ?? "unknown error")")
        }
        return index
    }

    /// `GET /store/components?search=&page=&limit=`: Langflow's store listing shape (`count`, `results`).
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let index = try await index()
        let found = StoreClient.search(request.uri.queryParameters.get("search") ?? "", in: index)
        let page = max(try request.intQuery("page") ?? 1, 1)
        let limit = min(max(try request.intQuery("limit") ?? 50, 1), 500)
        let window = found.dropFirst((page - 1) * limit).prefix(limit)
        return Response.json(["count": .int(found.count), "results": .array(window.map { render($0, index: index, detailed: false) })])
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let name = try context.parameters.require("name")
        let index = try await index()
        guard let bundle = index.bundle(named: name) else { throw APIError(.notFound, "No bundle \(name) in the component store") }
        return Response.json(render(bundle, index: index, detailed: true))
    }

    /// `POST /store/install {"name": "...", "version": "..."}`: superuser only.
    @Sendable func install(_ request: Request, context: AppRequestContext) async throws -> Response {
        try UserController.requireSuperuser(try context.requireUser())
        var request = request
        let body = try await request.jsonObject(context: context)
        guard let name = body["name"]?.stringValue, !name.isEmpty else {
            throw APIError.validation(location: ["body", "name"], message: "Field required", input: nil, type: "missing")
        }
        let version = body["version"]?.stringValue
        let dryRun = body["dry_run"]?.boolValue ?? false
        let client = sync.client
        let refreshed = await sync.sync()
        guard let index = refreshed.index else {
            throw APIError(.badGateway, "The component store could not be read: \(refreshed.lastError ?? "unknown error")")
        }
        let planned: [StoreClient.PlannedInstall]
        do {
            planned = try await sync.change {
                let plan = try client.plan(.init(name: name, version: version), index: index)
                if !dryRun { try client.install(plan, index: index) }
                return plan
            }
        } catch let error as ComponentStoreError {
            throw Self.apiError(error)
        }
        let loaded = sync.registry.snapshot.registry.bundles
        let installed: [JSONValue] = planned.map { item in
            [
                "id": .string(item.bundle.id), "version": .string(item.version.version), "replacing": .text(item.replacing),
                "required_by": .text(item.requiredBy),
                // False when the registry refused the new version (e.g. a component another bundle exports).
                "loaded": .bool(loaded.contains { $0.descriptor.id == item.bundle.id && $0.descriptor.version == item.version.version }),
            ]
        }
        return Response.json(
            ["dry_run": .bool(dryRun), "installed": .array(installed), "errors": .text(dryRun ? nil : sync.status.lastError)],
            status: dryRun ? .ok : .created)
    }

    /// `DELETE /store/components/{name}?force=true`: superuser only; refused while stored flows use it.
    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        try UserController.requireSuperuser(try context.requireUser())
        let name = try context.parameters.require("name")
        let installedBundles = sync.client.installed
        guard let bundle = installedBundles.list().first(where: { $0.id == name || $0.receipt?.name == name }) else {
            throw APIError(.notFound, "\(name) is not installed from the component store")
        }
        if try request.boolQuery("force") != true {
            let components = Set(bundle.receipt?.components ?? [])
            let users = try await storage.flows(FlowQuery(owner: .everyone)).items.filter { flow in
                Self.nodeTypes(flow.data).contains { components.contains($0) }
            }
            if !users.isEmpty {
                throw APIError(.conflict, "\(bundle.id) is used by stored flows: \(users.map(\.name).joined(separator: ", ")); pass force=true to remove it anyway")
            }
        }
        do {
            try await sync.change {
                let lock = try installedBundles.lock()
                defer { lock.release() }
                try installedBundles.remove(bundle.id)
            }
        } catch let error as ComponentStoreError {
            throw Self.apiError(error)
        }
        return Response.json(["removed": .string(bundle.id), "version": .string(bundle.current)])
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return Response.json(render(sync.status))
    }

    @Sendable func syncNow(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return Response.json(render(await sync.sync()))
    }

    // MARK: - Rendering

    private func render(_ bundle: StoreBundle, index: StoreIndex, detailed: Bool) -> JSONValue {
        let installed = sync.client.installed.installed(bundle.id)
        let latest = bundle.latest
        let summary: JSONValue = [
            "id": .string(bundle.id), "name": .string(bundle.name), "display_name": .string(bundle.displayName),
            "description": .string(bundle.description), "license": .text(bundle.license), "homepage": .text(bundle.homepage),
            "latest_version": .text(latest?.version), "installed_version": .text(installed?.current),
            "components": .array((latest?.components ?? []).map(JSONValue.string)),
            "revoked": .bool(latest.map { index.revocation(of: bundle.id, version: $0.version) != nil } ?? false),
        ]
        guard detailed, case .object(var object) = summary else { return summary }
        do {
            object["versions"] = .array(bundle.versions.reversed().map { version in
                let revocation = index.revocation(of: bundle.id, version: version.version)
                let installable = (try? sync.client.check(version, of: bundle, index: index, pinned: true)) != nil
                var dependencies = JSONObject()
                for (id, range) in version.dependencies { dependencies[id] = .string(range) }
                return [
                    "version": .string(version.version), "yanked": .bool(version.yanked), "yank_reason": .text(version.yankReason),
                    "revoked": .text(revocation?.reason), "abi_version": .string(version.abiVersion.description),
                    "abi_range": .string(version.abiRange), "min_host_version": .string(version.minHostVersion),
                    "dependencies": .object(dependencies), "components": .array(version.components.map(JSONValue.string)),
                    "installable": .bool(installable), "published": .date(version.published),
                    "artifacts": .array(version.artifacts.map { artifact in
                        [
                            "os": .string(artifact.os), "arch": .string(artifact.arch), "language": .string(artifact.language.rawValue),
                            "swift_compiler_version": .text(artifact.swiftCompilerVersion), "sha256": .string(artifact.sha256),
                            "size": .int(artifact.size),
                        ]
                    }),
                ]
            })
        }
        return .object(object)
    }

    private func render(_ status: StoreSync.Status) -> JSONValue {
        let installed = sync.client.installed.list()
        let updates = status.index.map { sync.client.updates(index: $0) } ?? []
        let loaded = sync.registry.snapshot.registry.bundles
        return [
            "store": .string(sync.client.source.url), "index_version": status.indexVersion.map(JSONValue.int) ?? .null,
            "last_sync": .date(status.lastSync), "last_error": .text(status.lastError), "syncs": .int(status.syncs),
            "auto_update": .bool(sync.configuration.autoUpdate),
            "interval_seconds": sync.configuration.interval.map { .int(Int($0.components.seconds)) } ?? .null,
            "installed": .array(installed.map { bundle in
                [
                    "id": .string(bundle.id), "version": .string(bundle.current), "previous": .text(bundle.previous),
                    "loaded_version": .text(loaded.first { $0.descriptor.id == bundle.id }?.descriptor.version),
                ]
            }),
            "updates": .array(updates.map { ["id": .string($0.id), "installed": .string($0.installed), "available": .string($0.available)] }),
            "disabled": .array(status.disabled.map { ["id": .string($0.id), "version": .string($0.version), "reason": .string($0.reason)] }),
            "hot_loaded": .array(status.hotLoaded.map { ["id": .string($0.id), "from": .text($0.from), "to": .string($0.to)] }),
        ]
    }

    /// The component types of a stored flow's nodes (`data.nodes[].data.type`).
    static func nodeTypes(_ data: String?) -> [String] {
        guard let data, let document = try? JSONValue(parsing: data), case .object(let root) = document,
            case .array(let nodes)? = root["nodes"]
        else { return [] }
        return nodes.compactMap { node in
            guard case .object(let object) = node, case .object(let inner)? = object["data"] else { return nil }
            return inner["type"]?.stringValue
        }
    }

    /// A store refusal as an HTTP error: 404 for unknown names, 409 for conflicts, 422 for refusals, 502 for the
    /// store being unreachable.
    static func apiError(_ error: ComponentStoreError) -> APIError {
        switch error.reason {
        case .notFound, .notInstalled: return APIError(.notFound, error.description)
        case .inUse, .versionImmutable: return APIError(.conflict, error.description)
        case .transport: return APIError(.badGateway, error.description)
        case .io: return APIError(.internalServerError, error.description)
        default: return APIError(.unprocessableContent, error.description)
        }
    }
}
