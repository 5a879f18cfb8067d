import Foundation
import LangBuilderCore

/// One documented route: what `/openapi.json` says about it.
///
/// The table of operations (``APIDescription/operations``) is checked against the router's real routes by a
/// test, so the document cannot list a route that does not exist or miss one that does.
struct APIOperation: Sendable {
    /// Who may call the route.
    enum Access: Sendable {
        /// Anyone.
        case open
        /// A user: `Authorization: Bearer <JWT>`, the `access_token_lf` cookie, or an API key.
        case user
        /// The run endpoints: an API key (`x-api-key` header or query) as Langflow; a Bearer token is accepted too.
        case apiKey
        /// The superuser only.
        case superuser
    }

    /// A query parameter.
    struct Parameter: Sendable {
        var name: String
        var type: String
        var description: String
        var required = false
    }

    /// A request body.
    enum Body: Sendable {
        case json(JSONValue, description: String)
        case form(fields: [String], description: String)
        case multipart(description: String)
        case any(description: String)
    }

    var method: String
    var path: String
    var tag: String
    var summary: String
    var access: Access
    var query: [Parameter] = []
    var body: Body?
    /// Status → description (and an optional schema).
    var responses: [(status: Int, description: String, schema: JSONValue?)]
}

/// The OpenAPI 3.1 document of the REST API, served at `GET /openapi.json` and rendered at `GET /docs`.
enum APIDescription {
    static func reference(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func array(of schema: JSONValue) -> JSONValue { ["type": "array", "items": schema] }
    static let object: JSONValue = ["type": "object"]

    /// The OpenAPI document for a server of `version`, with the component store's routes when it has a `store`.
    static func document(version: String, store: Bool = false) -> JSONValue {
        var paths = JSONObject()
        var order: [String] = []
        var byPath: [String: JSONObject] = [:]
        for operation in operations(store: store) {
            if byPath[operation.path] == nil { order.append(operation.path) }
            byPath[operation.path, default: JSONObject()][operation.method] = render(operation)
        }
        for path in order { paths[path] = .object(byPath[path]!) }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "LangBuilder",
                "version": .string(version),
                "description": .string(
                    "LangBuilder's REST API. It follows Langflow's /api/v1 paths, bodies and shapes, so Langflow "
                        + "clients work unchanged. Errors are JSON {\"detail\": ...}."),
            ],
            "paths": .object(paths),
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"],
                    "cookie": ["type": "apiKey", "in": "cookie", "name": "access_token_lf"],
                    "apiKeyHeader": ["type": "apiKey", "in": "header", "name": "x-api-key"],
                    "apiKeyQuery": ["type": "apiKey", "in": "query", "name": "x-api-key"],
                ],
                "schemas": .object(schemas),
            ],
        ]
    }

    private static func render(_ operation: APIOperation) -> JSONValue {
        var object = JSONObject()
        object["tags"] = [.string(operation.tag)]
        object["summary"] = .string(operation.summary)
        object["operationId"] = .string(operationID(operation))
        var parameters: [JSONValue] = []
        for name in pathParameters(operation.path) {
            parameters.append(["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]])
        }
        for parameter in operation.query {
            parameters.append([
                "name": .string(parameter.name), "in": "query", "required": .bool(parameter.required),
                "description": .string(parameter.description), "schema": ["type": .string(parameter.type)],
            ])
        }
        if !parameters.isEmpty { object["parameters"] = .array(parameters) }
        switch operation.body {
        case nil: break
        case .json(let schema, let description)?:
            object["requestBody"] = [
                "description": .string(description), "required": true,
                "content": ["application/json": ["schema": schema]],
            ]
        case .form(let fields, let description)?:
            var properties = JSONObject()
            for field in fields { properties[field] = ["type": "string"] }
            object["requestBody"] = [
                "description": .string(description), "required": true,
                "content": ["application/x-www-form-urlencoded": [
                    "schema": ["type": "object", "properties": .object(properties), "required": .array(fields.map(JSONValue.string))]
                ]],
            ]
        case .multipart(let description)?:
            object["requestBody"] = [
                "description": .string(description), "required": true,
                "content": ["multipart/form-data": [
                    "schema": ["type": "object", "properties": ["file": ["type": "string", "format": "binary"]], "required": ["file"]]
                ]],
            ]
        case .any(let description)?:
            object["requestBody"] = [
                "description": .string(description), "required": false,
                "content": ["application/json": ["schema": [:]], "text/plain": ["schema": ["type": "string"]]],
            ]
        }
        var responses = JSONObject()
        for response in operation.responses {
            var entry = JSONObject()
            entry["description"] = .string(response.description)
            if let schema = response.schema { entry["content"] = ["application/json": ["schema": schema]] }
            responses[String(response.status)] = .object(entry)
        }
        switch operation.access {
        case .open: break
        case .user, .superuser:
            responses["401"] = ["description": "Invalid or expired token", "content": ["application/json": ["schema": reference("Error")]]]
            responses["403"] = ["description": "No credentials, or not allowed", "content": ["application/json": ["schema": reference("Error")]]]
        case .apiKey:
            responses["403"] = ["description": "Invalid or missing API key", "content": ["application/json": ["schema": reference("Error")]]]
        }
        if operation.body != nil || !operation.query.isEmpty || !pathParameters(operation.path).isEmpty {
            responses["422"] = ["description": "Invalid input", "content": ["application/json": ["schema": reference("Error")]]]
        }
        object["responses"] = .object(responses)
        switch operation.access {
        case .open: object["security"] = []
        case .user, .superuser, .apiKey:
            object["security"] = [["bearer": []], ["cookie": []], ["apiKeyHeader": []], ["apiKeyQuery": []]]
        }
        if case .superuser = operation.access { object["description"] = "Superuser only." }
        return .object(object)
    }

    /// `{name}` segments of a path.
    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    private static func operationID(_ operation: APIOperation) -> String {
        let words = operation.path.split(separator: "/").filter { $0 != "api" && $0 != "v1" && $0 != "v2" }
            .map { $0.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "").replacingOccurrences(of: "-", with: "_") }
        return ([operation.method] + words).joined(separator: "_")
    }
}
