public import LangBuilderBundleSDK

/// Langflow's tool mode across bundles: a component offers itself to agents on an output named
/// `component_as_tool` (display name "Toolset", type `Tool`), holding an object handle of type `Tool`.
///
/// The convention, which any bundle in any language can follow with its own object:
/// - `describe` (no arguments) answers a `dict` JSON document `{"name", "description", "parameters"}`, where
///   `parameters` is the JSON schema of the arguments, as OpenAI's function calling takes it;
/// - `invoke` takes one `dict` JSON document of arguments and answers the result as text (`str`), or fails
///   with a message the agent shows the model.
///
/// An agent receives its tools on a list input: one handle, or the host's `list` object when several edges
/// bring tools (see ``LangBuilderBundleSDK/Inputs/objects(_:context:)``).
///
/// ```swift
/// let tool = ComponentTool(name: "evaluate_expression", description: "Evaluates arithmetic.",
///     parameters: ComponentTool.schema(["expression": "The arithmetic expression"])) { arguments, context in
///     try evaluate(arguments["expression"]?.stringValue ?? "")
/// }
/// return ["component_as_tool": tool.value(context: context)]
/// ```
public final class ComponentTool: ObjectBehavior {
    public let name: String
    public let description: String
    public let parameters: JSONObject
    private let action: @Sendable (JSONObject, Context) throws -> String

    public init(name: String, description: String, parameters: JSONObject, action: @escaping @Sendable (JSONObject, Context) throws -> String) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.action = action
    }

    /// The JSON schema of an object of string properties, all required: `["expression": "what it is"]`.
    public static func schema(_ properties: KeyValuePairs<String, String>) -> JSONObject {
        var fields = JSONObject()
        for (name, description) in properties {
            fields[name] = .object(JSONObject([("type", .string("string")), ("description", .string(description))]))
        }
        return JSONObject([
            ("type", .string("object")), ("properties", .object(fields)), ("required", .array(properties.map { .string($0.key) })),
        ])
    }

    /// The tool as an output value (an object handle of type `Tool`).
    public func value(context: Context) -> Value {
        .object(ObjectReference(typeName: "Tool", object: self, context: context))
    }

    public func invoke(_ method: String, arguments: [Value?], context: Context) throws -> Value {
        switch method {
        case "describe":
            let description = JSONObject([("name", .string(name)), ("description", .string(description)), ("parameters", .object(parameters))])
            return .json(type: "dict", text: JSON.object(description).serialized())
        case "invoke":
            var given = JSONObject()
            if let first = arguments.first, let value = first {
                switch value {
                case .json(_, let text):
                    guard let object = try? JSON(parsing: text).objectValue else {
                        throw ComponentFailure("tool \(name): the arguments are not a JSON object")
                    }
                    given = object
                case .string(let text) where !text.isEmpty:
                    guard let object = try? JSON(parsing: text).objectValue else {
                        throw ComponentFailure("tool \(name): the arguments are not a JSON object")
                    }
                    given = object
                case .null, .string: break
                default: throw ComponentFailure("tool \(name): the arguments must be a JSON object, found \(value.typeName)")
                }
            }
            return .string(try action(given, context))
        default:
            throw ComponentFailure("tool \(name) has no method '\(method)' (a Tool has describe and invoke)")
        }
    }
}

/// A tool received from another component, whichever bundle made it.
public struct ToolHandle: Sendable {
    public let reference: ObjectReference
    public let name: String
    public let description: String
    public let parameters: JSONObject

    /// Asks the tool to describe itself; fails naming what is wrong with the answer.
    public init(_ reference: ObjectReference, context: Context) throws(ComponentFailure) {
        guard reference.typeName == "Tool" else { throw ComponentFailure("expected a Tool, found a \(reference.typeName) object") }
        let answer = try reference.invoke("describe", context: context)
        guard case .json(_, let text) = answer, let object = try? JSON(parsing: text).objectValue,
            let name = object["name"]?.stringValue, !name.isEmpty
        else { throw ComponentFailure("a Tool's describe answered no name") }
        self.reference = reference
        self.name = name
        self.description = object["description"]?.stringValue ?? ""
        self.parameters = object["parameters"]?.objectValue ?? JSONObject([("type", .string("object")), ("properties", .object(JSONObject()))])
    }

    /// Runs the tool with `arguments`; its text answer.
    public func call(_ arguments: JSONObject, context: Context) throws(ComponentFailure) -> String {
        let answer = try reference.invoke("invoke", [.json(type: "dict", text: JSON.object(arguments).serialized())], context: context)
        switch answer {
        case .string(let text): return text
        case .json(_, let text): return text
        case .null: return ""
        default: return answer.description
        }
    }
}
