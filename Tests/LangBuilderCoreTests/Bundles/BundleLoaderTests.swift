import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// One test per way a bundle can be refused, each asserting the exact error (cf. SQLite's test/loadext.test).
@Suite struct BundleLoaderTests {
    let loader = BundleLoader()

    private func refusal(_ source: String, name: String = "fixture") throws -> BundleLoadError {
        let library = try BundleFixtures.compile(name: name, source: source)
        do {
            let loaded = try loader.load(file: library)
            Issue.record("expected a refusal, loaded \(loaded.descriptor.id)")
            return BundleLoadError(.invalidField, file: library)
        } catch {
            #expect(error.file == library)
            return error
        }
    }

    @Test func loadsAValidBundleAndRunsIt() throws {
        let library = try BundleFixtures.compile(name: "valid", source: FixtureSource.bundle())
        let bundle = try loader.load(file: library)
        #expect(bundle.descriptor.id == "test.fixture.echo")
        #expect(bundle.descriptor.version == "1.0.0")
        #expect(bundle.descriptor.abiVersion == ABIVersion(major: 1, minor: 4))
        #expect(bundle.descriptor.fingerprint.language == .c)
        #expect(bundle.descriptor.license == "MIT")
        let component = try #require(bundle.components.first)
        #expect(component.descriptor.inputs == [
            InputPort(name: "text", displayName: "Text", info: "What to echo", fieldType: "str", acceptedTypes: ["str", "Message"], defaultValue: .string("hi"), isRequired: true)
        ])
        #expect(component.descriptor.outputs == [OutputPort(name: "text", displayName: "Text", types: ["str"])])
        #expect(component.provenance == Provenance(bundleID: "test.fixture.echo", bundleVersion: "1.0.0", file: library))
        let call = CallContext(run: RunContext(), vertexID: "Echo-1", componentType: "Echo")
        let instance = try component.instantiate(config: [nil], context: call)
        #expect(try instance.run(inputs: [.string("héllo")], context: call) == [.string("héllo")])
        let failure = #expect(throws: ComponentError.self) { try instance.run(inputs: [nil], context: call) }
        #expect(failure?.message == "Echo: input 'text' has no value")
        #expect(failure?.vertexID == "Echo-1")
    }

    @Test func refusesAFileWithoutTheEntrySymbol() throws {
        let error = try refusal("int lb_something_else(void) { return 0; }\n__attribute__((visibility(\"default\"))) int exported(void) { return lb_something_else(); }\n")
        #expect(error.reason == .noEntrySymbol)
        #expect(error.symbol == "lb_bundle_entry")
        #expect(error.description.hasSuffix(": lb_bundle_entry: no entry symbol: a bundle must export lb_bundle_entry (see langbuilder.h)"))
    }

    @Test func refusesAnEntryThatReturnsNull() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "return NULL;"))
        #expect(error.reason == .entryReturnedNull)
        #expect(error.description.contains("lb_bundle_entry returned NULL for host ABI 1.4"))
    }

    @Test func refusesAnotherMajorVersion() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "descriptor.abi_version = LB_ABI_MAKE_VERSION(2, 0);"))
        #expect(error.reason == .majorVersionMismatch)
        #expect(error.field == "descriptor.abi_version")
        #expect(error.expected == "major 1 (host ABI 1.4)")
        #expect(error.actual == "2.0")
    }

    @Test func refusesANewerMinorVersion() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "descriptor.abi_version = LB_ABI_MAKE_VERSION(1, 5);"))
        #expect(error.reason == .newerMinorVersion)
        #expect(error.expected == "at most 1.4")
        #expect(error.actual == "1.5")
        #expect(error.description.hasSuffix("descriptor.abi_version: the bundle was built for a newer host than this one; expected at most 1.4, found 1.5"))
    }

    @Test func refusesADescriptorTooSmallForItsVersion() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "descriptor.struct_size = 48;"))
        #expect(error.reason == .structTooSmall)
        #expect(error.field == "descriptor.struct_size")
        #expect(error.expected == "at least 104 for ABI 1.4")
        #expect(error.actual == "48")
    }

    @Test func refusesAComponentRecordTooSmall() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "components[0].struct_size = 24;"))
        #expect(error.reason == .structTooSmall)
        #expect(error.field == "components[0].struct_size")
        #expect(error.actual == "24")
    }

    @Test func refusesAFingerprintOfAnotherPointerSize() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "fingerprint.pointer_size = 4;"))
        #expect(error.reason == .fingerprintMismatch)
        #expect(error.field == "fingerprint.pointer_size")
        #expect(error.expected == "8")
        #expect(error.actual == "4")
    }

    @Test func refusesAFingerprintOfAnotherValueSize() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "fingerprint.value_size = 40;"))
        #expect(error.reason == .fingerprintMismatch)
        #expect(error.field == "fingerprint.value_size")
        #expect(error.expected == "32 (sizeof(lb_value))")
        #expect(error.actual == "40")
    }

    @Test func refusesAFingerprintOfTheOtherByteOrder() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "fingerprint.byte_order = 0x04030201u;"))
        #expect(error.reason == .fingerprintMismatch)
        #expect(error.field == "fingerprint.byte_order")
        #expect(error.actual == "the other byte order")
    }

    @Test func refusesASwiftBundleBuiltWithAnotherCompiler() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "fingerprint.language = LB_LANGUAGE_SWIFT; fingerprint.swift_compiler_version = \"5.9.2\";"))
        #expect(error.reason == .fingerprintMismatch)
        #expect(error.field == "fingerprint.swift_compiler_version")
        #expect(error.expected == BuildFingerprint.host.swiftCompilerVersion)
        #expect(error.actual == "5.9.2")
        #expect(BuildFingerprint.host.swiftCompilerVersion?.hasPrefix("6.") == true)
    }

    @Test func refusesASwiftBundleWithoutCompilerVersion() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "fingerprint.language = LB_LANGUAGE_SWIFT;"))
        #expect(error.reason == .fingerprintMismatch)
        #expect(error.actual == "NULL")
    }

    @Test func refusesAFileThatIsNotELF() throws {
        let directory = try BundleFixtures.temporaryDirectory("not-elf")
        let path = directory.appendingPathComponent("libtext.so").path
        try "#!/bin/sh\necho not a library\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: BundleLoadError.self) { try loader.load(file: path) }
        #expect(error?.reason == .notAnELFFile)
        #expect(error?.expected == "an ELF shared object (\\x7fELF)")
        #expect(error?.actual == "a file starting with 23 21 2f 62")
    }

    @Test func refusesAnEmptyFile() throws {
        let directory = try BundleFixtures.temporaryDirectory("empty")
        let path = directory.appendingPathComponent("libempty.so").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let error = #expect(throws: BundleLoadError.self) { try loader.load(file: path) }
        #expect(error?.reason == .emptyFile)
        #expect(error?.description == "\(path): the file is empty")
    }

    @Test func refusesAMissingFile() {
        let error = #expect(throws: BundleLoadError.self) { try loader.load(file: "/nonexistent/libnothing.so") }
        #expect(error?.reason == .fileNotFound)
        #expect(error?.description == "/nonexistent/libnothing.so: No such file or directory")
    }

    @Test func refusesAnELFFileThatDlopenRejects() throws {
        // An executable object that is not a shared library: dlopen's own message is passed on.
        let directory = try BundleFixtures.temporaryDirectory("exe")
        let source = directory.appendingPathComponent("main.c")
        try "int main(void) { return 0; }\n".write(to: source, atomically: true, encoding: .utf8)
        let path = directory.appendingPathComponent("libexe.so").path
        let result = try BundleFixtures.run("/usr/bin/env", ["cc", "-no-pie", "-o", path, source.path])
        try #require(result.status == 0, "\(result.output)")
        let error = #expect(throws: BundleLoadError.self) { try loader.load(file: path) }
        #expect(error?.reason == .dlopenFailed)
        #expect(error?.detail?.isEmpty == false)
    }

    @Test func refusesAComponentWithoutRunFunction() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "components[0].run = NULL;"))
        #expect(error.reason == .invalidField)
        #expect(error.field == "components[0] (Echo).run")
        #expect(error.expected == "a run function")
        #expect(error.actual == "NULL")
    }

    @Test func refusesADefaultThatIsNotJSON() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "inputs[0].default_json = \"{not json\";"))
        #expect(error.reason == .invalidField)
        #expect(error.field == "components[0] (Echo).inputs[0].default_json")
        #expect(error.actual == "\"{not json\"")
    }

    @Test func refusesAnInvalidBundleIDAndVersion() throws {
        let badID = try refusal(FixtureSource.bundle(id: "no dots"))
        #expect(badID.field == "descriptor.id")
        #expect(badID.actual == "\"no dots\"")
        let badVersion = try refusal(FixtureSource.bundle(mutation: "descriptor.version = \"1.0\";"))
        #expect(badVersion.field == "descriptor.version")
        #expect(badVersion.expected == "a semantic version like 1.2.0")
    }

    @Test func refusesADescriptorWithoutFingerprint() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "descriptor.fingerprint = NULL;"))
        #expect(error.field == "descriptor.fingerprint")
        #expect(error.actual == "NULL")
    }

    @Test func refusesAnEmptyBundle() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "descriptor.component_count = 0;"))
        #expect(error.field == "descriptor.component_count")
        #expect(error.expected == "at least one component or function")
    }

    @Test func refusesAComponentArrayPointerThatIsNull() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "descriptor.components = NULL;"))
        #expect(error.field == "descriptor.components")
        #expect(error.expected == "a pointer to 1 components")
    }

    @Test func refusesAnOutputWithoutTypes() throws {
        let error = try refusal(FixtureSource.bundle(mutation: "outputs[0].types = NULL;"))
        #expect(error.field == "components[0] (Echo).outputs[0].types")
        #expect(error.expected == "at least one type")
    }

    @Test func walksComponentsWithTheWritersStride() throws {
        // The writer pads each record to 136 bytes; the reader must step by 136, not by its own sizeof.
        let source = FixtureSource.bundle(
            mutation: "descriptor.components = (const lb_component *)padded; descriptor.component_count = 2; descriptor.component_stride = sizeof(padded[0]);",
            extra: """
                static struct { lb_component component; char padding[16]; } padded[2];
                __attribute__((constructor)) static void fill(void) {
                    memset(padded, 0xAB, sizeof(padded));
                    padded[0].component = components[0];
                    padded[1].component = components[0];
                    padded[1].component.type_name = "EchoTwo";
                }
                """)
        let library = try BundleFixtures.compile(name: "padded", source: source)
        let bundle = try loader.load(file: library)
        #expect(bundle.descriptor.components.map(\.typeName) == ["Echo", "EchoTwo"])
        let call = CallContext(run: RunContext(), vertexID: "v", componentType: "EchoTwo")
        let instance = try bundle.components[1].instantiate(config: [], context: call)
        #expect(try instance.run(inputs: [.string("x")], context: call) == [.string("x")])
    }

    @Test func refusesTwoComponentsOfTheSameNameInOneBundle() throws {
        let source = FixtureSource.bundle(
            mutation: "descriptor.components = twins; descriptor.component_count = 2;",
            extra: "static lb_component twins[2]; __attribute__((constructor)) static void fill(void) { twins[0] = components[0]; twins[1] = components[0]; }")
        let error = try refusal(source)
        #expect(error.reason == .duplicateName)
        #expect(error.field == "components[1].type_name")
        #expect(error.detail == "component \"Echo\" is declared twice (also at components[0])")
    }

    @Test func scanningLoadsEveryGoodBundleDespiteBrokenOnes() throws {
        let directory = try BundleFixtures.temporaryDirectory("scan")
        try BundleFixtures.compile(name: "a-good", source: FixtureSource.bundle(id: "test.scan.a", typeName: "EchoA"), in: directory)
        try BundleFixtures.compile(name: "b-major", source: FixtureSource.bundle(id: "test.scan.b", typeName: "EchoB", mutation: "descriptor.abi_version = LB_ABI_MAKE_VERSION(9, 0);"), in: directory)
        try BundleFixtures.compile(name: "c-good", source: FixtureSource.bundle(id: "test.scan.c", typeName: "EchoC"), in: directory)
        try Data("garbage".utf8).write(to: directory.appendingPathComponent("libd-garbage.so"))
        let scan = loader.scan(directories: [directory.path, "/nonexistent/bundles"])
        #expect(scan.loaded.map(\.descriptor.id) == ["test.scan.a", "test.scan.c"])
        #expect(scan.refused.map(\.reason) == [.majorVersionMismatch, .notAnELFFile])
        #expect(scan.refused.map { URL(fileURLWithPath: $0.file).lastPathComponent } == ["libb-major.so", "libd-garbage.so"])
    }

    // MARK: - Aliases (ABI 1.1)

    @Test func refusesAnAliasThatRepeatsTheTypeName() throws {
        let error = try refusal(
            FixtureSource.bundle(
                mutation: "components[0].aliases = echo_aliases;", extra: "static const char *const echo_aliases[] = {\"Old\", \"Echo\", NULL};"))
        #expect(error.reason == .duplicateName)
        #expect(error.field == "components[0] (Echo).aliases[1]")
        #expect(error.detail == "alias \"Echo\" repeats the type name or an earlier alias")
    }

    @Test func refusesAnAliasWithAQuote() throws {
        let error = try refusal(
            FixtureSource.bundle(
                mutation: "components[0].aliases = echo_aliases;", extra: "static const char *const echo_aliases[] = {\"Bad\\\"Name\", NULL};"))
        #expect(error.reason == .invalidField)
        #expect(error.field == "components[0] (Echo).aliases[0]")
    }

    @Test func refusesAnAliasThatIsAnotherComponentsTypeNameInTheSameBundle() throws {
        let error = try refusal(
            FixtureSource.bundle(
                mutation: "two[0].aliases = echo_aliases; descriptor.components = two; descriptor.component_count = 2;",
                extra: """
                    static const char *const echo_aliases[] = {"Second", NULL};
                    static lb_component two[2];
                    __attribute__((constructor)) static void copy_two(void) { two[0] = components[0]; two[1] = components[0]; two[1].type_name = "Second"; }
                    """))
        #expect(error.reason == .duplicateName)
        #expect(error.field == "components[0] (Echo).aliases[0]")
    }

    /// A bundle built against the ABI 1.0 header has a shorter lb_component: whatever lies past its struct_size
    /// (here the 1.1 `aliases` slot, filled only to prove it is never read) is absent.
    @Test func readsNoAliasesFromAnABI10ComponentRecord() throws {
        let library = try BundleFixtures.compile(
            name: "abi10-component",
            source: FixtureSource.bundle(
                typeName: "EchoTen",
                mutation: """
                    descriptor.abi_version = LB_ABI_MAKE_VERSION(1, 0);
                    components[0].struct_size = offsetof(lb_component, aliases);
                    components[0].aliases = echo_aliases;
                    """,
                extra: "#include <stddef.h>\nstatic const char *const echo_aliases[] = {\"EchoTenOld\", NULL};"))
        let bundle = try loader.load(file: library)
        #expect(bundle.descriptor.abiVersion == ABIVersion(major: 1, minor: 0))
        #expect(bundle.descriptor.components.map(\.aliases) == [[]])
        var registry = ComponentRegistry()
        try registry.add(bundle)
        #expect(registry.component(named: "EchoTenOld") == nil)
        #expect(registry.component(named: "EchoTen") != nil)
    }

    /// `LB_COMPONENT_NONBLOCKING` (bit 4) was reserved before ABI 1.4: honoured from a 1.4 bundle, ignored from an older one.
    @Test(arguments: [(UInt16(4), true), (UInt16(3), false)])
    func readsTheNonBlockingFlagOnlyFromABI14Bundles(minor: UInt16, honoured: Bool) throws {
        let library = try BundleFixtures.compile(
            name: "nonblocking-\(minor)",
            source: FixtureSource.bundle(
                typeName: "EchoQuick",
                mutation: """
                    descriptor.abi_version = LB_ABI_MAKE_VERSION(1, \(minor));
                    components[0].flags |= LB_COMPONENT_NONBLOCKING;
                    """))
        let bundle = try loader.load(file: library)
        #expect(bundle.descriptor.components.map(\.isNonBlocking) == [honoured])
    }
}
