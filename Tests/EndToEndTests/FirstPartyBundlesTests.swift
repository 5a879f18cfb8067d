import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// The C, Swift and libffi bundles that `swift build` produced, loaded side by side with `dlopen` into this
/// process and every one of their components called with real values.
@Suite struct FirstPartyBundlesTests {
    /// One scan of the build folder for the whole suite: bundles are never unloaded, so loading once is the truth.
    static let registry = ComponentRegistry(scan: BundleLoader().scan(directories: [BuiltProducts.directory.path]))

    /// A call of one component on fresh inputs and the outputs it must produce, one per output port.
    struct Call: Sendable, CustomTestStringConvertible {
        var component: String
        var inputs: [Value?]
        var outputs: [Value?]

        init(_ component: String, _ inputs: [Value?], _ outputs: [Value?]) {
            self.component = component
            self.inputs = inputs
            self.outputs = outputs
        }

        var testDescription: String { "\(component)(\(inputs.map { $0.map(String.init(describing:)) ?? "absent" }.joined(separator: ", ")))" }
    }

    static let calls: [Call] = [
        // std-text: a C bundle with the component lifecycle.
        Call("UpperCase", [.json(type: "Message", text: #"{"text":"hello w\u00f6rld","sender":"User"}"#)], [.string("HELLO WöRLD")]),
        Call("LowerCase", [.string("MiXeD Case")], [.string("mixed case")]),
        Call("TextLength", [.string("héllo")], [.int(5), .int(6)]),
        Call("ReplaceText", [.string("a-b-c"), .string("-"), .string(" + ")], [.string("a + b + c")]),
        Call("ReplaceText", [.string("a-b-c"), .string("-"), nil], [.string("abc")]),
        Call("CombineStrings", [.string("Hello"), .string("World"), nil], [.string("Hello World")]),
        Call("CombineStrings", [.string("Hello"), .json(type: "Message", text: #"{"text":"Ada"}"#), .string(", ")], [.string("Hello, Ada")]),
        Call("TrimText", [.string(" \t padded text\n "), nil], [.string("padded text")]),
        Call("TrimText", [.string("xxhixy"), .string("yx")], [.string("hi")]),
        Call("WordCount", [.string("one two  three\nfour")], [.int(4)]),
        // std-math: a Swift bundle written with LangBuilderBundleSDK.
        Call("Add", [.int(2), .double(3.5)], [.double(5.5)]),
        Call("Subtract", [.double(10), .string("4")], [.double(6)]),
        Call("Multiply", [.double(1.5), .int(4)], [.double(6)]),
        Call("Divide", [.int(1), .int(4)], [.double(0.25)]),
        Call("RoundNumber", [.double(3.14159), .int(2)], [.double(3.14)]),
        Call("RoundNumber", [.double(2.5), nil], [.double(3)]),
        Call("Statistics", [.string("[1,2,3,4]")], [.int(4), .double(10), .double(2.5), .double(1), .double(4)]),
        Call("RunningTotal", [.double(7), nil], [.double(7)]),
        // std-cmath: plain C functions called through libffi.
        Call("Power", [.int(2), .int(10)], [.double(1024)]),
        Call("SquareRoot", [.double(16)], [.double(4)]),
        Call("Hypotenuse", [.int(3), .int(4)], [.double(5)]),
        Call("Floor", [.double(2.7)], [.double(2)]),
        Call("Ceil", [.double(2.1)], [.double(3)]),
        Call("NaturalLog", [.double(1)], [.double(0)]),
        Call("Exponential", [.int(0)], [.double(1)]),
        Call("Modulo", [.double(7), .double(3)], [.double(1)]),
        Call("GreatestCommonDivisor", [.int(12), .int(-18)], [.int(6)]),
        Call("Clamp", [.double(15), .double(0), .double(10)], [.double(10)]),
        Call("IsPrime", [.int(97)], [.bool(true)]),
        Call("IsPrime", [.int(91)], [.bool(false)]),
        Call("RepeatText", [.string("ab"), .int(3)], [.string("ababab")]),
        Call("CountWords", [.string("the quick  brown\tfox")], [.int(4)]),
        // langflow-processing, -logic, -utilities: Swift bundles with Langflow's names (LangflowProcessingBundleTests and
        // the others call each in depth). A Message output is compared by its text (it carries a timestamp).
        Call("Prompt Template", [.string("Hi {{there}}"), nil, nil], [message("Hi {there}")]),
        Call("CombineText", [.string("a"), .string("b"), .string("+")], [message("a+b")]),
        Call("ParserComponent", [data(#"{"k":"v"}"#), nil, .string("k={k}"), nil, nil], [message("k=v")]),
        Call("SplitText", [nil, data(#"{"text":"one two"}"#), .int(4), .int(0), nil, nil, nil, nil, nil, nil, nil], [
            .json(type: "DataFrame", text: #"[{"text":"one"},{"text":"two"}]"#)
        ]),
        Call("DataOperations", [data(#"{"a":1,"b":2}"#), .json(type: "list", text: #"[{"name":"Remove Keys"}]"#), nil, nil, nil, nil, nil, .json(type: "list", text: #"["a"]"#), nil, nil, nil, nil], [data(#"{"b":2}"#)]),
        Call("FilterData", [data(#"{"a":1,"b":2}"#), .json(type: "list", text: #"["a"]"#)], [data(#"{"a":1}"#)]),
        Call("JSONtoData", [nil, nil, .string(#"{"x": true}"#)], [data(#"{"x":true}"#)]),
        Call("CreateData", [.int(1), nil, nil], [data("{}")]),
        Call("ExtractaKey", [data(#"{"k":1,"j":2}"#), .string("j")], [data(#"{"j":2}"#)]),
        Call("TypeConverterComponent", [.string("hi"), nil, .string("Data")], [nil, data(#"{"text":"hi"}"#), nil]),
        Call("DataToDataFrame", [data(#"{"text":"t"}"#)], [.json(type: "DataFrame", text: #"[{"text":"t"}]"#)]),
        Call("ConditionalRouter", [.string("yes"), .string("equals"), .string("no"), nil, nil, nil, nil, nil], [nil, message("yes")]),
        Call("LoopComponent", [data(#"{"n":1}"#)], [.json(type: "DataFrame", text: #"[{"n":1}]"#), nil]),
        Call("Pass", [.json(type: "Message", text: #"{"text":"p"}"#), nil], [.json(type: "Message", text: #"{"text":"p"}"#)]),
        Call("CalculatorComponent", [.string("6*7")], [data(#"{"result":"42"}"#), .string("object Tool")]),
        Call("CurrentDate", [.string("Mars/Olympus")], [message("Error: 'No time zone found with key Mars/Olympus'")]),
        Call("IDGenerator", [.string("fixed")], [message("fixed")]),
        // No history asked (n_messages 0): a host history call blocks its thread, and these calls run on the test's
        // cooperative threads, not on a run's worker (LangflowModelsBundleTests reads real histories).
        Call("Memory", [nil, nil, nil, nil, nil, .int(0)], [message(""), .json(type: "DataFrame", text: "[]"), nil]),
        // langflow-io: Langflow's inputs and outputs.
        Call("ChatInput", [.string("hi")], [message("hi")]),
        Call("ChatOutput", [.json(type: "Message", text: #"{"text":"out","sender":"User"}"#)], [message("out")]),
        Call("TextInput", [.string("t")], [message("t")]),
        Call("TextOutput", [.string("t")], [message("t")]),
        Call("Webhook", [.string(#"{"a":1}"#)], [data(#"{"a":1}"#)]),
        // langflow-data: with no URL they only offer their tools (LangflowDataBundleTests fetch real pages).
        Call("APIRequest", [], [nil, .string("object Tool")]),
        Call("URLComponent", [], [nil, nil, .string("object Tool")]),
        // langflow-models: with nothing to ask, no request is made and the model is handed on (LangflowModelsBundleTests
        // call them against a local OpenAI-compatible server).
        Call("LanguageModelComponent", [nil, .string("gpt-4o-mini"), nil, .string("sk-test")], [message(""), .string("object LanguageModel")]),
        Call("OpenAIModel", [nil, nil, nil, nil, nil, nil, .string("gpt-4o-mini"), nil, .string("sk-test")], [message(""), .string("object LanguageModel")]),
    ]

    private static func data(_ json: String) -> Value { .json(type: "Data", text: json) }
    private static func message(_ text: String) -> Value { .json(type: "Message", text: (["text": .string(text)] as JSONValue).serialized()) }

    /// A Message reduced to its text, other values as they are: Langflow components stamp their Messages.
    private static func comparable(_ value: Value?) -> Value? {
        if case .object(let handle)? = value { return .string("object \(handle.typeName)") }
        guard case .json("Message", let text)? = value, let message = try? JSONValue(parsing: text) else { return value }
        return .json(type: "Message", text: (["text": message["text"] ?? .null] as JSONValue).serialized())
    }

    private static func context(_ component: String) -> CallContext {
        CallContext(run: RunContext(flowID: "end-to-end"), vertexID: "\(component)-1", componentType: component)
    }

    /// Instantiates `component` with no field values and runs it once.
    private static func run(_ component: String, _ inputs: [Value?]) throws -> [Value?] {
        let registered = try #require(registry.component(named: component), "\(component) is not registered")
        let context = context(component)
        let instance = try registered.instantiate(config: [], context: context)
        return try instance.run(inputs: inputs, context: context)
    }

    private static func failure(_ component: String, _ inputs: [Value?]) throws -> ComponentError {
        try #require(throws: ComponentError.self) { try run(component, inputs) }
    }

    @Test func buildFolderHoldsTheFirstPartyBundlesAndBothExecutables() {
        let fileManager = FileManager.default
        for name in BuiltProducts.bundles.map(\.file) + ["langbuilder", "langbuilder-bundle-tool"] {
            #expect(fileManager.isExecutableFile(atPath: BuiltProducts.path(name)), "\(name) is missing from \(BuiltProducts.directory.path)")
        }
    }

    @Test func scanLoadsCSwiftAndFunctionBundlesSideBySide() {
        #expect(Self.registry.refused.isEmpty, "\(Self.registry.refused.map(\.description))")
        let loaded = Self.registry.bundles.sorted { $0.descriptor.id < $1.descriptor.id }
        #expect(loaded.map(\.descriptor.id) == BuiltProducts.bundles.map(\.id))
        #expect(loaded.map(\.descriptor.fingerprint.language.rawValue) == BuiltProducts.bundles.map(\.language))
        #expect(loaded.map { $0.descriptor.components.map(\.typeName) } == BuiltProducts.bundles.map(\.components))
        #expect(loaded.map { ($0.file as NSString).lastPathComponent } == BuiltProducts.bundles.map(\.file))
        #expect(Self.registry.component(named: "Power")?.descriptor.signature == "d(dd)")
        #expect(Self.registry.component(named: "Add")?.provenance.bundleID == "dev.langbuilder.std-math")
        #expect(Self.registry.component(named: "UpperCase")?.provenance.file == BuiltProducts.path("libstd-text.so"))
    }

    @Test func everyComponentHasACall() {
        let called = Set(Self.calls.map(\.component))
        let registered = Set(Self.registry.components.map(\.typeName))
        #expect(registered.count == 56)
        // The Agent always asks its model (LangflowModelsBundleTests runs it against a local OpenAI-compatible
        // server); Run Flow always runs a stored flow (RunFlowTests runs it in the server).
        #expect(registered.subtracting(called).sorted() == ["Agent", "RunFlow"], "components without a call")
        #expect(called.subtracting(registered).sorted() == [], "calls of unknown components")
    }

    @Test(arguments: calls)
    func componentProducesItsOutputs(call: Call) throws {
        let outputs = try Self.run(call.component, call.inputs)
        #expect(outputs.map(Self.comparable) == call.outputs.map(Self.comparable))
    }

    @Test(arguments: BuiltProducts.bundles.map(\.file))
    func bundleExportsOnlyItsEntrySymbol(file: String) throws {
        #expect(try BuiltProducts.exportedSymbols(BuiltProducts.path(file)) == ["lb_bundle_entry"])
    }

    @Test func divisionByZeroFailsWithTheComponentsMessage() throws {
        let error = try Self.failure("Divide", [.int(1), .int(0)])
        #expect(error.message == "Divide: b is zero")
        #expect(error.componentType == "Divide")
        #expect(error.vertexID == "Divide-1")
        #expect(error.status == 1)
    }

    @Test func emptySearchFailsWithTheCComponentsMessage() throws {
        let error = try Self.failure("ReplaceText", [.string("text"), .string(""), .string("x")])
        #expect(error.message == "ReplaceText: input 'search' must not be empty")
        #expect(error.status == 1)
    }

    @Test func missingRequiredTextFailsNamingTheInput() throws {
        let error = try Self.failure("UpperCase", [nil])
        #expect(error.message == "UpperCase: input 'text' has no value")
    }

    @Test func textThatIsNotANumberFailsNamingTheFunctionParameter() throws {
        let error = try Self.failure("Power", [.string("two"), .int(10)])
        #expect(error.message == "parameter base: expected a number, found str")
        #expect(error.description == "Power-1 (Power): parameter base: expected a number, found str")
        #expect(error.componentType == "Power")
        let missing = try Self.failure("Power", [.int(2), nil])
        #expect(missing.message == "parameter exponent has no value")
    }

    @Test func swiftComponentRejectsTextThatIsNotANumber() throws {
        let error = try Self.failure("Add", [.string("two"), .int(1)])
        #expect(error.message == #"Add: input 'a' must be a number, found str "two""#)
    }

    /// A call context can carry several calls (an instance created and then run, or run again in a loop):
    /// a failure must report its own call's message, never one left over from an earlier call.
    @Test func failureWithoutAMessageDoesNotReuseAnEarlierCallsMessage() throws {
        let folder = try BundleFixtures.temporaryDirectory("stale-error")
        defer { try? FileManager.default.removeItem(at: folder) }
        let library = try BundleFixtures.compile(
            name: "moody",
            source: """
                #include "langbuilder_bundle.h"
                LB_BUNDLE_HOST_API;
                /* Fails with a message when `loud` is present, silently otherwise. */
                static int32_t run(void *i, lb_context *c, const lb_value *in, size_t n, lb_value *out, size_t m)
                {
                    if (lb_value_present(&in[0])) return lb_fail(lb_host, c, "Moody: loud failure");
                    return LB_ERROR;
                }
                static const lb_input_port inputs[] = {{sizeof(lb_input_port), 0, "loud", NULL, NULL, "bool", NULL, NULL, NULL}};
                static const lb_output_port outputs[] = {{sizeof(lb_output_port), 0, "out", NULL, LB_NAMES("str")}};
                static const lb_component components[] = {{sizeof(lb_component), 0, "Moody", "Moody", "", "custom", NULL,
                    inputs, 1, sizeof(lb_input_port), outputs, 1, sizeof(lb_output_port), NULL, run, NULL, NULL, NULL}};
                static const lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
                static const lb_bundle_descriptor descriptor = {sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint,
                    "com.example.moody", "1.0.0", "Moody", "", NULL, NULL, components, 1, sizeof(lb_component), NULL, 0,
                    sizeof(lb_function), NULL};
                LB_BUNDLE_ENTRY(descriptor)
                """,
            in: folder, flags: ["-Wno-unused-parameter"])
        let moody = try #require(try BundleLoader().load(file: library).components.first)
        let context = Self.context("Moody")
        let instance = try moody.instantiate(config: [nil], context: context)
        let loud = try #require(throws: ComponentError.self) { try instance.run(inputs: [.bool(true)], context: context) }
        #expect(loud.message == "Moody: loud failure")
        let silent = try #require(throws: ComponentError.self) { try instance.run(inputs: [nil], context: context) }
        #expect(silent.message == "run failed with status 1 and no message")
    }

    @Test func runningTotalKeepsStateAcrossRunsOfOneInstance() throws {
        let component = try #require(Self.registry.component(named: "RunningTotal"))
        let context = Self.context("RunningTotal")
        let first = try component.instantiate(config: [nil, .double(100)], context: context)
        let second = try component.instantiate(config: [nil, nil], context: context)
        var totals: [Value?] = []
        for value in [1.0, 2.5, -0.5] {
            totals += try first.run(inputs: [.double(value), nil], context: context)
        }
        #expect(totals == [.double(101), .double(103.5), .double(103)])
        #expect(try second.run(inputs: [.int(4), nil], context: context) == [.double(4)], "each instance has its own total")
        #expect(try first.run(inputs: [.int(1), nil], context: context) == [.double(104)])
    }

    @Test func valuesCrossTheBoundaryThroughTheRunsArena() throws {
        let component = try #require(Self.registry.component(named: "RepeatText"))
        let run = RunContext()
        let context = CallContext(run: run, vertexID: "Repeat-1", componentType: "RepeatText")
        let instance = try component.instantiate(config: [], context: context)
        let outputs = try instance.run(inputs: [.string("é"), .int(4)], context: context)
        #expect(outputs == [.string("éééé")])
        #expect(run.arenaBytes > 0, "the text argument was copied into the run's arena")
    }
}
