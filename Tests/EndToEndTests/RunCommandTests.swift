import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `langbuilder run FLOW.json` as a user runs it: a real process, a flow file, a bundle directory.
@Suite struct RunCommandTests {
    /// A folder holding the engine test bundle, and a flow ChatInput → Upper → ChatOutput (or with `middle`).
    private func setUp(middle: String = "Upper") throws -> (bundles: URL, flow: URL) {
        let folder = try BundleFixtures.temporaryDirectory("run-command")
        let bundles = folder.appendingPathComponent("bundles")
        try FileManager.default.createDirectory(at: bundles, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try BundleFixtures.engineTestBundle(), toPath: bundles.appendingPathComponent("libengine-test.so").path)
        func edge(_ source: String, _ output: String, _ target: String, _ field: String) -> JSONValue {
            [
                "source": .string(source), "target": .string(target),
                "data": [
                    "sourceHandle": ["dataType": "x", "id": .string(source), "name": .string(output), "output_types": ["Message"]],
                    "targetHandle": ["fieldName": .string(field), "id": .string(target), "inputTypes": ["Message"], "type": "str"],
                ],
            ]
        }
        let flow: JSONValue = [
            "id": "flow-run-command", "name": "Run command",
            "data": [
                "nodes": [
                    ["id": "ChatInput-1", "data": ["type": "ChatInput", "node": ["display_name": "Chat Input", "template": ["input_value": ["value": "hello"]]]]],
                    ["id": "Middle-1", "data": ["type": .string(middle), "node": ["template": [:]]]],
                    ["id": "ChatOutput-1", "data": ["type": "ChatOutput", "node": ["template": [:]]]],
                ],
                "edges": [edge("ChatInput-1", "message", "Middle-1", "input_value"), edge("Middle-1", "message", "ChatOutput-1", "input_value")],
            ],
        ]
        let file = folder.appendingPathComponent("flow.json")
        try flow.serialized(pretty: true).write(to: file, atomically: true, encoding: .utf8)
        return (bundles, file)
    }

    @Test func printsTheChatOutput() throws {
        let (bundles, flow) = try setUp()
        let result = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path, "--input", "hi there"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output == "HI THERE\n")
    }

    @Test func printsLangflowsRunResponseAsJSON() throws {
        let (bundles, flow) = try setUp()
        let result = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path, "--json", "--session-id", "s-1"])
        #expect(result.status == 0, "\(result.output)")
        let response = try JSONValue(parsing: result.output)
        #expect(response["session_id"] == "s-1")
        #expect(response["outputs"]?.arrayValue?.first?["outputs"]?.arrayValue?.first?["results"]?["message"]?["text"] == "HELLO")
    }

    @Test func streamsTokensAndVertexEvents() throws {
        let (bundles, flow) = try setUp()
        let plain = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path, "--stream"])
        #expect(plain.status == 0, "\(plain.output)")
        #expect(plain.output.contains("upper"))
        #expect(plain.output.contains("✓ Middle-1 (Upper)"))
        #expect(plain.output.hasSuffix("HELLO\n"))
        let json = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path, "--stream", "--json"])
        #expect(json.status == 0, "\(json.output)")
        let events = try json.output.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { try JSONValue(parsing: $0) }
        let names = events.compactMap { $0["event"]?.stringValue }
        #expect(names.first == "vertices_sorted")
        #expect(names.last == "end")
        #expect(names.filter { $0 == "end_vertex" }.count == 3)
        #expect(names.contains("token"))
    }

    @Test func appliesTweaksFromTextAndFromAFile() throws {
        let (bundles, flow) = try setUp()
        let inline = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path, "--tweaks", #"{"Chat Input": {"input_value": "by name"}}"#])
        #expect(inline.output == "BY NAME\n", "\(inline.output)")
        let file = flow.deletingLastPathComponent().appendingPathComponent("tweaks.json")
        try #"{"ChatInput-1": {"input_value": "from a file"}}"#.write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path, "--tweaks", "@" + file.path])
        #expect(fromFile.output == "FROM A FILE\n", "\(fromFile.output)")
    }

    @Test func exitsWithTwoForAnInvalidFlowNamingEveryProblem() throws {
        let (bundles, flow) = try setUp(middle: "Uper")
        let result = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path])
        #expect(result.status == 2)
        #expect(result.output.contains("Middle-1 (Uper): no loaded bundle provides component type \"Uper\"; did you mean \"Upper\"?"))
        let tweak = try BuiltProducts.langbuilder(["run", setUp().flow.path, "--bundles-dir", bundles.path, "--tweaks", #"{"Nope": {"x": 1}}"#])
        #expect(tweak.status == 2)
        #expect(tweak.output.contains("a tweak names \"Nope\""))
        let badJSON = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path, "--tweaks", "{oops"])
        #expect(badJSON.status == 2)
        #expect(badJSON.output.contains("--tweaks: not valid JSON"))
        let missing = try BuiltProducts.langbuilder(["run", "/nonexistent/flow.json", "--bundles-dir", bundles.path])
        #expect(missing.status == 2)
        #expect(missing.output.contains("/nonexistent/flow.json: cannot read the flow file"))
        let notJSON = flow.deletingLastPathComponent().appendingPathComponent("broken.json")
        try "{\"data\": ".write(to: notJSON, atomically: true, encoding: .utf8)
        let broken = try BuiltProducts.langbuilder(["run", notJSON.path, "--bundles-dir", bundles.path])
        #expect(broken.status == 2)
        #expect(broken.output.contains("broken.json: the flow is not valid JSON"))
    }

    @Test func exitsWithOneWhenTheRunFails() throws {
        let (bundles, flow) = try setUp(middle: "Fail")
        let result = try BuiltProducts.langbuilder(["run", flow.path, "--bundles-dir", bundles.path])
        #expect(result.status == 1)
        #expect(result.output.contains("Error running Middle-1 (Fail): boom: this component always fails"))
    }
}
