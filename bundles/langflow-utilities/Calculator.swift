import Foundation
import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `CalculatorComponent`: evaluates an arithmetic expression and answers `{"result": "…"}`, or
/// `{"error": …, "input": …}` for an expression it cannot evaluate (Langflow answers errors as Data, so an
/// agent using it as a tool reads them).
///
/// The expression is parsed, never run: numbers, `+ - * / ** %`, unary minus and plus, parentheses, with
/// Python's precedence (`-2 ** 2` is -4, `**` is right-associative) and Python's `%` (the sign of the divisor).
let calculator = ComponentDefinition(
    "CalculatorComponent", displayName: "Calculator", description: "Perform basic arithmetic operations on a given expression.",
    category: "utilities", icon: "calculator", documentation: "https://docs.langflow.org/calculator",
    inputs: [.messageText("expression", "Expression", info: "The arithmetic expression to evaluate (e.g., '4*4*(33/22)+12-20').")],
    outputs: [
        OutputDefinition("result", displayName: "JSON", types: ["Data"]),
        OutputDefinition("component_as_tool", displayName: "Toolset", types: ["Tool"]),
    ]
) { inputs, context in
    let expression = try inputs.text("expression", component: "CalculatorComponent")
    return ["result": Langflow.data(Arithmetic.answer(expression, context: context)), "component_as_tool": calculatorTool.value(context: context)]
}

/// The calculator in tool mode (Langflow's `evaluate_expression`): the agent passes `{"expression": ...}` and
/// reads the answer's JSON, an error included.
let calculatorTool = ComponentTool(
    name: "evaluate_expression", description: "Perform basic arithmetic operations on a given expression.",
    parameters: ComponentTool.schema(["expression": "The arithmetic expression to evaluate (e.g., '4*4*(33/22)+12-20')."])
) { arguments, context in
    JSON.object(Arithmetic.answer(arguments["expression"].map(Python.str) ?? "", context: context)).serialized()
}

extension Arithmetic {
    /// `{"result": "…"}`, or `{"error": …, "input": …}` for an expression that cannot be evaluated.
    static func answer(_ expression: String, context: Context) -> JSONObject {
        do {
            let formatted = format(try evaluate(expression))
            context.log(.debug, "Calculation result: \(formatted)")
            return JSONObject([("result", .string(formatted))])
        } catch {
            return JSONObject([("error", .string(error.message)), ("input", .string(expression))])
        }
    }
}

/// An arithmetic expression parser and evaluator (recursive descent over doubles).
enum Arithmetic {
    /// The longest expression accepted, in characters.
    static let maximumLength = 1000
    /// The deepest nesting of parentheses and unary signs accepted.
    static let maximumDepth = 100

    struct Failure: Error {
        let message: String
        static func invalid(_ detail: String) -> Failure { Failure(message: "Invalid expression: \(detail)") }
        static let divisionByZero = Failure(message: "Error: Division by zero")
    }

    static func evaluate(_ expression: String) throws(Failure) -> Double {
        guard expression.count <= maximumLength else {
            throw .invalid("the expression is longer than \(maximumLength) characters")
        }
        var parser = Parser(scalars: Array(expression.unicodeScalars))
        parser.skipSpace()
        guard !parser.atEnd else { throw .invalid("the expression is empty") }
        let value = try parser.sum(depth: 0)
        parser.skipSpace()
        guard parser.atEnd else { throw .invalid("unexpected \(parser.describeCurrent()) at position \(parser.index + 1)") }
        guard value.isFinite else { throw .invalid("the result is too large") }
        return value
    }

    /// As Langflow writes the result: six decimals, trailing zeros and point removed (`4`, `0.333333`).
    static func format(_ value: Double) -> String {
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        var atEnd: Bool { index >= scalars.count }

        mutating func skipSpace() {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" || scalars[index] == "\n" || scalars[index] == "\r" {
                index += 1
            }
        }

