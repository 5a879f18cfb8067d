extension ComponentRegistry {
    /// The registry in the shape of Langflow's `GET /api/v1/all`: category → type name → entry, where an
    /// entry has `template` (one field per input), `outputs`, `display_name`, `description`, `base_classes`, …
    public func langflowCatalog() -> JSONValue {
        var categories = JSONObject()
        for component in components {
            let category = component.descriptor.category
            var entries = categories[category]?.objectValue ?? JSONObject()
            entries[component.typeName] = component.langflowEntry()
            categories[category] = .object(entries)
        }
        return .object(categories)
    }
}

extension RegisteredComponent {
    /// This component as one entry of Langflow's `/api/v1/all`.
    public func langflowEntry() -> JSONValue {
        let descriptor = self.descriptor
        var template = JSONObject()
        template["_type"] = "Component"
        for input in descriptor.inputs {
            template[input.name] = input.langflowField()
        }
        var baseClasses: [String] = []
        for output in descriptor.outputs {
            for type in output.types where !baseClasses.contains(type) { baseClasses.append(type) }
        }
        let outputs: [JSONValue] = descriptor.outputs.map { output in
            [
                "name": .string(output.name),
                "display_name": .string(output.displayName),
                "method": .string(output.name),
                "types": .array(output.types.map(JSONValue.string)),
                "selected": .string(output.types.first ?? ""),
                "cache": true,
                "allows_loop": .bool(output.allowsLoop),
                "group_outputs": false,
                "tool_mode": false,
                "hidden": .bool(output.isHidden),
                "value": "__UNDEFINED__",
            ]
        }
        var entry = JSONObject()
        entry["template"] = .object(template)
        entry["outputs"] = .array(outputs)
        entry["display_name"] = .string(descriptor.displayName)
        entry["description"] = .string(descriptor.description)
        entry["base_classes"] = .array(baseClasses.map(JSONValue.string))
        entry["field_order"] = .array(descriptor.inputs.map { .string($0.name) })
        entry["icon"] = descriptor.icon.map(JSONValue.string) ?? .null
        entry["documentation"] = .string(descriptor.documentation ?? "")
        entry["metadata"] = [
            "module": .string("\(provenance.bundleID).\(descriptor.typeName)"),
            "component_class_name": .string(descriptor.typeName),
            "bundle": [
                "id": .string(provenance.bundleID),
                "version": .string(provenance.bundleVersion),
                "file": .string(provenance.file),
            ],
            "signature": descriptor.signature.map(JSONValue.string) ?? .null,
        ]
        entry["beta"] = .bool(descriptor.isBeta)
        entry["legacy"] = .bool(descriptor.isLegacy)
        entry["frozen"] = false
        entry["edited"] = false
        entry["pinned"] = false
        entry["minimized"] = false
        entry["tool_mode"] = false
        entry["custom_fields"] = .object(JSONObject())
        entry["output_types"] = .array([])
        entry["conditional_paths"] = .array([])
        return .object(entry)
    }
}

extension InputPort {
    /// The Langflow input class a field of this kind has (`_input_type`).
    var langflowInputType: String {
        if isSecret { return "SecretStrInput" }
        if options != nil { return "DropdownInput" }
        if isHandle { return "HandleInput" }
        switch fieldType {
        case "bool": return "BoolInput"
        case "int": return "IntInput"
        case "float": return "FloatInput"
        case "dict": return "DictInput"
        case "prompt": return "PromptInput"
        case "code": return "CodeInput"
        case "file": return "FileInput"
        case "str":
            if acceptedTypes.contains("Message") { return isMultiline ? "MultilineInput" : "MessageTextInput" }
            return isMultiline ? "MultilineInput" : "StrInput"
        default: return acceptedTypes.isEmpty ? "StrInput" : "HandleInput"
        }
    }

    /// This input as one field of a Langflow template.
    func langflowField() -> JSONValue {
        var field = JSONObject()
        field["_input_type"] = .string(langflowInputType)
        field["name"] = .string(name)
        field["display_name"] = .string(displayName)
        field["type"] = .string(fieldType)
        field["value"] = defaultValue ?? (fieldType == "bool" ? false : (fieldType == "str" || fieldType == "prompt" ? "" : .null))
        field["required"] = .bool(isRequired)
        field["show"] = .bool(!isHidden)
        field["advanced"] = .bool(isAdvanced)
        field["list"] = .bool(isList)
        field["multiline"] = .bool(isMultiline)
        field["password"] = .bool(isSecret)
        field["load_from_db"] = false
        field["dynamic"] = false
        field["placeholder"] = ""
        field["info"] = .string(info ?? "")
        field["input_types"] = .array(acceptedTypes.map(JSONValue.string))
        field["title_case"] = false
        field["tool_mode"] = false
        field["trace_as_metadata"] = true
        if let options {
            field["options"] = .array(options.map(JSONValue.string))
        }
        return .object(field)
    }
}
