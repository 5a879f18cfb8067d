import LangBuilderBundleSDK
import LangflowBundleSupport

private let separatorOptions = ["/n/n", "/n", ".", ",", "\" \"", "\"\"", "Custom"]

/// Langflow's `SplitTextComponent`: splits the text of Data, a DataFrame's rows or a Message into chunks of at
/// most `chunk_size` characters, one row per chunk with the source's other keys as columns.
///
/// Flows from Langflow before the Recursive mode (1.7 and older) set `separator` to free text such as "\n" and
/// have no `mode`: a separator that is not one of the dropdown's options selects the Character splitter with it,
/// as those versions did.
let splitText = ComponentDefinition(
    "SplitText", displayName: "Split Text", description: "Split text into chunks based on specified criteria.",
    category: "processing", icon: "scissors-line-dashed", documentation: "https://docs.langflow.org/split-text",
    inputs: [
        .dropdown(
            "mode", "Mode", options: ["Recursive", "Character"], value: "Recursive",
            info: "Recursive (default): Tries multiple separators in cascade to guarantee chunk size.\nCharacter: Splits by a single configurable separator, then reassembles pieces up to the Chunk Size limit.",
            fieldType: "tab"),
        .handle("data_inputs", "Input", types: ["Data", "DataFrame", "Message"], info: "The data with texts to split in chunks.", required: true),
        .int("chunk_size", "Chunk Size", info: "The maximum number of characters in each chunk.", value: 1000),
        .int("chunk_overlap", "Chunk Overlap", info: "Number of characters to overlap between consecutive chunks.", value: 200),
        .dropdown("separator", "Separator", options: separatorOptions, value: "/n/n", info: "The character to split on.", hidden: true),
        .messageText("custom_separator", "Custom Separator", info: "Enter a custom separator. Use \\n for newline, \\t for tab.", value: "", hidden: true),
        .messageText(
            "recursive_separators", "Separators", info: "The characters to split on.\nIf left empty defaults to [\"\\n\\n\", \"\\n\", \" \", \"\"].",
            list: true, hidden: true),
        .messageText("text_key", "Text Key", info: "The key to use for the text column.", value: "text", advanced: true),
        .dropdown(
            "keep_separator", "Keep Separator", options: ["False", "True", "Start", "End"], value: "False",
            info: "Whether to keep the separator in the output chunks and where to place it.", advanced: true),
        .boolean(
            "clean_output", "Clean Output", info: "When enabled, only the text column is included in the output. Metadata columns are removed.",
            advanced: true),
        .boolean("recursive_separators_bool", "Recursive Separators", info: "Enable to customize the separators used by the Recursive splitter.", advanced: true),
    ],
    outputs: [OutputDefinition("dataframe", displayName: "Chunks", types: ["DataFrame"])]
) { inputs, _ in
    let name = "SplitText"
    guard let input = try inputs.langflow("data_inputs", component: name) else {
        throw ComponentFailure("\(name): No data inputs provided")
    }
    let chunkSize = inputs["chunk_size"] == nil ? 1000 : try inputs.integer("chunk_size")
    let chunkOverlap = inputs["chunk_overlap"] == nil ? 200 : try inputs.integer("chunk_overlap")
    guard chunkSize > 0 else { throw ComponentFailure("\(name): chunk_size must be > 0, got \(chunkSize)") }
    guard chunkOverlap >= 0 else { throw ComponentFailure("\(name): chunk_overlap must be >= 0, got \(chunkOverlap)") }
    guard chunkOverlap <= chunkSize else {
        throw ComponentFailure("\(name): Got a larger chunk overlap (\(chunkOverlap)) than chunk size (\(chunkSize)), should be smaller.")
    }
    let textKey = try inputs.text("text_key", component: name, default: "text")
    let clean = try inputs.bool("clean_output", default: false)

    // The documents: (text, the source's other keys).
    var documents: [(text: String, metadata: JSONObject)] = []
    func add(_ data: JSONObject) {
        var metadata = data
        let text = metadata[textKey] ?? .string("")
        metadata[textKey] = nil
        documents.append((Python.str(text), metadata))
    }
    switch input {
    case .dataFrame(let rows):
        guard !rows.isEmpty else { throw ComponentFailure("\(name): DataFrame is empty") }
        rows.forEach(add)
    case .message(let message): add(message)
    case .data(let data), .dict(let data): add(data)
    case .list(let elements):
        guard !elements.isEmpty else { throw ComponentFailure("\(name): No data inputs provided") }
        for element in elements {
            guard let data = element.objectValue else {
                throw ComponentFailure("\(name): Invalid input type in collection: \(Python.repr(element)) is not a Data object")
            }
            add(data)
        }
    case .text(let text):
        guard !text.isEmpty else { throw ComponentFailure("\(name): No data inputs provided") }
        add(JSONObject([(textKey, .string(text))]))
    case .scalar:
        throw ComponentFailure("\(name): Invalid input type: \(input.kindName); expected Data, DataFrame or Message")
    }
    for document in documents {
        try InputLimits.check(document.text, limit: InputLimits.documentBytes, input: "data_inputs", component: name)
    }

    let separator = try inputs.text("separator", component: name, default: "/n/n")
    let legacySeparator = !separator.isEmpty && !separatorOptions.contains(separator)
    let mode = try legacySeparator ? "Character" : inputs.text("mode", component: name, default: "Recursive")
    var splitter = TextSplitter(chunkSize: Int(chunkSize), chunkOverlap: Int(chunkOverlap), keepSeparator: .start)
    let split: (String) -> [String]
    switch mode {
    case "Recursive":
        var separators = ["\n\n", "\n", " ", ""]
        if try inputs.bool("recursive_separators_bool", default: false) {
            let custom = try inputs.textList("recursive_separators", component: name)
            if !custom.isEmpty { separators = custom.map(unescape) }
        }
        split = { [splitter] text in splitter.splitRecursively(text, separators: separators) }
    case "Character":
        let chosen: String
        if separator == "Custom" {
            chosen = unescape(try inputs.text("custom_separator", component: name))
        } else {
            chosen = unescape(fixSeparator(separator))
        }
        switch try inputs.text("keep_separator", component: name, default: "False").lowercased() {
        case "false": splitter.keepSeparator = .no
        case "true", "start": splitter.keepSeparator = .start
        case "end": splitter.keepSeparator = .end
        case let other: throw ComponentFailure("\(name): keep_separator must be False, True, Start or End, found '\(other)'")
        }
        split = { [splitter] text in splitter.splitCharacters(text, separator: chosen) }
    default:
        throw ComponentFailure("\(name): mode must be Recursive or Character, found '\(mode)'")
    }

    var rows: [JSONObject] = []
    for document in documents {
        for chunk in split(document.text) {
            var row = JSONObject([(textKey, .string(chunk))])
            if !clean {
                for (key, value) in document.metadata { row[key] = value }
            }
            rows.append(row)
            guard rows.count <= TextSplitter.maximumChunks else {
                throw ComponentFailure("\(name): the input splits into more than \(TextSplitter.maximumChunks) chunks; raise chunk_size")
            }
        }
    }
    return ["dataframe": Langflow.dataFrame(rows)]
}

/// The dropdown's names for separators that cannot be typed into it.
private func fixSeparator(_ separator: String) -> String {
    switch separator {
    case "/n/n": "\n\n"
    case "/n": "\n"
    case "/t": "\t"
    case "\" \"": " "
    case "\"\"": ""
    default: separator
    }
}

/// Langflow's `unescape_string`: the escapes `\n`, `\t` and `\r` typed as two characters become the character.
private func unescape(_ text: String) -> String {
    text.replacing("\\n", with: "\n").replacing("\\t", with: "\t").replacing("\\r", with: "\r")
}
