import CLangBuilderABI
import LangBuilderBundleSDK
import Testing

/// The SDK's helpers for the host service table (ABI 1.2), called from Swift components through their exported C
/// records, against a test host that records what it was asked and answers from its own state.
@Suite struct HostServicesTests {
    /// Exports `body` as the one-output component "Probe", runs it once, and returns the status and the text of
    /// the output `text`.
    private static func run(_ host: TestHost, _ body: @escaping @Sendable (Context) throws -> String) throws -> (status: Int32, text: String?) {
        let probe = ComponentDefinition("Probe", inputs: [], outputs: [OutputDefinition("text", types: ["str"])]) { _, context in
            ["text": .string(try body(context))]
        }
        let bundle = BundleDefinition(id: "com.example.services", version: "1.0.0", displayName: "Services", components: [probe])
        let exported = try #require(ExportedBundle(bundle.export(hostABI: TestHost.abiVersion, host: host.opaqueTable)))
        let component = try #require(exported.component(named: "Probe"))
        let created = component.create(config: [], host: host)
        defer { component.destroy(created.instance) }
        let (status, outputs) = component.run(created.instance, inputs: [], host: host)
        return (status, outputs.first.flatMap(text(of:)))
    }

    @Test func httpSendsTheRequestThroughTheHostAndReadsTheResponse() throws {
        let host = TestHost()
        host.httpAnswer = .success((201, [("Content-Type", "application/json"), ("X-Request-Id", "r-1")], #"{"ok":true}"#))
        let (status, text) = try Self.run(host) { context in
            let response = try context.http(
                "https://api.example.com/v1/items", method: "POST", headers: [.init("Authorization", "Bearer t")], body: Array("hi".utf8),
                timeout: .seconds(2), connectTimeout: .milliseconds(500), maxRedirects: 3, maxResponseBytes: 1000)
            return "\(response.status) \(response.header("x-request-id") ?? "-") \(response.text)"
        }
        #expect(status == LB_OK, "\(host.errors)")
        #expect(text == #"201 r-1 {"ok":true}"#)
        let request = try #require(host.lastRequest)
        #expect(request.method == "POST")
        #expect(request.url == "https://api.example.com/v1/items")
        #expect(request.headers == ["Authorization: Bearer t"])
        #expect(request.body == "hi")
        #expect(request.timeout == 2000 && request.connectTimeout == 500)
        #expect(request.maxRedirects == 3 && request.maxResponseBytes == 1000)
        #expect(!request.streamed)
    }

    @Test func aStreamedRequestHandsTheBodyToTheClosureUntilItStops() throws {
        let host = TestHost()
        host.httpChunks = ["data: a\n\n", "data: b\n\n", "data: c\n\n"]
        let (status, text) = try Self.run(host) { context in
            var received = ""
            let response = try context.http("http://127.0.0.1:8080/events") { chunk in
                received += String(decoding: chunk, as: UTF8.self)
                return !received.contains("b")
            }
            return "\(response.status) body=\(response.body.count) received=\(received)"
        }
        #expect(status == LB_OK, "\(host.errors)")
        #expect(text == "200 body=0 received=data: a\n\ndata: b\n\n")
        #expect(host.lastRequest?.streamed == true)
        #expect(host.lastRequest?.maxRedirects == 5, "the default")
    }

    @Test func aFailedRequestThrowsTheHostsMessage() throws {
        let host = TestHost()
        host.httpAnswer = .failure(.init(message: "http_request: connect to 127.0.0.1:1 failed: Connection refused"))
        let (status, _) = try Self.run(host) { context in
            do throws(ComponentFailure) {
                _ = try context.http("http://127.0.0.1:1/")
                return "no error"
            } catch {
                throw ComponentFailure("weather: \(error.message)")
            }
        }
        #expect(status == LB_ERROR)
        #expect(host.errors.last == "weather: http_request: connect to 127.0.0.1:1 failed: Connection refused")
    }

    @Test func historyAndAppendMessageGoThroughTheHost() throws {
        let host = TestHost()
        let (status, text) = try Self.run(host) { context in
            let stored = try context.appendMessage("hello \"you\"", sender: "User", senderName: "Ann")
            try context.appendMessage("hi")
            let messages = try context.history(limit: 5, sender: "User")
            return "\(stored.id) | " + messages.map { "\($0.id):\($0.sender):\($0.senderName):\($0.text)" }.joined(separator: " ")
        }
        #expect(status == LB_OK, "\(host.errors)")
        #expect(text == #"m1 | m1:User:Ann:hello "you" m2:Machine:AI:hi"#)
        #expect(host.messages.first == #"{"id":"m1","text":"hello \"you\"","sender":"User","sender_name":"Ann"}"#)
        #expect(host.lastQuery?.limit == 5)
        #expect(host.lastQuery?.sender == "User")
        #expect(host.lastQuery?.session == nil && host.lastQuery?.senderName == nil)
    }

    @Test func stateIsReadAndWrittenThroughTheHost() throws {
        let host = TestHost()
        let (status, text) = try Self.run(host) { context in
            context.state["page"] = .int(2)
            context.state["cursor"] = .json(type: "dict", text: #"{"after":"x"}"#)
            context.state["gone"] = .string("soon")
            context.state["gone"] = nil
            return "\(context.state["page"]?.description ?? "nil") \(context.state["cursor"]?.typeName ?? "nil") \(context.state["cursor"]?.description ?? "nil") \(context.state["gone"] == nil)"
        }
        #expect(status == LB_OK, "\(host.errors)")
        #expect(text == #"2 dict {"after":"x"} true"#)
        #expect(host.state.keys.sorted() == ["cursor", "page"])
    }

    @Test func tokensUseEmitTokenOnNewHostsAndEmitOnOldOnes() throws {
        let host = TestHost()
        _ = try Self.run(host) { context in
            context.emitToken("Hel\"lo")
            return ""
        }
        #expect(host.tokens == ["Hel\"lo"])
        #expect(host.events.isEmpty)

        let old = TestHost(structSize: 80)
        _ = try Self.run(old) { context in
            context.emitToken("Hel\"lo")
            return ""
        }
        #expect(old.tokens.isEmpty)
        #expect(old.events.map(\.payload) == [#"{"chunk":"Hel\"lo"}"#])
    }

    @Test func anABI10HostHasNoServices() throws {
        let host = TestHost(structSize: 80)
        let (status, text) = try Self.run(host) { context in
            var failures: [String] = []
            do throws(ComponentFailure) { _ = try context.history() } catch { failures.append(error.message) }
            do throws(ComponentFailure) { try context.appendMessage("x") } catch { failures.append(error.message) }
            do throws(ComponentFailure) { _ = try context.state.get("k") } catch { failures.append(error.message) }
            do throws(ComponentFailure) { try context.state.set(.int(1), for: "k") } catch { failures.append(error.message) }
            return failures.joined(separator: "; ")
        }
        #expect(status == LB_OK)
        #expect(text == "get_messages is not available in this host; add_message is not available in this host; get_state is not available in this host; set_state is not available in this host")
    }
}
