import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// The flow model against real Langflow 1.13 exports and hand-made documents (issue 3, "Flow engine": Build 1).
@Suite struct FlowTests {
    @Test func parsesTheBasicPromptingExportWithoutItsNotes() throws {
        let flow = try Flow(parsing: try EngineFixture.langflowExport("basic-prompting.json"))
        #expect(flow.id == "c1cb7b3c-2589-4754-ac61-8cf88df4a07e")
        #expect(flow.name == "Basic Prompting")
        // Six nodes in the file, two of them notes (one of which has no data.type at all).
        #expect(flow.nodes.map(\.id) == ["ChatInput-b6UCc", "Prompt-t2oaK", "ChatOutput-yK0AU", "LanguageModelComponent-FLeYF"])
        #expect(flow.nodes.map(\.componentType) == ["ChatInput", "Prompt", "ChatOutput", "LanguageModelComponent"])
        #expect(flow.node(id: "ChatInput-b6UCc")?.displayName == "Chat Input")
        #expect(flow.node(id: "ChatInput-b6UCc")?.selectedOutput == "message")
        #expect(flow.node(id: "Prompt-t2oaK")?.field("code") == nil)
        #expect(flow.edges.map { "\($0.source).\($0.sourceOutput) -> \($0.target).\($0.targetField ?? "?")" } == [
            "ChatInput-b6UCc.message -> LanguageModelComponent-FLeYF.input_value",
            "Prompt-t2oaK.prompt -> LanguageModelComponent-FLeYF.system_message",
            "LanguageModelComponent-FLeYF.text_output -> ChatOutput-yK0AU.input_value",
        ])
        #expect(flow.edges.allSatisfy { $0.sourceTypes == ["Message"] && $0.targetOutput == nil })
    }

    @Test func parsesTheChatPromptChatExport() throws {
        let flow = try Flow(parsing: try EngineFixture.langflowExport("chat-prompt-chat.json"))
        #expect(flow.id == "d6a6873a-af77-4c07-b2d8-1a599443f11a")
        #expect(flow.name == "bench-prompt")
        #expect(flow.endpointName == "bench-prompt")
        #expect(flow.nodes.map(\.componentType) == ["ChatInput", "Prompt", "ChatOutput"])
        let prompt = try #require(flow.node(id: "Prompt-WsDNg"))
        #expect(prompt.field("template")?.value == "Echo: {x}")
        #expect(prompt.field("x")?.inputTypes == ["Message", "Text"])
        #expect(flow.edges == [
            Edge(
                id: flow.edges.first?.id, source: "ChatInput-UfYJZ", sourceOutput: "message", sourceTypes: ["Message"],
                target: "Prompt-WsDNg", targetField: "x"),
            Edge(
                id: flow.edges.last?.id, source: "Prompt-WsDNg", sourceOutput: "prompt", sourceTypes: ["Message"],
                target: "ChatOutput-dzuoF", targetField: "input_value"),
        ])
    }

    @Test(arguments: ["basic-prompting.json", "chat-prompt-chat.json"])
    func readsTheSameEdgesFromTheEditorsStringHandles(file: String) throws {
        let original = try JSONValue(parsing: try EngineFixture.langflowExport(file))
        let structured = try Flow(json: original)
        let stringsOnly = try Flow(json: Self.removingEdgeData(from: original))
        #expect(!structured.edges.isEmpty)
        #expect(stringsOnly.edges == structured.edges)
    }

    @Test func readsAStringHandleForALoopFeedbackEdge() throws {
        let document = FlowDocument()
            .node("Loop-1", "Loop")
            .node("Upper-1", "Upper")
            .feedback("Upper-1", "message", toLoop: "Loop-1", "item")
        let flow = try Flow(json: Self.removingEdgeData(from: document.json))
        #expect(flow.edges == [
            Edge(id: flow.edges.first?.id, source: "Upper-1", sourceOutput: "message", sourceTypes: ["Message"], target: "Loop-1", targetField: nil, targetOutput: "item")
        ])
    }

    @Test(arguments: ["basic-prompting.json", "chat-prompt-chat.json"])
    func exportRoundTripsWithoutLoss(file: String) throws {
        let data = try EngineFixture.langflowExport(file)
        let flow = try Flow(parsing: data)
        let exported = flow.exported().serialized()

        // Same document through our parser, with every key in its place...
        let original = try JSONValue(parsing: data)
        let reparsed = try JSONValue(parsing: exported)
        #expect(reparsed == original)
        #expect(reparsed.objectValue?.keys == original.objectValue?.keys)
        let node = try #require(reparsed["data"]?["nodes"]?.arrayValue?.first)
        #expect(node.objectValue?.keys == original["data"]?["nodes"]?.arrayValue?.first?.objectValue?.keys)
        // ... and through Foundation's, which shares no code with ours.
        let foundationOriginal = try JSONSerialization.jsonObject(with: data) as? NSDictionary
        let foundationExported = try JSONSerialization.jsonObject(with: Data(exported.utf8)) as? NSDictionary
        #expect(foundationOriginal != nil)
        #expect(foundationExported == foundationOriginal)
        // The keys this model does not read survive: note nodes, UI state, Langflow's own metadata.
        #expect(reparsed["data"]?["viewport"] != nil)
        #expect(reparsed["data"]?["nodes"]?.arrayValue?.count == original["data"]?["nodes"]?.arrayValue?.count)
        #expect(node["position"] != nil)
    }

    @Test func keepsUnknownKeysOfAHandMadeExport() throws {
        var json = try #require(FlowDocument().node("Pass-1", "Pass", fields: ["input_value": "x"]).json.objectValue)
        json["webhook"] = false
        json["x_langbuilder_future"] = ["nested": [1, .number(2.5), "œ", nil, true]]
        let flow = try Flow(json: .object(json))
        let reparsed = try JSONValue(parsing: flow.exported().serialized())
        #expect(reparsed == .object(json))
        #expect(reparsed["x_langbuilder_future"] == ["nested": [1, .number(2.5), "œ", nil, true]])
    }

    @Test func parsesABareGraph() throws {
        let document = FlowDocument()
            .node("ChatInput-1", "ChatInput", name: "Question", fields: ["input_value": "hi"])
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "message", to: "ChatOutput-1", "input_value")
        let bare = try Flow(json: document.bareJSON)
        let export = try document.flow()
        #expect(bare.id == nil)
        #expect(export.id == "flow-under-test")
        #expect(bare.nodes == export.nodes)
        #expect(bare.edges == export.edges)
        #expect(bare.nodes.first?.displayName == "Question")
        #expect(bare.nodes.first?.field("input_value")?.value == "hi")
        #expect(bare.exported() == document.bareJSON)
    }

    @Test func readsVariableFields() throws {
        let flow = try FlowDocument().node("Join-1", "Join", fields: ["first": "a"], variables: ["second": "MY_VAR"]).flow()
        let node = try #require(flow.nodes.first)
        #expect(node.field("first") == Field(name: "first", value: "a"))
        #expect(node.field("second") == Field(name: "second", value: "MY_VAR", loadFromVariable: true))
    }

    @Test(arguments: [
        ("{\"nodes\": [", "the flow is not valid JSON: "),
        ("[1, 2]", "a flow must be a JSON object"),
        ("{\"name\": \"x\"}", "a flow needs data.nodes (a Langflow export) or nodes (a bare graph)"),
        ("{\"data\": {\"nodes\": {}}}", "nodes must be an array"),
        ("{\"nodes\": 3, \"edges\": []}", "nodes must be an array"),
        ("{\"nodes\": [7]}", "nodes[0] is not an object"),
        ("{\"nodes\": [{\"data\": {\"type\": \"Pass\"}}]}", "nodes[0] has no id"),
        ("{\"nodes\": [{\"id\": \"Pass-1\"}]}", "node Pass-1 has no data"),
        ("{\"nodes\": [{\"id\": \"Pass-1\", \"data\": {\"node\": {}}}]}", "node Pass-1 has no data.type (its component type)"),
        ("{\"nodes\": [], \"edges\": [{\"id\": \"e1\", \"source\": \"a\", \"target\": \"b\"}]}", "edge e1 has no sourceHandle"),
        ("{\"nodes\": [], \"edges\": [{\"source\": \"a\", \"target\": \"b\", \"sourceHandle\": {\"name\": \"out\"}}]}", "edge edges[0] has no targetHandle"),
        ("{\"nodes\": [], \"edges\": [{\"id\": \"e1\", \"sourceHandle\": \"{œnameœ: œoutœ\", \"targetHandle\": {\"fieldName\": \"f\"}}]}", "edge e1: sourceHandle is not a handle: {œnameœ: œoutœ"),
        ("{\"nodes\": [], \"edges\": [{\"id\": \"e1\", \"sourceHandle\": {\"name\": \"out\"}, \"targetHandle\": {\"fieldName\": \"f\"}}]}", "edge e1 has no source or target"),
        ("{\"nodes\": [], \"edges\": [{\"id\": \"e1\", \"source\": \"a\", \"target\": \"b\", \"sourceHandle\": {\"id\": \"a\"}, \"targetHandle\": {\"fieldName\": \"f\"}}]}", "edge e1: sourceHandle has no name (the source output)"),
        ("{\"nodes\": [], \"edges\": [{\"id\": \"e1\", \"source\": \"a\", \"target\": \"b\", \"sourceHandle\": {\"name\": \"o\"}, \"targetHandle\": {\"id\": \"b\"}}]}", "edge e1: targetHandle has no fieldName"),
        ("{\"nodes\": [], \"edges\": [5]}", "edges[0] is not an object"),
    ])
    func refusesAMalformedDocumentNamingTheProblem(text: String, message: String) throws {
        let error = #expect(throws: FlowError.self) { try Flow(parsing: Data(text.utf8)) }
        let description = try #require(error?.description)
        if message.hasSuffix(": ") {
            #expect(description.hasPrefix(message))
            #expect(description.count > message.count)
        } else {
            #expect(description == message)
        }
    }

    // MARK: - Helpers

    /// The document with `data` removed from every edge, leaving only the `œ` string handles.
    static func removingEdgeData(from document: JSONValue) throws -> JSONValue {
        var root = try #require(document.objectValue)
        var graph = try #require(root["data"]?.objectValue)
        let edges = try #require(graph["edges"]?.arrayValue)
        graph["edges"] = .array(try edges.map { edge in
            var object = try #require(edge.objectValue)
            #expect(object["sourceHandle"]?.stringValue?.contains("œ") == true)
            object["data"] = nil
            return .object(object)
        })
        root["data"] = .object(graph)
        return .object(root)
    }
}
