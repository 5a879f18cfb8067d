import Foundation
import LangBuilderCore
import LangBuilderHTTPClient
import LangBuilderTesting
import Testing

/// `liblangflow-models.so` (Language Model, OpenAI, Agent) loaded with `dlopen`, run in real flows by the engine
/// with the executable's libcurl client against a local OpenAI-compatible server on loopback: plain and
/// streamed completions, tool calls, retries and error answers.
@Suite struct LangflowModelsBundleTests {
    static let registry = Result { try LangflowBundles.registry(.models, .io, .processing, .utilities, .data) }
    static let http = Result { try CurlHTTPClient() }
    static let key = "sk-stub-secret-123"

    /// Runs `flow` with HTTP and `history`; the events and the result.
    static func run(
        _ flow: LangflowFlow, input: String = "hi", history: MemoryMessageHistory = MemoryMessageHistory(), tweaks: JSONValue? = nil
    ) async throws -> (events: [RunEvent], result: Result<RunResult, RunError>) {
        let plan = try FlowBuilder(registry: try registry.get()).build(try Flow(json: flow.json), tweaks: tweaks, inputValue: input)
        let options = RunOptions(
            flowID: flow.id, sessionID: "session-1", inputValue: input, services: HostServices(http: try http.get(), messages: history))
        let run = FlowRunner().start(plan, options: options)
        var events: [RunEvent] = []
        for await event in run.events { events.append(event) }
        do {
            return (events, .success(try await run.result()))
        } catch {
            return (events, .failure(error))
        }
    }

    /// The text of the Chat Output's message.
    static func answer(_ result: Result<RunResult, RunError>) throws -> String {
        let run = try result.get()
        let output = try #require(run.vertices.first { $0.componentType == "ChatOutput" }?.outputs["message"])
        return try #require(output.document?["text"]?.stringValue)
    }

    static func failure(_ result: Result<RunResult, RunError>) -> String {
        guard case .failure(let error) = result else { return "the run succeeded" }
        return error.description
    }

