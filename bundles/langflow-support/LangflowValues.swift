#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import LangBuilderBundleSDK

/// A value received by a Langflow component, read into the shape Langflow's Python sees.
///
/// The engine carries Langflow's objects as JSON documents: a Message is a `Message` object (`text`, `sender`,
/// ...), a Data is a `Data` object holding the data dictionary itself (its `text` key is the text), and a
/// DataFrame is a `DataFrame` array of row objects. A `list` holds the values of several edges into a list input.
public enum LangflowValue: Sendable, Equatable {
    case message(JSONObject)
    case data(JSONObject)
    case dataFrame([JSONObject])
    case list([JSON])
    case dict(JSONObject)
    case text(String)
    case scalar(JSON)

    /// Reads a value; JSON documents that do not parse fail with a message naming the input.
    public init(_ value: Value, input: String, component: String) throws {
        switch value {
        case .null: self = .scalar(.null)
        case .bool(let flag): self = .scalar(.bool(flag))
        case .int(let integer): self = .scalar(.int(integer))
        case .double(let number): self = .scalar(.double(number))
        case .string(let text): self = .text(text)
        case .bytes(let bytes): self = .text(String(decoding: bytes, as: UTF8.self))
        case .object(let reference):
            throw ComponentFailure("\(component): input '\(input)' cannot take a \(reference.typeName) object")
        case .json(let type, let text):
            let json: JSON
            do {
                json = try JSON(parsing: text)
            } catch {
                throw ComponentFailure("\(component): input '\(input)' holds a \(type) that is not valid JSON: \(error)")
            }
            self = Self.classify(json, type: type)
        }
    }

    /// A parsed JSON document of the engine's type `type`.
    public static func classify(_ json: JSON, type: String) -> LangflowValue {
        switch (type, json) {
        case ("Message", .object(let object)): return .message(object)
        case ("Data", .object(let object)), ("JSON", .object(let object)): return .data(object)
        case ("DataFrame", .array(let rows)), ("Table", .array(let rows)):
            return .dataFrame(rows.map { $0.objectValue ?? JSONObject([("value", $0)]) })
        case ("dict", .object(let object)): return .dict(object)
        case (_, .array(let elements)): return .list(elements)
        case (_, .object(let object)): return .data(object)
        case (_, .string(let text)): return .text(text)
        default: return .scalar(json)
        }
    }

    /// The text Langflow reads from the value: a Message's `text`, a Data's text key, a string as it is,
    /// other values as Python's `str()` writes them.
    public var text: String {
        switch self {
        case .message(let message): Python.str(message["text"] ?? .string(""))
        case .data(let data): Self.text(ofData: data)
        case .text(let text): text
        case .scalar(let json): Python.str(json)
        case .dict(let object): Python.str(.object(object))
        case .list(let elements):
            // Like `dict_values_to_string`: a list's Messages and Data read as their text first.
            Python.str(.array(elements.map { element in element.objectValue?["text"].map { .string(Python.str($0)) } ?? element }))
        case .dataFrame(let rows): Python.str(.array(rows.map(JSON.object)))
        }
    }

    /// `Data.get_text()`: the value of the `text` key, or the empty string.
    public static func text(ofData data: JSONObject) -> String {
        guard let value = data["text"] else { return "" }
        return Python.str(value)
    }

    /// The value as Data objects (Langflow's `list[Data]`): a Data as itself, a DataFrame's rows, a list's
    /// objects, a Message as its fields; text becomes `{"text": ...}`.
    public var dataItems: [JSONObject] {
        switch self {
        case .data(let data), .dict(let data): [data]
        case .message(let message): [message]
        case .dataFrame(let rows): rows
        case .list(let elements): elements.map { $0.objectValue ?? JSONObject([("text", .string(Python.str($0)))]) }
        case .text(let text): [JSONObject([("text", .string(text))])]
        case .scalar(let json): [JSONObject([("text", .string(Python.str(json)))])]
        }
    }

