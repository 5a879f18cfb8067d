/// What a component is: its type name, how editors show it, its input and output ports.
///
/// Pure data, read from a bundle's descriptor by the loader (or from a `manifest.json`); the code that runs
/// it is the ``RegisteredComponent``'s implementation.
public struct ComponentDescriptor: Sendable, Equatable, Codable {
    /// The component's type name, unique across all loaded bundles (Langflow-compatible, e.g. `ChatInput`).
    public var typeName: String
    public var displayName: String
    public var description: String
    /// Langflow category, e.g. `input_output`, `processing`.
    public var category: String
    public var icon: String?
    public var documentation: String?
    public var inputs: [InputPort]
    public var outputs: [OutputPort]
    /// One instance may run on several threads at once.
    public var isThreadSafe: Bool
    /// Never blocks (ABI 1.4 `LB_COMPONENT_NONBLOCKING`): runs made only of such components run on the caller's thread.
    public var isNonBlocking: Bool
    public var isBeta: Bool
    public var isLegacy: Bool
    /// Takes fields beyond its declared inputs, named by the flow (a prompt's `{variables}`).
    public var acceptsExtraInputs: Bool
    /// For plain C functions called through libffi: their signature string, e.g. `d(dd)`.
    public var signature: String?
    /// Other type names the registry resolves to this component (ABI 1.1), e.g. Langflow's legacy `Prompt` for
    /// `Prompt Template`. Listings show ``typeName`` only.
    public var aliases: [String]

    public init(
        typeName: String,
        displayName: String,
        description: String = "",
        category: String = "custom",
        icon: String? = nil,
        documentation: String? = nil,
        inputs: [InputPort] = [],
        outputs: [OutputPort] = [],
        isThreadSafe: Bool = false,
        isNonBlocking: Bool = false,
        isBeta: Bool = false,
        isLegacy: Bool = false,
        acceptsExtraInputs: Bool = false,
        signature: String? = nil,
        aliases: [String] = []
    ) {
        self.typeName = typeName
        self.displayName = displayName
        self.description = description
        self.category = category
        self.icon = icon
        self.documentation = documentation
        self.inputs = inputs
        self.outputs = outputs
        self.isThreadSafe = isThreadSafe
        self.isNonBlocking = isNonBlocking
        self.isBeta = isBeta
        self.isLegacy = isLegacy
        self.acceptsExtraInputs = acceptsExtraInputs
        self.signature = signature
        self.aliases = aliases
    }

    private enum CodingKeys: String, CodingKey {
        case typeName, displayName, description, category, icon, documentation, inputs, outputs, isThreadSafe, isNonBlocking, isBeta,
            isLegacy, acceptsExtraInputs, signature, aliases
    }

    /// Decodes a descriptor; `aliases` and `isNonBlocking` are optional, so manifests written before ABI 1.1 and 1.4 still read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        typeName = try container.decode(String.self, forKey: .typeName)
        displayName = try container.decode(String.self, forKey: .displayName)
        description = try container.decode(String.self, forKey: .description)
        category = try container.decode(String.self, forKey: .category)
        icon = try container.decodeIfPresent(String.self, forKey: .icon)
        documentation = try container.decodeIfPresent(String.self, forKey: .documentation)
        inputs = try container.decode([InputPort].self, forKey: .inputs)
        outputs = try container.decode([OutputPort].self, forKey: .outputs)
        isThreadSafe = try container.decode(Bool.self, forKey: .isThreadSafe)
        isNonBlocking = try container.decodeIfPresent(Bool.self, forKey: .isNonBlocking) ?? false
        isBeta = try container.decode(Bool.self, forKey: .isBeta)
        isLegacy = try container.decode(Bool.self, forKey: .isLegacy)
        acceptsExtraInputs = try container.decode(Bool.self, forKey: .acceptsExtraInputs)
        signature = try container.decodeIfPresent(String.self, forKey: .signature)
        aliases = try container.decodeIfPresent([String].self, forKey: .aliases) ?? []
    }

    /// The input port with this name.
    public func input(named name: String) -> InputPort? { inputs.first { $0.name == name } }
    /// The output port with this name.
    public func output(named name: String) -> OutputPort? { outputs.first { $0.name == name } }
}

/// One input of a component: a field that holds a value, or receives one through an edge.
public struct InputPort: Sendable, Equatable, Codable {
    public var name: String
    public var displayName: String
    public var info: String?
    /// Langflow field type: `str`, `int`, `float`, `bool`, `dict`, `prompt`, `code`, `file`, `other`.
    public var fieldType: String
    /// The value types an edge may bring (Langflow `input_types`); empty: the field takes no edge.
    public var acceptedTypes: [String]
    /// The default value, if any.
    public var defaultValue: JSONValue?
    /// The choices of a dropdown.
    public var options: [String]?
    public var isRequired: Bool
    public var isList: Bool
    public var isAdvanced: Bool
    public var isHidden: Bool
    public var isSecret: Bool
    public var isMultiline: Bool
    /// Fed only by an edge; has no editable value.
    public var isHandle: Bool

    public init(
        name: String,
        displayName: String? = nil,
        info: String? = nil,
        fieldType: String = "str",
        acceptedTypes: [String] = [],
        defaultValue: JSONValue? = nil,
        options: [String]? = nil,
        isRequired: Bool = false,
        isList: Bool = false,
        isAdvanced: Bool = false,
        isHidden: Bool = false,
        isSecret: Bool = false,
        isMultiline: Bool = false,
        isHandle: Bool = false
    ) {
        self.name = name
        self.displayName = displayName ?? name
        self.info = info
        self.fieldType = fieldType
        self.acceptedTypes = acceptedTypes
        self.defaultValue = defaultValue
        self.options = options
        self.isRequired = isRequired
        self.isList = isList
        self.isAdvanced = isAdvanced
        self.isHidden = isHidden
        self.isSecret = isSecret
        self.isMultiline = isMultiline
        self.isHandle = isHandle
    }
}

/// One output of a component.
public struct OutputPort: Sendable, Equatable, Codable {
    public var name: String
    public var displayName: String
    /// The types it produces (Langflow output types), at least one.
    public var types: [String]
    public var isHidden: Bool
    /// May feed back into a loop component.
    public var allowsLoop: Bool

    public init(name: String, displayName: String? = nil, types: [String], isHidden: Bool = false, allowsLoop: Bool = false) {
        self.name = name
        self.displayName = displayName ?? name
        self.types = types
        self.isHidden = isHidden
        self.allowsLoop = allowsLoop
    }
}
