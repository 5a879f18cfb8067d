import LangBuilderBundleSDK
import LangflowBundleSupport

/// A chat model as other components hold it: the object behind a `LanguageModel` handle.
///
/// Methods (any bundle can call them through the handle):
/// - `complete`: one `dict` JSON argument `{"messages": [...], "tools": [...], "stream": false}` (OpenAI's chat
///   messages and function tools); answers a `dict` JSON `{"content", "tool_calls": [{"id", "name",
///   "arguments"}], "finish_reason"}`. Streamed answers emit their tokens on the caller's run.
/// - `describe`: a `dict` JSON `{"provider", "model_name", "base_url"}` (never the key).
final class ChatModel: ObjectBehavior {
    let settings: ModelSettings
    let component: String

    init(_ settings: ModelSettings, component: String) {
        self.settings = settings
        self.component = component
    }

    func complete(messages: [JSON], tools: [JSON] = [], stream: Bool, context: Context) throws(ComponentFailure) -> ChatAnswer {
        try ChatCompletions.complete(settings, messages: messages, tools: tools, stream: stream, component: component, context: context)
    }

    func invoke(_ method: String, arguments: [Value?], context: Context) throws -> Value {
        switch method {
        case "complete":
            guard let argument = arguments.first, case .json(_, let text)? = argument, let request = try? JSON(parsing: text).objectValue else {
                throw ComponentFailure("LanguageModel.complete takes one JSON object {\"messages\": [...]}")
            }
            guard let messages = request["messages"]?.arrayValue, !messages.isEmpty else {
                throw ComponentFailure("LanguageModel.complete: 'messages' must be a non-empty list")
            }
            let stream: Bool
            if case .bool(let flag)? = request["stream"] { stream = flag } else { stream = false }
            let answer = try complete(messages: messages, tools: request["tools"]?.arrayValue ?? [], stream: stream, context: context)
            return .json(type: "dict", text: JSON.object(answer.json).serialized())
        case "describe":
            let description = JSONObject([
                ("provider", .string(settings.provider)), ("model_name", .string(settings.model)), ("base_url", .string(settings.baseURL)),
            ])
            return .json(type: "dict", text: JSON.object(description).serialized())
        default:
            throw ComponentFailure("a LanguageModel has no method '\(method)' (it has complete and describe)")
        }
    }
}

/// The model a component talks to: its own settings, or a `LanguageModel` handle from another component
/// (of this bundle or any other).
enum ModelClient {
    case direct(ChatModel)
    case handle(ObjectReference)

    init(_ reference: ObjectReference) {
        if let model = reference.swiftObject(as: ChatModel.self) { self = .direct(model) } else { self = .handle(reference) }
    }

    func complete(messages: [JSON], tools: [JSON] = [], stream: Bool, context: Context) throws(ComponentFailure) -> ChatAnswer {
        switch self {
        case .direct(let model):
            return try model.complete(messages: messages, tools: tools, stream: stream, context: context)
        case .handle(let reference):
            let request = JSONObject([("messages", .array(messages)), ("tools", .array(tools)), ("stream", .bool(stream))])
            let answer = try reference.invoke("complete", [.json(type: "dict", text: JSON.object(request).serialized())], context: context)
            guard case .json(_, let text) = answer, let object = try? JSON(parsing: text).objectValue else {
                throw ComponentFailure("the connected \(reference.typeName) answered \(answer.typeName), not a completion")
            }
            var parsed = ChatAnswer()
            parsed.content = object["content"]?.stringValue ?? ""
            parsed.finishReason = object["finish_reason"]?.stringValue
            for (index, call) in (object["tool_calls"]?.arrayValue ?? []).enumerated() {
                guard let name = call["name"]?.stringValue else { continue }
                parsed.toolCalls.append(.init(id: call["id"]?.stringValue ?? "call_\(index)", name: name, arguments: call["arguments"]?.stringValue ?? "{}"))
            }
            return parsed
        }
    }
}

/// Reading the model fields Langflow's model components and Agent share.
enum ModelFields {
    /// Providers reached through an OpenAI-compatible chat completions API.
    static let providers = ["OpenAI", "Ollama", "OpenAI-compatible"]
    static let openAIModels = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5", "gpt-5-mini", "o4-mini"]

