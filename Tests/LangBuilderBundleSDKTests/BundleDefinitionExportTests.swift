import CLangBuilderABI
import LangBuilderBundleSDK
import Testing

/// `BundleDefinition.export(hostABI:host:)` without the host: the C tables it returns are walked the way the
/// loader walks them (writer's sizes and strides) and checked field by field.
@Suite struct BundleDefinitionExportTests {
    /// A bundle with one stateless and one stateful component, and every kind of input default.
    static func sampleBundle() -> BundleDefinition {
        BundleDefinition(
            id: "com.example.sample",
            version: "2.3.4",
            displayName: "Sample",
            description: "A bundle made in a test.",
            license: "MIT",
            components: [
                ComponentDefinition(
                    "Shout", displayName: "Shout Text", description: "Upper-cases text.", category: "processing",
                    icon: "Megaphone", documentation: "https://example.com/shout",
                    inputs: [
                        .text("text", displayName: "Text", info: "What to shout", default: "say \"hi\"\n", required: true, multiline: true),
                        .number("ratio", default: 0.5),
                        .integer("times", default: 3),
                        .flag("loud", default: true, advanced: true),
                        .flag("quiet"),
                        .choice("style", options: ["plain", "bold"], default: "bold"),
                        InputDefinition("token", fieldType: "str", secret: true),
                        InputDefinition("items", fieldType: "dict", acceptedTypes: ["Data"], list: true),
                        .text("note"),
                    ],
                    outputs: [
                        OutputDefinition("text", displayName: "Shouted", types: ["str", "Message"]),
                        OutputDefinition("length", types: ["int"]),
                    ]
                ) { inputs, _ in
                    ["text": .string(try inputs.string("text").uppercased())]
                },
                ComponentDefinition(
                    "Tally", inputs: [.number("value", required: true)], outputs: [OutputDefinition("total", types: ["float"])]
                ) { _, _ in
                    Tally()
                },
            ]
        )
    }

    private final class Tally: ComponentBehavior {
        func run(_ inputs: Inputs, context: Context) throws -> Outputs { [:] }
    }

    private static func export(_ bundle: BundleDefinition, host: TestHost) throws -> ExportedBundle {
        try #require(ExportedBundle(bundle.export(hostABI: TestHost.abiVersion, host: host.opaqueTable)))
    }

    @Test func tablesCarryTheWriterSizesAndStrides() throws {
        let host = TestHost()
        let exported = try Self.export(Self.sampleBundle(), host: host)
        let descriptor = exported.descriptor.pointee
        #expect(descriptor.struct_size == UInt32(MemoryLayout<lb_bundle_descriptor>.size))
        #expect(descriptor.struct_size == 104)
        #expect(descriptor.component_stride == UInt32(MemoryLayout<lb_component>.stride))
        #expect(descriptor.function_stride == UInt32(MemoryLayout<lb_function>.stride))
        #expect(descriptor.component_count == 2)
        #expect(descriptor.function_count == 0)
        #expect(descriptor.functions == nil)
        #expect(descriptor.extension == nil)
        for index in 0..<exported.componentCount {
            let component = exported.component(index)
            let record = component.record.pointee
            #expect(record.struct_size == UInt32(MemoryLayout<lb_component>.size))
            #expect(record.input_stride == UInt32(MemoryLayout<lb_input_port>.stride))
            #expect(record.output_stride == UInt32(MemoryLayout<lb_output_port>.stride))
            for input in 0..<Int(record.input_count) {
                #expect(component.input(input).struct_size == UInt32(MemoryLayout<lb_input_port>.size))
            }
            for output in 0..<Int(record.output_count) {
                #expect(component.output(output).struct_size == UInt32(MemoryLayout<lb_output_port>.size))
            }
        }
    }

