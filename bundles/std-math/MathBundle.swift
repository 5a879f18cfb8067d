import LangBuilderBundleSDK
import Synchronization

/// The std-math bundle: arithmetic and statistics, written in Swift with LangBuilderBundleSDK.
let mathBundle = BundleDefinition(
    id: "dev.langbuilder.std-math",
    version: "1.0.0",
    displayName: "Math",
    description: "Arithmetic, rounding and statistics over numbers, written in Swift.",
    license: "Apache-2.0",
    components: [
        binary("Add", "Add", "Adds two numbers.", icon: "Plus") { $0 + $1 },
        binary("Subtract", "Subtract", "Subtracts b from a.", icon: "Minus") { $0 - $1 },
        binary("Multiply", "Multiply", "Multiplies two numbers.", icon: "X") { $0 * $1 },
        binary("Divide", "Divide", "Divides a by b; dividing by zero fails the run.", icon: "Divide") { a, b in
            guard b != 0 else { throw ComponentFailure("Divide: b is zero") }
            return a / b
        },
        roundNumber,
        statistics,
        runningTotal,
    ].map { $0.nonBlocking() }  // they only compute (ABI 1.4)
)

@_cdecl("lb_bundle_entry")
public func lb_bundle_entry(_ hostABI: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
    mathBundle.export(hostABI: hostABI, host: host)
}

private func binary(
    _ typeName: String, _ displayName: String, _ description: String, icon: String,
    _ operation: @escaping @Sendable (Double, Double) throws -> Double
) -> ComponentDefinition {
    ComponentDefinition(
        typeName, displayName: displayName, description: description, category: "math", icon: icon,
        inputs: [.number("a", displayName: "A", required: true), .number("b", displayName: "B", required: true)],
        outputs: [OutputDefinition("result", displayName: "Result", types: ["float"])]
    ) { inputs, _ in
        let result = try operation(try inputs.number("a"), try inputs.number("b"))
        guard result.isFinite else { throw ComponentFailure("\(typeName): the result is not a finite number") }
        return ["result": .double(result)]
    }
}

private let roundNumber = ComponentDefinition(
    "RoundNumber", displayName: "Round Number", description: "Rounds a number to a number of decimal places (half away from zero).",
    category: "math", icon: "Hash",
    inputs: [
        .number("value", displayName: "Value", required: true),
        .integer("digits", displayName: "Decimal Places", default: 0),
    ],
    outputs: [OutputDefinition("result", displayName: "Result", types: ["float"])]
) { inputs, _ in
    let value = try inputs.number("value")
    let digits = inputs["digits"] == nil ? 0 : try inputs.integer("digits")
    guard (0...15).contains(digits) else { throw ComponentFailure("RoundNumber: digits must be between 0 and 15, found \(digits)") }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    return ["result": .double((value * scale).rounded(.toNearestOrAwayFromZero) / scale)]
}

private let statistics = ComponentDefinition(
    "Statistics", displayName: "Statistics",
    description: "Count, sum, mean, minimum and maximum of a list of numbers (a JSON array or text separated by commas, spaces or lines).",
    category: "math", icon: "Sigma",
    inputs: [.text("numbers", displayName: "Numbers", required: true, multiline: true)],
    outputs: [
        OutputDefinition("count", displayName: "Count", types: ["int"]),
        OutputDefinition("sum", displayName: "Sum", types: ["float"]),
        OutputDefinition("mean", displayName: "Mean", types: ["float"]),
        OutputDefinition("minimum", displayName: "Minimum", types: ["float"]),
        OutputDefinition("maximum", displayName: "Maximum", types: ["float"]),
    ]
) { inputs, _ in
    let text = try inputs.string("numbers")
    let separators: Set<Character> = [",", " ", "\n", "\t", ";", "[", "]", "\r"]
    var numbers: [Double] = []
    for token in text.split(whereSeparator: { separators.contains($0) }) {
        guard let number = Double(token), number.isFinite else {
            throw ComponentFailure("Statistics: '\(token.prefix(40))' is not a number")
        }
        numbers.append(number)
    }
    guard !numbers.isEmpty else { throw ComponentFailure("Statistics: the list of numbers is empty") }
    let sum = numbers.reduce(0, +)
    return [
        "count": .int(Int64(numbers.count)),
        "sum": .double(sum),
        "mean": .double(sum / Double(numbers.count)),
        "minimum": .double(numbers.min()!),
        "maximum": .double(numbers.max()!),
    ]
}

/// Keeps a sum across the runs of one instance: the per-instance state of the component lifecycle.
private final class RunningTotal: ComponentBehavior {
    private let total: Mutex<Double>

    init(start: Double) { total = Mutex(start) }

    func run(_ inputs: Inputs, context: Context) throws -> Outputs {
        let value = try inputs.number("value")
        let sum = total.withLock { total in
            total += value
            return total
        }
        return ["total": .double(sum)]
    }
}

private let runningTotal = ComponentDefinition(
    "RunningTotal", displayName: "Running Total",
    description: "Adds each value it receives to a total kept by the instance, starting from Start.",
    category: "math", icon: "Sigma",
    inputs: [.number("value", displayName: "Value", required: true), .number("start", displayName: "Start", default: 0)],
    outputs: [OutputDefinition("total", displayName: "Total", types: ["float"])],
    threadSafe: true
) { config, _ in
    RunningTotal(start: config["start"] == nil ? 0 : try config.number("start"))
}
