#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LangBuilderBundleSDK
import LangflowBundleSupport

/// Where and how to call an OpenAI-compatible chat completions API. The key is only ever put in the
/// `Authorization` header: never in a message, a log line or an object's description.
struct ModelSettings: Sendable {
    var provider = "OpenAI"
    var model = ""
    var apiKey = ""
    var baseURL = ChatCompletions.openAIBaseURL
    var temperature: Double?
    var maxTokens: Int64?
    var seed: Int64?
    var jsonMode = false
    /// Seconds the whole request may take.
    var timeout: Int64 = 700
    /// Retries after a 429, a 5xx or a failed connection.
    var maxRetries: Int64 = 3
    var extra = JSONObject()
}

/// One answer of the model: its text and the tools it wants called.
struct ChatAnswer: Sendable, Equatable {
    struct ToolCall: Sendable, Equatable {
        var id: String
        var name: String
        var arguments: String
    }

    var content = ""
    var toolCalls: [ToolCall] = []
    var finishReason: String?

    /// The answer as the `complete` method of a LanguageModel object returns it.
    var json: JSONObject {
        JSONObject([
            ("content", .string(content)),
            ("tool_calls", .array(toolCalls.map { call in
                .object(JSONObject([("id", .string(call.id)), ("name", .string(call.name)), ("arguments", .string(call.arguments))]))
            })),
            ("finish_reason", finishReason.map(JSON.string) ?? .null),
        ])
    }

    /// The assistant message that carries this answer back into the conversation (tool calls included).
    var assistantMessage: JSON {
        var message = JSONObject([("role", .string("assistant")), ("content", toolCalls.isEmpty || !content.isEmpty ? .string(content) : .null)])
        if !toolCalls.isEmpty {
            message["tool_calls"] = .array(toolCalls.map { call in
                .object(JSONObject([
                    ("id", .string(call.id)), ("type", .string("function")),
                    ("function", .object(JSONObject([("name", .string(call.name)), ("arguments", .string(call.arguments))]))),
                ]))
            })
        }
        return .object(message)
    }
}

/// The OpenAI chat completions protocol over the host's HTTP (`POST {base}/chat/completions`), plain or streamed
/// as server-sent events, with retries on 429, 5xx and failed connections (exponential backoff, honouring
/// `Retry-After` up to a cap, stopping at once when the run is cancelled).
enum ChatCompletions {
    static let openAIBaseURL = "https://api.openai.com/v1"
    /// The longest wait between two attempts, in seconds.
    static let maximumBackoff = 8.0
    /// The most of an error answer quoted in a run error.
    static let quotedErrorLength = 300
    /// The largest plain JSON answer read from a server that did not stream (16 MiB).
    static let maximumPlainAnswer = 16 << 20

    static func complete(
        _ settings: ModelSettings, messages: [JSON], tools: [JSON] = [], stream: Bool, component: String, context: Context
    ) throws(ComponentFailure) -> ChatAnswer {
        guard !settings.model.isEmpty else { throw ComponentFailure("\(component): no model name: set model_name") }
        let base = settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw ComponentFailure("\(component): the API base URL must start with http:// or https://, found '\(base)'")
        }
        var body = settings.extra
        body["model"] = .string(settings.model)
        body["messages"] = .array(messages)
        if let temperature = settings.temperature { body["temperature"] = .double(temperature) }
        if let maxTokens = settings.maxTokens, maxTokens > 0 { body["max_tokens"] = .int(maxTokens) }
        if let seed = settings.seed { body["seed"] = .int(seed) }
        if settings.jsonMode { body["response_format"] = .object(JSONObject([("type", .string("json_object"))])) }
        if !tools.isEmpty { body["tools"] = .array(tools) }
        if stream { body["stream"] = .bool(true) }
        let payload = Array(JSON.object(body).serialized().utf8)
        var headers = [Context.HTTPHeader("Content-Type", "application/json"), .init("Accept", stream ? "text/event-stream" : "application/json")]
        if !settings.apiKey.isEmpty { headers.append(.init("Authorization", "Bearer \(settings.apiKey)")) }
        let url = base + "/chat/completions"