    /// A short name of the value's kind for messages ("Message", "Data", "DataFrame", "list", "text", ...).
    public var kindName: String {
        switch self {
        case .message: "Message"
        case .data: "Data"
        case .dataFrame: "DataFrame"
        case .list: "list"
        case .dict: "dict"
        case .text: "text"
        case .scalar(let json):
            switch json {
            case .bool: "bool"
            case .int: "int"
            case .double: "float"
            default: "null"
            }
        }
    }
}

/// Builds the values Langflow components produce.
public enum Langflow {
    /// A Message with `text`, as `Message(text=...)` makes it: no sender, the run's session, a UTC timestamp.
    public static func message(_ text: String, context: Context, sender: String? = nil, senderName: String? = nil) -> Value {
        var message = JSONObject()
        message["text"] = .string(text)
        message["sender"] = sender.map(JSON.string) ?? .null
        message["sender_name"] = senderName.map(JSON.string) ?? .null
        message["session_id"] = .string(context.info("session_id") ?? "")
        message["timestamp"] = .string(timestamp())
        message["files"] = .array([])
        message["error"] = .bool(false)
        message["edit"] = .bool(false)
        message["category"] = .string("message")
        return .json(type: "Message", text: JSON.object(message).serialized())
    }

    /// A Data holding `data`.
    public static func data(_ data: JSONObject) -> Value {
        .json(type: "Data", text: JSON.object(data).serialized())
    }

    /// A DataFrame of `rows`.
    public static func dataFrame(_ rows: [JSONObject]) -> Value {
        .json(type: "DataFrame", text: JSON.array(rows.map(JSON.object)).serialized())
    }

    /// A list of Data (Langflow's `list[Data]`).
    public static func dataList(_ items: [JSONObject]) -> Value {
        .json(type: "list", text: JSON.array(items.map(JSON.object)).serialized())
    }

    /// The current time as Langflow stamps messages: `2025-01-31 12:00:00 UTC`.
    public static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) \(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)) UTC"
    }
}

extension Inputs {
    /// The input read as a ``LangflowValue``, or nil when it has no value.
    public func langflow(_ name: String, component: String) throws -> LangflowValue? {
        guard let value = self[name] else { return nil }
        return try LangflowValue(value, input: name, component: component)
    }

    /// The input's text (Message text, Data text key, string), or `fallback` when it has no value.
    public func text(_ name: String, component: String, default fallback: String = "") throws -> String {
        try langflow(name, component: component)?.text ?? fallback
    }

    /// A list input of strings (Langflow's `is_list` text fields): a JSON list's items as text, or one value.
    public func textList(_ name: String, component: String) throws -> [String] {
        guard let value = try langflow(name, component: component) else { return [] }
        switch value {
        case .list(let elements): return elements.map { element in
            if case .object(let object) = element, let text = object["text"] { return Python.str(text) }
            return Python.str(element)
        }
        case .text(let text) where text.isEmpty: return []
        default: return [value.text]
        }
    }

    /// A dictionary input (Langflow's `DictInput`): a JSON object, a list of objects merged, or nil.
    public func dictionary(_ name: String, component: String) throws -> JSONObject? {
        guard let value = try langflow(name, component: component) else { return nil }
        switch value {
        case .dict(let object), .data(let object), .message(let object): return object
        case .list(let elements):
            var merged = JSONObject()
            for element in elements {
                guard let object = element.objectValue else {
                    throw ComponentFailure("\(component): input '\(name)' must be a dictionary, found a list holding \(Python.str(element))")
                }
                for (key, value) in object { merged[key] = value }
            }
            return merged
        case .text(let text):
            if text.isEmpty { return nil }
            guard let object = try? JSON(parsing: text).objectValue else {
                throw ComponentFailure("\(component): input '\(name)' must be a dictionary (a JSON object), found text")
            }
            return object
        default:
            throw ComponentFailure("\(component): input '\(name)' must be a dictionary, found \(value.kindName)")
        }
    }
}