    @Test func descriptorCarriesVersionAndIdentity() throws {
        let host = TestHost()
        let descriptor = try Self.export(Self.sampleBundle(), host: host).descriptor.pointee
        #expect(descriptor.abi_version == TestHost.abiVersion)
        #expect(descriptor.abi_version == 0x0001_0004)
        #expect(String(cString: descriptor.id) == "com.example.sample")
        #expect(String(cString: descriptor.version) == "2.3.4")
        #expect(String(cString: descriptor.display_name) == "Sample")
        #expect(String(cString: descriptor.description) == "A bundle made in a test.")
        #expect(optionalString(descriptor.license) == "MIT")
        #expect(descriptor.homepage == nil)
    }

    @Test func fingerprintDescribesASwiftBuild() throws {
        let host = TestHost()
        let descriptor = try Self.export(Self.sampleBundle(), host: host).descriptor.pointee
        let fingerprint = try #require(descriptor.fingerprint).pointee
        #expect(fingerprint.struct_size == UInt32(MemoryLayout<lb_fingerprint>.size))
        #expect(fingerprint.language == LB_LANGUAGE_SWIFT)
        #expect(fingerprint.value_size == 32)
        #expect(fingerprint.value_size == UInt32(MemoryLayout<lb_value>.size))
        #expect(fingerprint.pointer_size == UInt32(MemoryLayout<UnsafeRawPointer>.size))
        #expect(fingerprint.byte_order == LB_BYTE_ORDER_MARK)
        #expect(fingerprint.reserved == 0)
        let version = try #require(optionalString(fingerprint.swift_compiler_version))
        // The compiler that builds this test built the SDK too.
        #if compiler(>=6.3) && !compiler(>=6.4)
        #expect(version.hasPrefix("6.3."))
        #endif
        #expect(version.split(separator: ".").count == 3)
    }

    @Test func componentRecordsCarryNamesFlagsAndPorts() throws {
        let host = TestHost()
        let exported = try Self.export(Self.sampleBundle(), host: host)
        let shout = try #require(exported.component(named: "Shout"))
        let record = shout.record.pointee
        #expect(String(cString: record.display_name) == "Shout Text")
        #expect(String(cString: record.description) == "Upper-cases text.")
        #expect(String(cString: record.category) == "processing")
        #expect(optionalString(record.icon) == "Megaphone")
        #expect(optionalString(record.documentation) == "https://example.com/shout")
        #expect(record.flags == LB_COMPONENT_THREADSAFE, "a stateless component is thread-safe")
        #expect(record.create != nil && record.run != nil && record.destroy != nil)
        #expect(record.input_count == 9)
        #expect(record.output_count == 2)

        let text = shout.input(0)
        #expect(String(cString: text.name) == "text")
        #expect(optionalString(text.display_name) == "Text")
        #expect(optionalString(text.info) == "What to shout")
        #expect(String(cString: text.field_type) == "str")
        #expect(stringList(text.accepted_types) == ["str", "Message", "Text"])
        #expect(text.flags == LB_INPUT_REQUIRED | LB_INPUT_MULTILINE)
        #expect(text.options == nil)

        let ratio = shout.input(1)
        #expect(String(cString: ratio.field_type) == "float")
        #expect(stringList(ratio.accepted_types) == ["float", "int"])
        #expect(ratio.flags == 0)
        #expect(String(cString: shout.input(2).field_type) == "int")
        #expect(shout.input(3).flags == LB_INPUT_ADVANCED)
        #expect(String(cString: shout.input(3).field_type) == "bool")
        #expect(stringList(shout.input(5).options) == ["plain", "bold"])
        #expect(shout.input(6).flags == LB_INPUT_SECRET)
        #expect(shout.input(6).accepted_types == nil, "no accepted types: the field takes no edge")
        #expect(shout.input(7).flags == LB_INPUT_LIST)
        #expect(stringList(shout.input(7).accepted_types) == ["Data"])

        let first = shout.output(0)
        #expect(String(cString: first.name) == "text")
        #expect(optionalString(first.display_name) == "Shouted")
        #expect(stringList(first.types) == ["str", "Message"])
        #expect(first.flags == 0)
        #expect(optionalString(shout.output(1).display_name) == "length", "the display name defaults to the name")

        #expect(record.aliases == nil, "no aliases: the ABI 1.1 slot is NULL")

        let tally = try #require(exported.component(named: "Tally"))
        #expect(tally.record.pointee.flags == 0, "a stateful component is not thread-safe unless it says so")
        #expect(optionalString(tally.record.pointee.icon) == nil)
        #expect(String(cString: tally.record.pointee.category) == "custom")
    }

