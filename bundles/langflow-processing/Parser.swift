import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `ParserComponent` (starter flows also name it `parser`): formats each row of a DataFrame, or a
/// Data, with a `{key}` template, or writes the input out as text ("Stringify").
///
/// Langflow marks `pattern` required only in Parser mode (the editor flips it with the mode); a port's flags are
/// fixed, so it is optional here and an empty template formats to empty lines, as Python's `"".format()` does.
let parser = ComponentDefinition(
    "ParserComponent", displayName: "Parser", description: "Extracts text using a template.", category: "processing", icon: "braces",
    documentation: "https://docs.langflow.org/parser",
    inputs: [
        .handle(
            "input_data", "JSON or Table", types: ["DataFrame", "Table", "Data", "JSON"],
            info: "Accepts a DataFrame, a Data object, or a list of Data objects.", required: true),
        .dropdown(
            "mode", "Mode", options: ["Parser", "Stringify"], value: "Parser", info: "Convert into raw string instead of using a template.",
            fieldType: "tab"),
        .multiline(
            "pattern", "Template",
            info: "Use variables within curly brackets to extract column values for DataFrames or key values for Data.For example: `Name: {Name}, Age: {Age}, Country: {Country}`",
            value: "Text: {text}"),
        .messageText("sep", "Separator", info: "String used to separate rows/items.", value: "\n", advanced: true),
        .boolean(
            "clean_data", "Clean Data",
            info: "Enable to clean the data by removing empty rows and lines in each cell of the DataFrame/ Data object.", advanced: true),
    ],
    outputs: [OutputDefinition("parsed_text", displayName: "Parsed Text", types: ["Message"])]
) { inputs, context in
    let name = "ParserComponent"
    guard let input = try inputs.langflow("input_data", component: name) else {
        throw ComponentFailure("\(name): input 'input_data' has no value")
    }
    let mode = try inputs.text("mode", component: name, default: "Parser")
    let clean = try inputs.bool("clean_data", default: false)
    if mode == "Stringify" {
        let text: String
        if case .list(let elements) = input {
            text = elements.map { Stringify.convert(LangflowValue.classify($0, type: $0.objectValue == nil ? "str" : "Data"), clean: clean) }.joined(separator: "\n")
        } else {
            text = Stringify.convert(input, clean: clean)
        }
        return ["parsed_text": Langflow.message(text, context: context)]
    }
    guard mode == "Parser" else { throw ComponentFailure("\(name): mode must be Parser or Stringify, found '\(mode)'") }
    let pattern = try inputs.text("pattern", component: name)
    try InputLimits.check(pattern, limit: InputLimits.templateBytes, input: "pattern", component: name)
    let pieces: [Python.FormatPiece]
    do {
        pieces = try Python.parseFormat(pattern)
    } catch {
        throw ComponentFailure("\(name): invalid template: \(error)")
    }
    let separator = try inputs.text("sep", component: name)
    var lines: [String] = []
    switch input {
    case .dataFrame(let rows):
        // `pattern.format(**row)`: a column the template names must exist.
        for row in rows {
            do {
                lines.append(try Python.format(pieces) { key in row[key].map(Python.str) })
            } catch let error as Python.FormatError {
                throw ComponentFailure("\(name): the template names a column the table does not have (\(error.message)); columns: \(row.keys.joined(separator: ", "))")
            }
        }
    case .data(let data), .message(let data), .dict(let data):
        lines.append(try Python.format(pieces) { key in Python.str(data[key] ?? .string("")) })
    case .list(let elements):
        for element in elements {
            guard let data = element.objectValue else {
                throw ComponentFailure("\(name): unsupported input type: a list holding \(Python.repr(element)). Expected DataFrame, Data, or list[Data].")
            }
            lines.append(try Python.format(pieces) { key in Python.str(data[key] ?? .string("")) })
        }
    case .text, .scalar:
        throw ComponentFailure("\(name): unsupported input type: \(input.kindName). Expected DataFrame, Data, or list[Data].")
    }
    return ["parsed_text": Langflow.message(lines.joined(separator: separator), context: context)]
}
.aliased("parser")
