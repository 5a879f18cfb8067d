import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `TypeConverterComponent` ("Type Convert"): a Message, Data or DataFrame as the type chosen in
/// `output_type`, produced on that type's output only (the editor shows just that one).
let typeConverter = ComponentDefinition(
    "TypeConverterComponent", displayName: "Type Convert", description: "Convert between different types (Message, Data, DataFrame)",
    category: "processing", icon: "repeat", documentation: "https://docs.langflow.org/components-processing#type-convert",
    inputs: [
        .handle("input_data", "Input", types: ["Message", "Data", "DataFrame"], info: "Accept Message, Data or DataFrame as input", required: true),
        .boolean("auto_parse", "Auto Parse", info: "Detect and convert JSON/CSV strings automatically.", advanced: true),
        .dropdown(
            "output_type", "Output Type", options: ["Message", "Data", "DataFrame"], value: "Message", info: "Select the desired output data type",
            fieldType: "tab"),
    ],
    outputs: [
        OutputDefinition("message_output", displayName: "Message Output", types: ["Message"]),
        OutputDefinition("data_output", displayName: "Data Output", types: ["Data"]),
        OutputDefinition("dataframe_output", displayName: "DataFrame Output", types: ["DataFrame"]),
    ]
) { inputs, context in
    let name = "TypeConverterComponent"
    guard var input = try inputs.langflow("input_data", component: name) else {
        throw ComponentFailure("\(name): input 'input_data' has no value")
    }
    if case .list(let elements) = input {
        guard let first = elements.first else { throw ComponentFailure("\(name): input 'input_data' is an empty list") }
        input = LangflowValue.classify(first, type: first.objectValue == nil ? "str" : "Data")
    }
    let autoParse = try inputs.bool("auto_parse", default: false)
    switch try inputs.text("output_type", component: name, default: "Message") {
    case "Message":
        return ["message_output": Langflow.message(Conversion.text(of: input), context: context)]
    case "Data":
        return ["data_output": Langflow.data(Conversion.data(of: input, autoParse: autoParse))]
    case "DataFrame":
        return ["dataframe_output": Langflow.dataFrame(Conversion.rows(of: input, autoParse: autoParse))]
    case let other:
        throw ComponentFailure("\(name): output_type must be Message, Data or DataFrame, found '\(other)'")
    }
}
.aliased("TypeConverter")

/// Langflow's `to_message`, `to_data` and `to_dataframe` of each kind of value.
enum Conversion {
    /// `convert_to_message`.
    static func text(of value: LangflowValue) -> String {
        switch value {
        case .message(let message): Python.str(message["text"] ?? .string(""))
        // Data.to_message: its text, or the whole dictionary when it has no text key.
        case .data(let data), .dict(let data): data["text"].map(Python.str) ?? Python.str(.object(data))
        case .dataFrame(let rows): Markdown.table(rows, clean: true)
        default: value.text
        }
    }

    /// `convert_to_data`.
    static func data(of value: LangflowValue, autoParse: Bool) -> JSONObject {
        switch value {
        case .data(let data), .dict(let data): return data
        case .dataFrame(let rows): return JSONObject([("results", .array(rows.map(JSON.object)))])
        case .message, .text, .scalar, .list:
            let text = JSONObject([("text", .string(value.text))])
            return autoParse ? parseStructured(text) : text
        }
    }

    /// `convert_to_dataframe`.
    static func rows(of value: LangflowValue, autoParse: Bool) -> [JSONObject] {
        switch value {
        case .dataFrame(let rows): return rows
        case .dict(let data): return [data]
        case .data(let data): return rowsOfData(data)
        case .message, .text, .scalar, .list:
            let text = JSONObject([("text", .string(value.text))])
            return rowsOfData(autoParse ? parseStructured(text) : text)
        }
    }

    /// `Data.to_dataframe`: a Data with one key holding a list of objects is those rows; else one row.
    static func rowsOfData(_ data: JSONObject) -> [JSONObject] {
        if data.count == 1, case .array(let elements)? = data.members.first?.value, elements.allSatisfy({ $0.objectValue != nil }) {
            return elements.compactMap(\.objectValue)
        }
        return [data]
    }

    /// `parse_structured_data`: the text as a JSON object, a JSON array of objects (`{"records": [...]}`) or
    /// CSV with a header (`{"records": [...]}`); otherwise unchanged.
    static func parseStructured(_ data: JSONObject) -> JSONObject {
        var text = LangflowValue.text(ofData: data)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        text = text.trimmingPythonWhitespace()
        if let parsed = try? JSON(parsing: text) {
            switch parsed {
            case .object(let object): return object
            case .array(let elements) where elements.allSatisfy({ $0.objectValue != nil }):
                return JSONObject([("records", parsed)])
            default: break
            }
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count >= 2, lines[0].contains(","), let records = CSV.records(text) {
            return JSONObject([("records", .array(records.map(JSON.object)))])
        }
        return data
    }
}

/// Enough CSV (RFC 4180: quoted fields, doubled quotes) to read a table with a header, typing each cell as
/// pandas would: integers, then numbers, empty as missing, else text.
enum CSV {
    static func records(_ text: String) -> [JSONObject]? {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field += "\""
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r":
                if scalar == "\r", scalars.first == "\n" { scalars.removeFirst() }
                row.append(field)
                field = ""
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
            default: field.unicodeScalars.append(scalar)
            }
        }
        guard !quoted else { return nil }
        row.append(field)
        if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
        guard let header = rows.first, rows.count >= 2, rows.dropFirst().allSatisfy({ $0.count <= header.count }) else { return nil }
        return rows.dropFirst().map { cells in
            JSONObject(header.enumerated().map { column, name in (name, cell(column < cells.count ? cells[column] : "")) })
        }
    }

    private static func cell(_ text: String) -> JSON {
        let trimmed = text.trimmingPythonWhitespace()
        if trimmed.isEmpty { return .null }
        if let integer = Int64(trimmed) { return .int(integer) }
        if let number = Double(trimmed), number.isFinite { return .double(number) }
        return .string(text)
    }
}
