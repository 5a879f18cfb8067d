import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderStorageSQLite
import LangBuilderTesting
import Testing

/// Runs leave Langflow's run records (messages, transactions) in storage, written off the response path
/// (issue "REST server", item run records).
@Suite struct RunRecordTests {
    /// As in Langflow, whose runs write their records before they answer: what a run recorded is in the
    /// monitor as soon as its response arrived, even when storage writes slowly (20 ms a batch here), and a
    /// session deleted right after a run stays deleted.
    @Test func theMonitorShowsARunsRecordsAsSoonAsItAnswered() async throws {
        let recording = try await RecordingServer(storage: SlowStorage(MemoryStorageDriver()))
        let flow = try await recording.flow("Shout", FlowDocuments.shout, endpoint: "shout")
        try await recording.app().test(.router) { client in
            let key = try await recording.apiKey(for: "bob", client: client)
            let bob = try await recording.bearer("bob")
            for session in ["s1", "s2"] {
                try await client.execute(
                    uri: "/api/v1/run/shout", method: .post, headers: .apiKey(key) + .json, body: jsonBody(["input_value": "hello", "session_id": .string(session)])
                ) { response in #expect(response.status == .ok) }
            }
            try await client.execute(uri: "/api/v1/monitor/messages?flow_id=\(flow.id.lower)", method: .get, headers: bob) { response in
                #expect(response.body.json().arrayValue?.count == 4)
            }
            try await client.execute(uri: "/api/v1/monitor/transactions?flow_id=\(flow.id.lower)", method: .get, headers: bob) { response in
                #expect(response.body.json()["total"] == 6)
            }
            try await client.execute(
                uri: "/api/v1/run/shout", method: .post, headers: .apiKey(key) + .json, body: jsonBody(["input_value": "again", "session_id": "s1"])
            ) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/api/v1/monitor/messages/session/s1", method: .delete, headers: bob) { response in
                #expect(response.status == .noContent)
            }
            await recording.recorder.flush()
            #expect(try await recording.storage.messages(MessageQuery(flowID: flow.id)).map(\.sessionID) == ["s2", "s2"])
        }
    }

