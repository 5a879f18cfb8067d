import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `JSONToDataComponent` ("Load JSON"): a JSON string (or Python literal) as a Data, or a list of
/// Data for an array. Reading a file from the server's disk (`json_file`, `json_path`) is refused: a flow must
/// not read the host's files.
let jsonToData = ComponentDefinition(
    "JSONtoData", displayName: "Load JSON",
    description: "Convert a JSON file, JSON from a file path, or a JSON string to a Data object or a list of Data objects",
    category: "data_source", icon: "braces",
    inputs: [
        InputDefinition(
            "json_file", displayName: "JSON File", info: "Upload a JSON file to convert to a Data object or list of Data objects", fieldType: "file"),
        .messageText("json_path", "JSON File Path", info: "Provide the path to the JSON file as pure text"),
        .multiline("json_string", "JSON String", info: "Enter a valid JSON string (object or array) to convert to a Data object or list of Data objects"),
    ],
    outputs: [OutputDefinition("data", displayName: "Data", types: ["Data"])]
) { inputs, _ in
    let name = "JSONtoData"
    let file = try inputs.text("json_file", component: name)
    let path = try inputs.text("json_path", component: name)
    let text = try inputs.text("json_string", component: name)
    guard [file, path, text].filter({ !$0.isEmpty }).count == 1 else {
        throw ComponentFailure("\(name): Please provide exactly one of: JSON file, file path, or JSON string.")
    }
    guard !text.isEmpty else {
        throw ComponentFailure("\(name): reading a JSON file from the server's disk is not supported; paste the JSON into JSON String")
    }
    try InputLimits.check(text, limit: InputLimits.documentBytes, input: "json_string", component: name)
    let parsed: JSON
    do {
        parsed = try JSON(parsing: text)
    } catch let jsonError {
        // Langflow repairs near-JSON; a Python literal (single quotes, True/None) is the common case.
        guard let literal = try? Python.literal(text) else {
            throw ComponentFailure("\(name): Invalid JSON or Python literal: \(jsonError)")
        }
        parsed = literal
    }
    switch parsed {
    case .object(let object):
        return ["data": Langflow.data(object)]
    case .array(let elements):
        var items: [JSONObject] = []
        for (index, element) in elements.enumerated() {
            guard let object = element.objectValue else {
                throw ComponentFailure("\(name): Invalid JSON or Python literal: item \(index) of the array is \(Python.repr(element)), not an object")
            }
            items.append(object)
        }
        return ["data": Langflow.dataList(items)]
    default:
        throw ComponentFailure("\(name): Invalid JSON or Python literal: the JSON must be an object or an array of objects, found \(Python.repr(parsed))")
    }
}
.legacy()

/// Langflow's `CreateDataComponent`: merges the dictionaries of its `field_<n>_key` fields (extra inputs, one
/// per field the editor added) into one Data. Like Langflow, it takes dictionary values only.
let createData = ComponentDefinition(
    "CreateData", displayName: "Create Data", description: "Dynamically create a Data with a specified number of fields.",
    category: "processing", icon: "ListFilter",
    inputs: [
        .int("number_of_fields", "Number of Fields", info: "Number of fields to be added to the record.", value: 1),
        .messageText("text_key", "Text Key", info: "Key that identifies the field to be used as the text content.", advanced: true),
        .boolean("text_key_validator", "Text Key Validator", info: "If enabled, checks if the given 'Text Key' is present in the given 'Data'.", advanced: true),
    ],
    outputs: [OutputDefinition("data", displayName: "Data", types: ["Data"])]
) { inputs, _ in
    let name = "CreateData"
    var data = JSONObject()
    for field in inputs.names where field.hasPrefix("field_") {
        guard case .dict(let object)? = try inputs.langflow(field, component: name) else { continue }
        for (key, value) in object { data[key] = value }
    }
    let textKey = try inputs.text("text_key", component: name)
    if try inputs.bool("text_key_validator", default: false), !textKey.isEmpty, data[textKey] == nil {
        throw ComponentFailure("\(name): Text Key: '\(textKey)' not found in the Data keys: '\(data.keys.joined(separator: ", "))'")
    }
    return ["data": Langflow.data(data)]
}
.legacy()
.acceptingExtraInputs()

/// Langflow's `ExtractDataKeyComponent` (registry key `ExtractaKey`): `{key: value}` of one Data, or of each
/// Data of a list that has the key. A missing key is reported as Data (`{"error": ...}`), as in Langflow.
let extractKey = ComponentDefinition(
    "ExtractaKey", displayName: "Extract Key",
    description: "Extract a specific key from a Data object or a list of Data objects and return the extracted value(s) as Data object(s).",
    category: "processing", icon: "key",
    inputs: [
        .data("data_input", "Data Input", info: "The Data object or list of Data objects to extract the key from."),
        .string("key", "Key to Extract", info: "The key in the Data object(s) to extract."),
    ],
    outputs: [OutputDefinition("extracted_data", displayName: "Extracted Data", types: ["Data"])]
) { inputs, _ in
    let name = "ExtractaKey"
    let key = try inputs.text("key", component: name)
    switch try inputs.langflow("data_input", component: name) {
    case .list(let elements)?:
        let extracted = elements.compactMap { element -> JSONObject? in
            guard let value = element.objectValue?[key] else { return nil }
            return JSONObject([(key, value)])
        }
        return ["extracted_data": Langflow.dataList(extracted)]
    case .dataFrame(let rows)?:
        return ["extracted_data": Langflow.dataList(rows.compactMap { row in row[key].map { JSONObject([(key, $0)]) } })]
    case .data(let data)?, .message(let data)?, .dict(let data)?:
        guard let value = data[key] else {
            return ["extracted_data": Langflow.data(JSONObject([("error", .string("Key '\(key)' not found in Data object."))]))]
        }
        return ["extracted_data": Langflow.data(JSONObject([(key, value)]))]
    default:
        return ["extracted_data": Langflow.data(JSONObject([("error", .string("Invalid input. Expected Data object or list of Data objects."))]))]
    }
}
.legacy()

/// Langflow's `DataToDataFrameComponent`: one row per Data, its keys as columns and its text in `text`.
let dataToDataFrame = ComponentDefinition(
    "DataToDataFrame", displayName: "Data → DataFrame",
    description: "Converts one or multiple Data objects into a DataFrame. Each Data object corresponds to one row. Fields from `.data` become columns, and the `.text` (if present) is placed in a 'text' column.",
    category: "processing", icon: "table",
    inputs: [.data("data_list", "Data or Data List", info: "One or multiple Data objects to transform into a DataFrame.", list: true)],
    outputs: [OutputDefinition("dataframe", displayName: "Table", types: ["DataFrame"])]
) { inputs, _ in
    let name = "DataToDataFrame"
    let items: [JSON]
    switch try inputs.langflow("data_list", component: name) {
    case .list(let elements)?: items = elements
    case .data(let data)?, .message(let data)?, .dict(let data)?: items = [.object(data)]
    case .dataFrame(let rows)?: items = rows.map(JSON.object)
    case nil: items = []
    case let other?: throw ComponentFailure("\(name): Expected Data objects, got \(other.kindName) instead.")
    }
    var rows: [JSONObject] = []
    for item in items {
        guard var row = item.objectValue else { throw ComponentFailure("\(name): Expected Data objects, got \(Python.repr(item)) instead.") }
        let text = LangflowValue.text(ofData: row)
        if !text.isEmpty { row["text"] = .string(text) }
        rows.append(row)
    }
    return ["dataframe": Langflow.dataFrame(rows)]
}
.legacy()
