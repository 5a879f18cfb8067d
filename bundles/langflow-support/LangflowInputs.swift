public import LangBuilderBundleSDK

/// Input ports named after Langflow's input classes, with their field types and `input_types`, so a component
/// reads like its Python source (`MessageTextInput(name="text1", display_name="First Text")`).
extension InputDefinition {
    /// `MessageTextInput`: text that an edge may bring as a Message.
    public static func messageText(
        _ name: String, _ displayName: String, info: String? = nil, value: String? = nil, required: Bool = false,
        advanced: Bool = false, list: Bool = false, hidden: Bool = false, inputTypes: [String] = ["Message"]
    ) -> InputDefinition {
        InputDefinition(
            name, displayName: displayName, info: info, fieldType: "str", acceptedTypes: inputTypes,
            defaultJSON: value.map(Self.quoted), required: required, list: list, advanced: advanced, hidden: hidden)
    }

    /// `MultilineInput`: a long text field that an edge may bring as a Message.
    public static func multiline(
        _ name: String, _ displayName: String, info: String? = nil, value: String? = nil, required: Bool = false,
        advanced: Bool = false, hidden: Bool = false
    ) -> InputDefinition {
        InputDefinition(
            name, displayName: displayName, info: info, fieldType: "str", acceptedTypes: ["Message"],
            defaultJSON: value.map(Self.quoted), required: required, advanced: advanced, multiline: true, hidden: hidden)
    }

    /// `MessageInput`: a Message brought by an edge (or typed as text).
    public static func message(_ name: String, _ displayName: String, info: String? = nil, required: Bool = false, advanced: Bool = false) -> InputDefinition {
        InputDefinition(name, displayName: displayName, info: info, fieldType: "str", acceptedTypes: ["Message"], required: required, advanced: advanced)
    }

    /// `StrInput`: plain text, no edge.
    public static func string(_ name: String, _ displayName: String, info: String? = nil, value: String? = nil, advanced: Bool = false) -> InputDefinition {
        InputDefinition(name, displayName: displayName, info: info, fieldType: "str", defaultJSON: value.map(Self.quoted), advanced: advanced)
    }

    /// `HandleInput`: fed by an edge bringing one of `types`.
    public static func handle(
        _ name: String, _ displayName: String, types: [String], info: String? = nil, required: Bool = false, list: Bool = false,
        advanced: Bool = false
    ) -> InputDefinition {
        InputDefinition(
            name, displayName: displayName, info: info, fieldType: "other", acceptedTypes: types, required: required, list: list,
            advanced: advanced, handle: true)
    }

    /// `DataInput`: a Data (also named JSON) brought by an edge.
    public static func data(_ name: String, _ displayName: String, info: String? = nil, required: Bool = false, list: Bool = false) -> InputDefinition {
        handle(name, displayName, types: ["Data", "JSON"], info: info, required: required, list: list)
    }

    /// `DropdownInput` (or `TabInput`, `field_type` "tab") of fixed options.
    public static func dropdown(
        _ name: String, _ displayName: String, options: [String], value: String?, info: String? = nil, advanced: Bool = false,
        hidden: Bool = false, fieldType: String = "str"
    ) -> InputDefinition {
        InputDefinition(
            name, displayName: displayName, info: info, fieldType: fieldType, defaultJSON: value.map(Self.quoted), options: options,
            advanced: advanced, hidden: hidden)
    }

    /// `BoolInput`.
    public static func boolean(_ name: String, _ displayName: String, info: String? = nil, value: Bool = false, advanced: Bool = false) -> InputDefinition {
        InputDefinition(name, displayName: displayName, info: info, fieldType: "bool", defaultJSON: value ? "true" : "false", advanced: advanced)
    }

    /// `IntInput`.
    public static func int(_ name: String, _ displayName: String, info: String? = nil, value: Int64? = nil, advanced: Bool = false) -> InputDefinition {
        InputDefinition(name, displayName: displayName, info: info, fieldType: "int", defaultJSON: value.map { String($0) }, advanced: advanced)
    }

    /// `DictInput`: a JSON object field (`list` for Langflow's `is_list` dictionaries).
    public static func dict(
        _ name: String, _ displayName: String, info: String? = nil, valueJSON: String? = nil, list: Bool = false, hidden: Bool = false,
        inputTypes: [String] = []
    ) -> InputDefinition {
        InputDefinition(
            name, displayName: displayName, info: info, fieldType: "dict", acceptedTypes: inputTypes, defaultJSON: valueJSON, list: list,
            hidden: hidden)
    }

    /// The JSON text of a string.
    static func quoted(_ text: String) -> String { JSON.string(text).serialized() }
}
