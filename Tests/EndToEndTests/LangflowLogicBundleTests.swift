import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `liblangflow-logic.so` (If-Else, Loop, Pass), loaded with `dlopen`, called through the ABI and run in flows.
/// Its flows take their inputs from langflow-processing: the engine test bundle exports a `Pass` too, so it is
/// never loaded beside this bundle.
@Suite struct LangflowLogicBundleTests {
    static func registry() throws -> ComponentRegistry { try LangflowBundles.registry(.logic, .processing) }

    private func call(_ component: String, _ inputs: [String: Value] = [:]) throws -> [String: Value] {
        try LangflowBundles.call(component, in: try Self.registry(), inputs)
    }

    private func failure(_ component: String, _ inputs: [String: Value] = [:]) throws -> String {
        try LangflowBundles.failure(component, in: try Self.registry(), inputs)
    }

    // MARK: - If-Else

    /// One comparison: text, operator, match text, case sensitivity, and the branch it must take.
    struct Comparison: Sendable, CustomTestStringConvertible {
        var text: String
        var comparison: String
        var match: String
        var caseSensitive = true
        var expected: Bool
        var testDescription: String { "'\(text)' \(comparison) '\(match)'\(caseSensitive ? "" : " (any case)") is \(expected)" }
    }

    static let comparisons: [Comparison] = [
        Comparison(text: "hello", comparison: "equals", match: "hello", expected: true),
        Comparison(text: "Hello", comparison: "equals", match: "hello", expected: false),
        Comparison(text: "Hello", comparison: "equals", match: "hello", caseSensitive: false, expected: true),
        Comparison(text: "hello", comparison: "not equals", match: "world", expected: true),
        Comparison(text: "hello world", comparison: "contains", match: "o w", expected: true),
        Comparison(text: "hello world", comparison: "contains", match: "O W", caseSensitive: false, expected: true),
        Comparison(text: "hello", comparison: "starts with", match: "he", expected: true),
        Comparison(text: "hello", comparison: "ends with", match: "he", expected: false),
        // Python's re.match: anchored at the start only.
        Comparison(text: "abc123", comparison: "regex", match: "[a-z]+\\d", expected: true),
        Comparison(text: "abc123", comparison: "regex", match: "\\d+", expected: false),
        Comparison(text: "ABC", comparison: "regex", match: "abc", caseSensitive: false, expected: false),
        Comparison(text: "abc", comparison: "regex", match: "(unclosed", expected: false),
        Comparison(text: "9", comparison: "less than", match: "10", expected: true),
        Comparison(text: " 2.5 ", comparison: "greater than or equal", match: "2.5", expected: true),
        Comparison(text: "10", comparison: "less than or equal", match: "9", expected: false),
        Comparison(text: "ten", comparison: "greater than", match: "9", expected: false),
    ]

    @Test(arguments: comparisons)
    func ifElseProducesExactlyOneBranch(comparison: Comparison) throws {
        let outputs = try call(
            "ConditionalRouter",
            [
                "input_text": .message(comparison.text), "operator": .string(comparison.comparison), "match_text": .string(comparison.match),
                "case_sensitive": .bool(comparison.caseSensitive),
            ])
        #expect(outputs.keys.sorted() == [comparison.expected ? "true_result" : "false_result"])
        let message = try #require(outputs.values.first)
        #expect(message.jsonType == "Message")
        #expect(message.document?["text"]?.stringValue == comparison.text)
    }

    @Test func ifElseSendsTheCaseMessageUnlessItIsBlank() throws {
        let yes = try call("ConditionalRouter", ["input_text": .string("a"), "match_text": .string("a"), "true_case_message": .message("matched!")])
        #expect(yes["true_result"]?.document?["text"] == "matched!")
        let no = try call("ConditionalRouter", ["input_text": .string("a"), "match_text": .string("b"), "false_case_message": .message("")])
        #expect(no["false_result"]?.document?["text"] == "a", "a blank case message lets the input text through")
    }

