import Foundation
import LangBuilderTesting

/// The products `swift build` wrote next to the test binary, and ways to run them as real processes.
enum BuiltProducts {
    static var directory: URL { BundleFixtures.buildDirectory }

    /// The first-party bundles, by file name, with their ids and component type names.
    static let bundles: [(file: String, id: String, language: String, components: [String])] = [
        ("liblangflow-data.so", "dev.langbuilder.langflow-data", "swift", ["APIRequest", "URLComponent"]),
        ("liblangflow-io.so", "dev.langbuilder.langflow-io", "swift", ["ChatInput", "ChatOutput", "TextInput", "TextOutput", "Webhook"]),
        ("liblangflow-logic.so", "dev.langbuilder.langflow-logic", "swift", ["ConditionalRouter", "LoopComponent", "Pass", "RunFlow"]),
        ("liblangflow-models.so", "dev.langbuilder.langflow-models", "swift", ["LanguageModelComponent", "OpenAIModel", "Agent"]),
        ("liblangflow-processing.so", "dev.langbuilder.langflow-processing", "swift", [
            "Prompt Template", "CombineText", "ParserComponent", "SplitText", "DataOperations", "FilterData", "JSONtoData", "CreateData",
            "ExtractaKey", "TypeConverterComponent", "DataToDataFrame",
        ]),
        ("liblangflow-utilities.so", "dev.langbuilder.langflow-utilities", "swift", ["CalculatorComponent", "CurrentDate", "IDGenerator", "Memory"]),
        ("libstd-cmath.so", "dev.langbuilder.std-cmath", "c", [
            "Power", "SquareRoot", "Hypotenuse", "Floor", "Ceil", "NaturalLog", "Exponential", "Modulo",
            "GreatestCommonDivisor", "Clamp", "IsPrime", "RepeatText", "CountWords",
        ]),
        ("libstd-math.so", "dev.langbuilder.std-math", "swift", [
            "Add", "Subtract", "Multiply", "Divide", "RoundNumber", "Statistics", "RunningTotal",
        ]),
        ("libstd-text.so", "dev.langbuilder.std-text", "c", [
            "UpperCase", "LowerCase", "TextLength", "ReplaceText", "CombineStrings", "TrimText", "WordCount",
        ]),
    ]

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The component type names of the bundle with this id.
    static func components(of id: String) -> [String] { bundles.first { $0.id == id }?.components ?? [] }

    /// Runs `langbuilder` with `arguments`; the environment adds no bundle directories of its own.
    static func langbuilder(_ arguments: [String], in folder: URL? = nil) throws -> (status: Int32, output: String) {
        try BundleFixtures.run(path("langbuilder"), arguments, in: folder, environment: ["LANGBUILDER_BUNDLES_PATH": ""])
    }

    /// Runs `langbuilder-bundle-tool` with `arguments`.
    static func bundleTool(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try BundleFixtures.run(path("langbuilder-bundle-tool"), arguments)
    }

    /// Runs a program found on PATH.
    static func tool(_ name: String, _ arguments: [String], in folder: URL? = nil, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        try BundleFixtures.run("/usr/bin/env", [name] + arguments, in: folder, environment: environment)
    }

    /// The dynamic symbols a library defines and exports, from `nm`.
    static func exportedSymbols(_ library: String) throws -> [String] {
        let result = try tool("nm", ["-D", "--defined-only", "--extern-only", library])
        guard result.status == 0 else { throw BundleFixtures.FixtureError("nm failed for \(library):\n\(result.output)") }
        return result.output.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
    }
}
