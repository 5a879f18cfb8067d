import LangBuilderBundleSDK
import LangflowBundleSupport

/// The fields Chat Input and Chat Output share (Langflow's `ChatComponent`).
enum ChatFields {
    static func common(sender: String, senderName: String) -> [InputDefinition] {
        [
            .boolean("should_store_message", "Store Messages", info: "Store the message in the history.", value: true, advanced: true),
            .dropdown("sender", "Sender Type", options: ["Machine", "User"], value: sender, info: "Type of sender.", advanced: true),
            .messageText("sender_name", "Sender Name", info: "Name of the sender.", value: senderName, advanced: true),
            .messageText(
                "session_id", "Session ID", info: "The session ID of the chat. If empty, the current session ID parameter will be used.",
                advanced: true),
            .messageText("context_id", "Context ID", info: "The context ID of the chat. Adds an extra layer to the local memory.", advanced: true),
        ]
    }

    /// The largest message text a chat component passes on.
    static let maximumTextBytes = InputLimits.documentBytes

    /// A Langflow Message from a chat component: `text`, the sender fields (an empty one falls back to the
    /// component's default, as Langflow's dropdown does), the session (the run's when the field is empty), the
    /// flow, a UTC timestamp, and what `base` carried besides (files, properties, content blocks).
    static func message(
        _ text: String, inputs: Inputs, context: Context, component: String, defaultSender: String, defaultSenderName: String,
        base: JSONObject = JSONObject()
    ) throws -> Value {
        try InputLimits.check(text, limit: maximumTextBytes, input: "input_value", component: component)
        let sender = try inputs.text("sender", component: component)
        guard sender.isEmpty || sender == "Machine" || sender == "User" else {
            throw ComponentFailure("\(component): input 'sender' must be Machine or User, found '\(sender)'")
        }
        let senderName = try inputs.text("sender_name", component: component)
        let session = try inputs.text("session_id", component: component)
        var message = base
        message["text"] = .string(text)
        message["sender"] = .string(sender.isEmpty ? defaultSender : sender)
        message["sender_name"] = .string(senderName.isEmpty ? defaultSenderName : senderName)
        message["session_id"] = .string(session.isEmpty ? (context.info("session_id") ?? "") : session)
        message["context_id"] = .string(try inputs.text("context_id", component: component))
        message["flow_id"] = context.info("flow_id").map(JSON.string) ?? .null
        message["timestamp"] = .string(Langflow.timestamp())
        if message["files"] == nil { message["files"] = .array([]) }
        message["error"] = .bool(false)
        message["edit"] = .bool(false)
        message["category"] = .string("message")
        return .json(type: "Message", text: JSON.object(message).serialized())
    }
}

/// Langflow's `ChatInput`: the user's message of the run (the run's `input_value` lands in this field).
let chatInput = ComponentDefinition(
    "ChatInput", displayName: "Chat Input", description: "Get chat inputs from the Playground.", category: "input_output",
    icon: "MessagesSquare", documentation: "https://docs.langflow.org/components-io#chat-input",
    inputs: [
        InputDefinition(
            "input_value", displayName: "Input Text", info: "Message to be passed as input.", fieldType: "str", defaultJSON: "\"\"",
            multiline: true)
    ] + ChatFields.common(sender: "User", senderName: "User") + [
        InputDefinition("files", displayName: "Files", info: "Files to be sent with the message.", fieldType: "file", list: true, advanced: true)
    ],
    outputs: [OutputDefinition("message", displayName: "Chat Message", types: ["Message"])]
) { inputs, context in
    let name = "ChatInput"
    let text = try inputs.text("input_value", component: name)
    var base = JSONObject()
    let files = try inputs.textList("files", component: name).filter { !$0.isEmpty }
    base["files"] = .array(files.map(JSON.string))
    return ["message": try ChatFields.message(text, inputs: inputs, context: context, component: name, defaultSender: "User", defaultSenderName: "User", base: base)]
}

