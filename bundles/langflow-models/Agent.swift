import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `Agent`: a tool-calling loop on an OpenAI-compatible chat model.
///
/// Each round sends the conversation (system prompt, the session's last `n_messages` messages, the input,
/// then the rounds so far) with the tools' schemas; the model either answers (the loop ends) or asks for tool
/// calls, which run through the tools' handles (any bundle's `Tool` objects, see ``ComponentTool``) and go back
/// as `tool` messages. A tool that fails answers its error to the model, as LangChain's agents do; a model
/// that keeps calling tools stops at `max_iterations` with a run error.
///
/// The model is asked to stream, as Langflow's agent (which sends its tokens over the API since langflow#10216):
/// the answer's tokens are `token` events of the run as they arrive; a server that answers plain JSON works too.
let agent = ComponentDefinition(
    "Agent", displayName: "Agent", description: "Define the agent's instructions, then enter a task to complete using tools.",
    category: "agents", icon: "bot", documentation: "https://docs.langflow.org/agents",
    inputs: [
        InputDefinition(
            "agent_llm", displayName: "Model Provider", info: "The provider of the language model that the agent will use to generate responses.",
            fieldType: "str", acceptedTypes: ["LanguageModel"], defaultJSON: "\"OpenAI\"", options: ModelFields.providers),
        InputDefinition(
            "model", displayName: "Language Model", info: "A connected Language Model, used instead of the provider fields.",
            fieldType: "other", acceptedTypes: ["LanguageModel"], advanced: true, handle: true),
        .dropdown("model_name", "Model Name", options: ModelFields.openAIModels, value: "gpt-4o-mini"),
        InputDefinition(
            "api_key", displayName: "OpenAI API Key", info: "The OpenAI API Key to use for the OpenAI model.", fieldType: "str",
            defaultJSON: "\"OPENAI_API_KEY\"", secret: true),
        .string("openai_api_base", "OpenAI API Base", info: "Base URL of the OpenAI-compatible API. Empty: the provider's own.", advanced: true),
        InputDefinition("ollama_base_url", displayName: "Ollama API URL", fieldType: "str", hidden: true),
        ModelFields.temperature,
        ModelFields.maxTokens,
        .int("max_retries", "Max Retries", info: "The maximum number of retries to make when generating.", value: 5, advanced: true),
        .int("timeout", "Timeout", info: "The timeout for requests to the model API, in seconds.", value: 700, advanced: true),
        .multiline(
            "system_prompt", "Agent Instructions", info: "System Prompt: Initial instructions and context provided to guide the agent's behavior.",
            value: "You are a helpful assistant that can use tools to answer questions and perform tasks."),
        .int("n_messages", "Number of Chat History Messages", info: "Number of chat history messages to retrieve.", value: 100, advanced: true),
        .handle("tools", "Tools", types: ["Tool"], info: "These are the tools that the agent can use to help with tasks.", list: true),
        .messageText("input_value", "Input", info: "The input provided by the user for the agent to process."),
        .boolean("handle_parsing_errors", "Handle Parse Errors", info: "Should the Agent fix errors when reading user input for better processing?", value: true, advanced: true),
        .boolean("verbose", "Verbose", value: true, advanced: true),
        .int("max_iterations", "Max Iterations", info: "The maximum number of attempts the agent can make to complete its task before it stops.", value: 15, advanced: true),
        .multiline(
            "agent_description", "Agent Description [Deprecated]",
            info: "The description of the agent. This is only used when in Tool Mode.", value: "A helpful assistant with access to the following tools:",
            advanced: true),
        .boolean("add_current_date_tool", "Current Date", info: "If true, will add a tool to the agent that returns the current date.", value: true, advanced: true),
    ],
    outputs: [OutputDefinition("response", displayName: "Response", types: ["Message"])]
) { inputs, context in
    try AgentLoop(inputs: inputs, context: context).run()
}

/// One run of the agent.
struct AgentLoop {
    static let component = "Agent"
    /// The most of a tool's answer put back into the conversation.
    static let maximumToolAnswerBytes = 64 * 1024
    /// The most rounds any agent may take, whatever `max_iterations` says.
    static let iterationCeiling: Int64 = 100

    let inputs: Inputs
    let context: Context

    func run() throws -> Outputs {
        let name = Self.component
        let input = try inputs.text("input_value", component: name)
        try InputLimits.check(input, limit: ModelFields.maximumInputBytes, input: "input_value", component: name)
        let maxIterations = try ModelFields.integer(inputs, "max_iterations", component: name) ?? 15
        guard (1...Self.iterationCeiling).contains(maxIterations) else {
            throw ComponentFailure("\(name): max_iterations must be between 1 and \(Self.iterationCeiling), found \(maxIterations)")
        }
        let client = try model()
        let tools = try toolSet()
        var messages = try conversation(input: input)
        let schemas = tools.map { tool in
            JSON.object(JSONObject([
                ("type", .string("function")),
                ("function", .object(JSONObject([
                    ("name", .string(tool.name)), ("description", .string(tool.description)), ("parameters", .object(tool.parameters)),
                ]))),
            ]))
        }
        for round in 1...maxIterations {
            if context.isCancelled { throw ComponentFailure("\(name): cancelled") }
            // Streamed, as Langflow's agent: the final answer's tokens reach the run's event stream as they come
            // (a round that calls tools usually has no text; when it has, it streams too).
            let answer = try client.complete(messages: messages, tools: schemas, stream: true, context: context)
            guard !answer.toolCalls.isEmpty else {
                return ["response": Langflow.message(answer.content, context: context, sender: "Machine", senderName: "AI")]
            }
            messages.append(answer.assistantMessage)
            for call in answer.toolCalls {
                let result = callTool(call, tools: tools)
                context.log(.info, "\(name): round \(round): tool \(call.name) answered \(result.utf8.count) bytes")
                messages.append(.object(JSONObject([("role", .string("tool")), ("tool_call_id", .string(call.id)), ("content", .string(result))])))
            }
        }
        throw ComponentFailure("\(name): no final answer after \(maxIterations) iterations (max_iterations); the model kept calling tools")
    }

