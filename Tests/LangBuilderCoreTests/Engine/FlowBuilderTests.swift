import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// Validation and planning against the engine test bundle (issue 3, "Flow engine": Build 2 and 5).
@Suite struct FlowBuilderTests {
    // MARK: - Missing component types

    @Test(arguments: [
        ("basic-prompting.json", ["LanguageModelComponent", "Prompt"]),
        ("chat-prompt-chat.json", ["Prompt"]),
    ])
    func reportsExactlyTheComponentTypesMissingFromTheRegistry(file: String, missing: [String]) throws {
        let flow = try Flow(parsing: try EngineFixture.langflowExport(file))
        #expect(try EngineFixture.builder().missingComponentTypes(in: flow) == missing)
        #expect(FlowBuilder(registry: ComponentRegistry()).missingComponentTypes(in: flow) == Set(flow.nodes.map(\.componentType)).sorted())
    }

    @Test func buildingTheBasicPromptingExportNamesOnlyItsUnknownComponents() throws {
        let flow = try Flow(parsing: try EngineFixture.langflowExport("basic-prompting.json"))
        let error = #expect(throws: FlowValidationError.self) { try EngineFixture.builder().build(flow) }
        // ChatOutput's input has an edge (from the unknown LanguageModelComponent): it is not "missing".
        #expect(error?.issues == [
            FlowIssue(.unknownComponent, nodeID: "Prompt-t2oaK", componentType: "Prompt", message: "no loaded bundle provides component type \"Prompt\""),
            FlowIssue(
                .unknownComponent, nodeID: "LanguageModelComponent-FLeYF", componentType: "LanguageModelComponent",
                message: "no loaded bundle provides component type \"LanguageModelComponent\""),
        ])
    }

    // MARK: - Validation

    @Test func collectsEveryProblemOfAFlowAtOnce() throws {
        let document = FlowDocument()
            .node("ChatInput-1", "ChatInput", fields: ["input_value": "hi"])
            .node("Uper-1", "Uper")
            .node("Join-1", "Join")
            .node("Pass-1", "Pass")
            .node("Pass-2", "Pass")
            .node("Pass-2", "Pass")
            .node("Pass-3", "Pass")
            .node("Upper-1", "Upper")
            .node("Upper-2", "Upper")
            .node("Loop-1", "Loop", fields: ["data": ["a", "b"]])
            .node("Sleep-1", "Sleep", fields: ["input_value": "z"])
            .node("IfElse-1", "IfElse")
            .node("Upper-a", "Upper")
            .node("Upper-b", "Upper")
            .edge("ChatInput-1", "message", to: "Uper-1", "input_value")
            .edge("ChatInput-1", "message", to: "Join-1", "first")
            .edge("Ghost-1", "message", to: "Pass-1", "input_value")
            .edge("Upper-1", "shout", to: "Pass-3", "input_value")
            .edge("ChatInput-1", "message", to: "Pass-1", "volume")
            .edge("Loop-1", "done", outputTypes: ["DataFrame"], to: "Sleep-1", "milliseconds", inputTypes: ["int"], fieldType: "int")
            .edge("ChatInput-1", "message", to: "IfElse-1", "operator", inputTypes: [])
            .edge("ChatInput-1", "message", to: "IfElse-1", "input_text")
            .edge("ChatInput-1", "message", to: "Upper-1", "input_value")
            .edge("Upper-1", "message", to: "Nowhere-1", "input_value")
            .edge("ChatInput-1", "message", to: "Upper-2", "input_value")
            .edge("Upper-1", "message", to: "Upper-2", "input_value")
            .feedback("Upper-1", "message", toLoop: "Upper-2", "message")
            .edge("Upper-a", "message", to: "Upper-b", "input_value")
            .edge("Upper-b", "message", to: "Upper-a", "input_value")
        let tweaks: JSONValue = ["Nobody": ["input_value": "x"], "Upper-1": ["volume": 11]]

        let error = #expect(throws: FlowValidationError.self) {
            try EngineFixture.builder().build(try document.flow(), tweaks: tweaks)
        }
        let issues = try #require(error?.issues)
        let expected: [FlowIssue] = [
            FlowIssue(.duplicateNodeID, nodeID: "Pass-2", componentType: "Pass", message: "another node has the same id"),
            FlowIssue(.unknownComponent, nodeID: "Uper-1", componentType: "Uper", message: "no loaded bundle provides component type \"Uper\"; did you mean \"Upper\"?"),
            FlowIssue(.unknownTweakTarget, nodeID: "Nobody", message: "a tweak names \"Nobody\", which is neither a node id nor a node's display name"),
            FlowIssue(.unknownField, nodeID: "Upper-1", componentType: "Upper", field: "volume", message: "a tweak sets \"volume\", which Upper does not have (inputs: input_value)"),
            FlowIssue(.unknownNode, nodeID: "Pass-1", componentType: "Pass", field: "input_value", message: "an edge comes from node \"Ghost-1\", which is not in the flow"),
            FlowIssue(.unknownOutput, nodeID: "Upper-1", componentType: "Upper", field: "shout", message: "Upper has no output \"shout\" (outputs: message); the edge to Pass-3 cannot start there"),
            FlowIssue(.unknownField, nodeID: "Pass-1", componentType: "Pass", field: "volume", message: "Pass has no input \"volume\" (inputs: input_value); the edge from ChatInput-1 cannot end there"),
            FlowIssue(.incompatibleTypes, nodeID: "Sleep-1", componentType: "Sleep", field: "milliseconds", message: "output \"done\" of Loop-1 produces DataFrame, but the input accepts int"),
            FlowIssue(.incompatibleTypes, nodeID: "IfElse-1", componentType: "IfElse", field: "operator", message: "output \"message\" of ChatInput-1 produces Message, but the input accepts no edges (it takes a value only)"),
            FlowIssue(.unknownNode, nodeID: "Upper-1", componentType: "Upper", message: "an edge goes to node \"Nowhere-1\", which is not in the flow"),
            FlowIssue(.invalidLoopEdge, nodeID: "Upper-2", componentType: "Upper", field: "message", message: "an edge from Upper-1 feeds back into output \"message\", which is not a loop output"),
            FlowIssue(.missingRequiredInput, nodeID: "Join-1", componentType: "Join", field: "second", message: "required input \"Second\" has neither a value nor an edge"),
            FlowIssue(.tooManyEdges, nodeID: "Upper-2", componentType: "Upper", field: "input_value", message: "2 edges end at this input, which takes one value"),
            FlowIssue(.cycle, nodeID: "Upper-a", componentType: "Upper", message: "these nodes form a cycle that does not pass through a loop component's feedback input: Upper-a, Upper-b"),
        ]
        #expect(issues.count == expected.count)
        for (found, wanted) in zip(issues, expected) { #expect(found == wanted) }
        #expect(error?.description.hasPrefix("the flow is not valid (14 problems):\n  - Pass-2 (Pass): another node has the same id\n") == true)
        #expect(error?.description.contains("  - Join-1 (Join) field second: required input \"Second\" has neither a value nor an edge") == true)
    }

    /// Regression: the cycle issue listed every node Kahn's algorithm left over, including those merely downstream
    /// of the cycle, and named no component type.
    @Test func namesOnlyTheNodesOnACycleNotThoseDownstreamOfIt() throws {
        let document = FlowDocument()
            .node("ChatInput-1", "ChatInput", fields: ["input_value": "hi"])
            .node("Join-1", "Join")
            .node("Upper-1", "Upper")
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "message", to: "Join-1", "first")
            .edge("Upper-1", "message", to: "Join-1", "second")
            .edge("Join-1", "message", to: "Upper-1", "input_value")
            .edge("Upper-1", "message", to: "ChatOutput-1", "input_value")
        let error = #expect(throws: FlowValidationError.self) { try EngineFixture.plan(document) }
        #expect(error?.issues == [
            FlowIssue(.cycle, nodeID: "Join-1", componentType: "Join", message: "these nodes form a cycle that does not pass through a loop component's feedback input: Join-1, Upper-1")
        ])
    }

    /// Regression: an input whose edge was rejected (or comes from an unknown component) was also reported as
    /// having "neither a value nor an edge".
    @Test func doesNotCallAnInputWithARejectedEdgeMissing() throws {
        // The edge into ChatOutput is wrong (no such output), and that is the one problem reported.
        let document = FlowDocument()
            .node("ChatInput-1", "ChatInput", fields: ["input_value": "hi"])
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "text", to: "ChatOutput-1", "input_value")
        let error = #expect(throws: FlowValidationError.self) { try EngineFixture.plan(document) }
        #expect(error?.issues == [
            FlowIssue(.unknownOutput, nodeID: "ChatInput-1", componentType: "ChatInput", field: "text", message: "ChatInput has no output \"text\" (outputs: message); the edge to ChatOutput-1 cannot start there")
        ])
    }

    @Test func refusesAFlowWithoutComponents() throws {
        let error = #expect(throws: FlowValidationError.self) { try EngineFixture.plan(FlowDocument()) }
        #expect(error?.issues == [FlowIssue(.noVertices, message: "the flow has no component nodes")])
    }

    @Test func refusesTweaksThatAreNotObjects() throws {
        let document = FlowDocument().node("Pass-1", "Pass", name: "Relay")
        let notObject = #expect(throws: FlowValidationError.self) { try EngineFixture.plan(document, tweaks: ["a", "b"]) }
        #expect(notObject?.issues == [FlowIssue(.invalidTweak, message: "tweaks must be a JSON object keyed by node id or display name")])
        let fieldsNotObject = #expect(throws: FlowValidationError.self) { try EngineFixture.plan(document, tweaks: ["Relay": "x"]) }
        #expect(fieldsNotObject?.issues == [FlowIssue(.invalidTweak, nodeID: "Relay", message: "the tweak for \"Relay\" must be an object of field values")])
    }

    @Test func acceptsACycleThroughALoopsFeedbackInput() throws {
        let plan = try EngineFixture.plan(Self.loopDocument)
        let loop = try #require(plan.vertex(id: "Loop-1")?.loop)
        let upper = try #require(plan.vertex(id: "Upper-1"))
        #expect(loop.body == [upper.index])
        #expect(loop.itemOutput == 0)
        #expect(loop.doneOutput == 1)
        #expect(loop.feedback.vertex == upper.index)
        #expect(loop.feedback.output == 0)
        #expect(upper.loopOwner == plan.vertex(id: "Loop-1")?.index)
        #expect(plan.vertex(id: "Pass-1")?.loopOwner == nil)
        #expect(plan.layerIDs == [["Loop-1"], ["Upper-1", "Pass-1"]])
        // No ChatOutput: the leaves outside the loop body are the outputs.
        #expect(plan.vertices.filter(\.isOutput).map(\.id) == ["Pass-1"])
    }

    // MARK: - Plan

    @Test func plansAChainInLayersWithChatOutputAsTheOutput() throws {
        let plan = try EngineFixture.plan(Self.chainDocument, inputValue: "hello")
        #expect(plan.layerIDs == [["ChatInput-1"], ["Upper-1"], ["ChatOutput-1"]])
        #expect(plan.vertices.filter(\.isOutput).map(\.id) == ["ChatOutput-1"])
        let input = try #require(plan.vertex(id: "ChatInput-1"))
        #expect(input.node.field("input_value")?.value == "hello")
        guard case .value(let value)? = input.inputs.first else {
            Issue.record("ChatInput's input_value should be a value, not \(String(describing: input.inputs.first))")
            return
        }
        #expect(value == .string("hello"))
        let upper = try #require(plan.vertex(id: "Upper-1"))
        #expect(upper.predecessors == [input.index])
        #expect(upper.successors == [plan.vertex(id: "ChatOutput-1")?.index])
        guard case .edges(let edges, let accepted, let isList)? = upper.inputs.first else {
            Issue.record("Upper's input_value should come from an edge")
            return
        }
        #expect(edges.map(\.vertex) == [input.index])
        #expect(edges.map(\.output) == [0])
        #expect(accepted == ["Message", "str", "Text", "Data", "DataFrame"])
        #expect(!isList)
    }

    @Test func plansADiamondWithTheLeavesAsOutputsWhenThereIsNoChatOutput() throws {
        let document = FlowDocument()
            .node("ChatInput-1", "ChatInput", fields: ["input_value": "hi"])
            .node("Upper-a", "Upper")
            .node("Upper-b", "Upper")
            .node("Join-1", "Join")
            .node("Pass-1", "Pass")
            .edge("ChatInput-1", "message", to: "Upper-a", "input_value")
            .edge("ChatInput-1", "message", to: "Upper-b", "input_value")
            .edge("Upper-a", "message", to: "Join-1", "first")
            .edge("Upper-b", "message", to: "Join-1", "second")
            .edge("ChatInput-1", "message", to: "Pass-1", "input_value", inputTypes: ["Any"], fieldType: "other")
        let plan = try EngineFixture.plan(document)
        #expect(plan.layerIDs == [["ChatInput-1"], ["Upper-a", "Upper-b", "Pass-1"], ["Join-1"]])
        #expect(plan.vertices.filter(\.isOutput).map(\.id) == ["Join-1", "Pass-1"])
        #expect(plan.vertex(id: "Join-1")?.layer == 2)
    }

    @Test func readsAVariableFieldAsAVariableSource() throws {
        let plan = try EngineFixture.plan(FlowDocument().node("Join-1", "Join", fields: ["first": "a"], variables: ["second": "MY_VAR"]))
        let join = try #require(plan.vertex(id: "Join-1"))
        guard case .variable(let name)? = join.inputs.last else {
            Issue.record("Join's second input should read a variable, not \(String(describing: join.inputs.last))")
            return
        }
        #expect(name == "MY_VAR")
    }

    @Test func appliesTweaksByNodeIDAndByDisplayName() throws {
        let document = FlowDocument()
            .node("Sleep-1", "Sleep", name: "Nap", fields: ["input_value": "a", "milliseconds": 5])
            .node("Sleep-2", "Sleep", name: "Nap", fields: ["input_value": "b"])
            .node("IfElse-1", "IfElse", fields: ["input_text": "x", "match_text": "y"])
        let plan = try EngineFixture.plan(document, tweaks: ["Nap": ["milliseconds": 1], "IfElse-1": ["match_text": "x", "operator": "contains"]])
        #expect(plan.vertex(id: "Sleep-1")?.node.field("milliseconds")?.value == 1)
        #expect(plan.vertex(id: "Sleep-2")?.node.field("milliseconds")?.value == 1)
        #expect(plan.vertex(id: "IfElse-1")?.node.field("match_text")?.value == "x")
        #expect(plan.vertex(id: "IfElse-1")?.node.field("operator")?.value == "contains")
        // The flow itself is untouched.
        #expect(plan.flow.exported() == document.json)
    }

    // MARK: - Documents

    /// A plan made from a template (the flow built without an input) equals the flow built with the input.
    @Test(arguments: ["chat", "text", "any"])
    func aTemplatePlusTheInputEqualsBuildingWithTheInput(inputType: String) throws {
        let builder = try EngineFixture.builder()
        let flow = try Self.chainDocument.flow()
        let template = try builder.build(flow, inputType: inputType)
        let built = try builder.build(flow, inputValue: "hello", inputType: inputType)
        let made = try #require(FlowBuilder.plan(template, withInput: "hello", inputType: inputType))
        #expect(made.vertices.map(\.id) == built.vertices.map(\.id))
        #expect(made.vertices.map { String(describing: $0.inputs) } == built.vertices.map { String(describing: $0.inputs) })
        #expect(made.vertices.map { $0.node.field("input_value")?.value } == built.vertices.map { $0.node.field("input_value")?.value })
        #expect(made.vertices.map(\.successors) == built.vertices.map(\.successors))
        #expect(made.layerIDs == built.layerIDs)
        // The template itself is left as it was, for the next run.
        #expect(template.vertices.first { $0.id == "ChatInput-1" }?.node.field("input_value")?.value != "hello")
    }

    @Test func aRunFromATemplateAnswersItsOwnInput() async throws {
        let template = try EngineFixture.builder().build(try Self.chainDocument.flow())
        for input in ["one", "two"] {
            let plan = try #require(FlowBuilder.plan(template, withInput: input))
            let result = try await FlowRunner().run(plan, options: RunOptions(inputValue: input))
            #expect(result.outputText == input.uppercased())
        }
    }

    static let chainDocument = FlowDocument()
        .node("ChatInput-1", "ChatInput", name: "Question")
        .node("Upper-1", "Upper", name: "Shout")
        .node("ChatOutput-1", "ChatOutput")
        .edge("ChatInput-1", "message", to: "Upper-1", "input_value")
        .edge("Upper-1", "message", to: "ChatOutput-1", "input_value")

    static let loopDocument = FlowDocument()
        .node("Loop-1", "Loop", fields: ["data": [["text": "a"], ["text": "b"], ["text": "c"]]])
        .node("Upper-1", "Upper")
        .node("Pass-1", "Pass")
        .edge("Loop-1", "item", outputTypes: ["Data", "Message"], to: "Upper-1", "input_value")
        .feedback("Upper-1", "message", toLoop: "Loop-1", "item")
        .edge("Loop-1", "done", outputTypes: ["DataFrame"], to: "Pass-1", "input_value", inputTypes: ["Any"], fieldType: "other")
}
