import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import Testing

/// `POST /api/v1/build/{flow_id}/flow` and its events, in the three delivery modes, cancellation, unsaved
/// graphs, partial builds and what builds record (issue "REST server", item build jobs).
@Suite struct BuildTests {
    /// Polls a build's events until it ended and everything was read.
    private func poll(_ client: some TestClientProtocol, _ job: String, _ headers: HTTPFields, until stop: (JSONValue) -> Bool = { _ in false }) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        for _ in 0..<1000 {
            let chunk = try await client.execute(uri: "/api/v1/build/\(job)/events?event_delivery=polling", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-ndjson")
                return try events(String(buffer: response.body))
            }
            if chunk.isEmpty { break }
            all += chunk
            if chunk.contains(where: stop) { break }
        }
        return all
    }

    private func start(_ client: some TestClientProtocol, _ flow: FlowRecord, _ headers: HTTPFields, query: String = "", body: JSONValue = ["inputs": ["input_value": "hi build"]]) async throws -> String {
        try await client.execute(uri: "/api/v1/build/\(flow.id.lower)/flow\(query)", method: .post, headers: headers + .json, body: jsonBody(body)) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            return try #require(response.body.json()["job_id"]?.stringValue)
        }
    }

    /// The events of a successful build of the shout flow, in order.
    private func expectShoutBuild(_ events: [JSONValue], input: String = "hi build") {
        #expect(events.names.first == "vertices_sorted")
        #expect(events.names.dropFirst().first == "build_start")
        #expect(events.names.last == "end")
        #expect(events.named("end_vertex").compactMap { $0["data"]?["build_data"]?["id"]?.stringValue } == ["ChatInput-1", "Upper-1", "ChatOutput-1"])
        #expect(events.named("add_message").compactMap { $0["data"]?["text"]?.stringValue } == [input, input.uppercased()])
        #expect(events.named("add_message").allSatisfy { $0["data"]?["category"] == "message" && $0["data"]?["session_id"] != nil })
        #expect(events.last?["data"]?["build_duration"]?.numberValue != nil)
        // Each message comes before the end_vertex of the vertex that sent it.
        let names = events.names
        if let message = names.firstIndex(of: "add_message"), let vertex = names.firstIndex(of: "end_vertex") { #expect(message < vertex) }
    }

    /// The ids of a build's `add_message` events are the ids of the stored messages (the UI edits them by id).
    @Test func addMessageEventsCarryTheStoredMessagesIds() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout)
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let job = try await start(client, flow, bob)
            let events = try await poll(client, job, bob)
            let sent = events.named("add_message").compactMap { $0["data"]?["id"]?.stringValue }
            #expect(sent.count == 2)
            await recording.recorder.flush()
            try await client.execute(uri: "/api/v1/monitor/messages?flow_id=\(flow.id.lower)", method: .get, headers: bob) { response in
                let stored = (response.body.json().arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                #expect(stored == sent)
            }
        }
    }

    @Test func pollingDeliversEveryEventOnceInOrder() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout)
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let job = try await start(client, flow, bob)
            let events = try await poll(client, job, bob)
            expectShoutBuild(events)
            // Read once: a poll after the end answers nothing.
            try await client.execute(uri: "/api/v1/build/\(job)/events?event_delivery=polling", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func streamingDeliversTheEventsAsNDJSON() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout)
        try await recording.app().test(.live) { client in
            let bob = try await recording.bearer("bob")
            let job = try await start(client, flow, bob, query: "?event_delivery=streaming")
            try await client.execute(uri: "/api/v1/build/\(job)/events", method: .get, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-ndjson")
                let text = String(buffer: response.body)
                #expect(text.hasSuffix("\n\n"))
                expectShoutBuild(try events(text))
            }
        }
    }

    @Test func directDeliveryStreamsFromThePost() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout)
        try await recording.app().test(.live) { client in
            let bob = try await recording.bearer("bob")
            try await client.execute(
                uri: "/api/v1/build/\(flow.id.lower)/flow?event_delivery=direct", method: .post, headers: bob + .json,
                body: jsonBody(["inputs": ["input_value": "direct"]])
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-ndjson")
                expectShoutBuild(try events(String(buffer: response.body)), input: "direct")
            }
        }
    }

    @Test func aBuildRecordsMessagesTransactionsAndVertexBuilds() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout)
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let job = try await start(client, flow, bob, body: ["inputs": ["input_value": "logged", "session": "build-session"]])
            _ = try await poll(client, job, bob)
            await recording.recorder.flush()
            let messages = try await recording.storage.messages(MessageQuery(flowID: flow.id))
            #expect(messages.map(\.text) == ["logged", "LOGGED"])
            #expect(messages.allSatisfy { $0.sessionID == "build-session" })
            #expect(try await recording.storage.transactions(flowID: flow.id, pagination: nil).total == 3)
            try await client.execute(uri: "/api/v1/monitor/builds?flow_id=\(flow.id.lower)", method: .get, headers: bob) { response in
                let builds = try #require(response.body.json()["vertex_builds"]?.objectValue)
                #expect(Set(builds.keys) == ["ChatInput-1", "Upper-1", "ChatOutput-1"])
                let upper = try #require(builds["Upper-1"]?[0])
                #expect(upper["id"] == "Upper-1")
                #expect(upper["valid"] == true)
                #expect(upper["build_id"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
                #expect(upper["flow_id"] == .string(flow.id.lower))
                #expect(upper["data"]?["outputs"]?["message"]?["message"] == "LOGGED")
                #expect(upper["artifacts"]?["message"] == "LOGGED")
            }
            try await client.execute(uri: "/api/v1/monitor/builds?flow_id=\(flow.id.lower)", method: .delete, headers: bob) { response in
                #expect(response.status == .noContent)
            }
            #expect(try await recording.storage.vertexBuilds(flowID: flow.id).isEmpty)

            // log_builds=false: messages and transactions, no vertex builds.
            let quiet = try await start(client, flow, bob, query: "?log_builds=false")
            _ = try await poll(client, quiet, bob)
            await recording.recorder.flush()
            #expect(try await recording.storage.vertexBuilds(flowID: flow.id).isEmpty)
            #expect(try await recording.storage.transactions(flowID: flow.id, pagination: nil).total == 6)
        }
    }

    @Test func cancelsARunningBuild() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Sleepy", FlowDocuments.sleepy)
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let job = try await start(client, flow, bob)
            // Once ChatInput has finished, Sleep is running (for 60 s).
            let early = try await poll(client, job, bob) { $0["event"] == "end_vertex" }
            #expect(early.named("end_vertex").count == 1)
            try await client.execute(uri: "/api/v1/monitor/job_queue", method: .get, headers: bob) { response in
                #expect(response.body.json()["active_jobs"] == 1)
            }
            try await client.execute(uri: "/api/v1/build/\(job)/cancel", method: .post, headers: bob) { response in
                #expect(response.status == .ok)
                #expect(response.body.json() == ["success": true, "message": "Flow build cancelled successfully"])
            }
            let rest = try await poll(client, job, bob)
            #expect(rest.names == ["error"])
            #expect(rest.first?["data"]?["error"]?.stringValue?.contains("cancelled") == true)
            await recording.recorder.flush()
            // What finished before the cancel is recorded; the cancelled vertex is not an error.
            let transactions = try await recording.storage.transactions(flowID: flow.id, pagination: nil).items
            #expect(transactions.map(\.vertexID) == ["ChatInput-1"])
            #expect(try await recording.storage.messages(MessageQuery(flowID: flow.id)).map(\.category) == ["message"])
        }
    }

    @Test func buildsAnUnsavedGraphFromTheBody() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout)
        let echo: JSONValue = [
            "nodes": [FlowDocuments.node("ChatInput-1", "ChatInput"), FlowDocuments.node("ChatOutput-9", "ChatOutput")],
            "edges": [FlowDocuments.edge("ChatInput-1", "ChatInput", to: "ChatOutput-9")],
        ]
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let job = try await start(client, flow, bob, body: ["inputs": ["input_value": "as is"], "data": echo])
            let events = try await poll(client, job, bob)
            #expect(events.named("end_vertex").compactMap { $0["data"]?["build_data"]?["id"]?.stringValue } == ["ChatInput-1", "ChatOutput-9"])
            #expect(events.named("add_message").compactMap { $0["data"]?["text"]?.stringValue } == ["as is", "as is"], "not upper-cased: the stored flow did not run")
            await recording.recorder.flush()
            #expect(try await recording.storage.messages(MessageQuery(flowID: flow.id)).count == 2, "recorded under the flow")
        }
    }

    @Test func stopsAtTheStopComponent() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Shout", FlowDocuments.shout)
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let job = try await start(client, flow, bob, query: "?stop_component_id=Upper-1")
            let events = try await poll(client, job, bob)
            #expect(events.named("end_vertex").compactMap { $0["data"]?["build_data"]?["id"]?.stringValue } == ["ChatInput-1", "Upper-1"])
            #expect(events.names.last == "end")

            let fromUpper = try await start(client, flow, bob, query: "?start_component_id=Upper-1")
            #expect(try await poll(client, fromUpper, bob).named("end_vertex").count == 3, "Upper, what it needs and what follows")

            try await client.execute(uri: "/api/v1/build/\(flow.id.lower)/flow?stop_component_id=Nope-1", method: .post, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
        }
    }

    @Test func aFailingVertexEndsTheBuildAsLangflowDoes() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Failing", FlowDocuments.failing)
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let events = try await poll(client, try await start(client, flow, bob), bob)
            #expect(Array(events.names.suffix(3)) == ["error", "end_vertex", "end"])
            let error = try #require(events.named("error").first?["data"])
            #expect(error["category"] == "error")
            #expect(error["text"]?.stringValue?.contains("boom") == true)
            let failed = try #require(events.named("end_vertex").last?["data"]?["build_data"])
            #expect(failed["id"] == "Fail-1")
            #expect(failed["valid"] == false)
            await recording.recorder.flush()
            let builds = try await recording.storage.vertexBuilds(flowID: flow.id)
            #expect(builds.map(\.vertexID) == ["ChatInput-1", "Fail-1"])
            #expect(builds.map(\.valid) == [true, false])
        }
    }

    @Test func aFlowThatDoesNotBuildGivesOneErrorEventWithEveryIssue() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Invalid", FlowDocuments.invalid)
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let events = try await poll(client, try await start(client, flow, bob), bob)
            #expect(events.names == ["error"])
            let issues = try #require(events.first?["data"]?["issues"]?.arrayValue)
            #expect(issues.count >= 2)
            #expect(issues.contains { $0["type"] == "unknown_component" })
        }
    }

    @Test func forgetsFinishedBuildsAfterTheirRetention() async throws {
        let recording = try await RecordingServer { $0.buildRetention = .zero }
        let flow = try await recording.flow("Shout", FlowDocuments.shout)
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let job = try await start(client, flow, bob)
            var status = HTTPResponse.Status.ok
            for _ in 0..<500 where status == .ok {
                status = try await client.execute(uri: "/api/v1/build/\(job)/events?event_delivery=polling", method: .get, headers: bob) { $0.status }
                if status == .ok { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(status == .notFound, "a finished build is forgotten once its retention has passed")
        }
    }

    @Test func refusesBadInputsUnknownBuildsAndOtherUsersBuilds() async throws {
        let recording = try await RecordingServer()
        let flow = try await recording.flow("Sleepy", FlowDocuments.sleepy)
        let adminFlow = try await recording.flow("Admin", FlowDocuments.shout, owner: "langflow")
        try await recording.app().test(.router) { client in
            let bob = try await recording.bearer("bob")
            let admin = try await recording.bearer("langflow")
            let base = "/api/v1/build/\(flow.id.lower)"
            try await client.execute(uri: "/api/v1/build/not-a-uuid/flow", method: .post, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.body.json()["detail"]?[0]?["loc"] == ["path", "flow_id"])
            }
            try await client.execute(uri: "\(base)/flow?event_delivery=carrier-pigeon", method: .post, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/build/\(UUID().uuidString)/flow", method: .post, headers: bob) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/build/\(adminFlow.id.lower)/flow", method: .post, headers: bob) { response in
                #expect(response.status == .notFound, "another user's flow")
            }
            try await client.execute(uri: "\(base)/flow", method: .post, headers: bob + .json, body: jsonBody(["inputs": ["type": "telepathy"]])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "\(base)/flow", method: .post, headers: bob + .json, body: jsonBody(["data": "not a graph"])) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "\(base)/flow", method: .post) { response in
                #expect(response.status == .forbidden)
            }
            let unknown = UUID().uuidString.lowercased()
            try await client.execute(uri: "/api/v1/build/\(unknown)/events", method: .get, headers: bob) { response in
                #expect(response.status == .notFound)
                #expect(response.body.json() == ["detail": .string("Job not found: \(unknown)")])
            }
            try await client.execute(uri: "/api/v1/build/\(unknown)/cancel", method: .post, headers: bob) { response in
                #expect(response.status == .notFound)
            }

            let job = try await start(client, flow, bob)
            try await client.execute(uri: "/api/v1/build/\(job)/events?event_delivery=sometimes", method: .get, headers: bob) { response in
                #expect(response.status == .unprocessableContent)
            }
            // langflow owns nothing here but is the superuser; an ordinary other user gets 404.
            try await recording.storage.createUser(UserRecord(username: "carol", passwordHash: "x", isActive: true))
            let carolHeaders = try await recording.bearer("carol")
            try await client.execute(uri: "/api/v1/build/\(job)/events?event_delivery=polling", method: .get, headers: carolHeaders) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/build/\(job)/cancel", method: .post, headers: carolHeaders) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/build/\(job)/cancel", method: .post, headers: admin) { response in
                #expect(response.status == .ok, "the superuser sees every build")
            }
            #expect(try await poll(client, job, bob).names.last == "error")
        }
    }
}
