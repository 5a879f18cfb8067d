import Foundation
import Hummingbird
import LangBuilderCore

extension JSONValue {
    /// A string, or null.
    static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    /// A UUID in Langflow's lowercase form, or null.
    static func id(_ value: UUID?) -> JSONValue { value.map { .string($0.lowercasedString) } ?? .null }
    /// A date as ISO 8601 with microseconds, or null.
    static func date(_ value: Date?) -> JSONValue { value.map { .string(ServerTimestamp.format($0)) } ?? .null }
    static func int(_ value: Int) -> JSONValue { .number(Double(value)) }
}

/// Dates on the wire: `2026-11-22T02:47:00.123456Z`.
enum ServerTimestamp {
    static func format(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds.quotient - (seconds.remainder < 0 ? 1 : 0)))
        let fraction = seconds.remainder < 0 ? seconds.remainder + 1_000_000 : seconds.remainder
        var base = whole.formatted(Date.ISO8601FormatStyle())
        if base.hasSuffix("Z") { base.removeLast() }
        let digits = String(fraction)
        return base + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }
}

extension Request {
    /// The body as JSON; 422 when it is not JSON.
    mutating func jsonBody(context: some RequestContext) async throws -> JSONValue {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        do {
            return try JSONValue(parsing: String(buffer: buffer))
        } catch {
            throw APIError(.unprocessableContent, "The request body is not valid JSON: \(error.underlying)")
        }
    }

    /// The body as a JSON object; 422 otherwise.
    mutating func jsonObject(context: some RequestContext) async throws -> JSONObject {
        guard let object = try await jsonBody(context: context).objectValue else {
            throw APIError(.unprocessableContent, "The request body must be a JSON object")
        }
        return object
    }

    /// A boolean query parameter in FastAPI's spellings; nil when absent, 422 when not a boolean.
    func boolQuery(_ name: String) throws -> Bool? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes", "on", "t", "y": return true
        case "false", "0", "no", "off", "f", "n": return false
        default: throw APIError.validation(location: ["query", name], message: "Input should be a valid boolean", input: text)
        }
    }

    /// An integer query parameter; nil when absent, 422 when not an integer.
    func intQuery(_ name: String) throws -> Int? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text) else {
            throw APIError.validation(location: ["query", name], message: "Input should be a valid integer", input: text)
        }
        return value
    }
}

extension APIError {
    /// A 422 in FastAPI's shape: `{"detail": [{"type", "loc", "msg", "input"}]}`.
    static func validation(location: [String], message: String, input: String?, type: String = "value_error") -> APIError {
        APIError(.unprocessableContent, detail: [["type": .string(type), "loc": .array(location.map(JSONValue.string)), "msg": .string(message), "input": .text(input)]])
    }

    /// A path UUID that does not parse.
    static func invalidUUID(_ name: String, _ text: String) -> APIError {
        validation(location: ["path", name], message: "Input should be a valid UUID, invalid character: expected a UUID, found \"\(text)\"", input: text, type: "uuid_parsing")
    }
}

extension Parameters {
    /// A UUID path parameter, or 422 in FastAPI's shape.
    func requireUUID(_ name: String) throws -> UUID {
        let text = get(name) ?? ""
        guard let id = UUID(uuidString: text) else { throw APIError.invalidUUID(name, text) }
        return id
    }
}
