import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
@testable import LangBuilderServer
import Testing

/// `GET /openapi.json` and `GET /docs` (issue 4, "endpoints"): the document describes exactly the real routes.
@Suite struct DocumentationTests {
    /// `METHOD /path/{}` with parameter names and trailing slashes left out.
    static func key(_ method: String, _ path: String) -> String {
        let segments = path.split(separator: "/").map { $0.hasPrefix("{") ? "{}" : String($0) }
        return method.uppercased() + " /" + segments.joined(separator: "/")
    }

    @Test func theDocumentListsExactlyTheRoutesOfTheRouter() async throws {
        let server = try await TestServer()
        let router = buildRouter(settings: server.settings, storage: server.storage, registry: server.registry, auth: server.auth)
        // /api/v1/folders/... only redirects to /api/v1/projects/... (307), as Langflow: not documented twice.
        let routes = Set(router.routes.filter { !$0.path.description.hasPrefix("/api/v1/folders") }.map { Self.key($0.method.rawValue, $0.path.description) })
        let documented = Set(APIDescription.operations.map { Self.key($0.method, $0.path) })
        #expect(routes.subtracting(documented).sorted() == [], "routes missing from /openapi.json")
        #expect(documented.subtracting(routes).sorted() == [], "documented routes that do not exist")
        #expect(APIDescription.operations.count == documented.count, "an operation is documented twice")
    }

    @Test func withAComponentStoreTheDocumentListsItsRoutesToo() async throws {
        let server = try await TestServer()
        let store = try StoreControllerTests.Store(registry: server.registry)
        defer { try? FileManager.default.removeItem(at: store.root) }
        let router = buildRouter(settings: server.settings, storage: server.storage, registry: server.registry, auth: server.auth, storeSync: store.sync)
        let routes = Set(router.routes.filter { !$0.path.description.hasPrefix("/api/v1/folders") }.map { Self.key($0.method.rawValue, $0.path.description) })
        let documented = Set(APIDescription.operations(store: true).map { Self.key($0.method, $0.path) })
        #expect(routes.subtracting(documented).sorted() == [], "routes missing from /openapi.json")
        #expect(documented.subtracting(routes).sorted() == [], "documented routes that do not exist")
        #expect(documented.contains("POST /api/v1/store/install"))
        let document = APIDescription.document(version: "1", store: true)
        #expect(document["paths"]?["/api/v1/store/install"] != nil)
        #expect(APIDescription.document(version: "1")["paths"]?["/api/v1/store/install"] == nil)
    }

    @Test func servesTheDocumentAndItsPage() async throws {
        let server = try await TestServer()
        try await server.app().test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let document = response.body.json()
                #expect(document["openapi"]?.stringValue == "3.1.0")
                #expect(document["info"]?["version"]?.stringValue == "9.9.9")
                let run = document["paths"]?["/api/v1/run/{flow_id_or_name}"]?["post"]
                #expect(run?["requestBody"]?["content"]?["application/json"] != nil)
                #expect(run?["parameters"]?[0]?["name"]?.stringValue == "flow_id_or_name")
                #expect(document["paths"]?["/health"]?["get"]?["security"] == .array([]))
                // Every $ref points at a schema that exists.
                let schemas = document["components"]?["schemas"]?.objectValue
                let references = Self.references(in: document)
                #expect(!references.isEmpty)
                for reference in references {
                    #expect(schemas?[String(reference.dropFirst("#/components/schemas/".count))] != nil, "dangling \(reference)")
                }
            }
            try await client.execute(uri: "/docs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("/openapi.json"))
            }
        }
    }

    static func references(in value: JSONValue) -> [String] {
        switch value {
        case .object(let object):
            var found: [String] = []
            for (key, child) in object {
                if key == "$ref", let text = child.stringValue { found.append(text) } else { found += references(in: child) }
            }
            return found
        case .array(let array): return array.flatMap(references(in:))
        default: return []
        }
    }
}