        func describeCurrent() -> String { atEnd ? "end of the expression" : "character '\(scalars[index])'" }

        private mutating func take(_ text: String) -> Bool {
            skipSpace()
            let wanted = Array(text.unicodeScalars)
            guard index + wanted.count <= scalars.count, Array(scalars[index..<index + wanted.count]) == wanted else { return false }
            index += wanted.count
            return true
        }

        private func peek(_ text: String) -> Bool {
            var copy = self
            return copy.take(text)
        }

        /// sum := product (("+" | "-") product)*
        mutating func sum(depth: Int) throws(Failure) -> Double {
            var value = try product(depth: depth)
            while true {
                if take("+") {
                    value += try product(depth: depth)
                } else if take("-") {
                    value -= try product(depth: depth)
                } else {
                    return value
                }
            }
        }

        /// product := unary (("*" | "/" | "%") unary)*
        mutating func product(depth: Int) throws(Failure) -> Double {
            var value = try unary(depth: depth)
            while true {
                skipSpace()
                if peek("//") { throw .invalid("unsupported operator '//' at position \(index + 1)") }
                if take("*") {
                    value *= try unary(depth: depth)
                } else if take("/") {
                    let divisor = try unary(depth: depth)
                    guard divisor != 0 else { throw .divisionByZero }
                    value /= divisor
                } else if take("%") {
                    let divisor = try unary(depth: depth)
                    guard divisor != 0 else { throw .divisionByZero }
                    // Python's float modulo takes the sign of the divisor.
                    let remainder = value.truncatingRemainder(dividingBy: divisor)
                    value = remainder != 0 && (remainder < 0) != (divisor < 0) ? remainder + divisor : remainder
                } else {
                    return value
                }
            }
        }

        /// unary := ("-" | "+") unary | power
        mutating func unary(depth: Int) throws(Failure) -> Double {
            guard depth < maximumDepth else { throw .invalid("the expression nests deeper than \(maximumDepth) levels") }
            if take("-") { return -(try unary(depth: depth + 1)) }
            if take("+") { return try unary(depth: depth + 1) }
            return try power(depth: depth)
        }

        /// power := atom ("**" unary)?   (right-associative; binds tighter than a unary sign on its left)
        mutating func power(depth: Int) throws(Failure) -> Double {
            let base = try atom(depth: depth)
            guard take("**") else { return base }
            let exponent = try unary(depth: depth + 1)
            if base == 0 && exponent < 0 { throw .divisionByZero }
            if base < 0 && exponent != exponent.rounded() {
                throw .invalid("a negative number raised to a fractional power has no real result")
            }
            let result = Foundation.pow(base, exponent)
            guard result.isFinite else { throw .invalid("the result is too large") }
            return result
        }

        /// atom := number | "(" sum ")"
        mutating func atom(depth: Int) throws(Failure) -> Double {
            skipSpace()
            guard !atEnd else { throw .invalid("the expression ends where a number was expected") }
            if take("(") {
                let value = try sum(depth: depth + 1)
                guard take(")") else { throw .invalid("expected ')' at position \(index + 1), found \(describeCurrent())") }
                return value
            }
            let start = index
            while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "." { index += 1 }
            if index < scalars.count, scalars[index] == "e" || scalars[index] == "E", index > start {
                var probe = index + 1
                if probe < scalars.count, scalars[probe] == "+" || scalars[probe] == "-" { probe += 1 }
                if probe < scalars.count, ("0"..."9").contains(scalars[probe]) {
                    index = probe
                    while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
                }
            }
            let text = String(String.UnicodeScalarView(scalars[start..<index]))
            guard !text.isEmpty else { throw .invalid("unexpected \(describeCurrent()) at position \(index + 1)") }
            guard let value = Double(text), text != "." else { throw .invalid("'\(text)' is not a number") }
            return value
        }
    }
}
