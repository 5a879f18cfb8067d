/// The signature of a plain C function exported through the libffi tier, e.g. `d(dd)`.
///
/// One letter per type: `v` void (result only), `b` bool, `i` int32, `l` int64, `f` float, `d` double,
/// `s` borrowed NUL-terminated string, `S` malloc'ed string result that the host frees.
public struct FunctionSignature: Sendable, Equatable, CustomStringConvertible {
    public enum Letter: UInt8, Sendable {
        case void = 0x76  // v
        case bool = 0x62  // b
        case int32 = 0x69  // i
        case int64 = 0x6C  // l
        case float = 0x66  // f
        case double = 0x64  // d
        case string = 0x73  // s
        case ownedString = 0x53  // S

        /// The Langflow field type of a parameter of this type.
        var fieldType: String {
            switch self {
            case .bool: "bool"
            case .int32, .int64: "int"
            case .float, .double: "float"
            case .string, .ownedString, .void: "str"
            }
        }

        /// The types an edge may bring into a parameter of this type.
        var acceptedTypes: [String] {
            switch self {
            case .bool: ["bool"]
            case .int32, .int64: ["int"]
            case .float, .double: ["float", "int"]
            case .string, .ownedString, .void: ["str", "Message", "Text"]
            }
        }

        /// The types a result of this type produces.
        var producedTypes: [String] {
            switch self {
            case .void: ["null"]
            case .bool: ["bool"]
            case .int32, .int64: ["int"]
            case .float, .double: ["float"]
            case .string, .ownedString: ["str"]
            }
        }
    }

    public struct ParseError: Error {
        public var message: String
    }

    public var result: Letter
    public var parameters: [Letter]

    public init(parsing text: String) throws(ParseError) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 3, bytes[1] == UInt8(ascii: "("), bytes.last == UInt8(ascii: ")") else {
            throw ParseError(message: "expected RESULT(PARAMETERS), e.g. d(dd)")
        }
        guard let result = Letter(rawValue: bytes[0]) else {
            throw ParseError(message: "unknown result type '\(Character(UnicodeScalar(bytes[0])))' (use v b i l f d s S)")
        }
        var parameters: [Letter] = []
        for byte in bytes[2..<(bytes.count - 1)] {
            guard let letter = Letter(rawValue: byte), letter != .void, letter != .ownedString else {
                throw ParseError(message: "unknown parameter type '\(Character(UnicodeScalar(byte)))' (use b i l f d s)")
            }
            parameters.append(letter)
        }
        guard parameters.count <= 16 else { throw ParseError(message: "at most 16 parameters") }
        self.result = result
        self.parameters = parameters
    }

    public var description: String {
        String(decoding: [result.rawValue] + [UInt8(ascii: "(")] + parameters.map(\.rawValue) + [UInt8(ascii: ")")], as: UTF8.self)
    }
}