    static let temperature = InputDefinition(
        "temperature", displayName: "Temperature", info: "Controls randomness in responses", fieldType: "slider", defaultJSON: "0.1",
        advanced: true)
    static let maxTokens = InputDefinition.int(
        "max_tokens", "Max Tokens", info: "Maximum number of tokens to generate. Set to 0 for unlimited tokens.", value: 0, advanced: true)
    static let baseURL = InputDefinition.string(
        "base_url", "API Base URL",
        info: "Base URL of an OpenAI-compatible API (e.g. http://127.0.0.1:8000/v1). Empty: the provider's own.", advanced: true)

    /// The optional number of an input: nil when absent or empty.
    static func number(_ inputs: Inputs, _ name: String, component: String) throws -> Double? {
        guard let value = inputs[name] else { return nil }
        if case .null = value { return nil }
        if case .string(let text) = value, text.isEmpty { return nil }
        let number = try inputs.number(name)
        guard number.isFinite else { throw ComponentFailure("\(component): input '\(name)' must be a finite number") }
        return number
    }

    static func integer(_ inputs: Inputs, _ name: String, component: String) throws -> Int64? {
        guard let value = inputs[name] else { return nil }
        if case .null = value { return nil }
        if case .string(let text) = value, text.isEmpty { return nil }
        return try inputs.integer(name)
    }

    /// The model a `model` field names when it holds no handle: a model name, or Langflow's model list
    /// `[{"name": "gpt-4o-mini", "provider": "OpenAI", ...}]`. Returns (name, provider), either may be empty.
    static func selection(_ inputs: Inputs, _ name: String, component: String) throws -> (String, String) {
        guard let value = try inputs.langflow(name, component: component) else { return ("", "") }
        switch value {
        case .list(let elements):
            guard let first = elements.first else { return ("", "") }
            if let object = first.objectValue {
                return (object["name"]?.stringValue ?? "", object["provider"]?.stringValue ?? "")
            }
            return (Python.str(first), "")
        case .dict(let object), .data(let object):
            return (object["name"]?.stringValue ?? object["model_name"]?.stringValue ?? "", object["provider"]?.stringValue ?? "")
        default:
            return (value.text, "")
        }
    }

    /// Settings from a component's fields. The key comes from `keyField`, else from the variable
    /// `OPENAI_API_KEY` of the run's user; the base URL from `base_url`, else the provider's.
    static func settings(
        _ inputs: Inputs, context: Context, component: String, provider rawProvider: String, model: String, keyField: String = "api_key",
        baseURLFields: [String] = ["base_url"]
    ) throws -> ModelSettings {
        var settings = ModelSettings()
        let provider = rawProvider.isEmpty ? "OpenAI" : rawProvider
        settings.provider = provider
        settings.model = model
        var base = ""
        for field in baseURLFields where base.isEmpty {
            base = trimmed(try inputs.text(field, component: component))
        }
        if base.isEmpty {
            switch provider {
            case "OpenAI":
                base = ChatCompletions.openAIBaseURL
            case "Ollama":
                let ollama = trimmed(try inputs.text("ollama_base_url", component: component))
                base = (ollama.isEmpty ? "http://localhost:11434" : ollama) + "/v1"
            case "OpenAI-compatible":
                throw ComponentFailure("\(component): provider OpenAI-compatible needs base_url (e.g. http://127.0.0.1:8000/v1)")
            default:
                throw ComponentFailure(
                    "\(component): provider '\(provider)' is not available here; use OpenAI, Ollama, or set base_url to an OpenAI-compatible API")
            }
        }
        settings.baseURL = base
        let key = try inputs.text(keyField, component: component)
        settings.apiKey = key.isEmpty ? (context.variable(named: "OPENAI_API_KEY") ?? "") : key
        if provider == "OpenAI" && settings.apiKey.isEmpty && base == ChatCompletions.openAIBaseURL {
            throw ComponentFailure("\(component): no API key: set api_key or the variable OPENAI_API_KEY")
        }
        if let temperature = try number(inputs, "temperature", component: component) {
            guard (0...2).contains(temperature) else { throw ComponentFailure("\(component): temperature must be between 0 and 2, found \(temperature)") }
            settings.temperature = temperature
        }
        if let maxTokens = try integer(inputs, "max_tokens", component: component) {
            guard maxTokens >= 0 else { throw ComponentFailure("\(component): max_tokens must be 0 (unlimited) or more, found \(maxTokens)") }
            settings.maxTokens = maxTokens
        }
        return settings
    }

