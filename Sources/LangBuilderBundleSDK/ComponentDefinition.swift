/// Declares one component of a Swift bundle: its ports and the code that runs it.
///
/// ```swift
/// ComponentDefinition(
///     "Add", displayName: "Add", description: "Adds two numbers.", category: "math", icon: "Plus",
///     inputs: [.number("a", required: true), .number("b", required: true)],
///     outputs: [.init("result", types: ["float"])]
/// ) { inputs, _ in
///     ["result": .double(try inputs.number("a") + inputs.number("b"))]
/// }
/// ```
public struct ComponentDefinition: Sendable {
    public var typeName: String
    public var displayName: String
    public var description: String
    public var category: String
    public var icon: String?
    public var documentation: String?
    public var inputs: [InputDefinition]
    public var outputs: [OutputDefinition]
    /// A stateless component may run on several threads at once.
    public var isThreadSafe: Bool
    /// Takes fields beyond `inputs`, named by the flow (e.g. a prompt's `{variables}`); read them by name
    /// from ``Inputs`` like declared ones.
    public var acceptsExtraInputs = false
    /// Other type names flows may use for this component (ABI 1.1), e.g. a legacy Langflow key such as
    /// `Prompt` for `Prompt Template`. Hosts older than ABI 1.1 ignore them.
    public var aliases: [String] = []
    /// Shown as legacy (superseded) in editors.
    public var isLegacy = false
    /// Shown as beta in editors.
    public var isBeta = false
    /// Never blocks (ABI 1.4 `LB_COMPONENT_NONBLOCKING`): it only computes, with no I/O, sleeping or waiting, and
    /// calls no blocking host service (HTTP, chat history, `run_flow`, variables by name). A run made only of
    /// such components runs on the thread that asked for it, without a hand-off to a worker thread.
    public var isNonBlocking = false
    let makeInstance: @Sendable (Inputs, Context) throws -> any ComponentBehavior

    /// A stateless component: `run` is called for every run of every instance.
    public init(
        _ typeName: String,
        displayName: String? = nil,
        description: String = "",
        category: String = "custom",
        icon: String? = nil,
        documentation: String? = nil,
        inputs: [InputDefinition] = [],
        outputs: [OutputDefinition],
        run: @escaping @Sendable (Inputs, Context) throws -> Outputs
    ) {
        self.typeName = typeName
        self.displayName = displayName ?? typeName
        self.description = description
        self.category = category
        self.icon = icon
        self.documentation = documentation
        self.inputs = inputs
        self.outputs = outputs
        self.isThreadSafe = true
        let behavior = ClosureBehavior(body: run)
        self.makeInstance = { _, _ in behavior }
    }

    /// A component with per-instance state: `makeInstance` receives the field values once per instance.
    public init(
        _ typeName: String,
        displayName: String? = nil,
        description: String = "",
        category: String = "custom",
        icon: String? = nil,
        documentation: String? = nil,
        inputs: [InputDefinition] = [],
        outputs: [OutputDefinition],
        threadSafe: Bool = false,
        makeInstance: @escaping @Sendable (Inputs, Context) throws -> any ComponentBehavior
    ) {
        self.typeName = typeName
        self.displayName = displayName ?? typeName
        self.description = description
        self.category = category
        self.icon = icon
        self.documentation = documentation
        self.inputs = inputs
        self.outputs = outputs
        self.isThreadSafe = threadSafe
        self.makeInstance = makeInstance
    }
}

extension ComponentDefinition {
    /// The same component, declared non-blocking (``isNonBlocking``).
    public func nonBlocking() -> ComponentDefinition {
        var copy = self
        copy.isNonBlocking = true
        return copy
    }
}

/// The behaviour of a component instance that keeps state between runs.
public protocol ComponentBehavior: AnyObject, Sendable {
    func run(_ inputs: Inputs, context: Context) throws -> Outputs
}

private final class ClosureBehavior: ComponentBehavior {
    let body: @Sendable (Inputs, Context) throws -> Outputs
    init(body: @escaping @Sendable (Inputs, Context) throws -> Outputs) { self.body = body }
    func run(_ inputs: Inputs, context: Context) throws -> Outputs { try body(inputs, context) }
}

