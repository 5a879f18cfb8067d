import Hummingbird
import LangBuilderCore

extension Request {
    /// The body as a JSON object, or an empty object when there is no body; 422 when it is not a JSON object.
    mutating func optionalJSONObject(context: some RequestContext) async throws -> JSONObject {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return JSONObject() }
        do {
            guard let object = try JSONValue(parsing: String(buffer: buffer)).objectValue else {
                throw APIError(.unprocessableContent, "The request body must be a JSON object")
            }
            return object
        } catch let error as JSONValue.ParseError {
            throw APIError(.unprocessableContent, "The request body is not valid JSON: \(error.underlying)")
        }
    }

    /// A non-empty query parameter, or nil.
    func nonEmptyQuery(_ name: String) -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }
}

extension JSONObject {
    /// A string member, nil when absent or null; 422 at `location` when it is something else.
    func optionalString(_ key: String, at location: [String]) throws -> String? {
        switch self[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw APIError.validation(location: location + [key], message: "Input should be a valid string", input: self[key]?.serialized())
        }
    }
}