/// Langflow's `ChatOutput`: the answer of the run, from a Message, Data, DataFrame, text or a list of them,
/// written as text the way Langflow's `safe_convert` does (Data as a JSON block, a DataFrame as a Markdown table).
let chatOutput = ComponentDefinition(
    "ChatOutput", displayName: "Chat Output", description: "Display a chat message in the Playground.", category: "input_output",
    icon: "MessagesSquare", documentation: "https://docs.langflow.org/components-io#chat-output",
    inputs: [
        InputDefinition(
            "input_value", displayName: "Inputs", info: "Message to be passed as output.", fieldType: "str",
            acceptedTypes: ["Data", "JSON", "DataFrame", "Table", "Message"], required: true)
    ] + ChatFields.common(sender: "Machine", senderName: "AI") + [
        .messageText(
            "data_template", "Data Template",
            info: "Template to convert Data to Text. If left empty, it will be dynamically set to the Data's text key.", value: "{text}",
            advanced: true),
        .boolean("clean_data", "Basic Clean Data", info: "Whether to clean data before converting to string.", value: true, advanced: true),
    ],
    outputs: [OutputDefinition("message", displayName: "Output Message", types: ["Message"])]
) { inputs, context in
    let name = "ChatOutput"
    guard let input = try inputs.langflow("input_value", component: name) else {
        throw ComponentFailure("\(name): Input data cannot be None")
    }
    let clean = try inputs.bool("clean_data", default: true)
    var base = JSONObject()
    let text: String
    switch input {
    case .message(let message):
        text = Stringify.convert(input, clean: clean)
        for key in ["files", "properties", "content_blocks"] { if let value = message[key] { base[key] = value } }
    case .list(let elements):
        text = try elements.map { element -> String in
            switch element {
            case .object(let object):
                return Stringify.convert(object["text"] != nil && object["sender"] != nil ? .message(object) : .data(object), clean: clean)
            case .string(let string):
                return Stringify.convert(.text(string), clean: clean)
            case .array(let rows):
                return Stringify.convert(.dataFrame(rows.map { $0.objectValue ?? JSONObject([("value", $0)]) }), clean: clean)
            default:
                throw ComponentFailure("\(name): Expected Data or DataFrame or Message or str, got \(Python.repr(element))")
            }
        }.joined(separator: "\n")
    default:
        text = Stringify.convert(input, clean: clean)
    }
    return ["message": try ChatFields.message(text, inputs: inputs, context: context, component: name, defaultSender: "Machine", defaultSenderName: "AI", base: base)]
}

/// Langflow's `TextInput`: text given to the flow, as a Message without chat metadata (never stored).
let textInput = ComponentDefinition(
    "TextInput", displayName: "Text Input", description: "Get user text inputs.", category: "input_output", icon: "type",
    documentation: "https://docs.langflow.org/components-io#text-input",
    inputs: [.multiline("input_value", "Text", info: "Text to be passed as input.")],
    outputs: [OutputDefinition("text", displayName: "Output Text", types: ["Message"])]
) { inputs, context in
    let text = try inputs.text("input_value", component: "TextInput")
    try InputLimits.check(text, limit: ChatFields.maximumTextBytes, input: "input_value", component: "TextInput")
    return ["text": Langflow.message(text, context: context)]
}

/// Langflow's `TextOutput`: text out of the flow, as a Message without chat metadata (never stored).
let textOutput = ComponentDefinition(
    "TextOutput", displayName: "Text Output", description: "Sends text output via API.", category: "input_output", icon: "type",
    documentation: "https://docs.langflow.org/components-io#text-output",
    inputs: [.multiline("input_value", "Inputs", info: "Text to be passed as output.")],
    outputs: [OutputDefinition("text", displayName: "Output Text", types: ["Message"])]
) { inputs, context in
    let text = try inputs.text("input_value", component: "TextOutput")
    try InputLimits.check(text, limit: ChatFields.maximumTextBytes, input: "input_value", component: "TextOutput")
    return ["text": Langflow.message(text, context: context)]
}

/// Langflow's `Webhook`: the body of `POST /api/v1/webhook/{flow}` (the server puts it in `data`) as a Data:
/// the JSON object itself, `{"payload": text}` for a body that is not JSON, an empty Data for no body.
let webhook = ComponentDefinition(
    "Webhook", displayName: "Webhook", description: "Defines a webhook input for the flow.", category: "data", icon: "webhook",
    documentation: "https://docs.langflow.org/component-webhook",
    inputs: [
        .multiline("data", "Payload", info: "Receives a payload from external systems via HTTP POST."),
        InputDefinition(
            "curl", displayName: "cURL", info: "cURL command template for calling this webhook endpoint.", fieldType: "str",
            defaultJSON: "\"CURL_WEBHOOK\"", advanced: true, multiline: true),
        InputDefinition(
            "endpoint", displayName: "Endpoint", info: "Endpoint URL where this webhook receives requests.", fieldType: "str",
            defaultJSON: "\"BACKEND_URL\"", advanced: true, multiline: true),
    ],
    outputs: [OutputDefinition("output_data", displayName: "Data", types: ["Data"])]
) { inputs, context in
    let name = "Webhook"
    let body = try inputs.text("data", component: name)
    try InputLimits.check(body, limit: InputLimits.documentBytes, input: "data", component: name)
    guard !body.isEmpty else { return ["output_data": Langflow.data(JSONObject())] }
    switch try? JSON(parsing: body) {
    case .object(let object)?:
        return ["output_data": Langflow.data(object)]
    case let other?:
        // Python's `Data(data=body)` needs a dict; a JSON list or scalar is kept under `payload` too.
        return ["output_data": Langflow.data(JSONObject([("payload", other)]))]
    case nil:
        context.log(.warning, "Invalid JSON payload. Please check the format.")
        return ["output_data": Langflow.data(JSONObject([("payload", .string(body))]))]
    }
}
