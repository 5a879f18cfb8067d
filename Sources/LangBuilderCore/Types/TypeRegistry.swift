import Foundation

/// The value types the registry knows and the rule that says which output may feed which input.
///
/// The rule (``canConnect(outputTypes:to:)``): an output may feed an input when one of the output's types
/// is accepted by the input, directly, through an alias (Langflow renamed `Data` to `JSON` and `DataFrame` to
/// `Table` and lists both names side by side), through a lossless widening (`int` into `float`), or through a
/// text view (`Message` and `str`/`Text` convert into each other), or when the input accepts `Any`.
public struct TypeRegistry: Sendable {
    /// A named value type.
    public struct ValueType: Sendable, Equatable {
        public var name: String
        public var summary: String
    }

    public private(set) var types: [String: ValueType]
    private var aliases: [String: String]
    private var conversions: [String: Set<String>]

    /// The built-in types: scalars, Langflow's data types and the object handle types.
    public static let standard = TypeRegistry()

    public init() {
        let builtIn: [(String, String)] = [
            ("str", "UTF-8 text"), ("int", "64-bit integer"), ("float", "double-precision number"), ("bool", "true or false"),
            ("bytes", "raw bytes"), ("null", "no value"), ("dict", "a JSON object"), ("list", "a JSON array"),
            ("Text", "plain text (Langflow's Text)"), ("Message", "a chat message: {text, sender, sender_name, session_id, ...}"),
            ("Data", "a JSON object with a text key (Langflow's Data, also JSON)"),
            ("DataFrame", "rows of Data (Langflow's DataFrame, also Table)"),
            ("LanguageModel", "an object handle that completes prompts"), ("Tool", "an object handle an agent can call"),
            ("Embeddings", "an object handle that embeds text"), ("Memory", "an object handle holding chat history"),
            ("Any", "accepts every type"),
        ]
        types = Dictionary(uniqueKeysWithValues: builtIn.map { ($0.0, ValueType(name: $0.0, summary: $0.1)) })
        aliases = ["JSON": "Data", "Table": "DataFrame"]
        conversions = [
            "int": ["float", "str", "Text", "Message"],
            "float": ["str", "Text", "Message"],
            "bool": ["str", "Text"],
            "str": ["Text", "Message"],
            "Text": ["str", "Message"],
            "Message": ["str", "Text", "Data"],
            "Data": ["dict", "Message", "str", "Text"],
            "dict": ["Data"],
            "DataFrame": ["list"],
            "list": ["DataFrame"],
        ]
    }

    /// The canonical name of a type (aliases resolved).
    public func canonical(_ name: String) -> String { aliases[name] ?? name }

    /// Whether a value of type `output` may feed an input accepting `input`.
    public func canConvert(_ output: String, to input: String) -> Bool {
        let from = canonical(output)
        let to = canonical(input)
        return from == to || to == "Any" || conversions[from]?.contains(to) == true
    }

    /// The port-compatibility rule: may an output producing `outputTypes` feed an input accepting `acceptedTypes`?
    /// An input that accepts no types takes no edge at all.
    public func canConnect(outputTypes: [String], to acceptedTypes: [String]) -> Bool {
        outputTypes.contains { output in acceptedTypes.contains { canConvert(output, to: $0) } }
    }

    // MARK: - Reading values as scalars (used by the libffi tier and by components)

    /// The text of a value: strings as they are, a Message's or Data's `text` key, other JSON as its text.
    /// The JSON document types whose text is their `text` member.
    static let textDocumentTypes: Set<String> = ["Message", "Data", "JSON", "Text"]

    public static func text(of value: Value) -> String {
        switch value {
        case .string(let text): return text
        case .json(let type, let text):
            if textDocumentTypes.contains(type),
                let parsed = try? JSONValue(parsing: text), let inner = parsed["text"]?.stringValue
            {
                return inner
            }
            return text
        case .null: return ""
        default: return value.description
        }
    }

    public static func number(of value: Value) -> Double? {
        switch value {
        case .double(let number): number
        case .int(let integer): Double(integer)
        case .bool(let flag): flag ? 1 : 0
        case .string, .json: Double(text(of: value).trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    public static func integer(of value: Value) -> Int64? {
        switch value {
        case .int(let integer): integer
        case .double(let number): Int64(exactly: number)
        case .bool(let flag): flag ? 1 : 0
        case .string, .json: Int64(text(of: value).trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    public static func bool(of value: Value) -> Bool? {
        switch value {
        case .bool(let flag): flag
        case .int(let integer): integer != 0
        case .string, .json:
            switch text(of: value).lowercased() {
            case "true", "1", "yes": true
            case "false", "0", "no", "": false
            default: nil
            }
        default: nil
        }
    }
}