/// An input port: a field that holds a value or receives one through an edge.
public struct InputDefinition: Sendable {
    public var name: String
    public var displayName: String
    public var info: String?
    /// Langflow field type: "str", "int", "float", "bool", "dict", "prompt", ...
    public var fieldType: String
    /// Types an edge may bring; empty: value only.
    public var acceptedTypes: [String]
    /// The default as JSON text, e.g. `"\"User\""`, `"0.5"`.
    public var defaultJSON: String?
    public var options: [String]?
    public var isRequired: Bool
    public var isList: Bool
    public var isAdvanced: Bool
    public var isSecret: Bool
    public var isMultiline: Bool
    /// Not shown in editors.
    public var isHidden: Bool
    /// Fed only by an edge; has no editable value (Langflow's `HandleInput`).
    public var isHandle: Bool

    public init(
        _ name: String,
        displayName: String? = nil,
        info: String? = nil,
        fieldType: String = "str",
        acceptedTypes: [String] = [],
        defaultJSON: String? = nil,
        options: [String]? = nil,
        required: Bool = false,
        list: Bool = false,
        advanced: Bool = false,
        secret: Bool = false,
        multiline: Bool = false,
        hidden: Bool = false,
        handle: Bool = false
    ) {
        self.name = name
        self.displayName = displayName ?? name
        self.info = info
        self.fieldType = fieldType
        self.acceptedTypes = acceptedTypes
        self.defaultJSON = defaultJSON
        self.options = options
        self.isRequired = required
        self.isList = list
        self.isAdvanced = advanced
        self.isSecret = secret
        self.isMultiline = multiline
        self.isHidden = hidden
        self.isHandle = handle
    }

    /// A text field that also takes a Message, Text or str edge.
    public static func text(_ name: String, displayName: String? = nil, info: String? = nil, default value: String? = nil, required: Bool = false, multiline: Bool = false) -> InputDefinition {
        InputDefinition(
            name, displayName: displayName, info: info, fieldType: "str", acceptedTypes: ["str", "Message", "Text"],
            defaultJSON: value.map(jsonString), required: required, multiline: multiline)
    }

    /// A number field that also takes an int or float edge.
    public static func number(_ name: String, displayName: String? = nil, info: String? = nil, default value: Double? = nil, required: Bool = false) -> InputDefinition {
        InputDefinition(
            name, displayName: displayName, info: info, fieldType: "float", acceptedTypes: ["float", "int"],
            defaultJSON: value.map { String($0) }, required: required)
    }

    /// An integer field that also takes an int edge.
    public static func integer(_ name: String, displayName: String? = nil, info: String? = nil, default value: Int64? = nil, required: Bool = false) -> InputDefinition {
        InputDefinition(
            name, displayName: displayName, info: info, fieldType: "int", acceptedTypes: ["int"],
            defaultJSON: value.map { String($0) }, required: required)
    }

    /// A dropdown of fixed choices.
    public static func choice(_ name: String, displayName: String? = nil, info: String? = nil, options: [String], default value: String) -> InputDefinition {
        InputDefinition(name, displayName: displayName, info: info, fieldType: "str", defaultJSON: jsonString(value), options: options)
    }

    /// A boolean switch.
    public static func flag(_ name: String, displayName: String? = nil, info: String? = nil, default value: Bool = false, advanced: Bool = false) -> InputDefinition {
        InputDefinition(name, displayName: displayName, info: info, fieldType: "bool", defaultJSON: value ? "true" : "false", advanced: advanced)
    }
}

/// An output port.
public struct OutputDefinition: Sendable {
    public var name: String
    public var displayName: String
    public var types: [String]
    /// Not shown in editors.
    public var isHidden: Bool
    /// May take a loop's feedback edge: the output a loop component hands each item on.
    public var allowsLoop: Bool

    public init(_ name: String, displayName: String? = nil, types: [String], hidden: Bool = false, allowsLoop: Bool = false) {
        self.name = name
        self.displayName = displayName ?? name
        self.types = types
        self.isHidden = hidden
        self.allowsLoop = allowsLoop
    }
}

/// The JSON text of a string (quoted and escaped).
func jsonString(_ value: String) -> String {
    var result = "\""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
