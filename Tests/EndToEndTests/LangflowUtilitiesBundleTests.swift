import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `liblangflow-utilities.so` (Calculator, Current Date, ID Generator), loaded with `dlopen`, called through the
/// ABI and run in a flow.
@Suite struct LangflowUtilitiesBundleTests {
    static func registry() throws -> ComponentRegistry { try LangflowBundles.registry(.utilities) }

    private func call(_ component: String, _ inputs: [String: Value] = [:]) throws -> [String: Value] {
        try LangflowBundles.call(component, in: try Self.registry(), inputs)
    }

    private func calculate(_ expression: String) throws -> JSONValue? {
        let outputs = try call("CalculatorComponent", ["expression": .message(expression)])
        #expect(outputs["result"]?.jsonType == "Data")
        return outputs["result"]?.document
    }

    // MARK: - Calculator

    @Test(arguments: [
        ("2 + 2", "4"),
        ("4*4*(33/22)+12-20", "16"),
        ("2 ** 10", "1024"),
        ("-2 ** 2", "-4"),
        ("2 ** -1", "0.5"),
        ("2 ** 3 ** 2", "512"),
        ("7 % 3", "1"),
        ("-7 % 3", "2"),
        ("7 % -3", "-2"),
        ("1/3", "0.333333"),
        ("-(3 + 4) * 2", "-14"),
        ("+5 - -5", "10"),
        (" 10 - 2 - 3 ", "5"),
        ("1.5e3 / 3", "500"),
        (".5 * 4", "2"),
        ("1e20", "100000000000000000000"),
    ])
    func calculatorEvaluatesArithmeticWithPythonsRules(expression: String, result: String) throws {
        #expect(try calculate(expression) == ["result": .string(result)])
    }