        var attempt: Int64 = 0
        while true {
            attempt += 1
            let retriesLeft = attempt <= settings.maxRetries
            let outcome: Result<(Context.HTTPResponse, ChatAnswer?, String), ComponentFailure>
            do throws(ComponentFailure) {
                outcome = .success(try send(url, headers: headers, body: payload, stream: stream, timeout: settings.timeout, context: context))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .failure(let error):
                if context.isCancelled { throw ComponentFailure("\(component): cancelled") }
                guard retriesLeft else {
                    throw ComponentFailure(redacted("\(component): the model API could not be reached\(attempts(attempt)): \(error.message)", settings))
                }
                try wait(seconds: backoff(attempt), component: component, context: context)
            case .success(let (response, answer, raw)):
                if (200..<300).contains(response.status) {
                    if let answer { return answer }
                    do throws(ComponentFailure) {
                        return try parse(raw)
                    } catch {
                        throw ComponentFailure(redacted("\(component): \(error.message)", settings))
                    }
                }
                let reason = apiMessage(raw)
                if (response.status == 429 || response.status >= 500) && retriesLeft {
                    context.log(.warning, "\(component): the model API answered \(response.status); retrying")
                    let hinted = response.header("Retry-After").flatMap(Double.init).map { min($0, maximumBackoff) }
                    try wait(seconds: hinted ?? backoff(attempt), component: component, context: context)
                    continue
                }
                throw ComponentFailure(redacted("\(component): the model API answered \(response.status)\(attempts(attempt)): \(reason)", settings))
            }
        }
    }

    private static func attempts(_ count: Int64) -> String { count > 1 ? " after \(count) attempts" : "" }

    private static func backoff(_ attempt: Int64) -> Double { min(maximumBackoff, 0.25 * Double(1 << min(attempt - 1, 10))) }

    /// Sleeps in small steps, stopping when the run is cancelled.
    private static func wait(seconds: Double, component: String, context: Context) throws(ComponentFailure) {
        var left = seconds
        while left > 0 {
            if context.isCancelled { throw ComponentFailure("\(component): cancelled") }
            let step = min(left, 0.05)
            usleep(UInt32(step * 1_000_000))
            left -= step
        }
    }

    /// The key never appears in what a run reports, even when an API quotes it back.
    static func redacted(_ message: String, _ settings: ModelSettings) -> String {
        guard settings.apiKey.count >= 4 else { return message }
        return message.replacing(settings.apiKey, with: "***")
    }

    /// One request: a streamed answer is parsed as it arrives (tokens emitted on the way); a plain one is
    /// returned as text for the caller to parse, also when a server answers a streaming request with plain JSON
    /// (some OpenAI-compatible servers ignore `stream`).
    private static func send(
        _ url: String, headers: [Context.HTTPHeader], body: [UInt8], stream: Bool, timeout: Int64, context: Context
    ) throws(ComponentFailure) -> (Context.HTTPResponse, ChatAnswer?, String) {
        let limit: Duration = .seconds(max(1, timeout))
        guard stream else {
            let response = try context.http(url, method: "POST", headers: headers, body: body, timeout: limit, maxRedirects: 0)
            return (response, nil, response.text)
        }
        var parser = EventStreamParser()
        var raw: [UInt8] = []
        let response = try context.http(url, method: "POST", headers: headers, body: body, timeout: limit, maxRedirects: 0) { chunk in
            // Kept for an error answer or a plain JSON one: the start of it, or all of it while no event came.
            let keep = parser.events == 0 ? maximumPlainAnswer : 64 * 1024
            if raw.count < keep { raw.append(contentsOf: chunk.prefix(keep - raw.count)) }
            parser.feed(chunk) { token in context.emitToken(token) }
            return !parser.done
        }
        guard (200..<300).contains(response.status) else { return (response, nil, String(decoding: raw, as: UTF8.self)) }
        if let error = parser.error { throw ComponentFailure("the model API streamed an error: \(error)") }
        if parser.events == 0 {
            // Not an event stream: a plain completion (or not a completion, which parse reports).
            return (response, nil, String(decoding: raw, as: UTF8.self))
        }
        return (response, parser.answerAtEnd, "")
    }

    /// A plain chat completion: `choices[0].message` with `content` and `tool_calls`.
    static func parse(_ text: String) throws(ComponentFailure) -> ChatAnswer {
        guard let document = try? JSON(parsing: text), let choice = document["choices"]?.arrayValue?.first, let message = choice["message"] else {
            throw ComponentFailure("the model API answered something that is not a chat completion: \(String(text.prefix(quotedErrorLength)))")
        }
        var answer = ChatAnswer()
        answer.content = message["content"]?.stringValue ?? ""
        answer.finishReason = choice["finish_reason"]?.stringValue
        for call in message["tool_calls"]?.arrayValue ?? [] {
            guard let function = call["function"], let name = function["name"]?.stringValue else { continue }
            let arguments = function["arguments"]?.stringValue ?? (function["arguments"].map { $0.serialized() } ?? "{}")
            answer.toolCalls.append(.init(id: call["id"]?.stringValue ?? "call_\(answer.toolCalls.count)", name: name, arguments: arguments))
        }
        return answer
    }

    /// The API's own error message (`{"error": {"message": ...}}`), else the start of the answer.
    static func apiMessage(_ text: String) -> String {
        if let document = try? JSON(parsing: text) {
            if let message = document["error"]?["message"]?.stringValue { return message }
            if let message = document["error"]?.stringValue ?? document["detail"]?.stringValue ?? document["message"]?.stringValue { return message }
        }
        let rest = trimmed(text)
        return rest.isEmpty ? "(no details)" : String(rest.prefix(quotedErrorLength))
    }
}

