import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

@Suite struct ComponentRegistryTests {
    @Test func refusesADuplicateBundleIDNamingBothFiles() throws {
        let first = try BundleFixtures.compile(name: "dup-one", source: FixtureSource.bundle(id: "test.dup.same", typeName: "DupOne"))
        let second = try BundleFixtures.compile(name: "dup-two", source: FixtureSource.bundle(id: "test.dup.same", typeName: "DupTwo"))
        let loader = BundleLoader()
        let registry = ComponentRegistry(scan: BundleScan(loaded: [try loader.load(file: first), try loader.load(file: second)]))
        #expect(registry.bundles.map(\.file) == [first])
        let refusal = try #require(registry.refused.first)
        #expect(refusal.reason == .duplicateBundleID)
        #expect(refusal.file == second)
        #expect(refusal.description.contains(first))
        #expect(registry.component(named: "DupTwo") == nil)
    }

    @Test func refusesADuplicateComponentNamingBothFiles() throws {
        let first = try BundleFixtures.compile(name: "comp-one", source: FixtureSource.bundle(id: "test.comp.one", typeName: "Shared"))
        let second = try BundleFixtures.compile(name: "comp-two", source: FixtureSource.bundle(id: "test.comp.two", typeName: "Shared"))
        let loader = BundleLoader()
        var registry = ComponentRegistry()
        try registry.add(try loader.load(file: first))
        let error = #expect(throws: BundleLoadError.self) { try registry.add(try loader.load(file: second)) }
        #expect(error?.reason == .duplicateComponent)
        #expect(error?.file == second)
        #expect(error?.detail == "component Shared is already exported by test.comp.one from \(first)")
        #expect(registry.component(named: "Shared")?.provenance.file == first)
        #expect(registry.bundles.count == 1)
    }

    @Test func suggestsNearestNames() throws {
        let library = try BundleFixtures.compile(name: "suggest", source: FixtureSource.bundle(id: "test.suggest", typeName: "ChatInput"))
        var registry = ComponentRegistry()
        try registry.add(try BundleLoader().load(file: library))
        #expect(registry.suggestions(for: "ChatInpt") == ["ChatInput"])
        #expect(registry.suggestions(for: "chatinput") == ["ChatInput"])
        #expect(registry.suggestions(for: "Zebra").isEmpty)
    }

    @Test func rendersLangflowsAllShape() throws {
        let library = try BundleFixtures.compile(name: "langflow", source: FixtureSource.bundle(id: "test.langflow", typeName: "EchoLF"))
        var registry = ComponentRegistry()
        try registry.add(try BundleLoader().load(file: library))
        let catalog = registry.langflowCatalog()
        let entry = try #require(catalog["testing"]?["EchoLF"])
        #expect(entry["display_name"] == "Echo")
        #expect(entry["description"] == "Echoes its input.")
        #expect(entry["base_classes"] == ["str"])
        #expect(entry["field_order"] == ["text"])
        #expect(entry["icon"] == "Repeat")
        #expect(entry["template"]?["_type"] == "Component")
        let field = try #require(entry["template"]?["text"])
        #expect(field["_input_type"] == "MessageTextInput")
        #expect(field["type"] == "str")
        #expect(field["value"] == "hi")
        #expect(field["required"] == true)
        #expect(field["show"] == true)
        #expect(field["advanced"] == false)
        #expect(field["list"] == false)
        #expect(field["input_types"] == ["str", "Message"])
        let output = try #require(entry["outputs"]?.arrayValue?.first)
        #expect(output["name"] == "text")
        #expect(output["types"] == ["str"])
        #expect(output["selected"] == "str")
        #expect(entry["metadata"]?["bundle"]?["id"] == "test.langflow")
        // The JSON text round-trips through a parser.
        #expect(try JSONValue(parsing: catalog.serialized()) == catalog)
    }

    // MARK: - Aliases (ABI 1.1)

    /// Compiles the echo fixture with `aliases` set on its component.
    static func aliasedBundle(_ name: String, id: String, typeName: String, aliases: [String], mutation: String = "") throws -> String {
        let list = (aliases.map { "\"\($0)\"" } + ["NULL"]).joined(separator: ", ")
        return try BundleFixtures.compile(
            name: name,
            source: FixtureSource.bundle(
                id: id, typeName: typeName, mutation: "components[0].aliases = echo_aliases; \(mutation)",
                extra: "static const char *const echo_aliases[] = {\(list)};"))
    }

    @Test func resolvesAnAliasToItsComponentAndListsOnlyTheTypeName() throws {
        let library = try Self.aliasedBundle("alias-resolve", id: "test.alias.resolve", typeName: "EchoNew", aliases: ["EchoOld", "Echo Older"])
        var registry = ComponentRegistry()
        try registry.add(try BundleLoader().load(file: library))
        let component = try #require(registry.component(named: "EchoNew"))
        #expect(component.descriptor.aliases == ["EchoOld", "Echo Older"])
        #expect(registry.component(named: "EchoOld")?.typeName == "EchoNew")
        #expect(registry.component(named: "Echo Older")?.typeName == "EchoNew")
        #expect(registry.component(named: "EchoOldest") == nil)
        #expect(registry.components.map(\.typeName) == ["EchoNew"])
        #expect(registry.langflowCatalog()["testing"]?.objectValue?.keys.map { $0 } == ["EchoNew"])
    }

    @Test func refusesABundleWhoseAliasIsAnotherBundlesTypeName() throws {
        let first = try BundleFixtures.compile(name: "alias-taken", source: FixtureSource.bundle(id: "test.alias.taken", typeName: "Taken"))
        let second = try Self.aliasedBundle("alias-taker", id: "test.alias.taker", typeName: "Taker", aliases: ["Taken"])
        var registry = ComponentRegistry()
        try registry.add(try BundleLoader().load(file: first))
        let error = #expect(throws: BundleLoadError.self) { try registry.add(try BundleLoader().load(file: second)) }
        #expect(error?.reason == .duplicateComponent)
        #expect(error?.file == second)
        #expect(error?.detail == "alias Taken of component Taker is already exported by test.alias.taken from \(first)")
        #expect(registry.component(named: "Taker") == nil, "a refused bundle adds none of its components")
    }

    @Test func refusesATypeNameThatIsAlreadyAnotherBundlesAlias() throws {
        let first = try Self.aliasedBundle("alias-holder", id: "test.alias.holder", typeName: "Holder", aliases: ["Legacy"])
        let second = try BundleFixtures.compile(name: "alias-legacy", source: FixtureSource.bundle(id: "test.alias.legacy", typeName: "Legacy"))
        var registry = ComponentRegistry()
        try registry.add(try BundleLoader().load(file: first))
        let error = #expect(throws: BundleLoadError.self) { try registry.add(try BundleLoader().load(file: second)) }
        #expect(error?.detail == "component Legacy is already exported by test.alias.holder (as an alias of Holder) from \(first)")
        #expect(registry.component(named: "Legacy")?.typeName == "Holder")
    }
}