    /// The messages of one question: the system message when there is one, then the user's input.
    static func messages(system: String, input: String) -> [JSON] {
        var messages: [JSON] = []
        if !system.isEmpty { messages.append(.object(JSONObject([("role", .string("system")), ("content", .string(system))]))) }
        if !input.isEmpty { messages.append(.object(JSONObject([("role", .string("user")), ("content", .string(input))]))) }
        return messages
    }

    /// The largest input text a model component sends.
    static let maximumInputBytes = InputLimits.documentBytes
}

/// Answers `input_value` (with `system_message`) on `text_output` and hands the model on `model_output`.
/// No request is made when there is nothing to ask (a component used only for its model).
private func respond(
    _ client: ModelClient, model: Value, inputs: Inputs, context: Context, component: String
) throws -> Outputs {
    let input = try inputs.text("input_value", component: component)
    let system = try inputs.text("system_message", component: component)
    try InputLimits.check(input, limit: ModelFields.maximumInputBytes, input: "input_value", component: component)
    try InputLimits.check(system, limit: ModelFields.maximumInputBytes, input: "system_message", component: component)
    var text = ""
    if !input.isEmpty || !system.isEmpty {
        let stream = try inputs.bool("stream", default: false)
        text = try client.complete(messages: ModelFields.messages(system: system, input: input), stream: stream, context: context).content
    }
    return ["text_output": Langflow.message(text, context: context), "model_output": model]
}

/// Langflow's `LanguageModelComponent` ("Language Model"): a chat model of a provider, answering a question
/// and handing itself to other components. Providers reached here: OpenAI, Ollama and any OpenAI-compatible
/// API (`base_url`, an extension field); a connected `LanguageModel` is used as it is.
let languageModel = ComponentDefinition(
    "LanguageModelComponent", displayName: "Language Model",
    description: "Runs a language model given a specified provider.", category: "models", icon: "brain-circuit",
    documentation: "https://docs.langflow.org/components-models",
    inputs: [
        InputDefinition(
            "model", displayName: "Language Model", info: "Select your model provider, or connect a Language Model.", fieldType: "model",
            acceptedTypes: ["LanguageModel"], defaultJSON: "\"\""),
        .string("model_name", "Model Name Override", info: "Manually specify a model name, overriding the selection.", advanced: true),
        .string("provider", "Provider Override", info: "Manually specify the provider (OpenAI, Ollama, OpenAI-compatible).", advanced: true),
        InputDefinition("api_key", displayName: "API Key", info: "Model Provider API key", fieldType: "str", advanced: true, secret: true),
        .dropdown(
            "base_url_ibm_watsonx", "watsonx API Endpoint", options: ["https://us-south.ml.cloud.ibm.com"], value: "https://us-south.ml.cloud.ibm.com",
            hidden: true),
        InputDefinition("project_id", displayName: "watsonx Project ID", fieldType: "str", hidden: true),
        InputDefinition("ollama_base_url", displayName: "Ollama API URL", fieldType: "str", hidden: true),
        .messageText("input_value", "Input", info: "The input text to send to the model"),
        .multiline("system_message", "System Message", info: "A system message that helps set the behavior of the assistant"),
        .boolean("stream", "Stream", info: "Whether to stream the response", advanced: true),
        ModelFields.temperature,
        ModelFields.maxTokens,
        ModelFields.baseURL,
    ],
    outputs: [
        OutputDefinition("text_output", displayName: "Model Response", types: ["Message"]),
        OutputDefinition("model_output", displayName: "Language Model", types: ["LanguageModel"]),
    ]
) { inputs, context in
    let name = "LanguageModelComponent"
    if case .object(let reference)? = inputs["model"] {
        guard reference.typeName == "LanguageModel" else {
            throw ComponentFailure("\(name): input 'model' must be a LanguageModel, found a \(reference.typeName) object")
        }
        return try respond(ModelClient(reference), model: .object(reference), inputs: inputs, context: context, component: name)
    }
    let (selected, selectedProvider) = try ModelFields.selection(inputs, "model", component: name)
    let override = trimmed(try inputs.text("model_name", component: name))
    let model = override.isEmpty ? selected : override
    guard !model.isEmpty else {
        throw ComponentFailure("\(name): no model: choose one in 'model', set 'model_name', or connect a Language Model")
    }
    let providerOverride = trimmed(try inputs.text("provider", component: name))
    let settings = try ModelFields.settings(
        inputs, context: context, component: name, provider: providerOverride.isEmpty ? selectedProvider : providerOverride, model: model)
    let chat = ChatModel(settings, component: name)
    return try respond(.direct(chat), model: .object(ObjectReference(typeName: "LanguageModel", object: chat, context: context)), inputs: inputs, context: context, component: name)
}