    /// The connected model (on `model` or `agent_llm`), else one from the provider fields.
    private func model() throws -> ModelClient {
        let name = Self.component
        for field in ["model", "agent_llm"] {
            if case .object(let reference)? = inputs[field] {
                guard reference.typeName == "LanguageModel" else {
                    throw ComponentFailure("\(name): input '\(field)' must be a LanguageModel, found a \(reference.typeName) object")
                }
                return ModelClient(reference)
            }
        }
        let provider = trimmed(try inputs.text("agent_llm", component: name))
        let model = trimmed(try inputs.text("model_name", component: name))
        guard !model.isEmpty else { throw ComponentFailure("\(name): no model: set model_name or connect a Language Model") }
        var settings = try ModelFields.settings(
            inputs, context: context, component: name, provider: provider == "Custom" ? "OpenAI-compatible" : provider, model: model,
            baseURLFields: ["openai_api_base", "base_url"])
        let key = try inputs.text("api_key", component: name)
        if key == "OPENAI_API_KEY" { settings.apiKey = context.variable(named: key) ?? settings.apiKey }
        if let retries = try ModelFields.integer(inputs, "max_retries", component: name) {
            guard (0...20).contains(retries) else { throw ComponentFailure("\(name): max_retries must be between 0 and 20, found \(retries)") }
            settings.maxRetries = retries
        }
        if let timeout = try ModelFields.integer(inputs, "timeout", component: name) {
            guard timeout > 0 else { throw ComponentFailure("\(name): timeout must be a positive number of seconds, found \(timeout)") }
            settings.timeout = timeout
        }
        return .direct(ChatModel(settings, component: name))
    }

    /// The connected tools, plus the current date tool when asked; names must be unique.
    private func toolSet() throws -> [AgentTool] {
        var tools = try inputs.objects("tools", context: context).map { (reference) throws(ComponentFailure) -> AgentTool in
            .handle(try ToolHandle(reference, context: context))
        }
        if try inputs.bool("add_current_date_tool", default: true) { tools.append(.currentDate) }
        var seen = Set<String>()
        for tool in tools where !seen.insert(tool.name).inserted {
            throw ComponentFailure("\(Self.component): two connected tools are both named '\(tool.name)'; a model cannot tell them apart")
        }
        return tools
    }

    /// System prompt, the session's history (when the host keeps one), then the input.
    private func conversation(input: String) throws -> [JSON] {
        let name = Self.component
        var messages: [JSON] = []
        let system = try inputs.text("system_prompt", component: name)
        if !system.isEmpty { messages.append(.object(JSONObject([("role", .string("system")), ("content", .string(system))]))) }
        let count = try ModelFields.integer(inputs, "n_messages", component: name) ?? 100
        guard count >= 0 else { throw ComponentFailure("\(name): n_messages must be 0 or more, found \(count)") }
        if count > 0, let history = try? context.history(limit: Int(min(count, 10_000))) {
            for message in history where !message.text.isEmpty {
                let role = message.sender == "User" ? "user" : "assistant"
                messages.append(.object(JSONObject([("role", .string(role)), ("content", .string(message.text))])))
            }
        }
        guard !input.isEmpty else { throw ComponentFailure("\(name): the input is empty: connect a Chat Input or set input_value") }
        messages.append(.object(JSONObject([("role", .string("user")), ("content", .string(input))])))
        return messages
    }

    /// Runs a tool call; failures (unknown tool, bad arguments, the tool's own error) are answered to the model.
    private func callTool(_ call: ChatAnswer.ToolCall, tools: [AgentTool]) -> String {
        guard let tool = tools.first(where: { $0.name == call.name }) else {
            return "Error: there is no tool named '\(call.name)'. Available tools: \(tools.map(\.name).joined(separator: ", "))"
        }
        let arguments: JSONObject
        if trimmed(call.arguments).isEmpty {
            arguments = JSONObject()
        } else if let object = try? JSON(parsing: call.arguments).objectValue {
            arguments = object
        } else {
            return "Error: the arguments of \(call.name) are not a JSON object: \(String(call.arguments.prefix(200)))"
        }
        do {
            let answer = try tool.call(arguments, context: context)
            return answer.utf8.count > Self.maximumToolAnswerBytes ? String(answer.utf8.prefix(Self.maximumToolAnswerBytes)) ?? "" : answer
        } catch {
            return "Error: \(error.message)"
        }
    }
}

/// A tool the agent can call: a connected one, or its own current date tool.
enum AgentTool {
    case handle(ToolHandle)
    case currentDate

    var name: String {
        switch self {
        case .handle(let tool): tool.name
        case .currentDate: "get_current_date"
        }
    }

    var description: String {
        switch self {
        case .handle(let tool): tool.description
        case .currentDate: "Returns the current date and time in UTC."
        }
    }

    var parameters: JSONObject {
        switch self {
        case .handle(let tool): tool.parameters
        case .currentDate: JSONObject([("type", .string("object")), ("properties", .object(JSONObject()))])
        }
    }

    func call(_ arguments: JSONObject, context: Context) throws(ComponentFailure) -> String {
        switch self {
        case .handle(let tool): try tool.call(arguments, context: context)
        case .currentDate: "Current date and time in UTC: \(Langflow.timestamp())"
        }
    }
}
