import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `Memory` ("Message History", also `MemoryBase` in exported flows): the chat history of the session
/// from the host's storage. Retrieve mode reads the last `n_messages` (of a sender, or both) as text through
/// `template` and as a DataFrame; Store mode appends `message` to the session.
let memory = ComponentDefinition(
    "Memory", displayName: "Message History", description: "Stores or retrieves stored chat messages from Langflow tables or an external memory.",
    category: "helpers", icon: "message-square-more", documentation: "https://docs.langflow.org/components-helpers#message-history",
    inputs: [
        .dropdown("mode", "Mode", options: ["Retrieve", "Store"], value: "Retrieve", info: "Operation mode: Store messages or Retrieve messages.", fieldType: "tab"),
        .message("message", "Message", info: "The chat message to be stored."),
        .dropdown(
            "sender_type", "Sender Type", options: ["Machine", "User", "Machine and User"], value: "Machine and User",
            info: "Filter by sender type.", advanced: true),
        .messageText("sender", "Sender", info: "The sender of the message. Might be Machine or User. If empty, the current sender parameter will be used.", advanced: true),
        .messageText("sender_name", "Sender Name", info: "Filter by sender name.", advanced: true),
        .int("n_messages", "Number of Messages", info: "Number of messages to retrieve.", value: 100, advanced: true),
        .messageText("session_id", "Session ID", info: "The session ID of the chat. If empty, the current session ID parameter will be used.", advanced: true),
        .messageText("context_id", "Context ID", info: "The context ID of the chat. Adds an extra layer to the local memory.", advanced: true),
        .dropdown("order", "Order", options: ["Ascending", "Descending"], value: "Ascending", info: "Order of the messages.", advanced: true),
        .multiline(
            "template", "Template",
            info: "The template to use for formatting the data. It can contain the keys {text}, {sender} or any other key in the message data.",
            value: "{sender_name}: {text}", advanced: true),
    ],
    outputs: [
        OutputDefinition("messages_text", displayName: "Message", types: ["Message"]),
        OutputDefinition("dataframe", displayName: "Dataframe", types: ["DataFrame"]),
        OutputDefinition("stored_messages", displayName: "Stored Messages", types: ["Message"], hidden: true),
    ]
) { (inputs: Inputs, context: Context) throws -> Outputs in
    let name = "Memory"
    let session = try inputs.text("session_id", component: name)
    let mode = try inputs.text("mode", component: name)
    switch mode {
    case "Store":
        let text = try inputs.text("message", component: name)
        guard !text.isEmpty else { throw ComponentFailure("\(name): Store mode needs a message to store") }
        var sender = try inputs.text("sender", component: name)
        if sender.isEmpty { sender = "Machine" }
        guard sender == "Machine" || sender == "User" else { throw ComponentFailure("\(name): sender must be Machine or User, found '\(sender)'") }
        var senderName = try inputs.text("sender_name", component: name)
        if senderName.isEmpty { senderName = sender == "User" ? "User" : "AI" }
        let stored = try context.appendMessage(text, sender: sender, senderName: senderName, sessionID: session.isEmpty ? nil : session)
        return ["stored_messages": Value.json(type: "Message", text: stored.json)]
    case "", "Retrieve":
        let count = try inputs.langflow("n_messages", component: name) == nil ? 100 : try inputs.integer("n_messages")
        guard count >= 0 else { throw ComponentFailure("\(name): n_messages must be 0 or more, found \(count)") }
        let senderType = try inputs.text("sender_type", component: name)
        let sender: String?
        switch senderType {
        case "", "Machine and User": sender = nil
        case "Machine", "User": sender = senderType
        default: throw ComponentFailure("\(name): sender_type must be Machine, User or Machine and User, found '\(senderType)'")
        }
        let senderName = try inputs.text("sender_name", component: name)
        var messages = count == 0 ? [] : try context.history(
            limit: Int(min(count, 10_000)), sessionID: session.isEmpty ? nil : session, sender: sender,
            senderName: senderName.isEmpty ? nil : senderName)
        let order = try inputs.text("order", component: name)
        guard order.isEmpty || order == "Ascending" || order == "Descending" else {
            throw ComponentFailure("\(name): order must be Ascending or Descending, found '\(order)'")
        }
        if order == "Descending" { messages.reverse() }
        let template = try inputs.text("template", component: name, default: "{sender_name}: {text}")
        let pieces: [Python.FormatPiece]
        do {
            pieces = try Python.parseFormat(template.isEmpty ? "{sender_name}: {text}" : template)
        } catch {
            throw ComponentFailure("\(name): the template cannot be read: \(error)")
        }
        let rows = messages.map { message in (try? JSON(parsing: message.json).objectValue) ?? JSONObject([("text", .string(message.text))]) }
        let lines = try rows.map { row in
            try Python.format(pieces) { key in row[key].map(Python.str) }
        }
        return ["messages_text": Langflow.message(lines.joined(separator: "\n"), context: context), "dataframe": Langflow.dataFrame(rows)]
    default:
        throw ComponentFailure("\(name): mode must be Retrieve or Store, found '\(mode)'")
    }
}.aliased("MemoryBase", "MemoryComponent")