    @Test func aRunLeavesItsMessagesAndTransactionsInTheMonitor() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout, endpoint: "shout")
        try await recording.app().test(.router) { client in
            let key = try await recording.apiKey(for: "bob", client: client)
            try await client.execute(
                uri: "/api/v1/run/shout", method: .post, headers: .apiKey(key) + .json, body: jsonBody(["input_value": "hello", "session_id": "s1"])
            ) { response in #expect(response.status == .ok) }
            await recording.recorder.flush()

            let bob = try await recording.bearer("bob")
            let messages = try await client.execute(uri: "/api/v1/monitor/messages?flow_id=\(flow.id.lower)", method: .get, headers: bob) {
                response in try #require(response.body.json().arrayValue)
            }
            #expect(messages.count == 2)
            let user = try #require(messages.first)
            #expect(user["text"] == "hello")
            #expect(user["sender"] == "User")
            #expect(user["sender_name"] == "User")
            #expect(user["session_id"] == "s1")
            #expect(user["flow_id"] == .string(flow.id.lower))
            #expect(user["category"] == "message")
            #expect(user["files"] == "[]")
            #expect(user["edit"] == false)
            #expect(
                user["properties"] == [
                    "source": ["id": "ChatInput-1", "display_name": "ChatInput", "source": "ChatInput"], "state": "complete",
                    "text_color": nil, "background_color": nil, "edited": false, "icon": nil, "allow_markdown": false,
                    "positive_feedback": nil, "targets": [], "usage": nil, "build_duration": nil,
                ], "Langflow's message properties, whole")
            #expect(user["timestamp"]?.stringValue?.hasSuffix(" UTC") == true)
            let machine = try #require(messages.last)
            #expect(machine["text"] == "HELLO")
            #expect(machine["sender"] == "Machine")
            #expect(machine["sender_name"] == "AI")
            #expect(machine["properties"]?["source"]?["id"] == "ChatOutput-1")

            let page = try await client.execute(uri: "/api/v1/monitor/transactions?flow_id=\(flow.id.lower)", method: .get, headers: bob) {
                response in response.body.json()
            }
            #expect(page["total"] == 3)
            let transactions = try #require(page["items"]?.arrayValue)
            #expect(Set(transactions.compactMap { $0["vertex_id"]?.stringValue }) == ["ChatInput-1", "Upper-1", "ChatOutput-1"])
            #expect(transactions.allSatisfy { $0["status"] == "success" && $0["target_id"] == .null })
            let upper = try #require(transactions.first { $0["vertex_id"] == "Upper-1" })
            #expect(upper["inputs"]?["input_value"]?["text"] == "hello", "the input an edge brought")
            #expect(upper["outputs"]?["message"]?["message"] == "HELLO")

            // /run records no vertex builds: /monitor/builds shows builds only, as Langflow.
            try await client.execute(uri: "/api/v1/monitor/builds?flow_id=\(flow.id.lower)", method: .get, headers: bob) { response in
                #expect(response.body.json() == ["vertex_builds": [:]])
            }
        }
    }

    @Test func aStreamedRunIsRecordedToo() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout, endpoint: "shout")
        try await recording.app().test(.live) { client in
            let bob = try await recording.bearer("bob")
            try await client.execute(uri: "/api/v1/run/shout?stream=true", method: .post, headers: bob + .json, body: jsonBody(["input_value": "streamed"])) {
                response in
                let names = try events(String(buffer: response.body)).names
                #expect(names.last == "end")
            }
            await recording.recorder.flush()
            let texts = try await recording.storage.messages(MessageQuery(flowID: flow.id)).map(\.text)
            #expect(texts == ["streamed", "STREAMED"])
            #expect(try await recording.storage.transactions(flowID: flow.id, pagination: nil).total == 3)
        }
    }

    @Test func aFailedRunRecordsTheErrorMessageAndAnErrorTransaction() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Failing", FlowDocuments.failing, endpoint: "failing")
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            try await client.execute(uri: "/api/v1/run/failing", method: .post, headers: bob + .json, body: jsonBody(["input_value": "x"])) { response in
                #expect(response.status == .internalServerError)
            }
            await recording.recorder.flush()
            let messages = try await client.execute(uri: "/api/v1/monitor/messages?flow_id=\(flow.id.lower)", method: .get, headers: bob) {
                response in try #require(response.body.json().arrayValue)
            }
            #expect(messages.map { $0["category"] } == ["message", "error"])
            let error = try #require(messages.last)
            #expect(error["text"]?.stringValue?.contains("boom") == true)
            #expect(error["sender"] == "Fail")
            #expect(error["properties"]?["text_color"] == "red")
            #expect(error["properties"]?["source"]?["id"] == "Fail-1")
            #expect(error["content_blocks"]?[0]?["title"] == "Error")
            #expect(error["content_blocks"]?[0]?["contents"]?[0]?["type"] == "error")

            let items = try await client.execute(uri: "/api/v1/monitor/transactions?flow_id=\(flow.id.lower)", method: .get, headers: bob) {
                response in try #require(response.body.json()["items"]?.arrayValue)
            }
            #expect(items.count == 2, "ChatInput succeeded, Fail failed, ChatOutput never ran")
            let failed = try #require(items.first { $0["vertex_id"] == "Fail-1" })
            #expect(failed["status"] == "error")
            #expect(failed["error"]?.stringValue?.contains("boom") == true)
            #expect(items.first { $0["vertex_id"] == "ChatInput-1" }?["status"] == "success")
        }
    }

    @Test func runsDoNotWaitForStorageAndFlushWritesWhatIsQueued() async throws {
        // Many runs at once: the recorder writes them in batches; after flush every one is stored.
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout, endpoint: "shout")
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await client.execute(
                            uri: "/api/v1/run/shout", method: .post, headers: bob + .json, body: jsonBody(["input_value": .string("run \(index)")])
                        ) { response in #expect(response.status == .ok) }
                    }
                }
                try await group.waitForAll()
            }
            await recording.recorder.flush()
            #expect(recording.recorder.queuedCount == 0)
            #expect(try await recording.storage.messages(MessageQuery(flowID: flow.id)).count == 40)
            #expect(try await recording.storage.transactions(flowID: flow.id, pagination: nil).total == 60)
        }
    }

    @Test func messagesOfARunPersistInASQLiteFile() async throws {
        let directory = try BundleFixtures.temporaryDirectory("run-records")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("langbuilder.db").path
        let storage = try SQLiteStorageDriver(path: path)
        let recording = try await RecordingServer(storage: storage)
        let flow = try await recording.flow("Shout", FlowDocuments.shout, endpoint: "shout")
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            try await client.execute(uri: "/api/v1/run/shout", method: .post, headers: bob + .json, body: jsonBody(["input_value": "kept", "session_id": "disk"])) {
                response in #expect(response.status == .ok)
            }
        }
        await recording.recorder.flush()
        try await storage.close()

        let reopened = try SQLiteStorageDriver(path: path)
        let messages = try await reopened.messages(MessageQuery(flowID: flow.id))
        #expect(messages.map(\.text) == ["kept", "KEPT"])
        #expect(messages.allSatisfy { $0.sessionID == "disk" })
        #expect(try await reopened.transactions(flowID: flow.id, pagination: nil).total == 3)
        try await reopened.close()
    }
}
