import Foundation

extension Value {
    /// The value as JSON: strings, numbers and booleans as they are, JSON documents parsed, bytes as base64,
    /// objects as `{"type": name}`.
    public var jsonValue: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let integer): return .number(Double(integer))
        case .double(let number): return .number(number)
        case .string(let text): return .string(text)
        case .bytes(let bytes): return .string(Data(bytes).base64EncodedString())
        case .json(_, let text): return (try? JSONValue(parsing: text)) ?? .string(text)
        case .object(let handle): return ["type": .string(handle.typeName)]
        }
    }

    /// The text a person reads for this value: a Message's text, a string, other values as JSON.
    public var text: String { TypeRegistry.text(of: self) }

    /// ``text``, read from `parsed` (this value's ``jsonValue``) instead of parsing the document again.
    func text(parsed: JSONValue) -> String {
        guard case .json(let type, let raw) = self, TypeRegistry.textDocumentTypes.contains(type) else { return text }
        return parsed["text"]?.stringValue ?? raw
    }
}

extension TypeRegistry {
    /// Converts a value crossing an edge into what the input accepts: a Message into text for a text input,
    /// text into a Message for a Message input, an int into a float. Values already accepted pass unchanged.
    public func convert(_ value: Value, toAccepted accepted: [String]) -> Value {
        if accepted.isEmpty || accepted.contains("Any") { return value }
        let type = canonical(value.typeName)
        if accepted.contains(where: { canonical($0) == type }) { return value }
        let wantsText = accepted.contains { $0 == "str" || $0 == "Text" }
        let wantsMessage = accepted.contains("Message")
        switch value {
        case .json(let kind, _) where wantsText && (kind == "Message" || kind == "Data" || kind == "JSON"):
            return .string(Self.text(of: value))
        case .string(let text) where wantsMessage:
            return .json(type: "Message", text: JSONValue.object(Self.message(text: text)).serialized())
        case .int(let integer) where accepted.contains("float"):
            return .double(Double(integer))
        case .int, .double, .bool:
            if wantsText { return .string(value.description) }
            if wantsMessage { return .json(type: "Message", text: JSONValue.object(Self.message(text: value.description)).serialized()) }
            return value
        default:
            return value
        }
    }

    /// A minimal Langflow Message with this text.
    static func message(text: String) -> JSONObject {
        var message = JSONObject()
        message["text"] = .string(text)
        message["sender"] = "Machine"
        message["sender_name"] = "AI"
        return message
    }
}