    @Test func ifElseRefusesAnUnknownOperatorAndBadSettings() throws {
        #expect(try failure("ConditionalRouter", ["input_text": .string("a"), "match_text": .string("a"), "operator": .string("resembles")])
            == "ConditionalRouter: operator must be one of equals, not equals, contains, starts with, ends with, regex, less than, less than or equal, greater than, greater than or equal; found 'resembles'")
        #expect(try failure("ConditionalRouter", ["input_text": .string("a"), "match_text": .string("a"), "max_iterations": .int(0)])
            == "ConditionalRouter: max_iterations must be at least 1")
        #expect(try failure("ConditionalRouter", ["input_text": .string("a"), "match_text": .string("a"), "default_route": .string("sideways")])
            == "ConditionalRouter: default_route must be true_result or false_result, found 'sideways'")
        #expect(try failure("ConditionalRouter", ["input_text": .string("a"), "match_text": .string(String(repeating: "a", count: 1001)), "operator": .string("regex")])
            == "ConditionalRouter: the regex is longer than 1000 characters")
        #expect(try failure("ConditionalRouter", ["input_text": .string("a"), "match_text": .string("a"), "case_sensitive": .string("maybe")])
            == "ConditionalRouter: input 'case_sensitive' must be true or false")
    }

    // MARK: - Loop and Pass

    @Test func loopHandsItsItemsToTheEngineAsRows() throws {
        let table = try call("LoopComponent", ["data": .dataFrame([["n": 1], ["n": 2]])])
        #expect(table.keys.sorted() == ["item"], "the engine fills done")
        #expect(table["item"]?.document == [["n": 1], ["n": 2]])
        #expect(try call("LoopComponent", ["data": .message("one")])["item"]?.document == [["text": "one"]])
        #expect(try call("LoopComponent", ["data": .data(["k": "v"])])["item"]?.document == [["k": "v"]])
        #expect(try call("LoopComponent", ["data": .list([["k": 1], "word"])])["item"]?.document == [["k": 1], ["text": "word"]])
    }

    @Test func loopOfAnEmptyListHasNoItems() throws {
        #expect(try call("LoopComponent", ["data": .list([])])["item"]?.document == [])
        #expect(try call("LoopComponent", ["data": .dataFrame([])])["item"]?.document == [])
    }

    @Test func loopRefusesNoInputAndItemsThatAreNotData() throws {
        #expect(try failure("LoopComponent") == "LoopComponent: input 'data' has no value")
        #expect(try failure("LoopComponent", ["data": .list([1, 2])]) == "LoopComponent: the items must be Data, DataFrame or Message; the list holds 1")
        #expect(try failure("LoopComponent", ["data": .bool(true)]) == "LoopComponent: the input must be Data, DataFrame or Message, found True")
    }

    @Test func passForwardsTheMessageUnchanged() throws {
        let message = Value.message("keep me")
        #expect(try call("Pass", ["input_message": message, "ignored_message": .message("ignored")])["output_message"] == message)
        #expect(try call("Pass", ["input_message": .string("text")])["output_message"]?.document?["text"] == "text")
        #expect(try failure("Pass") == "Pass: input 'input_message' has no value")
        let pass = try #require(try Self.registry().component(named: "Pass"))
        #expect(pass.descriptor.isLegacy)
        #expect(pass.descriptor.inputs.map(\.name) == ["input_message", "ignored_message"])
        #expect(pass.descriptor.outputs.map(\.name) == ["output_message"])
    }

    @Test func loopOutputsCarryLangflowsLoopFlag() throws {
        let loop = try #require(try Self.registry().component(named: "LoopComponent"))
        #expect(loop.descriptor.outputs.map(\.allowsLoop) == [true, false])
        #expect(loop.descriptor.inputs.first?.isHandle == true)
        #expect(loop.langflowEntry()["outputs"]?.arrayValue?.first?["allows_loop"] == true)
    }

    // MARK: - Flows

    /// Load JSON → Loop → Parser (the body, fed back into the loop) → done → Parser: each item formatted once.
    @Test func runsALoopOverDataAndGathersTheBodysResults() async throws {
        let flow = LangflowFlow()
            .node("JSONtoData-1", "JSONtoData", ["json_string": #"[{"name": "a"}, {"name": "b"}, {"name": "c"}]"#])
            .node("LoopComponent-1", "LoopComponent")
            .node("ParserComponent-1", "ParserComponent", ["pattern": "Hi {name}"])
            .node("ParserComponent-2", "ParserComponent", ["pattern": "{text}", "sep": ","])
            .edge("JSONtoData-1", "data", to: "LoopComponent-1", "data")
            .edge("LoopComponent-1", "item", to: "ParserComponent-1", "input_data")
            .feedback("ParserComponent-1", "parsed_text", toLoop: "LoopComponent-1")
            .edge("LoopComponent-1", "done", to: "ParserComponent-2", "input_data")
        let result = try await LangflowBundles.run(flow, registry: try Self.registry())
        #expect(result.outputText == "Hi a,Hi b,Hi c")
        #expect(result.outputs.map(\.id) == ["ParserComponent-2"])
        let done = try #require(result.vertices.first { $0.id == "LoopComponent-1" }?.outputs["done"])
        #expect(done.document?.arrayValue?.map { $0["text"] } == ["Hi a", "Hi b", "Hi c"])
    }

    /// Prompt Template → If-Else → one Combine Text per branch: the branch not taken is skipped.
    @Test(arguments: [("ping", "ping: yes", "CombineText-false"), ("pong", "pong: no", "CombineText-true")])
    func runsOnlyTheBranchIfElseChooses(template: String, answer: String, skipped: String) async throws {
        let flow = LangflowFlow()
            .node("Prompt-1", "Prompt", ["template": .string(template)])
            .node("ConditionalRouter-1", "ConditionalRouter", ["match_text": "ping", "operator": "equals"])
            .node("CombineText-true", "CombineText", ["text2": "yes", "delimiter": ": "])
            .node("CombineText-false", "CombineText", ["text2": "no", "delimiter": ": "])
            .edge("Prompt-1", "prompt", to: "ConditionalRouter-1", "input_text")
            .edge("ConditionalRouter-1", "true_result", to: "CombineText-true", "text1")
            .edge("ConditionalRouter-1", "false_result", to: "CombineText-false", "text1")
        let result = try await LangflowBundles.run(flow, registry: try Self.registry())
        #expect(result.outputText == answer)
        #expect(result.inactiveVertices == [skipped])
    }
}
