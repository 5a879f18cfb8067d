import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `liblangflow-data.so` (API Request, URL) in real flows with the executable's libcurl client against pages
/// and APIs served on loopback.
@Suite struct LangflowDataBundleTests {
    typealias Models = LangflowModelsBundleTests

    /// A small site: a home page linking to /about, to another host and to a mail address; /about; an API.
    static func site() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request, responder in
            switch request.path {
            case "/":
                responder.respond(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], text: """
                    <html><head><title>Home &amp; Garden</title><style>p { color: red }</style></head>
                    <body><!-- hidden <p>comment</p> --><h1>Welcome</h1><p>Tomatoes &lt;3 sun&#33;</p>
                    <script>alert("no")</script><a href="/about">About us</a> <a href="http://other.invalid/x">Away</a>
                    <a href="mailto:me@example.com">Mail</a></body></html>
                    """)
            case "/about":
                responder.respond(status: 200, headers: [("Content-Type", "text/html")], text: "<html><body><p>We grow things.</p><a href='/'>Home</a></body></html>")
            case "/echo":
                let headers = request.headers.map { JSONValue.array([.string($0.name.lowercased()), .string($0.value)]) }
                let echo: JSONValue = [
                    "method": .string(request.method), "target": .string(request.target), "headers": .array(headers),
                    "body": .string(String(decoding: request.body, as: UTF8.self)),
                ]
                responder.respond(status: 200, headers: [("Content-Type", "application/json")], text: echo.serialized())
            default:
                responder.respond(status: 404, text: "no page \(request.path)")
            }
        }
    }

    static func rows(_ result: Result<RunResult, RunError>, _ vertex: String, _ output: String) throws -> JSONValue {
        let run = try result.get()
        return try #require(run.vertices.first { $0.id == vertex }?.outputs[output]?.document)
    }

    @Test func urlComponentReadsPagesAndFollowsLinksOnTheSameHost() async throws {
        let site = try Self.site()
        defer { site.stop() }
        let flow = LangflowFlow().node("URL-1", "URLComponent", ["urls": [.string(site.url("/"))], "max_depth": 2])
        let (_, result) = try await Models.run(flow)
        let pages = try #require(try Self.rows(result, "URL-1", "page_results").arrayValue)
        #expect(pages.map { $0["url"]?.stringValue } == [site.url("/"), site.url("/about")])
        #expect(pages.first?["title"] == "Home & Garden")
        #expect(pages.first?["text"] == "Welcome\nTomatoes <3 sun!\nAbout us Away Mail")
        #expect(pages.last?["text"] == "We grow things.\nHome")
        #expect(try Self.rows(result, "URL-1", "raw_results")["text"]?.stringValue?.hasSuffix("We grow things.\nHome") == true)
    }

    @Test func depthOneReadsOnlyTheGivenPagesAndHTMLFormatKeepsTheMarkup() async throws {
        let site = try Self.site()
        defer { site.stop() }
        let flow = LangflowFlow().node("URL-1", "URLComponent", ["urls": [.string(site.url("/about"))], "format": "HTML"])
        let (_, result) = try await Models.run(flow)
        let pages = try #require(try Self.rows(result, "URL-1", "page_results").arrayValue)
        #expect(pages.count == 1)
        #expect(pages.first?["text"] == "<html><body><p>We grow things.</p><a href='/'>Home</a></body></html>")
        #expect(site.requestsServed == 1)
    }

    @Test func unreachablePagesAreSkippedOrFailAsAsked() async throws {
        let skipping = LangflowFlow().node("URL-1", "URLComponent", ["urls": ["http://127.0.0.1:1/"]])
        let (_, skipped) = try await Models.run(skipping)
        #expect(try Self.rows(skipped, "URL-1", "page_results") == [])
        let strict = LangflowFlow().node("URL-1", "URLComponent", ["urls": ["http://127.0.0.1:1/"], "continue_on_failure": false])
        let (_, failed) = try await Models.run(strict)
        #expect(Models.failure(failed).contains("URLComponent: http_request: "), "\(Models.failure(failed))")
        let bad = LangflowFlow().node("URL-1", "URLComponent", ["urls": ["ftp://example.com/file"]])
        let (_, refused) = try await Models.run(bad)
        #expect(Models.failure(refused).contains("URLComponent: 'ftp://example.com/file' is not a valid http or https URL"), "\(Models.failure(refused))")
    }

    @Test func apiRequestSendsQueryParametersHeadersAndReadsJSON() async throws {
        let site = try Self.site()
        defer { site.stop() }
        let flow = LangflowFlow().node("API-1", "APIRequest", [
            "url_input": .string(site.url("/echo")), "query_params": ["q": "a b&c", "n": 2],
            "headers": [["key": "X-Team", "value": "blue"]],
        ])
        let (_, result) = try await Models.run(flow)
        let data = try Self.rows(result, "API-1", "data")
        #expect(data["source"]?.stringValue == site.url("/echo") + "?q=a%20b%26c&n=2")
        #expect(data["result"]?["method"] == "GET")
        #expect(data["result"]?["target"] == "/echo?q=a%20b%26c&n=2")
        #expect(data["result"]?["headers"]?.arrayValue?.contains(["x-team", "blue"]) == true)
        #expect(data["status_code"] == nil)
    }

    @Test func apiRequestPostsItsBodyTableAsJSON() async throws {
        let site = try Self.site()
        defer { site.stop() }
        let flow = LangflowFlow().node("API-1", "APIRequest", [
            "url_input": .string(site.url("/echo")), "method": "POST", "body": [["key": "name", "value": "Ada"], ["key": "age", "value": 36]],
            "include_httpx_metadata": true,
        ])
        let (_, result) = try await Models.run(flow)
        let data = try Self.rows(result, "API-1", "data")
        #expect(data["result"]?["method"] == "POST")
        #expect(data["result"]?["body"] == #"{"name":"Ada","age":36}"#)
        #expect(data["result"]?["headers"]?.arrayValue?.contains(["content-type", "application/json"]) == true)
        #expect(data["status_code"] == 200)
        #expect(data["response_headers"]?["content-type"] == "application/json")
    }

    @Test func apiRequestRunsACurlCommand() async throws {
        let site = try Self.site()
        defer { site.stop() }
        let command = "curl -X PUT '\(site.url("/echo"))' \\\n  -H 'X-Token: abc' --data \"{\\\"a\\\": 1}\""
        let flow = LangflowFlow().node("API-1", "APIRequest", ["mode": "cURL", "curl_input": .string(command)])
        let (_, result) = try await Models.run(flow)
        let data = try Self.rows(result, "API-1", "data")
        #expect(data["result"]?["method"] == "PUT")
        #expect(data["result"]?["body"] == #"{"a": 1}"#)
        #expect(data["result"]?["headers"]?.arrayValue?.contains(["x-token", "abc"]) == true)
    }

    @Test func apiRequestReportsAnErrorStatusAsData() async throws {
        let site = try Self.site()
        defer { site.stop() }
        let flow = LangflowFlow().node("API-1", "APIRequest", ["url_input": .string(site.url("/missing"))])
        let (_, result) = try await Models.run(flow)
        let data = try Self.rows(result, "API-1", "data")
        #expect(data["status_code"] == 404)
        #expect(data["result"] == "no page /missing")
    }

    @Test func badRequestsFailNamingTheProblem() throws {
        let registry = try Models.registry.get()
        let cases: [([String: Value], String)] = [
            (["mode": .string("cURL"), "curl_input": .string("curl -k https://example.com")], "cURL option -k is refused: TLS is always verified"),
            (["mode": .string("cURL"), "curl_input": .string("curl 'https://example.com")], "the cURL command has an unclosed quote"),
            (["mode": .string("cURL"), "curl_input": .string("wget https://example.com")], "the cURL command must start with curl"),
            (["url_input": .string("https://example.com"), "method": .string("BREW")], "method must be one of GET, POST"),
            (["url_input": .string("https://example.com"), "timeout": .int(0)], "timeout must be a positive number of seconds"),
            (["url_input": .string("https://example.com"), "headers": .string("not a table")], "input 'headers' must be a JSON object or key/value rows"),
        ]
        for (inputs, expected) in cases {
            let message = try LangflowBundles.failure("APIRequest", in: registry, inputs)
            #expect(message.contains(expected), "\(message)")
        }
    }

    /// The Simple Agent's shape: the agent reads a page through the URL component's `fetch_content` tool.
    @Test func agentFetchesAPageThroughTheURLTool() async throws {
        let site = try Self.site()
        defer { site.stop() }
        let stub = try OpenAIStub([.toolCall(name: "fetch_content", arguments: #"{"urls": "\#(site.url("/about"))"}"#), .answer("They grow things.")])
        let flow = LangflowFlow()
            .node("ChatInput-1", "ChatInput")
            .node("URL-1", "URLComponent")
            .node("Agent-1", "Agent", ["model_name": "gpt-test", "openai_api_base": .string(stub.baseURL), "api_key": "sk-test", "add_current_date_tool": false])
            .node("ChatOutput-1", "ChatOutput")
            .edge("ChatInput-1", "message", to: "Agent-1", "input_value")
            .edge("URL-1", "component_as_tool", to: "Agent-1", "tools")
            .edge("Agent-1", "response", to: "ChatOutput-1", "input_value")
        let (_, result) = try await Models.run(flow, input: "What do they do?")
        #expect(try Models.answer(result) == "They grow things.")
        #expect(stub.requests.first?.toolNames == ["fetch_content"])
        #expect(stub.requests.last?.messages.last == ["role": "tool", "tool_call_id": "call_fetch_content", "content": .string("\(site.url("/about"))\nWe grow things.\nHome")])
    }
}
