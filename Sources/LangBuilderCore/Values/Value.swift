/// A value flowing along an edge of a flow or into a component's field.
///
/// It mirrors the ABI's `lb_value` without its pointers: strings and JSON documents are Swift strings, and
/// object handles keep their reference count through ``ObjectHandle``.
///
/// ```swift
/// let message = Value.json(type: "Message", text: #"{"text":"hello"}"#)
/// let count = Value.int(3)
/// ```
public enum Value: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    /// A JSON document of a named type such as "Message", "Data", "DataFrame", "dict" or "list".
    case json(type: String, text: String)
    /// An opaque object of a named type (e.g. "LanguageModel", "Tool") owned by a bundle.
    case object(ObjectHandle)

    /// The type name of the value, as used by ports: "str", "int", "float", "bool", "bytes", "null",
    /// or the JSON/object type name.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .json(let type, _): type
        case .object(let handle): handle.typeName
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): value
        case .bytes(let value): "<\(value.count) bytes>"
        case .json(_, let text): text
        case .object(let handle): "<\(handle.typeName) object>"
        }
    }

    /// Converts a JSON value (a field's value in a flow, or a port's default) into a value.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value):
            if let integer = Int64(exactly: value) { self = .int(integer) } else { self = .double(value) }
        case .string(let value): self = .string(value)
        case .array: self = .json(type: "list", text: json.serialized())
        case .object: self = .json(type: "dict", text: json.serialized())
        }
    }
}
