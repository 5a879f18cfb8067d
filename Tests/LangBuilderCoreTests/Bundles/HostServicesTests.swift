import Foundation
import LangBuilderCore
import LangBuilderTesting
import Synchronization
import Testing

/// The host service table of ABI 1.2 without HTTP (that is `LangBuilderHTTPClientTests`): per-run state, chat
/// history, tokens, secrets and errors, called by a real C bundle (`Tests/Fixtures/http_test_bundle.c`) in flows
/// run by the engine; and a bundle built against the ABI 1.0 headers, which must keep loading and running.
@Suite struct HostServicesTests {
    static let registry: Result<ComponentRegistry, any Error> = Result {
        var registry = ComponentRegistry()
        try registry.add(try BundleLoader().load(file: try BundleFixtures.hostServicesTestBundle()))
        return registry
    }

    static func plan(_ document: FlowDocument) throws -> ExecutionPlan {
        try FlowBuilder(registry: try registry.get()).build(try document.flow())
    }

    static func options(
        messages: (any MessageHistory)? = MemoryMessageHistory(), sessionID: String? = nil, userID: String? = nil,
        variables: @escaping @Sendable (String) -> String? = { _ in nil }
    ) -> RunOptions {
        RunOptions(sessionID: sessionID, userID: userID, variables: variables, services: HostServices(messages: messages))
    }

    /// The text output of the vertex `id`.
    static func output(_ result: RunResult, _ id: String) -> String? {
        result.vertices.first { $0.id == id }?.outputValues.first??.text
    }

    // MARK: - Per-run state

    static let setThenGet = FlowDocument()
        .node("StateSet-1", "StateSet", fields: ["key": "cursor", "value": "page-2"])
        .node("StateGet-1", "StateGet", fields: ["key": "cursor"])
        .edge("StateSet-1", "text", to: "StateGet-1", "after")

    @Test func stateIsSharedByTheComponentsOfARunButNotBetweenRuns() async throws {
        let first = try await FlowRunner().run(try Self.plan(Self.setThenGet), options: Self.options())
        #expect(Self.output(first, "StateGet-1") == "string:page-2")

        // A later run starts with empty state.
        let alone = try Self.plan(FlowDocument().node("StateGet-1", "StateGet", fields: ["key": "cursor"]))
        let second = try await FlowRunner().run(alone, options: Self.options())
        #expect(Self.output(second, "StateGet-1") == "(none)")
    }

    @Test(arguments: [
        ("string", "hello", "string:hello"), ("json", #"{"page": 2}"#, #"json(dict):{"page": 2}"#), ("bytes", "raw", "bytes:raw"),
        ("int", "42", "int:42"),
    ])
    func stateKeepsValuesOfEveryKind(kind: String, value: String, read: String) async throws {
        let document = FlowDocument()
            .node("StateSet-1", "StateSet", fields: ["key": "k", "value": .string(value), "kind": .string(kind)])
            .node("StateGet-1", "StateGet", fields: ["key": "k"])
            .edge("StateSet-1", "text", to: "StateGet-1", "after")
        let result = try await FlowRunner().run(try Self.plan(document), options: Self.options())
        #expect(Self.output(result, "StateGet-1") == read)
    }

    @Test func settingAnAbsentValueRemovesTheKey() async throws {
        let document = FlowDocument()
            .node("StateSet-1", "StateSet", fields: ["key": "k", "value": "v"])
            .node("StateSet-2", "StateSet", fields: ["key": "k", "kind": "remove"])
            .node("StateGet-1", "StateGet", fields: ["key": "k"])
            .edge("StateSet-1", "text", to: "StateSet-2", "after")
            .edge("StateSet-2", "text", to: "StateGet-1", "after")
        let result = try await FlowRunner().run(try Self.plan(document), options: Self.options())
        #expect(Self.output(result, "StateGet-1") == "(none)")
    }

    @Test func objectsCannotBeKeptInTheState() async throws {
        let plan = try Self.plan(FlowDocument().node("StateSet-1", "StateSet", fields: ["key": "k", "kind": "object"]))
        await #expect(throws: RunError.vertexFailed(vertexID: "StateSet-1", componentType: "StateSet", message: #"set_state("k"): objects cannot be kept in the run state"#)) {
            try await FlowRunner().run(plan, options: Self.options())
        }
    }

    @Test func runStateIsVisibleToTheHostToo() async throws {
        let run = FlowRunner().start(try Self.plan(Self.setThenGet), options: Self.options())
        _ = try await run.result()
        #expect(run.context.state["cursor"] == .string("page-2"))
        #expect(run.context.state.keys == ["cursor"])
    }

    // MARK: - Chat history

