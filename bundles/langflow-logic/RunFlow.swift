import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `RunFlow` ("Run Flow"): runs another stored flow of the same user, by id, endpoint name or name,
/// through the host (`run_flow`, ABI 1.3) with `input_value` as its input, and hands on what its output
/// components produced: the first Message, every output as Data, and as a DataFrame. As a tool, an agent runs
/// the flow with its own input.
let runFlow = ComponentDefinition(
    "RunFlow", displayName: "Run Flow", description: "Creates a tool component from a Flow that takes all its inputs and runs it.",
    category: "logic", icon: "Workflow", documentation: "https://docs.langflow.org/components-logic#run-flow",
    inputs: [
        .dropdown("flow_name_selected", "Flow Name", options: [], value: nil, info: "The name of the flow to run."),
        .messageText("input_value", "Input Value", info: "The input given to the flow's Chat or Text Input."),
        .messageText("session_id", "Session ID", info: "The session of the flow's run; empty: this run's.", advanced: true),
        .dict("flow_tweak_data", "Tweaks", info: "Tweaks of the flow's components, by node id."),
    ],
    outputs: [
        OutputDefinition("flow_outputs_message", displayName: "Flow Message Output", types: ["Message"]),
        OutputDefinition("flow_outputs_data", displayName: "Flow Data Output", types: ["Data"]),
        OutputDefinition("flow_outputs_dataframe", displayName: "Flow Dataframe Output", types: ["DataFrame"]),
        OutputDefinition("component_as_tool", displayName: "Toolset", types: ["Tool"]),
    ]
) { (inputs: Inputs, context: Context) throws -> Outputs in
    let name = "RunFlow"
    let flow = trimmed(try inputs.text("flow_name_selected", component: name))
    guard !flow.isEmpty else { throw ComponentFailure("\(name): choose the flow to run (flow_name_selected)") }
    let session = try inputs.text("session_id", component: name)
    let tweaks = try inputs.dictionary("flow_tweak_data", component: name)
    let tweaksJSON = tweaks.flatMap { $0.isEmpty ? nil : JSON.object($0).serialized() }
    let tool = ComponentTool(
        name: FlowRun.toolName(flow), description: "Runs the flow '\(flow)' with an input text and answers what it outputs.",
        parameters: ComponentTool.schema(["input_value": "The input text for the flow."])
    ) { arguments, context in
        let answer = try FlowRun(try context.runFlow(
            flow, inputValue: arguments["input_value"].map(Python.str) ?? "", sessionID: session.isEmpty ? nil : session, tweaksJSON: tweaksJSON))
        return answer.message?["text"].map(Python.str) ?? JSON.array(answer.items.map(JSON.object)).serialized()
    }
    let input = try inputs.text("input_value", component: name)
    let answer: FlowRun
    do {
        answer = try FlowRun(try context.runFlow(flow, inputValue: input, sessionID: session.isEmpty ? nil : session, tweaksJSON: tweaksJSON))
    } catch let failure as ComponentFailure {
        throw ComponentFailure("\(name): \(failure.message)")
    }
    var outputs: Outputs = [
        "flow_outputs_data": Langflow.dataList(answer.items), "flow_outputs_dataframe": Langflow.dataFrame(answer.items),
        "component_as_tool": tool.value(context: context),
    ]
    if let message = answer.message { outputs["flow_outputs_message"] = .json(type: "Message", text: JSON.object(message).serialized()) }
    return outputs
}

/// What the host answered for a flow run: its output vertices' results.
struct FlowRun {
    /// One Data per result of an output vertex: a Message or Data as its fields, other values as `{"text": ...}`.
    var items: [JSONObject] = []
    /// The first Message among the results.
    var message: JSONObject?

    init(_ text: String) throws(ComponentFailure) {
        guard let answer = try? JSON(parsing: text), let outputs = answer["outputs"]?.arrayValue else {
            throw ComponentFailure("the host answered run_flow with something that is not a run: \(String(text.prefix(200)))")
        }
        for output in outputs {
            for (_, value) in output["results"]?.objectValue ?? JSONObject() {
                if let object = value.objectValue {
                    items.append(object)
                    if message == nil, object["text"] != nil { message = object }
                } else {
                    items.append(JSONObject([("text", .string(Python.str(value)))]))
                }
            }
        }
    }

    /// A tool name from a flow name: letters, digits and underscores, as function calling wants them.
    static func toolName(_ flow: String) -> String {
        var name = ""
        for character in flow.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) { name.append(character) } else if !name.hasSuffix("_") { name.append("_") }
        }
        while name.hasSuffix("_") { name.removeLast() }
        return "run_" + String((name.isEmpty ? "flow" : name).prefix(56))
    }
}
