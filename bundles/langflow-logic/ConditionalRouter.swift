import LangBuilderBundleSDK
import LangflowBundleSupport

private let operators = [
    "equals", "not equals", "contains", "starts with", "ends with", "regex", "less than", "less than or equal", "greater than",
    "greater than or equal",
]

/// Langflow's `ConditionalRouterComponent` ("If-Else"): compares `input_text` with `match_text` and produces a
/// Message on `true_result` or on `false_result`, never both; the output left empty tells the engine to skip
/// the branch behind it.
///
/// `max_iterations` and `default_route` bound how often Langflow re-runs a router inside a cycle; the engine
/// runs only acyclic flows (loops through Loop components), so they are read and checked but route nothing.
let conditionalRouter = ComponentDefinition(
    "ConditionalRouter", displayName: "If-Else", description: "Routes an input message to a corresponding output based on text comparison.",
    category: "flow_controls", icon: "split", documentation: "https://docs.langflow.org/if-else",
    inputs: [
        .messageText("input_text", "Text Input", info: "The primary text input for the operation.", required: true),
        .dropdown("operator", "Operator", options: operators, value: "equals", info: "The operator to apply for comparing the texts."),
        .messageText("match_text", "Match Text", info: "The text input to compare against.", required: true),
        InputDefinition(
            "case_sensitive", displayName: "Case Sensitive", info: "If true, the comparison will be case sensitive.", fieldType: "bool",
            defaultJSON: "true", advanced: true),
        .message("true_case_message", "Case True", info: "The message to pass if the condition is True.", advanced: true),
        .message("false_case_message", "Case False", info: "The message to pass if the condition is False.", advanced: true),
        .int("max_iterations", "Max Iterations", info: "The maximum number of iterations for the conditional router.", value: 10, advanced: true),
        .dropdown(
            "default_route", "Default Route", options: ["true_result", "false_result"], value: "false_result",
            info: "The default route to take when max iterations are reached.", advanced: true),
    ],
    outputs: [
        OutputDefinition("true_result", displayName: "True", types: ["Message"]),
        OutputDefinition("false_result", displayName: "False", types: ["Message"]),
    ]
) { inputs, context in
    let name = "ConditionalRouter"
    let text = try inputs.text("input_text", component: name)
    let match = try inputs.text("match_text", component: name)
    let comparison = try inputs.text("operator", component: name, default: "equals")
    guard operators.contains(comparison) else {
        throw ComponentFailure("\(name): operator must be one of \(operators.joined(separator: ", ")); found '\(comparison)'")
    }
    let caseSensitive = try inputs.bool("case_sensitive", default: true)
    if inputs["max_iterations"] != nil, try inputs.integer("max_iterations") < 1 {
        throw ComponentFailure("\(name): max_iterations must be at least 1")
    }
    let route = try inputs.text("default_route", component: name, default: "false_result")
    guard route == "true_result" || route == "false_result" else {
        throw ComponentFailure("\(name): default_route must be true_result or false_result, found '\(route)'")
    }
    let result = try Condition.evaluate(text, match, comparison, caseSensitive: caseSensitive)
    // The chosen case message, unless it is blank: then the input text goes through.
    let override = try inputs.text(result ? "true_case_message" : "false_case_message", component: name)
    let message = Langflow.message(override.isEmpty ? text : override, context: context)
    return result ? ["true_result": message] : ["false_result": message]
}

/// `evaluate_condition`: case-folded unless `case_sensitive` (never for regex); an invalid regex or a number
/// that does not parse is false.
enum Condition {
    /// The longest pattern `regex` accepts: matching is backtracking, so patterns stay small.
    static let maximumPatternLength = 1000

    static func evaluate(_ text: String, _ match: String, _ comparison: String, caseSensitive: Bool) throws -> Bool {
        var text = text
        var match = match
        if !caseSensitive && comparison != "regex" {
            text = text.lowercased()
            match = match.lowercased()
        }
        switch comparison {
        case "equals": return text == match
        case "not equals": return text != match
        case "contains": return match.isEmpty || text.contains(match)
        case "starts with": return text.hasPrefix(match)
        case "ends with": return text.hasSuffix(match)
        case "regex":
            guard match.count <= maximumPatternLength else {
                throw ComponentFailure("ConditionalRouter: the regex is longer than \(maximumPatternLength) characters")
            }
            // Python's re.match: anchored at the start of the text, not at its end.
            guard let regex = try? Regex(match) else { return false }
            return (try? regex.prefixMatch(in: text)) != nil
        default:
            guard let left = Double(text.trimmingCharacters()), let right = Double(match.trimmingCharacters()) else { return false }
            switch comparison {
            case "less than": return left < right
            case "less than or equal": return left <= right
            case "greater than": return left > right
            default: return left >= right
            }
        }
    }
}

extension String {
    /// White space around a number is allowed, as Python's `float()` allows it.
    func trimmingCharacters() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