/// Reads a streamed chat completion (`text/event-stream`): `data: {json}` lines, `data: [DONE]` at the end.
/// Content deltas are handed out as tokens; tool call deltas are assembled by their index.
struct EventStreamParser {
    private var pending: [UInt8] = []
    private(set) var answer = ChatAnswer()
    private(set) var done = false
    private(set) var error: String?
    /// How many `data:` events arrived.
    private(set) var events = 0
    private var calls: [Int64: ChatAnswer.ToolCall] = [:]

    mutating func feed(_ chunk: UnsafeRawBufferPointer, token: (String) -> Void) {
        pending.append(contentsOf: chunk)
        while let newline = pending.firstIndex(of: 0x0A) {
            var line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            if line.last == 0x0D { line.removeLast() }
            handle(String(decoding: line, as: UTF8.self), token: token)
            if done { return }
        }
    }

    private mutating func handle(_ line: String, token: (String) -> Void) {
        guard line.hasPrefix("data:") else { return }
        let data = trimmed(String(line.dropFirst(5)))
        events += 1
        if data == "[DONE]" {
            finish()
            return
        }
        guard let event = try? JSON(parsing: data) else { return }
        if let message = event["error"]?["message"]?.stringValue ?? event["error"]?.stringValue {
            error = message
            finish()
            return
        }
        guard let choice = event["choices"]?.arrayValue?.first else { return }
        if let reason = choice["finish_reason"]?.stringValue { answer.finishReason = reason }
        guard let delta = choice["delta"] else { return }
        if let piece = delta["content"]?.stringValue, !piece.isEmpty {
            answer.content += piece
            token(piece)
        }
        for call in delta["tool_calls"]?.arrayValue ?? [] {
            let index = call["index"]?.numberValue.map { Int64($0) } ?? Int64(calls.count)
            var current = calls[index] ?? ChatAnswer.ToolCall(id: "", name: "", arguments: "")
            if let id = call["id"]?.stringValue { current.id = id }
            if let name = call["function"]?["name"]?.stringValue { current.name += name }
            if let arguments = call["function"]?["arguments"]?.stringValue { current.arguments += arguments }
            calls[index] = current
        }
    }

    private mutating func finish() {
        done = true
        answer.toolCalls = calls.keys.sorted().compactMap { calls[$0] }.enumerated().map { offset, call in
            var call = call
            if call.id.isEmpty { call.id = "call_\(offset)" }
            if call.arguments.isEmpty { call.arguments = "{}" }
            return call
        }
    }

    /// A stream that ended without `[DONE]` still yields what arrived.
    var answerAtEnd: ChatAnswer {
        var copy = self
        if !copy.done { copy.finish() }
        return copy.answer
    }
}
