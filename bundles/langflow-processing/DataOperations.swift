import LangBuilderBundleSDK
import LangflowBundleSupport

private let operationNames = [
    "Select Keys", "Literal Eval", "Combine", "Filter Values", "Append or Update", "Remove Keys", "Rename Keys", "Path Selection",
    "JQ Expression",
]

/// Langflow's `DataOperationsComponent` ("JSON Operations"): one operation on a Data (or several, for Combine).
let dataOperations = ComponentDefinition(
    "DataOperations", displayName: "JSON Operations", description: "Perform various operations on a JSON object.",
    category: "processing", icon: "file-json",
    inputs: [
        .data("data", "JSON", info: "Data object to filter.", required: true, list: true),
        InputDefinition(
            "operations", displayName: "Operations", info: "List of operations to perform on the data: \(operationNames.joined(separator: ", ")).",
            fieldType: "sortableList", defaultJSON: "[]"),
        .messageText(
            "select_keys_input", "Select Keys", info: "List of keys to select from the data. Only top-level keys can be selected.", list: true,
            hidden: true),
        .messageText(
            "filter_key", "Filter Key",
            info: "Name of the key containing the list to filter. It must be a top-level key in the JSON and its value must be a list.",
            list: true, hidden: true),
        .dropdown(
            "operator", "Comparison Operator", options: ["equals", "not equals", "contains", "starts with", "ends with"], value: "equals",
            info: "The operator to apply for comparing the values.", hidden: true),
        .dict("filter_values", "Filter Values", info: "List of values to filter by.", valueJSON: "{}", list: true, hidden: true),
        .dict(
            "append_update_data", "Append or Update", info: "Data to append or update the existing data with. Only top-level keys are checked.",
            valueJSON: #"{"key":"value"}"#, list: true, hidden: true),
        .messageText("remove_keys_input", "Remove Keys", info: "List of keys to remove from the data.", list: true, hidden: true),
        .dict("rename_keys_input", "Rename Keys", info: "List of keys to rename in the data.", valueJSON: #"{"old_key":"new_key"}"#, list: true, hidden: true),
        .multiline(
            "mapped_json_display", "JSON to Map", info: "Paste or preview your JSON here to explore its structure and select a path for extraction.",
            hidden: true),
        .dropdown("selected_key", "Select Path", options: [], value: nil, hidden: true),
        .messageText("query", "JQ Expression", info: "JSON Query to filter the data. Used by Parse JSON operation.", hidden: true),
    ],
    outputs: [OutputDefinition("data_output", displayName: "JSON", types: ["Data"])]
) { inputs, _ in
    let operation = DataOperation(inputs: inputs)
    return ["data_output": Langflow.data(try operation.run())]
}

private struct DataOperation {
    let inputs: Inputs
    let name = "DataOperations"

    func fail(_ message: String) -> ComponentFailure { ComponentFailure("\(name): \(message)") }

    func run() throws -> JSONObject {
        let selected = try operations()
        guard selected.count == 1, let operation = selected.first else { return JSONObject() }
        switch operation {
        case "Select Keys": return try selectKeys()
        case "Literal Eval": return try literalEval()
        case "Combine": return try combine()
        case "Filter Values": return try filterValues()
        case "Append or Update": return try appendOrUpdate()
        case "Remove Keys": return try removeKeys()
        case "Rename Keys": return try renameKeys()
        case "Path Selection": return try pathSelection()
        case "JQ Expression": return try jqExpression()
        default: throw fail("unknown operation '\(operation)'; the operations are \(operationNames.joined(separator: ", "))")
        }
    }

    /// The chosen operation names: `[{"name": "Select Keys", "icon": ...}]` as the editor stores them, or names.
    private func operations() throws -> [String] {
        guard let value = try inputs.langflow("operations", component: name) else { return [] }
        switch value {
        case .list(let elements):
            return elements.compactMap { element in element.objectValue?["name"]?.stringValue ?? element.stringValue }
        case .dict(let object), .data(let object):
            return object["name"]?.stringValue.map { [$0] } ?? []
        case .text(let text):
            if let parsed = try? JSON(parsing: text), case .array(let elements) = parsed {
                return elements.compactMap { $0.objectValue?["name"]?.stringValue ?? $0.stringValue }
            }
            return text.isEmpty ? [] : [text]
        default:
            throw fail("operations must be a list of operations, found \(value.kindName)")
        }
    }

    private func items() throws -> [JSONObject] {
        guard let value = try inputs.langflow("data", component: name) else { throw fail("input 'data' has no value") }
        return value.dataItems
    }

    /// The one Data an operation acts on; several are refused, as Langflow's `validate_single_data`.
    private func single(_ operation: String) throws -> JSONObject {
        let all = try items()
        guard all.count <= 1 else { throw fail("\(operation) operation is not supported for multiple data objects.") }
        return all.first ?? JSONObject()
    }

    private func selectKeys() throws -> JSONObject {
        let data = try single("Select Keys")
        let keys = try inputs.textList("select_keys_input", component: name)
        if keys == ["data"] {
            guard let inner = data["data"] else { throw fail("Select key not found in data. Available keys: \(Python.repr(.array(data.keys.map(JSON.string))))") }
            return inner.objectValue ?? JSONObject([("result", inner)])
        }
        guard keys.allSatisfy({ data[$0] != nil }) else {
            throw fail("Select key not found in data. Available keys: \(Python.repr(.array(data.keys.map(JSON.string))))")
        }
        return JSONObject(data.members.filter { keys.contains($0.key) }.map { ($0.key, $0.value) })
    }

    private func literalEval() throws -> JSONObject {
        let data = try single("Literal Eval")
        return Self.evaluate(.object(data)).objectValue ?? data
    }

    /// `recursive_eval`: strings that look like Python literals become their value; others stay text.
    static func evaluate(_ value: JSON) -> JSON {
        switch value {
        case .object(let object): return .object(JSONObject(object.members.map { ($0.key, evaluate($0.value)) }))
        case .array(let elements): return .array(elements.map(evaluate))
        case .string(let text):
            let trimmed = text.trimmingPythonWhitespace()
            let digits = trimmed.replacing(".", with: "")
            let looksLiteral = ["{", "[", "(", "'", "\""].contains { trimmed.hasPrefix($0) }
                || ["true", "false", "none"].contains(trimmed.lowercased())
                || (!digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber })
            guard looksLiteral, let parsed = try? Python.literal(text) else { return value }
            return parsed
        default: return value
        }
    }

    private func combine() throws -> JSONObject {
        let all = try items()
        guard all.count > 1 else { return all.first ?? JSONObject() }
        var combined = JSONObject()
        for data in all {
            for (key, value) in data {
                guard let existing = combined[key] else {
                    combined[key] = value
                    continue
                }
                switch (existing, value) {
                case (.array(let list), .array(let more)): combined[key] = .array(list + more)
                case (.array(let list), _): combined[key] = .array(list + [value])
                case (_, .array(let more)): combined[key] = .array([existing] + more)
                default: combined[key] = .array([existing, value])
                }
            }
        }
        return combined
    }

    private func filterValues() throws -> JSONObject {
        var data = try single("Filter Values")
        let keys = try inputs.textList("filter_key", component: name)
        let criteria = try inputs.dictionary("filter_values", component: name) ?? JSONObject()
        let comparison = try inputs.text("operator", component: name, default: "equals")
        for key in keys {
            guard let value = data[key] else {
                throw fail("Filter key '\(key)' not found in data. Available keys: \(Python.repr(.array(data.keys.map(JSON.string))))")
            }
            guard case .array(var list) = value else { throw fail("Filter key '\(key)' is not a list.") }
            for (field, wanted) in criteria {
                // An empty key or value leaves the list as it is, as Langflow's filter_data does.
                if field.isEmpty || Python.str(wanted).isEmpty || list.isEmpty { continue }
                list = list.filter { item in
                    guard let itemValue = item.objectValue?[field] else { return false }
                    return Self.compare(Python.str(itemValue), Python.str(wanted), comparison)
                }
            }
            data[key] = .array(list)
        }
        return data
    }

    static func compare(_ value: String, _ wanted: String, _ comparison: String) -> Bool {
        switch comparison {
        case "equals": value == wanted
        case "not equals": value != wanted
        case "contains": value.contains(wanted)
        case "starts with": value.hasPrefix(wanted)
        case "ends with": value.hasSuffix(wanted)
        default: false
        }
    }

    private func appendOrUpdate() throws -> JSONObject {
        var data = try single("Append or Update")
        for (key, value) in try inputs.dictionary("append_update_data", component: name) ?? JSONObject() {
            data[key] = value
        }
        return data
    }

    private func removeKeys() throws -> JSONObject {
        let data = try single("Remove Keys")
        let keys = Set(try inputs.textList("remove_keys_input", component: name))
        func remove(_ value: JSON) -> JSON {
            switch value {
            case .object(let object): .object(JSONObject(object.members.filter { !keys.contains($0.key) }.map { ($0.key, remove($0.value)) }))
            case .array(let elements): .array(elements.map(remove))
            default: value
            }
        }
        return remove(.object(data)).objectValue ?? JSONObject()
    }

    private func renameKeys() throws -> JSONObject {
        let data = try single("Rename Keys")
        var renames: [String: String] = [:]
        for (key, value) in try inputs.dictionary("rename_keys_input", component: name) ?? JSONObject() {
            renames[key] = Python.str(value)
        }
        func rename(_ value: JSON) -> JSON {
            switch value {
            case .object(let object): .object(JSONObject(object.members.map { (renames[$0.key] ?? $0.key, rename($0.value)) }))
            case .array(let elements): .array(elements.map(rename))
            default: value
            }
        }
        return rename(.object(data)).objectValue ?? JSONObject()
    }

    /// "Path Selection" answers errors as Data (`{"error": ...}`) instead of failing, as Langflow does.
    private func pathSelection() throws -> JSONObject {
        let all = try items()
        let path = try inputs.text("selected_key", component: name)
        guard let data = all.first, !path.isEmpty else { return JSONObject([("error", .string("Missing input data or selected key."))]) }
        do {
            let result = try JQPath(path).evaluate(.object(data)).first ?? .null
            return result.objectValue ?? JSONObject([("result", result)])
        } catch {
            return JSONObject([("error", .string("\(error)"))])
        }
    }

    private func jqExpression() throws -> JSONObject {
        let query = try inputs.text("query", component: name)
        guard !query.trimmingPythonWhitespace().isEmpty else { throw fail("JSON Query is required and cannot be blank.") }
        let data = try single("JQ Expression")
        let results: [JSON]
        do {
            results = try JQPath(query).evaluate(.object(data))
        } catch {
            throw fail("JSON Query error: \(error)")
        }
        guard !results.isEmpty else { throw fail("JSON Query error: No result from JSON query.") }
        let result = results.count == 1 ? results[0] : .array(results)
        if case .null = result { throw fail("JSON Query error: JSON query returned null/None. Check if the path exists in your data.") }
        return result.objectValue ?? JSONObject([("result", result)])
    }
}

/// Langflow's `FilterDataComponent`: keeps the keys of a Data named in `filter_criteria`.
let filterData = ComponentDefinition(
    "FilterData", displayName: "Filter Data", description: "Filters a Data object based on a list of keys.", category: "processing",
    icon: "filter",
    inputs: [
        .data("data", "Data", info: "Data object to filter."),
        .messageText("filter_criteria", "Filter Criteria", info: "List of keys to filter by.", list: true),
    ],
    outputs: [OutputDefinition("filtered_data", displayName: "Filtered Data", types: ["Data"])]
) { inputs, _ in
    let name = "FilterData"
    let keys = try inputs.textList("filter_criteria", component: name)
    var data = JSONObject()
    switch try inputs.langflow("data", component: name) {
    case .data(let object)?, .message(let object)?, .dict(let object)?: data = object
    default: break
    }
    return ["filtered_data": Langflow.data(JSONObject(data.members.filter { keys.contains($0.key) }.map { ($0.key, $0.value) }))]
}
.legacy()
.beta()