    @Test(arguments: [
        ("text", #""say \"hi\"\n""#),
        ("ratio", "0.5"),
        ("times", "3"),
        ("loud", "true"),
        ("quiet", "false"),
        ("style", #""bold""#),
        ("token", nil),
        ("note", nil),
    ] as [(String, String?)])
    func inputDefaultsAreJSONText(name: String, expected: String?) throws {
        let host = TestHost()
        let shout = try #require(Self.export(Self.sampleBundle(), host: host).component(named: "Shout"))
        let ports = (0..<Int(shout.record.pointee.input_count)).map(shout.input)
        let port = try #require(ports.first { String(cString: $0.name) == name })
        #expect(optionalString(port.default_json) == expected)
    }

    @Test(arguments: [0x0000_0000, 0x0000_0001, 0x0002_0000, 0xFFFF_0000] as [UInt32])
    func exportRefusesAHostOfAnotherMajor(hostABI: UInt32) {
        let host = TestHost()
        #expect(Self.sampleBundle().export(hostABI: hostABI, host: host.opaqueTable) == nil)
    }

    @Test func exportRefusesAMissingHostTable() {
        #expect(Self.sampleBundle().export(hostABI: TestHost.abiVersion, host: nil) == nil)
    }

    @Test func exportAcceptsANewerMinorOfTheSameMajor() {
        let host = TestHost()
        #expect(Self.sampleBundle().export(hostABI: 0x0001_0007, host: host.opaqueTable) != nil)
    }

    @Test func exportBuildsTheTablesOnce() {
        let host = TestHost()
        let bundle = Self.sampleBundle()
        let first = bundle.export(hostABI: TestHost.abiVersion, host: host.opaqueTable)
        let second = bundle.export(hostABI: TestHost.abiVersion, host: host.opaqueTable)
        #expect(first != nil)
        #expect(first == second, "the host keeps pointers into the tables for the life of the process")
    }

    @Test func aliasesLegacyHiddenHandleAndLoopFlagsReachTheRecords() throws {
        var router = ComponentDefinition(
            "Prompt Template", category: "models_and_agents",
            inputs: [
                InputDefinition("data", fieldType: "other", acceptedTypes: ["Data"], handle: true),
                InputDefinition("tool_placeholder", acceptedTypes: ["Message"], advanced: true, hidden: true),
            ],
            outputs: [
                OutputDefinition("item", types: ["Data"], allowsLoop: true),
                OutputDefinition("debug", types: ["str"], hidden: true),
            ]
        ) { _, _ in [:] }
        router.aliases = ["Prompt", "PromptComponent"]
        router.isLegacy = true
        router.isBeta = true
        let bundle = BundleDefinition(id: "com.example.aliases", version: "1.0.0", displayName: "Aliases", components: [router])
        let host = TestHost()
        let exported = try Self.export(bundle, host: host)
        let component = try #require(exported.component(named: "Prompt Template"))
        let record = component.record.pointee
        #expect(stringList(record.aliases) == ["Prompt", "PromptComponent"])
        #expect(record.flags == LB_COMPONENT_THREADSAFE | LB_COMPONENT_LEGACY | LB_COMPONENT_BETA)
        #expect(component.input(0).flags == LB_INPUT_HANDLE)
        #expect(component.input(1).flags == LB_INPUT_ADVANCED | LB_INPUT_HIDDEN)
        #expect(component.output(0).flags == LB_OUTPUT_ALLOWS_LOOP)
        #expect(component.output(1).flags == LB_OUTPUT_HIDDEN)
    }
}
