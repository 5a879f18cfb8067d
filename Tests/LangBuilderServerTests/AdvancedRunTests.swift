import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing

/// `POST /api/v1/run/advanced/{flow_id_or_name}` (Langflow's `experimental_run_flow`): one run per input,
/// inputs aimed at components, chosen outputs (issue "REST server", item /run/advanced).
@Suite struct AdvancedRunTests {
    private func text(_ output: JSONValue?) -> JSONValue? { output?["outputs"]?[0]?["results"]?["message"]?["text"] }

    @Test func runsOncePerInputAndAnswersTheOutputs() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout, endpoint: "shout")
        try await recording.app().test(.router) { client in
            let key = try await recording.apiKey(for: "bob", client: client)
            // Langflow's documented body.
            let body: JSONValue = [
                "inputs": [["components": [], "input_value": "adv", "session": nil, "type": "any"]], "outputs": [], "tweaks": [:],
                "stream": false, "session_id": nil,
            ]
            try await client.execute(uri: "/api/v1/run/advanced/\(flow.id.lower)", method: .post, headers: .apiKey(key) + .json, body: jsonBody(body)) {
                response in
                #expect(response.status == .ok)
                let answer = response.body.json()
                #expect(answer["session_id"] == .string(flow.id.lower))
                let outputs = try #require(answer["outputs"]?.arrayValue)
                #expect(outputs.count == 1)
                #expect(text(outputs.first) == "ADV")
                #expect(outputs.first?["inputs"] == ["input_value": "adv"])
            }
            try await client.execute(
                uri: "/api/v1/run/advanced/shout", method: .post, headers: .apiKey(key) + .json,
                body: jsonBody(["inputs": [["input_value": "one"], ["input_value": "two"]], "session_id": "adv-session"])
            ) { response in
                let answer = response.body.json()
                #expect(answer["session_id"] == "adv-session")
                #expect(answer["outputs"]?.arrayValue?.map { text($0) } == ["ONE", "TWO"])
            }
            await recording.recorder.flush()
            let recorded = try await recording.storage.messages(MessageQuery(flowID: flow.id, sessionID: "adv-session"))
            #expect(recorded.map(\.text) == ["one", "ONE", "two", "TWO"])
        }
    }

    @Test func aimsInputsAtComponentsAndChoosesOutputs() async throws {
        let recording = try await RecordingServer()
        try await recording.flow("Shout", FlowDocuments.shout, endpoint: "shout")
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let body: JSONValue = [
                "inputs": [["components": ["ChatInput-1"], "input_value": "aimed"]], "outputs": ["Upper-1", "ChatInput"],
            ]
            try await client.execute(uri: "/api/v1/run/advanced/shout", method: .post, headers: bob + .json, body: jsonBody(body)) { response in
                #expect(response.status == .ok)
                let entries = try #require(response.body.json()["outputs"]?[0]?["outputs"]?.arrayValue)
                // By id (Upper-1) and by display name (ChatInput's is "ChatInput" in the test bundle).
                #expect(entries.compactMap { $0["component_id"]?.stringValue } == ["ChatInput-1", "Upper-1"])
                #expect(entries.last?["results"]?["message"]?["text"] == "AIMED")
            }
            try await client.execute(uri: "/api/v1/run/advanced/shout", method: .post, headers: bob + .json, body: jsonBody(["inputs": "everything"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(
                uri: "/api/v1/run/advanced/shout", method: .post, headers: bob + .json, body: jsonBody(["inputs": [["components": ["Nope-1"], "input_value": "x"]]])
            ) { response in
                #expect(response.status == .unprocessableContent, "an input aimed at a component that does not exist")
            }
            try await client.execute(uri: "/api/v1/run/advanced/nothing", method: .post, headers: bob + .json, body: jsonBody([:])) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
