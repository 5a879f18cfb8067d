import LangBuilderCore
import Testing

@Suite struct TypeRegistryTests {
    let types = TypeRegistry.standard

    @Test(arguments: [
        (["Message"], ["Message"], true),
        (["Message"], ["str"], true),
        (["str"], ["Message"], true),
        (["int"], ["float"], true),
        (["float"], ["int"], false),
        (["JSON"], ["Data"], true),
        (["Data"], ["JSON"], true),
        (["Table"], ["DataFrame"], true),
        (["LanguageModel"], ["Message"], false),
        (["LanguageModel"], ["LanguageModel"], true),
        (["Tool"], ["Any"], true),
        (["Message"], [], false),
        (["DataFrame", "Message"], ["Tool", "str"], true),
    ] as [([String], [String], Bool)])
    func connectionRule(outputs: [String], accepted: [String], expected: Bool) {
        #expect(types.canConnect(outputTypes: outputs, to: accepted) == expected)
    }

    @Test func textOfValues() {
        #expect(TypeRegistry.text(of: .json(type: "Message", text: #"{"text":"hi \"you\"","sender":"User"}"#)) == "hi \"you\"")
        #expect(TypeRegistry.text(of: .json(type: "dict", text: #"{"text":"x"}"#)) == #"{"text":"x"}"#)
        #expect(TypeRegistry.text(of: .int(3)) == "3")
        #expect(TypeRegistry.number(of: .string(" 2.5 ")) == 2.5)
        #expect(TypeRegistry.integer(of: .double(2.5)) == nil)
        #expect(TypeRegistry.bool(of: .string("yes")) == true)
    }
}

@Suite struct VersionAndSignatureTests {
    @Test func parsesSignatures() throws {
        let signature = try FunctionSignature(parsing: "d(dd)")
        #expect(signature.result == .double)
        #expect(signature.parameters == [.double, .double])
        #expect(signature.description == "d(dd)")
        #expect(try FunctionSignature(parsing: "v()").parameters.isEmpty)
        #expect(try FunctionSignature(parsing: "S(sl)").result == .ownedString)
    }

    @Test(arguments: ["", "d", "dd)", "x(d)", "d(v)", "d(S)", "d(dd", "d(q)"])
    func refusesBadSignatures(text: String) {
        #expect(throws: FunctionSignature.ParseError.self) { try FunctionSignature(parsing: text) }
    }

    @Test func comparesSemanticVersions() throws {
        let versions = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.0", "1.10.0", "2.0.0"]
        let parsed = try versions.map { try #require(SemanticVersion($0)) }
        #expect(parsed == parsed.sorted())
        #expect(parsed.map(\.description) == versions)
        for bad in ["1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0+", "1.a.0"] {
            #expect(SemanticVersion(bad) == nil, "\(bad)")
        }
    }
}
