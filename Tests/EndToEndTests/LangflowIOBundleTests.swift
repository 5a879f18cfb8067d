import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `liblangflow-io.so` (Chat Input, Chat Output, Text Input, Text Output, Webhook), loaded with `dlopen`, called
/// through the ABI and run in Langflow's own export with the other real Langflow bundles (no stand-ins).
@Suite struct LangflowIOBundleTests {
    static func registry() throws -> ComponentRegistry { try LangflowBundles.registry(.io) }

    private func call(_ component: String, _ inputs: [String: Value] = [:]) throws -> [String: Value] {
        try LangflowBundles.call(component, in: try Self.registry(), inputs)
    }

    private func failure(_ component: String, _ inputs: [String: Value] = [:]) throws -> String {
        try LangflowBundles.failure(component, in: try Self.registry(), inputs)
    }

    private func message(_ outputs: [String: Value], _ name: String = "message") throws -> JSONValue {
        let value = try #require(outputs[name])
        #expect(value.jsonType == "Message")
        return try #require(value.document)
    }

    // MARK: - Chat Input

    @Test func chatInputMakesAUserMessageInTheRunsSession() throws {
        let message = try message(try call("ChatInput", ["input_value": .string("Hello"), "sender": .string("User"), "sender_name": .string("User")]))
        #expect(message["text"] == "Hello")
        #expect(message["sender"] == "User")
        #expect(message["sender_name"] == "User")
        #expect(message["session_id"] == "session-1", "an empty session_id falls back to the run's session")
        #expect(message["flow_id"] == "langflow-bundles")
        #expect(message["files"] == [])
        #expect(message["category"] == "message")
        #expect(message["timestamp"]?.stringValue?.hasSuffix(" UTC") == true)
    }

    @Test func chatInputTakesItsFieldsOverTheDefaults() throws {
        let message = try message(try call("ChatInput", [
            "input_value": .string("Bonjour"), "sender": .string("Machine"), "sender_name": .message("Robot"), "session_id": .string("s-42"),
            "context_id": .string("ctx"), "files": .list(["a.png", "b.txt"]),
        ]))
        #expect(message["sender"] == "Machine")
        #expect(message["sender_name"] == "Robot")
        #expect(message["session_id"] == "s-42")
        #expect(message["context_id"] == "ctx")
        #expect(message["files"] == ["a.png", "b.txt"])
        let empty = try self.message(try call("ChatInput"))
        #expect(empty["text"] == "")
        #expect(empty["sender"] == "User", "an absent sender is the component's default")
        #expect(empty["sender_name"] == "User")
    }

    @Test func chatInputRefusesBadInputs() throws {
        #expect(try failure("ChatInput", ["input_value": .string("x"), "sender": .string("Robot")]) == "ChatInput: input 'sender' must be Machine or User, found 'Robot'")
        let huge = String(repeating: "a", count: (16 << 20) + 1)
        #expect(try failure("ChatInput", ["input_value": .string(huge)]).hasPrefix("ChatInput: input 'input_value' is 16777217 bytes, more than the limit"))
        let broken = try failure("ChatInput", ["input_value": .json(type: "Message", text: "{not json")])
        #expect(broken.hasPrefix("ChatInput: input 'input_value' holds a Message that is not valid JSON"), "\(broken)")
    }

    // MARK: - Chat Output

