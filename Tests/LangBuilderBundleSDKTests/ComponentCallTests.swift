import CLangBuilderABI
import LangBuilderBundleSDK
import Synchronization
import Testing

/// Calls Swift components through the C function pointers of their exported `lb_component` records, with
/// real `lb_value`s and a test-made host table, the way the host calls them after `dlopen`.
@Suite struct ComponentCallTests {
    private static func export(_ components: [ComponentDefinition], host: TestHost) throws -> ExportedBundle {
        let bundle = BundleDefinition(id: "com.example.calls", version: "1.0.0", displayName: "Calls", components: components)
        return try #require(ExportedBundle(bundle.export(hostABI: TestHost.abiVersion, host: host.opaqueTable)))
    }

    /// Creates an instance, runs it once and destroys it.
    private static func runOnce(_ component: ExportedComponent, inputs: [lb_value], host: TestHost) throws -> (status: Int32, outputs: [lb_value]) {
        let created = component.create(config: inputs.map { _ in TestHost.absent() }, host: host)
        try #require(created.status == LB_OK, "create failed: \(host.errors)")
        defer { component.destroy(created.instance) }
        return component.run(created.instance, inputs: inputs, host: host)
    }

    @Test func runConvertsInputsAndWritesEveryOutputKind() throws {
        let host = TestHost()
        let describe = ComponentDefinition(
            "Describe",
            inputs: [.text("text"), .integer("count"), .number("ratio"), .text("message"), .text("missing")],
            outputs: [
                OutputDefinition("shout", types: ["str"]), OutputDefinition("twice", types: ["int"]),
                OutputDefinition("half", types: ["float"]), OutputDefinition("quoted", types: ["str"]),
                OutputDefinition("message", types: ["Message"]), OutputDefinition("flag", types: ["bool"]),
                OutputDefinition("nothing", types: ["str"]), OutputDefinition("skipped", types: ["str"]),
            ]
        ) { inputs, _ in
            [
                "shout": .string(try inputs.string("text").uppercased() + "!"),
                "twice": .int(try inputs.integer("count") * 2),
                "half": .double(try inputs.number("ratio") / 2),
                "quoted": .string(try inputs.string("message")),
                "message": .json(type: "Message", text: #"{"text":"ok"}"#),
                "flag": .bool(inputs["missing"] == nil),
                "nothing": .null,
            ]
        }
        let component = try #require(Self.export([describe], host: host).component(named: "Describe"))
        let inputs = [
            host.string("héllo"), TestHost.int(21), TestHost.double(1.5),
            host.json(type: "Message", #"{"sender":"User","text":"a \"q\" \u00e9","files":[]}"#), TestHost.absent(),
        ]
        let (status, outputs) = try Self.runOnce(component, inputs: inputs, host: host)
        try #require(status == LB_OK, "run failed: \(host.errors)")
        #expect(outputs.allSatisfy { $0.struct_size == UInt32(MemoryLayout<lb_value>.size) })
        #expect(outputs[0].kind == LB_VALUE_STRING)
        #expect(text(of: outputs[0]) == "HÉLLO!")
        #expect(outputs[1].kind == LB_VALUE_INT)
        #expect(outputs[1].u.integer == 42)
        #expect(outputs[2].kind == LB_VALUE_DOUBLE)
        #expect(outputs[2].u.number == 0.75)
        #expect(text(of: outputs[3]) == "a \"q\" é", "the Message's text, JSON escapes decoded")
        #expect(outputs[4].kind == LB_VALUE_JSON)
        #expect(optionalString(outputs[4].type_name) == "Message")
        #expect(text(of: outputs[4]) == #"{"text":"ok"}"#)
        #expect(outputs[5].kind == LB_VALUE_BOOL)
        #expect(outputs[5].u.boolean == 1, "an absent input reads as no value")
        #expect(outputs[6].kind == LB_VALUE_NULL)
        #expect(outputs[7].kind == LB_VALUE_ABSENT, "an output the component did not produce stays absent")
        #expect(host.errors.isEmpty)

        // Output text lives in memory from the host's alloc, NUL-terminated.
        let shout = try #require(outputs[0].u.string.ptr)
        #expect(host.allocations.contains(UnsafeMutableRawPointer(mutating: shout)))
        #expect(String(cString: shout) == "HÉLLO!")
    }

    @Test func thrownComponentFailureBecomesAnErrorWithItsMessage() throws {
        let host = TestHost()
        let failing = ComponentDefinition("Fail", inputs: [.text("text")], outputs: [OutputDefinition("text", types: ["str"])]) { inputs, _ in
            throw ComponentFailure("Fail: cannot handle \(try inputs.string("text"))")
        }
        let component = try #require(Self.export([failing], host: host).component(named: "Fail"))
        let (status, outputs) = try Self.runOnce(component, inputs: [host.string("this")], host: host)
        #expect(status == LB_ERROR)
        #expect(host.errors == ["Fail: cannot handle this"])
        #expect(outputs[0].kind == LB_VALUE_ABSENT)
    }

    @Test func missingRequiredInputFailsNamingIt() throws {
        let host = TestHost()
        let echo = ComponentDefinition("Echo", inputs: [.text("text", required: true)], outputs: [OutputDefinition("text", types: ["str"])]) { inputs, _ in
            ["text": .string(try inputs.string("text"))]
        }
        let component = try #require(Self.export([echo], host: host).component(named: "Echo"))
        let absent = try Self.runOnce(component, inputs: [TestHost.absent()], host: host)
        let null = try Self.runOnce(component, inputs: [TestHost.null()], host: host)
        #expect(absent.status == LB_ERROR)
        #expect(null.status == LB_ERROR)
        #expect(host.errors == ["Echo: input 'text' has no value", "Echo: input 'text' has no value"])
    }

    @Test func textThatIsNotANumberFailsNamingTheInput() throws {
        let host = TestHost()
        let half = ComponentDefinition("Half", inputs: [.number("value")], outputs: [OutputDefinition("result", types: ["float"])]) { inputs, _ in
            ["result": .double(try inputs.number("value") / 2)]
        }
        let component = try #require(Self.export([half], host: host).component(named: "Half"))
        let good = try Self.runOnce(component, inputs: [host.string(" 8 ")], host: host)
        #expect(good.status == LB_OK)
        #expect(good.outputs[0].u.number == 4)
        let bad = try Self.runOnce(component, inputs: [host.string("eight")], host: host)
        #expect(bad.status == LB_ERROR)
        #expect(host.errors == [#"Half: input 'value' must be a number, found str "eight""#])
    }

    @Test func undeclaredOutputFailsNamingIt() throws {
        let host = TestHost()
        let sloppy = ComponentDefinition("Sloppy", outputs: [OutputDefinition("result", types: ["str"]), OutputDefinition("extra", types: ["str"])]) { _, _ in
            ["result": .string("fine"), "reslut": .string("typo")]
        }
        let component = try #require(Self.export([sloppy], host: host).component(named: "Sloppy"))
        let (status, outputs) = try Self.runOnce(component, inputs: [], host: host)
        #expect(status == LB_ERROR)
        let message = try #require(host.errors.first)
        #expect(message == "Sloppy produced an output 'reslut' it does not declare (outputs: result, extra)")
        #expect(outputs.allSatisfy { $0.kind == LB_VALUE_ABSENT }, "nothing is written when the outputs are wrong")
    }

    @Test func contextReadsVariablesInfoAndCancellation() throws {
        let host = TestHost(variables: ["OPENAI_API_KEY": "sk-test"], info: ["run_id": "run-7", "component": "Probe"])
        let probe = ComponentDefinition(
            "Probe",
            outputs: [
                OutputDefinition("variable", types: ["str"]), OutputDefinition("unknown_variable", types: ["str"]),
                OutputDefinition("run_id", types: ["str"]), OutputDefinition("unknown_info", types: ["str"]),
                OutputDefinition("cancelled", types: ["bool"]), OutputDefinition("http", types: ["bool"]),
            ]
        ) { _, context in
            [
                "variable": context.variable(named: "OPENAI_API_KEY").map(Value.string) ?? .null,
                "unknown_variable": context.variable(named: "NOPE").map(Value.string) ?? .null,
                "run_id": context.info("run_id").map(Value.string) ?? .null,
                "unknown_info": context.info("flow_id").map(Value.string) ?? .null,
                "cancelled": .bool(context.isCancelled),
                "http": .bool(context.hasHTTP),
            ]
        }
        let component = try #require(Self.export([probe], host: host).component(named: "Probe"))
        host.table.pointee.http_request = nil
        let first = try Self.runOnce(component, inputs: [], host: host)
        try #require(first.status == LB_OK, "\(host.errors)")
        #expect(text(of: first.outputs[0]) == "sk-test")
        #expect(first.outputs[1].kind == LB_VALUE_NULL)
        #expect(text(of: first.outputs[2]) == "run-7")
        #expect(first.outputs[3].kind == LB_VALUE_NULL)
        #expect(first.outputs[4].u.boolean == 0)
        #expect(first.outputs[5].kind == LB_VALUE_BOOL)
        #expect(first.outputs[5].u.boolean == 0, "http_request is NULL: no HTTP")

        host.cancelled = true
        host.variables["OPENAI_API_KEY"] = "sk-rotated"
        let second = try Self.runOnce(component, inputs: [], host: host)
        #expect(second.outputs[4].u.boolean == 1)
        #expect(text(of: second.outputs[0]) == "sk-rotated")
    }

    @Test func hasHTTPNeedsTheSlotInsideTheHostTable() throws {
        let host = TestHost()
        let probe = ComponentDefinition("HTTPProbe", outputs: [OutputDefinition("http", types: ["bool"])]) { _, context in
            ["http": .bool(context.hasHTTP)]
        }
        let component = try #require(Self.export([probe], host: host).component(named: "HTTPProbe"))
        host.table.pointee.http_request = { _, _, _ in Int32(LB_UNSUPPORTED) }
        let offered = try Self.runOnce(component, inputs: [], host: host)
        #expect(offered.outputs[0].u.boolean == 1)

        // An older host whose table ends before http_request: the slot is not read even though it is set.
        host.table.pointee.struct_size = UInt32(MemoryLayout<lb_host_api>.offset(of: \.http_request)!)
        let older = try Self.runOnce(component, inputs: [], host: host)
        #expect(older.outputs[0].u.boolean == 0)
    }

    @Test func logsAndTokensReachTheHost() throws {
        let host = TestHost()
        let chatty = ComponentDefinition("Chatty", outputs: [OutputDefinition("done", types: ["bool"])]) { _, context in
            context.log(.warning, "careful")
            context.emitToken("say \"hi\"\n")
            return ["done": .bool(true)]
        }
        let component = try #require(Self.export([chatty], host: host).component(named: "Chatty"))
        let (status, _) = try Self.runOnce(component, inputs: [], host: host)
        #expect(status == LB_OK)
        #expect(host.logs.map(\.level) == [LB_LOG_WARNING])
        #expect(host.logs.map(\.message) == ["careful"])
        // An ABI 1.2 host takes tokens through emit_token (the fallback to emit is in HostServicesTests).
        #expect(host.tokens == ["say \"hi\"\n"])
        #expect(host.events.isEmpty)
    }

    /// Counts its runs from a start value given in the config; records its own release.
    private final class Counter: ComponentBehavior {
        let count: Mutex<Int64>
        let released: Released

        init(start: Int64, released: Released) {
            count = Mutex(start)
            self.released = released
        }

        deinit { released.count.withLock { $0 += 1 } }

        func run(_ inputs: Inputs, context: Context) throws -> Outputs {
            let step = try inputs.integer("step")
            return ["count": .int(count.withLock { count in
                count += step
                return count
            })]
        }
    }

    private final class Released: Sendable {
        let count = Mutex(0)
    }

    @Test func statefulBehaviorKeepsStateAcrossRunsAndIsReleasedByDestroy() throws {
        let host = TestHost()
        let released = Released()
        let counter = ComponentDefinition(
            "Counter", inputs: [.integer("step", required: true), .integer("start", default: 0)],
            outputs: [OutputDefinition("count", types: ["int"])]
        ) { config, _ in
            Counter(start: config["start"] == nil ? 0 : try config.integer("start"), released: released)
        }
        let component = try #require(Self.export([counter], host: host).component(named: "Counter"))

        let first = component.create(config: [TestHost.absent(), TestHost.int(100)], host: host)
        let second = component.create(config: [TestHost.absent(), TestHost.absent()], host: host)
        try #require(first.status == LB_OK && second.status == LB_OK)
        let instance = try #require(first.instance)
        #expect(first.instance != second.instance)

        var counts: [Int64] = []
        for step: Int64 in [1, 2, 3] {
            let (status, outputs) = component.run(instance, inputs: [TestHost.int(step), TestHost.absent()], host: host)
            #expect(status == LB_OK)
            counts.append(outputs[0].u.integer)
        }
        #expect(counts == [101, 103, 106])
        let other = component.run(second.instance, inputs: [TestHost.int(5), TestHost.absent()], host: host)
        #expect(other.outputs[0].u.integer == 5, "each instance has its own state")

        #expect(released.count.withLock { $0 } == 0)
        component.destroy(first.instance)
        #expect(released.count.withLock { $0 } == 1, "destroy releases the behaviour")
        component.destroy(second.instance)
        #expect(released.count.withLock { $0 } == 2)
    }

    @Test func createFailureReportsTheMessageAndNoInstance() throws {
        let host = TestHost()
        // `threadSafe:` selects the stateful initializer: a closure that only throws would fit `run:` as well.
        let picky = ComponentDefinition("Picky", inputs: [.integer("size")], outputs: [OutputDefinition("size", types: ["int"])], threadSafe: false) { config, _ in
            throw ComponentFailure("Picky: size \(try config.integer("size")) is too large")
        }
        let component = try #require(Self.export([picky], host: host).component(named: "Picky"))
        let created = component.create(config: [TestHost.int(1000)], host: host)
        #expect(created.status == LB_ERROR)
        #expect(created.instance == nil)
        #expect(host.errors == ["Picky: size 1000 is too large"])
    }
}