    static func remember(_ text: String, sender: String = "") -> FlowDocument {
        FlowDocument().node("Remember-1", "Remember", fields: ["text": .string(text), "sender": .string(sender)])
    }

    static func history(limit: Int = 0, sender: String = "", session: String = "") -> FlowDocument {
        FlowDocument().node("History-1", "History", fields: ["limit": .number(Double(limit)), "sender": .string(sender), "session": .string(session)])
    }

    static func messages(_ result: RunResult) throws -> [JSONValue] {
        guard case .json("list", let text)? = result.vertices.first?.outputValues.first ?? nil else {
            throw BundleFixtures.FixtureError("no message list in \(result.vertices)")
        }
        return try JSONValue(parsing: text).arrayValue ?? []
    }

    @Test func historyAppendsAndReadsTheSessionsMessages() async throws {
        let history = MemoryMessageHistory()
        let options = Self.options(messages: history, sessionID: "chat-1", userID: "u1")
        let stored = try await FlowRunner().run(try Self.plan(Self.remember("hello", sender: "User")), options: options)
        guard case .json("Data", let text)? = stored.vertices.first?.outputValues.first ?? nil else {
            Issue.record("no stored message: \(stored.vertices)")
            return
        }
        let message = try JSONValue(parsing: text)
        #expect(message["text"] == "hello")
        #expect(message["sender"] == "User")
        #expect(message["sender_name"] == "AI")
        #expect(message["session_id"] == "chat-1")
        #expect(message["flow_id"] == "flow-under-test")
        #expect(message["category"] == "message")
        #expect(message["files"] == [])
        #expect(message["id"]?.stringValue?.count == 36)
        let timestamp = try #require(message["timestamp"]?.stringValue)
        #expect(timestamp.hasSuffix(" UTC") && timestamp.count == "2026-11-21 23:45:16.887643 UTC".count, "\(timestamp)")

        _ = try await FlowRunner().run(try Self.plan(Self.remember("hi there")), options: options)
        // Another run of the same session reads both, oldest first.
        let read = try Self.messages(try await FlowRunner().run(try Self.plan(Self.history()), options: options))
        #expect(read.map { $0["text"] } == ["hello", "hi there"])
        #expect(read.map { $0["sender"] } == ["User", "Machine"])
        #expect(read.first == message)
    }

    @Test func historyIsReadPerSessionAndPerUserWithLimitAndSender() async throws {
        let history = MemoryMessageHistory()
        let options = Self.options(messages: history, sessionID: "chat-2", userID: "u1")
        for (text, sender) in [("one", "User"), ("two", "Machine"), ("three", "User"), ("four", "Machine")] {
            _ = try await FlowRunner().run(try Self.plan(Self.remember(text, sender: sender)), options: options)
        }
        func read(_ document: FlowDocument, _ options: RunOptions) async throws -> [JSONValue?] {
            try Self.messages(try await FlowRunner().run(try Self.plan(document), options: options)).map { $0["text"] }
        }
        #expect(try await read(Self.history(limit: 2), options) == ["three", "four"])
        #expect(try await read(Self.history(sender: "User"), options) == ["one", "three"])
        #expect(try await read(Self.history(limit: 1, sender: "User"), options) == ["three"])
        #expect(try await read(Self.history(), Self.options(messages: history, sessionID: "chat-3", userID: "u1")) == [])
        // The same session id read by another user is another session.
        #expect(try await read(Self.history(), Self.options(messages: history, sessionID: "chat-2", userID: "u2")) == [])
        // A component may name another session of the same user.
        #expect(try await read(Self.history(session: "chat-2"), Self.options(messages: history, sessionID: "other", userID: "u1")).count == 4)
    }

    @Test func aMessageMustBeAJSONObjectWithTextMembers() async throws {
        for (message, error) in [("[1, 2]", "add_message: the message is not a JSON object"), (#"{"text": 3}"#, #"add_message: "text" must be a string"#)] {
            let plan = try Self.plan(FlowDocument().node("Remember-1", "Remember", fields: ["message": .string(message)]))
            await #expect(throws: RunError.vertexFailed(vertexID: "Remember-1", componentType: "Remember", message: error)) {
                try await FlowRunner().run(plan, options: Self.options())
            }
        }
    }