/// Langflow's `OpenAIModel` (class `OpenAIModelComponent`): OpenAI's chat models, or any OpenAI-compatible
/// API through `openai_api_base`.
let openAIModel = ComponentDefinition(
    "OpenAIModel", displayName: "OpenAI", description: "Generates text using OpenAI LLMs.", category: "models", icon: "OpenAI",
    documentation: "https://docs.langflow.org/components-models#openai",
    inputs: [
        .messageText("input_value", "Input"),
        .multiline("system_message", "System Message", info: "System message to pass to the model.", advanced: true),
        .boolean("stream", "Stream", info: "Stream the response from the model. Streaming works only in Chat.", advanced: true),
        ModelFields.maxTokens,
        .dict("model_kwargs", "Model Kwargs", info: "Additional keyword arguments to pass to the model."),
        .boolean("json_mode", "JSON Mode", info: "If True, it will output JSON regardless of passing a schema.", advanced: true),
        .dropdown("model_name", "Model Name", options: ModelFields.openAIModels, value: "gpt-4o-mini"),
        .string(
            "openai_api_base", "OpenAI API Base",
            info: "The base URL of the OpenAI API. Defaults to https://api.openai.com/v1. Any OpenAI-compatible API works.", advanced: true),
        InputDefinition(
            "api_key", displayName: "OpenAI API Key", info: "The OpenAI API Key to use for the OpenAI model.", fieldType: "str",
            defaultJSON: "\"OPENAI_API_KEY\"", required: true, secret: true),
        ModelFields.temperature,
        .int("seed", "Seed", info: "The seed controls the reproducibility of the job.", value: 1, advanced: true),
        .int("max_retries", "Max Retries", info: "The maximum number of retries to make when generating.", value: 5, advanced: true),
        .int("timeout", "Timeout", info: "The timeout for requests to OpenAI completion API.", value: 700, advanced: true),
    ],
    outputs: [
        OutputDefinition("text_output", displayName: "Model Response", types: ["Message"]),
        OutputDefinition("model_output", displayName: "Language Model", types: ["LanguageModel"]),
    ]
) { inputs, context in
    let name = "OpenAIModel"
    let model = trimmed(try inputs.text("model_name", component: name))
    guard !model.isEmpty else { throw ComponentFailure("\(name): no model: set model_name") }
    var key = try inputs.text("api_key", component: name)
    // A key field still holding the variable's name (no variable of that name was found) is no key.
    if key == "OPENAI_API_KEY" { key = context.variable(named: key) ?? "" }
    var settings = try ModelFields.settings(
        inputs, context: context, component: name, provider: "OpenAI", model: model, baseURLFields: ["openai_api_base"])
    if !key.isEmpty { settings.apiKey = key }
    settings.seed = try ModelFields.integer(inputs, "seed", component: name)
    settings.jsonMode = try inputs.bool("json_mode", default: false)
    if let retries = try ModelFields.integer(inputs, "max_retries", component: name) {
        guard (0...20).contains(retries) else { throw ComponentFailure("\(name): max_retries must be between 0 and 20, found \(retries)") }
        settings.maxRetries = retries
    }
    if let timeout = try ModelFields.integer(inputs, "timeout", component: name) {
        guard timeout > 0 else { throw ComponentFailure("\(name): timeout must be a positive number of seconds, found \(timeout)") }
        settings.timeout = timeout
    }
    settings.extra = try inputs.dictionary("model_kwargs", component: name) ?? JSONObject()
    let chat = ChatModel(settings, component: name)
    return try respond(.direct(chat), model: .object(ObjectReference(typeName: "LanguageModel", object: chat, context: context)), inputs: inputs, context: context, component: name)
}.aliased("OpenAIModelComponent")
