public import LangBuilderCore
import Synchronization

/// A local OpenAI-compatible chat completions server on loopback (the edge of the world for model tests):
/// `POST /v1/chat/completions` answers each request with the next scripted reply (the last one repeats),
/// as plain JSON or as server-sent events, and keeps every request for the test to read.
public final class OpenAIStub: Sendable {
    public enum Reply: Sendable {
        /// A plain completion whose message says `content`.
        case answer(String)
        /// A plain completion asking for one tool call.
        case toolCall(name: String, arguments: String)
        /// A streamed completion: one `data:` event per piece, then `[DONE]`.
        case stream([String])
        /// A streamed completion asking for a tool call, its arguments split over two events; `done: false`
        /// ends the stream without `data: [DONE]`, as some servers do.
        case streamedToolCall(name: String, arguments: String, done: Bool = true)
        /// An error answer: status, body, headers.
        case failure(Int, String, [(String, String)])
    }

    public struct Request: Sendable {
        public var headers: [(name: String, value: String)]
        public var body: JSONValue

        public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        public var messages: [JSONValue] { body["messages"]?.arrayValue ?? [] }
        public var toolNames: [String] { (body["tools"]?.arrayValue ?? []).compactMap { $0["function"]?["name"]?.stringValue } }
    }

    private struct State {
        var replies: [Reply]
        var requests: [Request] = []
    }

    private let state: Mutex<State>
    private let server: Mutex<LoopbackHTTPServer?> = Mutex(nil)

    public init(_ replies: [Reply]) throws {
        state = Mutex(State(replies: replies))
        let server = try LoopbackHTTPServer { [weak self] request, responder in
            self?.serve(request, responder)
        }
        self.server.withLock { $0 = server }
    }

    deinit { stop() }

    public func stop() { server.withLock { $0?.stop() } }

    /// `http://127.0.0.1:<port>/v1`, what a component's base URL field takes.
    public var baseURL: String { server.withLock { $0!.url("/v1") } }

    public var requests: [Request] { state.withLock { $0.requests } }

    private func serve(_ request: LoopbackHTTPServer.Request, _ responder: LoopbackHTTPServer.Responder) {
        guard request.method == "POST", request.path == "/v1/chat/completions" else {
            responder.respond(status: 404, text: #"{"error":{"message":"no route \#(request.path)"}}"#)
            return
        }
        let body = (try? JSONValue(parsing: String(decoding: request.body, as: UTF8.self))) ?? .null
        let reply = state.withLock { state -> Reply in
            state.requests.append(Request(headers: request.headers, body: body))
            return state.replies.count > 1 ? state.replies.removeFirst() : state.replies[0]
        }
        let model = body["model"]?.stringValue ?? "?"
        switch reply {
        case .answer(let content):
            responder.respond(status: 200, headers: [("Content-Type", "application/json")], text: Self.completion(model, message: [
                "role": "assistant", "content": .string(content),
            ], finish: "stop"))
        case .toolCall(let name, let arguments):
            let call: JSONValue = ["id": .string("call_\(name)"), "type": "function", "function": ["name": .string(name), "arguments": .string(arguments)]]
            responder.respond(status: 200, headers: [("Content-Type", "application/json")], text: Self.completion(model, message: [
                "role": "assistant", "content": .null, "tool_calls": [call],
            ], finish: "tool_calls"))
        case .stream(let pieces):
            guard responder.beginChunks(headers: [("Content-Type", "text/event-stream")]) else { return }
            for piece in pieces {
                _ = responder.sendChunk("data: \(Self.chunk(model, delta: ["content": .string(piece)]))\n\n")
            }
            _ = responder.sendChunk("data: \(Self.chunk(model, delta: [:], finish: "stop"))\n\ndata: [DONE]\n\n")
            responder.endChunks()
        case .streamedToolCall(let name, let arguments, let done):
            guard responder.beginChunks(headers: [("Content-Type", "text/event-stream")]) else { return }
            let half = arguments.index(arguments.startIndex, offsetBy: arguments.count / 2)
            let first: JSONValue = ["index": 0, "id": "call_s", "type": "function", "function": ["name": .string(name), "arguments": .string(String(arguments[..<half]))]]
            let second: JSONValue = ["index": 0, "function": ["arguments": .string(String(arguments[half...]))]]
            _ = responder.sendChunk("data: \(Self.chunk(model, delta: ["tool_calls": [first]]))\n\n")
            _ = responder.sendChunk("data: \(Self.chunk(model, delta: ["tool_calls": [second]], finish: "tool_calls"))\n\n" + (done ? "data: [DONE]\n\n" : ""))
            responder.endChunks()
        case .failure(let status, let text, let headers):
            responder.respond(status: status, headers: [("Content-Type", "application/json")] + headers, text: text)
        }
    }

    private static func completion(_ model: String, message: JSONValue, finish: String) -> String {
        let answer: JSONValue = [
            "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": .string(model),
            "choices": [["index": 0, "message": message, "finish_reason": .string(finish)]],
            "usage": ["prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2],
        ]
        return answer.serialized()
    }

    private static func chunk(_ model: String, delta: JSONValue, finish: String? = nil) -> String {
        let chunk: JSONValue = [
            "id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 0, "model": .string(model),
            "choices": [["index": 0, "delta": delta, "finish_reason": finish.map(JSONValue.string) ?? .null]],
        ]
        return chunk.serialized()
    }
}
