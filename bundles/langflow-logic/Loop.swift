import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `LoopComponent`: hands its items to the engine on `item` (the loop output, which the loop body's
/// last vertex feeds back into); the engine runs the body once per item and gathers the fed-back values into
/// `done` as a DataFrame.
///
/// Items are Data: a DataFrame's rows, a Data, each Data of a list, or a Message as `{"text": ...}` (Langflow's
/// Type Convert of a Message); text items of a list become `{"text": ...}` too.
let loop = ComponentDefinition(
    "LoopComponent", displayName: "Loop",
    description: "Iterates through Data or Message objects, processing items individually and aggregating results from loop inputs.",
    category: "flow_controls", icon: "infinity", documentation: "https://docs.langflow.org/loop",
    inputs: [
        .handle("data", "Inputs", types: ["DataFrame", "Table", "Data", "Message"], info: "Data to iterate over. Accepts DataFrame, Table, Data, or Message.")
    ],
    outputs: [
        OutputDefinition("item", displayName: "Item", types: ["Data"], allowsLoop: true),
        OutputDefinition("done", displayName: "Done", types: ["DataFrame", "Table"]),
    ]
) { inputs, _ in
    let name = "LoopComponent"
    guard let input = try inputs.langflow("data", component: name) else {
        throw ComponentFailure("\(name): input 'data' has no value")
    }
    let items: [JSONObject]
    switch input {
    case .message(let message): items = [JSONObject([("text", message["text"] ?? .string(""))])]
    case .data(let data), .dict(let data): items = [data]
    case .dataFrame(let rows): items = rows
    case .list(let elements):
        items = try elements.map { element in
            switch element {
            case .object(let object): return object
            case .string(let text): return JSONObject([("text", .string(text))])
            default: throw ComponentFailure("\(name): the items must be Data, DataFrame or Message; the list holds \(Python.repr(element))")
            }
        }
    case .text(let text): items = [JSONObject([("text", .string(text))])]
    case .scalar(let value): throw ComponentFailure("\(name): the input must be Data, DataFrame or Message, found \(Python.repr(value))")
    }
    return ["item": Langflow.dataFrame(items)]
}