    @Test func chatOutputAnswersAsTheMachineKeepingTheMessagesFiles() throws {
        let incoming = Value.json(type: "Message", text: #"{"text":"Hi there","sender":"User","files":["f.png"],"properties":{"icon":"x"}}"#)
        let message = try message(try call("ChatOutput", ["input_value": incoming]))
        #expect(message["text"] == "Hi there")
        #expect(message["sender"] == "Machine")
        #expect(message["sender_name"] == "AI")
        #expect(message["files"] == ["f.png"])
        #expect(message["properties"] == ["icon": "x"])
        #expect(message["session_id"] == "session-1")
    }

    @Test func chatOutputWritesDataTablesAndListsAsLangflowDoes() throws {
        let data = try message(try call("ChatOutput", ["input_value": .data(["name": "Ada", "age": 36])]))
        #expect(data["text"] == "```json\n{\n  \"name\": \"Ada\",\n  \"age\": 36\n}\n```")
        let table = try message(try call("ChatOutput", ["input_value": .dataFrame([["name": "Ada", "age": 36], ["name": "Alan", "age": 41]])]))
        #expect(table["text"] == "| name   |   age |\n|:-------|------:|\n| Ada    |    36 |\n| Alan   |    41 |")
        let list = try message(try call("ChatOutput", ["input_value": .list(["one", ["text": "two", "sender": "User"]])]))
        #expect(list["text"] == "one\ntwo")
        let text = try message(try call("ChatOutput", ["input_value": .string("line\n\n\n\nnext")]))
        #expect(text["text"] == "line\n\nnext", "clean_string cuts runs of blank lines")
    }

    @Test func chatOutputRefusesBadInputs() throws {
        #expect(try failure("ChatOutput") == "ChatOutput: Input data cannot be None")
        #expect(try failure("ChatOutput", ["input_value": .list([1, 2])]).hasPrefix("ChatOutput: Expected Data or DataFrame or Message or str, got 1"))
        #expect(try failure("ChatOutput", ["input_value": .string("x"), "sender": .string("Bot")]) == "ChatOutput: input 'sender' must be Machine or User, found 'Bot'")
    }

    // MARK: - Text Input / Text Output

    @Test func textInputAndOutputPassTextAsAMessage() throws {
        let input = try message(try call("TextInput", ["input_value": .string("plain")]), "text")
        #expect(input["text"] == "plain")
        #expect(input["sender"] == .null, "no chat metadata")
        let output = try message(try call("TextOutput", ["input_value": .message("out")]), "text")
        #expect(output["text"] == "out")
        #expect(try message(try call("TextOutput"), "text")["text"] == "")
        let huge = String(repeating: "b", count: (16 << 20) + 1)
        #expect(try failure("TextOutput", ["input_value": .string(huge)]).hasPrefix("TextOutput: input 'input_value' is 16777217 bytes"))
    }

    // MARK: - Webhook

    @Test func webhookReadsItsPayloadAsData() throws {
        func data(_ body: String?) throws -> JSONValue? {
            let outputs = try call("Webhook", body.map { ["data": .string($0)] } ?? [:])
            #expect(outputs["output_data"]?.jsonType == "Data")
            return outputs["output_data"]?.document
        }
        #expect(try data(#"{"event":"push","commits":2}"#) == ["event": "push", "commits": 2])
        #expect(try data("not json") == ["payload": "not json"])
        #expect(try data("[1,2]") == ["payload": [1, 2]])
        #expect(try data(nil) == [:])
        #expect(try data("") == [:])
    }

    // MARK: - Langflow's export, every component real

    /// `Tests/Fixtures/langflow/chat-prompt-chat.json` (ChatInput → Prompt → ChatOutput) with the real
    /// langflow-io and langflow-processing bundles.
    @Test func runsLangflowsChatPromptChatExportWithTheRealComponents() async throws {
        let registry = try LangflowBundles.registry(.io, .processing)
        let data = try Data(contentsOf: BundleFixtures.packageRoot.appendingPathComponent("Tests/Fixtures/langflow/chat-prompt-chat.json"))
        let flow = try Flow(parsing: data)
        let plan = try FlowBuilder(registry: registry).build(flow, inputValue: "hello")
        let result = try await FlowRunner().run(plan, options: RunOptions(flowID: "f-1", sessionID: "s-9", inputValue: "hello"))
        #expect(result.outputText == "Echo: hello")
        let output = try #require(result.vertices.first { $0.componentType == "ChatOutput" }?.outputs["message"])
        let message = try #require(output.document)
        #expect(message["sender"] == "Machine")
        #expect(message["sender_name"] == "AI")
        #expect(message["session_id"] == "s-9")
    }
}
