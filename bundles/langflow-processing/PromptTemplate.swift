import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `PromptComponent` (registry key `Prompt Template`; exports name it `Prompt`): fills a template's
/// `{variable}` fields, one extra input per variable (Langflow's `custom_fields`), or `{{variable}}` fields when
/// `use_double_brackets` is on.
let promptTemplate = ComponentDefinition(
    "Prompt Template", displayName: "Prompt Template", description: "Create a prompt template with dynamic variables.",
    category: "models_and_agents", icon: "prompts", documentation: "https://docs.langflow.org/components-prompts",
    inputs: [
        InputDefinition("template", displayName: "Template", fieldType: "prompt"),
        .boolean("use_double_brackets", "Use Double Brackets", info: "Use {{variable}} syntax instead of {variable}.", advanced: true),
        .messageText("tool_placeholder", "Tool Placeholder", info: "A placeholder input for tool mode.", advanced: true, hidden: true),
    ],
    outputs: [OutputDefinition("prompt", displayName: "Prompt", types: ["Message"])]
) { inputs, context in
    let name = "Prompt Template"
    let template = try inputs.text("template", component: name)
    try InputLimits.check(template, limit: InputLimits.templateBytes, input: "template", component: name)
    let declared = ["template", "use_double_brackets", "tool_placeholder"]
    let variables = inputs.names.filter { !declared.contains($0) }
    func value(_ variable: String) throws -> String? {
        guard inputs.names.contains(variable) else { return nil }
        return try inputs.text(variable, component: name)
    }
    let text: String
    if try inputs.bool("use_double_brackets", default: false) {
        do {
            try Python.validateMustache(template)
        } catch {
            throw ComponentFailure("\(name): \(error)")
        }
        text = try Python.renderMustache(template) { variable in try value(variable) ?? "" }
    } else {
        let pieces: [Python.FormatPiece]
        do {
            pieces = try Python.parseFormat(template)
        } catch {
            throw ComponentFailure("\(name): invalid template: \(error)")
        }
        text = try Python.format(pieces) { variable in
            guard let text = try value(variable) else {
                let known = variables.isEmpty ? "it has none" : "its variables are \(variables.joined(separator: ", "))"
                throw ComponentFailure("\(name): the template uses {\(variable)}, but the node has no field '\(variable)' (\(known))")
            }
            return text
        }
    }
    return ["prompt": Langflow.message(text, context: context)]
}
.aliased("Prompt")
.acceptingExtraInputs()

/// Langflow's `CombineTextComponent`: `delimiter.join([text1, text2])`.
let combineText = ComponentDefinition(
    "CombineText", displayName: "Combine Text",
    description: "Concatenate two text sources into a single text chunk using a specified delimiter.",
    category: "processing", icon: "merge",
    inputs: [
        .messageText("text1", "First Text", info: "The first text input to concatenate."),
        .messageText("text2", "Second Text", info: "The second text input to concatenate."),
        .messageText("delimiter", "Delimiter", info: "A string used to separate the two text inputs. Defaults to a whitespace.", value: " "),
    ],
    outputs: [OutputDefinition("combined_text", displayName: "Combined Text", types: ["Message"])]
) { inputs, context in
    let name = "CombineText"
    let first = try inputs.text("text1", component: name)
    let second = try inputs.text("text2", component: name)
    // An empty delimiter reaches the component as "no value": the flow's default (" ") was already applied.
    let delimiter = try inputs.text("delimiter", component: name)
    return ["combined_text": Langflow.message(first + delimiter + second, context: context)]
}
.legacy()