    @Test(arguments: [
        ("1/0", "Error: Division by zero"),
        ("5 % 0", "Error: Division by zero"),
        ("0 ** -1", "Error: Division by zero"),
        ("", "Invalid expression: the expression is empty"),
        ("2 +", "Invalid expression: the expression ends where a number was expected"),
        ("(1 + 2", "Invalid expression: expected ')' at position 7, found end of the expression"),
        ("2 * x", "Invalid expression: unexpected character 'x' at position 5"),
        ("__import__('os').system('id')", "Invalid expression: unexpected character '_' at position 1"),
        ("2 3", "Invalid expression: unexpected character '3' at position 3"),
        ("1.2.3", "Invalid expression: '1.2.3' is not a number"),
        ("7 // 2", "Invalid expression: unsupported operator '//' at position 3"),
        ("10 ** 400", "Invalid expression: the result is too large"),
        ("1e308 * 10", "Invalid expression: the result is too large"),
        ("(-8) ** 0.5", "Invalid expression: a negative number raised to a fractional power has no real result"),
        (String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150), "Invalid expression: the expression nests deeper than 100 levels"),
        (String(repeating: "1+", count: 500) + "1", "Invalid expression: the expression is longer than 1000 characters"),
    ])
    func calculatorAnswersBadExpressionsWithAnErrorData(expression: String, error: String) throws {
        #expect(try calculate(expression) == ["error": .string(error), "input": .string(expression)])
    }

    @Test func calculatorTreatsNoExpressionAsEmpty() throws {
        #expect(try call("CalculatorComponent")["result"]?.document == ["error": "Invalid expression: the expression is empty", "input": ""])
    }

    // MARK: - Current Date

    private func now(in zone: String?) throws -> String {
        let outputs = try call("CurrentDate", zone.map { ["timezone": .string($0)] } ?? [:])
        return try #require(outputs["current_date"]?.document?["text"]?.stringValue)
    }

    /// The time in a message `Current date and time in <zone>: 2025-01-31 13:00:00 CET`, and its abbreviation.
    private func parse(_ text: String, zone: String) throws -> (date: Date, abbreviation: String) {
        let prefix = "Current date and time in \(zone): "
        #expect(text.hasPrefix(prefix), "\(text)")
        let rest = text.dropFirst(prefix.count)
        let match = try #require(rest.wholeMatch(of: /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (\S+)/), "\(text)")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return (try #require(formatter.date(from: String(match.1))), String(match.2))
    }

    @Test func currentDateWritesTheTimeAndAbbreviationOfTheZone() throws {
        let before = try parse(try now(in: "UTC"), zone: "UTC")
        #expect(before.abbreviation == "UTC")
        let tokyo = try parse(try now(in: "Asia/Tokyo"), zone: "Asia/Tokyo")
        let after = try parse(try now(in: nil), zone: "UTC")
        #expect(after.abbreviation == "UTC", "UTC when no zone is chosen")
        #expect(tokyo.abbreviation == "JST")
        // Tokyo's wall clock, nine hours back, lies between the UTC readings taken before and after it.
        let tokyoInUTC = tokyo.date.addingTimeInterval(-9 * 3600)
        #expect(before.date <= tokyoInUTC && tokyoInUTC <= after.date, "\(before.date) \(tokyoInUTC) \(after.date)")
        #expect(["CET", "CEST"].contains(try parse(try now(in: "Europe/Paris"), zone: "Europe/Paris").abbreviation))
        #expect(try parse(try now(in: "Etc/GMT+5"), zone: "Etc/GMT+5").abbreviation == "-05")
    }

    @Test(arguments: ["Mars/Olympus", "../../etc/passwd", "utc", "", String(repeating: "Europe/", count: 2000) + "Paris"])
    func currentDateAnswersLangflowsErrorForAnUnknownZone(zone: String) throws {
        // An empty zone reaches the component as "no value", which is the default, UTC.
        if zone.isEmpty {
            #expect(try now(in: zone).hasPrefix("Current date and time in UTC: "))
        } else {
            #expect(try now(in: zone) == "Error: 'No time zone found with key \(zone)'")
        }
    }

    @Test func currentDateOffersTheSystemsZonesAsOptions() throws {
        let component = try #require(try Self.registry().component(named: "CurrentDate"))
        let options = try #require(component.descriptor.inputs.first?.options)
        #expect(options.contains("UTC"))
        #expect(options.contains("Europe/Paris"))
        #expect(options == options.sorted())
        #expect(!options.contains("localtime") && !options.contains("posixrules"))
        #expect(!options.contains { $0.hasPrefix("posix/") || $0.hasPrefix("right/") })
        #expect(component.descriptor.inputs.first?.defaultValue == "UTC")
    }

    // MARK: - ID Generator

    @Test func idGeneratorMakesALowerCaseUUIDUnlessGivenAValue() throws {
        let first = try #require(try call("IDGenerator")["id"]?.document?["text"]?.stringValue)
        let second = try #require(try call("IDGenerator")["id"]?.document?["text"]?.stringValue)
        #expect(first.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(first)")
        #expect(first != second)
        #expect(try call("IDGenerator", ["unique_id": .string("order-7")])["id"]?.document?["text"] == "order-7")
        #expect(try #require(try Self.registry().component(named: "IDGenerator")).descriptor.isLegacy)
    }

    // MARK: - A flow

    /// ChatInput → Calculator → Parser → ChatOutput: the answer, or the calculator's error as the parser reads it.
    @Test(arguments: [("6 * 7", "= 42"), ("6 / 0", "= Error: Division by zero")])
    func runsACalculatorFlow(input: String, answer: String) async throws {
        let flow = LangflowFlow()
            .node("ChatInput-1", "ChatInput")
            .node("CalculatorComponent-1", "CalculatorComponent")
            .node("ParserComponent-1", "ParserComponent", ["pattern": "= {result}{error}"])
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "message", to: "CalculatorComponent-1", "expression")
            .edge("CalculatorComponent-1", "result", to: "ParserComponent-1", "input_data")
            .edge("ParserComponent-1", "parsed_text", to: "ChatOutput-1", "input_value")
        let registry = try LangflowBundles.registry(.engine, .processing, .utilities)
        let result = try await LangflowBundles.run(flow, registry: registry, input: input)
        #expect(result.outputText == answer)
    }
}