    /// ChatInput → `model` (a LanguageModelComponent or OpenAIModel with `fields`) → ChatOutput.
    static func modelFlow(_ fields: KeyValuePairs<String, JSONValue>, type: String = "LanguageModelComponent") -> LangflowFlow {
        LangflowFlow()
            .node("ChatInput-1", "ChatInput")
            .node("Model-1", type, fields)
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "message", to: "Model-1", "input_value")
            .edge("Model-1", "text_output", to: "ChatOutput-1", "input_value")
    }

    // MARK: - Language Model

    @Test func languageModelAsksTheAPIWithItsSettings() async throws {
        let stub = try OpenAIStub([.answer("Hello from the stub")])
        let flow = Self.modelFlow([
            "model_name": "gpt-test", "base_url": .string(stub.baseURL), "api_key": .string(Self.key), "system_message": "Be brief.",
            "max_tokens": 64,
        ])
        let (_, result) = try await Self.run(flow, input: "hi")
        #expect(try Self.answer(result) == "Hello from the stub")
        let request = try #require(stub.requests.first)
        #expect(stub.requests.count == 1)
        #expect(request.header("Authorization") == "Bearer \(Self.key)")
        #expect(request.body["model"] == "gpt-test")
        #expect(request.body["temperature"]?.numberValue == 0.1)
        #expect(request.body["max_tokens"] == 64)
        #expect(request.body["stream"] == nil)
        #expect(request.messages == [["role": "system", "content": "Be brief."], ["role": "user", "content": "hi"]])
    }

    @Test func streamedAnswerEmitsEveryTokenInOrder() async throws {
        let pieces = ["Hel", "lo", ", w", "örld"]
        let stub = try OpenAIStub([.stream(pieces)])
        let flow = Self.modelFlow(["model_name": "gpt-test", "base_url": .string(stub.baseURL), "api_key": .string(Self.key), "stream": true])
        let (events, result) = try await Self.run(flow)
        #expect(try Self.answer(result) == "Hello, wörld")
        let tokens: [String] = events.filter { $0.event == "token" }.compactMap { $0.data["chunk"]?.stringValue }
        #expect(tokens == pieces)
        #expect(stub.requests.first?.body["stream"] == true)
        #expect(stub.requests.first?.header("Accept") == "text/event-stream")
    }

    @Test func rateLimitedAnswerIsRetriedAfterRetryAfter() async throws {
        let stub = try OpenAIStub([.failure(429, #"{"error":{"message":"Rate limit reached"}}"#, [("Retry-After", "0")]), .answer("second time lucky")])
        let flow = Self.modelFlow(["model_name": "gpt-test", "base_url": .string(stub.baseURL), "api_key": .string(Self.key)])
        let (_, result) = try await Self.run(flow)
        #expect(try Self.answer(result) == "second time lucky")
        #expect(stub.requests.count == 2)
    }

    @Test func serverErrorsBecomeAClearRunErrorThatNeverShowsTheKey() async throws {
        let stub = try OpenAIStub([.failure(500, #"{"error":{"message":"internal trouble with key \#(Self.key)"}}"#, [])])
        let flow = Self.modelFlow([
            "model_name": "gpt-test", "openai_api_base": .string(stub.baseURL), "api_key": .string(Self.key), "max_retries": 1,
        ], type: "OpenAIModel")
        let (_, result) = try await Self.run(flow)
        let message = Self.failure(result)
        #expect(message.contains("OpenAIModel: the model API answered 500 after 2 attempts: internal trouble with key ***"), "\(message)")
        #expect(!message.contains(Self.key))
        #expect(stub.requests.count == 2)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let stub = try OpenAIStub([.failure(401, #"{"error":{"message":"Incorrect API key provided"}}"#, [])])
        let flow = Self.modelFlow(["model_name": "gpt-test", "base_url": .string(stub.baseURL), "api_key": "sk-wrong"])
        let (_, result) = try await Self.run(flow)
        #expect(Self.failure(result).contains("LanguageModelComponent: the model API answered 401: Incorrect API key provided"), "\(Self.failure(result))")
        #expect(stub.requests.count == 1)
    }

    @Test func anUnreachableAPIFailsNamingIt() async throws {
        let flow = Self.modelFlow([
            "model_name": "gpt-test", "openai_api_base": "http://127.0.0.1:1/v1", "api_key": .string(Self.key), "max_retries": 0,
        ], type: "OpenAIModel")
        let (_, result) = try await Self.run(flow)
        #expect(Self.failure(result).contains("OpenAIModel: the model API could not be reached"), "\(Self.failure(result))")
    }

    @Test func anAnswerThatIsNotACompletionIsAClearError() async throws {
        let stub = try OpenAIStub([.failure(200, "<html>proxy login</html>", [])])
        let flow = Self.modelFlow(["model_name": "gpt-test", "base_url": .string(stub.baseURL), "api_key": .string(Self.key)])
        let (_, result) = try await Self.run(flow)
        #expect(Self.failure(result).contains("answered something that is not a chat completion: <html>proxy login</html>"), "\(Self.failure(result))")
    }

    @Test func badSettingsFailBeforeAnyRequest() throws {
        let registry = try Self.registry.get()
        let cases: [([String: Value], String)] = [
            (["input_value": .string("hi")], "LanguageModelComponent: no model: choose one in 'model', set 'model_name', or connect a Language Model"),
            (["input_value": .string("hi"), "model_name": .string("m"), "provider": .string("Anthropic")], "provider 'Anthropic' is not available here"),
            (["input_value": .string("hi"), "model_name": .string("m"), "base_url": .string("http://x/v1"), "temperature": .double(5)], "temperature must be between 0 and 2"),
            (["input_value": .string("hi"), "model_name": .string("m"), "base_url": .string("ftp://x/v1")], "the API base URL must start with http:// or https://"),
            (["input_value": .string("hi"), "model_name": .string("m"), "base_url": .string("http://x/v1"), "max_tokens": .int(-1)], "max_tokens must be 0 (unlimited) or more"),
        ]
        for (inputs, expected) in cases {
            let message = try LangflowBundles.failure("LanguageModelComponent", in: registry, inputs)
            #expect(message.contains(expected), "\(message)")
        }
    }

    @Test func aModelUsedOnlyForItsHandleAsksNothing() throws {
        let outputs = try LangflowBundles.call(
            "LanguageModelComponent", in: try Self.registry.get(), ["model_name": .string("gpt-test"), "base_url": .string("http://127.0.0.1:1/v1")])
        guard case .object(let handle)? = outputs["model_output"] else {
            Issue.record("no LanguageModel handle: \(outputs)")
            return
        }
        #expect(handle.typeName == "LanguageModel")
        #expect(outputs["text_output"]?.document?["text"] == "")
    }

    /// Langflow's Basic Prompting export, unchanged, with its model pointed at the stub by tweaks.
    @Test func basicPromptingFixtureRunsAgainstTheLocalServer() async throws {
        let stub = try OpenAIStub([.answer("Start with a prompt.")])
        let file = BundleFixtures.packageRoot.appendingPathComponent("Tests/Fixtures/langflow/basic-prompting.json")
        let document = try JSONValue(parsing: String(contentsOf: file, encoding: .utf8))
        let tweaks: JSONValue = ["LanguageModelComponent-FLeYF": ["model_name": "gpt-4o-mini", "base_url": .string(stub.baseURL), "api_key": .string(Self.key)]]
        let plan = try FlowBuilder(registry: try Self.registry.get()).build(try Flow(json: document), tweaks: tweaks, inputValue: "What can I build?")
        let options = RunOptions(flowID: "basic-prompting", sessionID: "s", inputValue: "What can I build?", services: HostServices(http: try Self.http.get()))
        let result = try await FlowRunner().run(plan, options: options)
        let output = try #require(result.vertices.first { $0.componentType == "ChatOutput" }?.outputs["message"])
        #expect(output.document?["text"] == "Start with a prompt.")
        let messages = try #require(stub.requests.first?.messages)
        #expect(messages.count == 2)
        #expect(messages.first?["role"] == "system")
        #expect(messages.first?["content"]?.stringValue?.hasPrefix("Answer the user as if you were a GenAI expert") == true)
        #expect(messages.last == ["role": "user", "content": "What can I build?"])
    }

    // MARK: - Agent

    /// ChatInput → Agent (with `fields`, tools from `tools` Calculators) → ChatOutput.
    static func agentFlow(_ fields: KeyValuePairs<String, JSONValue>, calculators: Int = 1) -> LangflowFlow {
        var flow = LangflowFlow()
            .node("ChatInput-1", "ChatInput")
            .node("Agent-1", "Agent", fields)
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "message", to: "Agent-1", "input_value")
            .edge("Agent-1", "response", to: "ChatOutput-1", "input_value")
        for index in 0..<calculators {
            flow = flow.node("Calculator-\(index)", "CalculatorComponent").edge("Calculator-\(index)", "component_as_tool", to: "Agent-1", "tools")
        }
        return flow
    }

    @Test func agentCallsTheCalculatorToolThenAnswers() async throws {
        let stub = try OpenAIStub([.toolCall(name: "evaluate_expression", arguments: #"{"expression": "6*7"}"#), .answer("The answer is 42.")])
        let flow = Self.agentFlow(["model_name": "gpt-test", "openai_api_base": .string(stub.baseURL), "api_key": .string(Self.key)])
        let (_, result) = try await Self.run(flow, input: "What is 6 times 7?")
        #expect(try Self.answer(result) == "The answer is 42.")
        let requests = stub.requests
        #expect(requests.count == 2)
        #expect(requests.first?.toolNames == ["evaluate_expression", "get_current_date"])
        #expect(requests.first?.body["tools"]?.arrayValue?.first?["function"]?["parameters"]?["required"] == ["expression"])
        let followUp = try #require(requests.last?.messages)
        #expect(followUp.first?["role"] == "system")
        #expect(followUp.dropFirst().first == ["role": "user", "content": "What is 6 times 7?"])
        #expect(followUp.dropLast().last?["tool_calls"]?.arrayValue?.first?["function"]?["name"] == "evaluate_expression")
        #expect(followUp.last == ["role": "tool", "tool_call_id": "call_evaluate_expression", "content": #"{"result":"42"}"#])
    }

    @Test func agentStreamsItsAnswerAfterAStreamedToolCall() async throws {
        let pieces = ["The ", "answer ", "is 42."]
        let stub = try OpenAIStub([.streamedToolCall(name: "evaluate_expression", arguments: #"{"expression": "6*7"}"#), .stream(pieces)])
        let flow = Self.agentFlow(["model_name": "gpt-test", "openai_api_base": .string(stub.baseURL), "api_key": .string(Self.key)])
        let (events, result) = try await Self.run(flow, input: "What is 6 times 7?")
        #expect(try Self.answer(result) == "The answer is 42.")
        #expect(events.filter { $0.event == "token" }.compactMap { $0.data["chunk"]?.stringValue } == pieces)
        let requests = stub.requests
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.body["stream"] == true && $0.header("Accept") == "text/event-stream" })
        let toolAnswer = try #require(requests.last?.messages.last)
        #expect(toolAnswer["role"] == "tool")
        #expect(toolAnswer["content"] == #"{"result":"42"}"#)
    }

    @Test func aToolCallStreamedWithoutDoneIsStillMade() async throws {
        let stub = try OpenAIStub([.streamedToolCall(name: "evaluate_expression", arguments: #"{"expression": "6*7"}"#, done: false), .answer("42.")])
        let flow = Self.agentFlow(["model_name": "gpt-test", "openai_api_base": .string(stub.baseURL), "api_key": .string(Self.key)])
        let (_, result) = try await Self.run(flow, input: "What is 6 times 7?")
        #expect(try Self.answer(result) == "42.")
        #expect(stub.requests.count == 2)
        #expect(stub.requests.last?.messages.last?["content"] == #"{"result":"42"}"#)
    }

    @Test func aFailingToolCallIsAnsweredToTheModel() async throws {
        let stub = try OpenAIStub([
            .toolCall(name: "evaluate_expression", arguments: #"{"expression": "2 +* 2"}"#), .toolCall(name: "no_such_tool", arguments: "{}"),
            .toolCall(name: "evaluate_expression", arguments: "not json"), .answer("I could not compute it."),
        ])
        let flow = Self.agentFlow(["model_name": "gpt-test", "openai_api_base": .string(stub.baseURL), "api_key": .string(Self.key)])
        let (_, result) = try await Self.run(flow)
        #expect(try Self.answer(result) == "I could not compute it.")
        let toolAnswers = try #require(stub.requests.last?.messages.filter { $0["role"] == "tool" }.map { $0["content"]?.stringValue ?? "" })
        #expect(toolAnswers.count == 3)
        #expect(toolAnswers[0].contains(#""error":"#) && toolAnswers[0].contains(#""input":"2 +* 2""#), "\(toolAnswers[0])")
        #expect(toolAnswers[1] == "Error: there is no tool named 'no_such_tool'. Available tools: evaluate_expression, get_current_date")
        #expect(toolAnswers[2] == "Error: the arguments of evaluate_expression are not a JSON object: not json")
    }

    @Test func agentStopsAtMaxIterations() async throws {
        let stub = try OpenAIStub([.toolCall(name: "get_current_date", arguments: "{}")])
        let flow = Self.agentFlow(["model_name": "gpt-test", "openai_api_base": .string(stub.baseURL), "api_key": .string(Self.key), "max_iterations": 3])
        let (_, result) = try await Self.run(flow)
        #expect(Self.failure(result).contains("Agent: no final answer after 3 iterations (max_iterations)"), "\(Self.failure(result))")
        #expect(stub.requests.count == 3)
        #expect(stub.requests.last?.messages.last?["content"]?.stringValue?.hasPrefix("Current date and time in UTC: ") == true)
    }

    @Test func agentUsesAConnectedLanguageModel() async throws {
        let stub = try OpenAIStub([.answer("from the connected model")])
        let flow = LangflowFlow()
            .node("ChatInput-1", "ChatInput")
            .node("Model-1", "LanguageModelComponent", ["model_name": "connected-model", "base_url": .string(stub.baseURL), "api_key": .string(Self.key)])
            .node("Agent-1", "Agent", ["add_current_date_tool": false, "model_name": "unused"])
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "message", to: "Agent-1", "input_value")
            .edge("Model-1", "model_output", to: "Agent-1", "agent_llm")
            .edge("Agent-1", "response", to: "ChatOutput-1", "input_value")
        let (_, result) = try await Self.run(flow)
        #expect(try Self.answer(result) == "from the connected model")
        #expect(stub.requests.count == 1, "the model component itself had nothing to ask")
        #expect(stub.requests.first?.body["model"] == "connected-model")
        #expect(stub.requests.first?.body["tools"] == nil)
    }

    @Test func agentReadsTheSessionsHistory() async throws {
        let history = MemoryMessageHistory()
        for (text, sender) in [("My name is Ada.", "User"), ("Hello Ada!", "Machine")] {
            let message: JSONValue = ["text": .string(text), "sender": .string(sender), "sender_name": .string(sender == "User" ? "User" : "AI"), "session_id": "session-1"]
            try await history.add(try #require(message.objectValue), userID: nil)
        }
        let stub = try OpenAIStub([.answer("Your name is Ada.")])
        let flow = Self.agentFlow(["model_name": "gpt-test", "openai_api_base": .string(stub.baseURL), "api_key": .string(Self.key)], calculators: 0)
        let (_, result) = try await Self.run(flow, input: "What is my name?", history: history)
        #expect(try Self.answer(result) == "Your name is Ada.")
        let messages = try #require(stub.requests.first?.messages)
        #expect(Array(messages.dropFirst()) == [
            ["role": "user", "content": "My name is Ada."], ["role": "assistant", "content": "Hello Ada!"], ["role": "user", "content": "What is my name?"],
        ])
    }

    /// Two tools reach the agent's list input as the host's `list` object; both answer "evaluate_expression".
    @Test func twoToolsOfTheSameNameAreRefused() async throws {
        let stub = try OpenAIStub([.answer("never asked")])
        let flow = Self.agentFlow(["model_name": "gpt-test", "openai_api_base": .string(stub.baseURL), "api_key": .string(Self.key)], calculators: 2)
        let (_, result) = try await Self.run(flow)
        #expect(Self.failure(result).contains("Agent: two connected tools are both named 'evaluate_expression'"), "\(Self.failure(result))")
        #expect(stub.requests.isEmpty)
    }

    @Test func agentWithoutInputOrWithABadIterationLimitFails() throws {
        let registry = try Self.registry.get()
        let base: [String: Value] = ["model_name": .string("m"), "openai_api_base": .string("http://127.0.0.1:1/v1"), "api_key": .string("k")]
        #expect(try LangflowBundles.failure("Agent", in: registry, base).contains("Agent: the input is empty"))
        var bad = base
        bad["input_value"] = .string("hi")
        bad["max_iterations"] = .int(0)
        #expect(try LangflowBundles.failure("Agent", in: registry, bad).contains("Agent: max_iterations must be between 1 and 100, found 0"))
    }

    // MARK: - Message History

    @Test func memoryRetrievesTheSessionAsTextAndAsADataFrame() async throws {
        let history = MemoryMessageHistory()
        for (text, sender) in [("one", "User"), ("two", "Machine"), ("three", "User")] {
            let message: JSONValue = ["text": .string(text), "sender": .string(sender), "sender_name": .string(sender == "User" ? "User" : "AI"), "session_id": "session-1"]
            try await history.add(try #require(message.objectValue), userID: nil)
        }
        let flow = LangflowFlow()
            .node("Memory-1", "MemoryBase", ["n_messages": 2])
            .node("User-1", "Memory", ["sender_type": "User", "order": "Descending", "template": "{text}"])
            .node("ChatOutput-1", "ChatOutput")
            .edge("Memory-1", "messages_text", to: "ChatOutput-1", "input_value")
        let (_, result) = try await Self.run(flow, history: history)
        #expect(try Self.answer(result) == "AI: two\nUser: three")
        let run = try result.get()
        let users = try #require(run.vertices.first { $0.id == "User-1" })
        #expect(users.outputs["messages_text"]?.document?["text"] == "three\none")
        #expect(users.outputs["dataframe"]?.document?.arrayValue?.map { $0["text"] } == ["three", "one"])
    }

    @Test func memoryStoresAMessageInTheSession() async throws {
        let history = MemoryMessageHistory()
        let flow = LangflowFlow()
            .node("ChatInput-1", "ChatInput", ["should_store_message": false])
            .node("Memory-1", "Memory", ["mode": "Store", "sender": "User"])
            .edge("ChatInput-1", "message", to: "Memory-1", "message")
        let (_, result) = try await Self.run(flow, input: "remember me", history: history)
        _ = try result.get()
        let stored = try await history.messages(MessageQuery(userID: nil, sessionID: "session-1"))
        #expect(stored.map { $0["text"] } == ["remember me"])
        #expect(stored.first?["sender"] == "User")
    }
}
