import Foundation
import Hummingbird
import LangBuilderCore

/// `GET /api/v1/all`: the component registry in Langflow's shape, with an entity tag. Authenticated, as Langflow.
struct RegistryController<Context: RequestContext> {
    let registry: RegistryHolder

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("all") { request, _ in
            let snapshot = registry.snapshot
            if let tags = request.headers[.ifNoneMatch], tags.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == snapshot.etag }) {
                return Response(status: .notModified, headers: [.eTag: snapshot.etag])
            }
            return Response.json(text: snapshot.catalogJSON, headers: [.eTag: snapshot.etag])
        }
    }
}