    @Test func withoutAHistoryTheCallsAnswerUnsupported() async throws {
        let plan = try Self.plan(Self.history())
        await #expect(throws: RunError.vertexFailed(vertexID: "History-1", componentType: "History", message: "get_messages: this host keeps no chat history")) {
            try await FlowRunner().run(plan, options: Self.options(messages: nil))
        }
    }

    // MARK: - Tokens

    @Test func tokensReachTheRunsEventStreamAsLangflowTokenEvents() async throws {
        let chunk = "say \"hi\"\n\t→ ok"
        let plan = try Self.plan(FlowDocument().node("Tokens-1", "Tokens", fields: ["text": .string(chunk), "count": 3]))
        let run = FlowRunner().start(plan, options: Self.options())
        var events: [RunEvent] = []
        for await event in run.events { events.append(event) }
        let tokens = events.filter { $0.event == "token" }
        #expect(tokens.map(\.data) == Array(repeating: ["chunk": .string(chunk), "id": "Tokens-1"], count: 3))
        let end = try #require(events.firstIndex { $0.event == "end_vertex" })
        #expect(events.lastIndex { $0.event == "token" }! < end)
    }

    // MARK: - Secrets

    @Test func aMissingSecretFailsTheComponentWithItsName() async throws {
        let plan = try Self.plan(FlowDocument().node("Secret-1", "Secret", fields: ["name": "OPENAI_API_KEY"]))
        await #expect(throws: RunError.vertexFailed(vertexID: "Secret-1", componentType: "Secret", message: "the secret OPENAI_API_KEY is not set")) {
            try await FlowRunner().run(plan, options: Self.options())
        }
        let result = try await FlowRunner().run(plan, options: Self.options(variables: { $0 == "OPENAI_API_KEY" ? "sk-123456" : nil }))
        #expect(result.outputText == "length=9")
    }

    // MARK: - ABI 1.0 bundles

    /// A bundle written against the ABI 1.0 headers (`Tests/Fixtures/abi-1.0`): its host table is 80 bytes long,
    /// its descriptor says 1.0, and it uses the 1.0 functions only.
    static let abi10Source = #"""
        #include "langbuilder_bundle.h"
        #include <stdio.h>

        LB_BUNDLE_HOST_API;

        static int32_t old_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)n_in; (void)n_out;
            lb_string text = lb_value_text(&in[0]);
            lb_string session = {0};
            lb_host->get_info(ctx, "session_id", &session);
            lb_host->emit(ctx, "token", lb_cstring("{\"chunk\":\"old\"}"));
            lb_host->log(ctx, LB_LOG_INFO, lb_cstring("an ABI 1.0 bundle runs"));
            char *answer = lb_host->alloc(ctx, 256);
            int length = snprintf(answer, 256, "abi=%u.%u table>=%d text=%.*s session=%.*s", LB_ABI_MAJOR, LB_ABI_MINOR,
                                  lb_host->struct_size >= sizeof(lb_host_api), (int)text.len, text.ptr, (int)session.len, session.ptr);
            lb_set_string(&out[0], answer, (size_t)length);
            return LB_OK;
        }

        static lb_input_port inputs[] = {{sizeof(lb_input_port), 0, "text", NULL, NULL, "str", LB_NAMES("str"), NULL, NULL}};
        static lb_output_port outputs[] = {{sizeof(lb_output_port), 0, "text", NULL, LB_NAMES("str")}};
        static const lb_component components[] = {
            {sizeof(lb_component), 0, "OldEcho", NULL, NULL, "testing", NULL, inputs, 1, sizeof(lb_input_port), outputs, 1,
             sizeof(lb_output_port), NULL, old_run, NULL, NULL, NULL},
        };
        static const lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
        static const lb_bundle_descriptor descriptor = {
            sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "test.fixture.abi10", "1.0.0", "ABI 1.0 fixture",
            NULL, NULL, NULL, components, 1, sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
        };
        LB_BUNDLE_ENTRY(descriptor)
        """#

    @Test func aBundleBuiltForABI10StillLoadsAndRuns() async throws {
        let library = try BundleFixtures.compile(name: "abi10", source: Self.abi10Source, headers: BundleFixtures.headerDirectory(abi: "1.0"))
        let bundle = try BundleLoader().load(file: library)
        #expect(bundle.descriptor.abiVersion == ABIVersion(major: 1, minor: 0))
        #expect(ABIVersion.host == ABIVersion(major: 1, minor: 4))
        var registry = ComponentRegistry()
        try registry.add(bundle)
        let plan = try FlowBuilder(registry: registry).build(try FlowDocument().node("OldEcho-1", "OldEcho", fields: ["text": "still here"]).flow())
        let run = FlowRunner().start(plan, options: RunOptions(sessionID: "s-10"))
        var tokens: [JSONValue] = []
        for await event in run.events where event.event == "token" { tokens.append(event.data) }
        let result = try await run.result()
        #expect(result.outputText == "abi=1.0 table>=1 text=still here session=s-10")
        #expect(tokens == [["chunk": "old", "id": "OldEcho-1"]])
    }
}
