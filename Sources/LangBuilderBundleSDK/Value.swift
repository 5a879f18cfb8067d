/// A value a Swift component receives or produces; the SDK converts it to and from the ABI's `lb_value`.
public enum Value: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    /// A JSON document of a named type: "Message", "Data", "DataFrame", "dict", "list".
    case json(type: String, text: String)
    /// An object handle received from another component; it can be passed on unchanged.
    case object(ObjectReference)

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .json(let type, _): type
        case .object(let reference): reference.typeName
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
        case .object(let reference): "<\(reference.typeName) object>"
        }
    }
}

/// An object handle owned by some bundle, received as an input. The SDK holds a reference while it lives.
public final class ObjectReference: @unchecked Sendable, Equatable {
    public let typeName: String
    let instance: UnsafeMutableRawPointer?
    let vtable: UnsafeRawPointer

    init(retaining instance: UnsafeMutableRawPointer?, vtable: UnsafeRawPointer, typeName: String) {
        self.instance = instance
        self.vtable = vtable
        self.typeName = typeName
        ABIBridge.retain(instance: instance, vtable: vtable)
    }

    deinit { ABIBridge.release(instance: instance, vtable: vtable) }

    public static func == (lhs: ObjectReference, rhs: ObjectReference) -> Bool {
        lhs.instance == rhs.instance && lhs.vtable == rhs.vtable
    }
}
