import CLangBuilderABI

/// The host service table (ABI 1.2): HTTP through the host, the chat history, and the run's shared state.
///
/// ```swift
/// let response = try context.http("https://api.example.com/v1/items?limit=3", headers: [.init("Accept", "application/json")])
/// guard response.status == 200 else { throw ComponentFailure("items: HTTP \(response.status)") }
/// context.state["items"] = .json(type: "list", text: response.text)
/// let earlier = try context.history(limit: 10)
/// ```
extension Context {
    /// A header of an HTTP request or response.
    public struct HTTPHeader: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The final response to an HTTP request (after the redirects it followed).
    public struct HTTPResponse: Sendable, Equatable {
        public var status: Int
        /// The headers as the server sent them, in order.
        public var headers: [HTTPHeader]
        /// The body; empty for a streamed request.
        public var body: [UInt8]

        /// The body decoded as UTF-8 (invalid bytes become U+FFFD).
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The value of the first header named `name`, compared without regard to ASCII case.
        public func header(_ name: String) -> String? {
            let wanted = name.lowercased()
            return headers.first { $0.name.lowercased() == wanted }?.value
        }
    }

    /// Performs an HTTP request through the host (its proxy, TLS verification, timeouts and size limit) and
    /// returns the response, whatever its status. Throws when there is no response (the message says why, e.g.
    /// `http_request: connect to 127.0.0.1:1 failed: ...`), when the run was cancelled, or when the host has
    /// no HTTP.
    ///
    /// - Parameters:
    ///   - timeout: the whole transfer; nil: the host's default.
    ///   - connectTimeout: TCP and TLS handshake; nil: the host's default (ignored by ABI 1.0 hosts).
    ///   - maxRedirects: how many redirects to follow; 0 returns a 3xx response as it is.
    ///   - maxResponseBytes: a lower limit than the host's on the buffered body.
    public func http(
        _ url: String, method: String = "GET", headers: [HTTPHeader] = [], body: [UInt8] = [], timeout: Duration? = nil,
        connectTimeout: Duration? = nil, maxRedirects: Int = 5, maxResponseBytes: Int? = nil
    ) throws(ComponentFailure) -> HTTPResponse {
        try performHTTP(
            url, method: method, headers: headers, body: body, timeout: timeout, connectTimeout: connectTimeout,
            maxRedirects: maxRedirects, maxResponseBytes: maxResponseBytes, onChunk: nil)
    }

    /// Performs an HTTP request whose body is handed to `onChunk` as it arrives (an SSE stream, a chunked
    /// answer), on this thread, before this returns; `onChunk` returns false to stop reading, which is not an
    /// error. The returned response has the status and headers and an empty body. Otherwise as
    /// ``http(_:method:headers:body:timeout:connectTimeout:maxRedirects:maxResponseBytes:)``.
    public func http(
        _ url: String, method: String = "GET", headers: [HTTPHeader] = [], body: [UInt8] = [], timeout: Duration? = nil,
        connectTimeout: Duration? = nil, maxRedirects: Int = 5, onChunk: (UnsafeRawBufferPointer) -> Bool
    ) throws(ComponentFailure) -> HTTPResponse {
        try withoutActuallyEscaping(onChunk) { (reader) throws(ComponentFailure) -> HTTPResponse in
            try performHTTP(
                url, method: method, headers: headers, body: body, timeout: timeout, connectTimeout: connectTimeout,
                maxRedirects: maxRedirects, maxResponseBytes: nil, onChunk: ChunkReader(reader))
        }
    }

    /// Holds the chunk closure for the C callback, which reaches it through `user_data`.
    private final class ChunkReader {
        let read: (UnsafeRawBufferPointer) -> Bool
        init(_ read: @escaping (UnsafeRawBufferPointer) -> Bool) { self.read = read }
    }

    private func performHTTP(
        _ url: String, method: String, headers: [HTTPHeader], body: [UInt8], timeout: Duration?, connectTimeout: Duration?,
        maxRedirects: Int, maxResponseBytes: Int?, onChunk reader: ChunkReader?
    ) throws(ComponentFailure) -> HTTPResponse {
        guard hasHTTP, let perform = host.pointee.http_request else {
            throw ComponentFailure("http_request is not available in this host")
        }
        // The C strings and arrays the request points at live in the run's arena for the call.
        guard let urlCopy = arenaCString(url), let methodCopy = arenaCString(method) else { throw ComponentFailure("out of memory") }
        var list: UnsafeMutablePointer<lb_http_header>?
        if !headers.isEmpty {
            guard let memory = host.pointee.alloc?(context, headers.count * MemoryLayout<lb_http_header>.stride) else {
                throw ComponentFailure("out of memory")
            }
            let typed = memory.bindMemory(to: lb_http_header.self, capacity: headers.count)
            for (index, header) in headers.enumerated() {
                guard let name = arenaString(header.name), let value = arenaString(header.value) else { throw ComponentFailure("out of memory") }
                (typed + index).initialize(to: lb_http_header(name: name, value: value))
            }
            list = typed
        }
        var request = lb_http_request()
        request.struct_size = UInt32(MemoryLayout<lb_http_request>.size)
        request.method = UnsafePointer(methodCopy)
        request.url = UnsafePointer(urlCopy)
        request.headers = UnsafePointer(list)
        request.header_count = headers.count
        request.timeout_ms = Self.milliseconds(timeout)
        request.connect_timeout_ms = Self.milliseconds(connectTimeout)
        request.max_redirects = UInt32(clamping: max(0, maxRedirects))
        request.max_response_bytes = UInt64(clamping: max(0, maxResponseBytes ?? 0))
        if let reader {
            request.on_chunk = { userData, chunk in
                let reader = Unmanaged<ChunkReader>.fromOpaque(userData!).takeUnretainedValue()
                return reader.read(UnsafeRawBufferPointer(start: chunk.ptr, count: chunk.len)) ? 0 : 1
            }
            request.user_data = Unmanaged.passUnretained(reader).toOpaque()
        }
        var response = lb_http_response()
        response.struct_size = UInt32(MemoryLayout<lb_http_response>.size)
        let status = body.withUnsafeBufferPointer { bytes in
            request.body = lb_bytes(ptr: bytes.baseAddress, len: bytes.count)
            return withExtendedLifetime(reader) { perform(context, &request, &response) }
        }
        guard status == LB_OK else { throw hostFailure("http_request", status) }
        var received: [HTTPHeader] = []
        if let headers = response.headers {
            received = (0..<response.header_count).map { HTTPHeader(ABIBridge.string(headers[$0].name), ABIBridge.string(headers[$0].value)) }
        }
        let bytes = response.body.ptr.map { Array(UnsafeBufferPointer(start: $0, count: response.body.len)) } ?? []
        return HTTPResponse(status: Int(response.status), headers: received, body: bytes)
    }

    // MARK: - Chat history

    /// A message of the chat history (a Langflow Message).
    public struct ChatMessage: Sendable, Equatable {
        public var id: String
        public var text: String
        /// `User` or `Machine`.
        public var sender: String
        public var senderName: String
        public var sessionID: String
        /// As Langflow writes it: `2026-11-21 23:45:16.887643 UTC`.
        public var timestamp: String
        /// The whole message as JSON, with the members not listed here (`files`, `properties`, ...).
        public var json: String

        init(json: String) {
            self.json = json
            id = MiniJSON.stringField("id", in: json) ?? ""
            text = MiniJSON.stringField("text", in: json) ?? ""
            sender = MiniJSON.stringField("sender", in: json) ?? ""
            senderName = MiniJSON.stringField("sender_name", in: json) ?? ""
            sessionID = MiniJSON.stringField("session_id", in: json) ?? ""
            timestamp = MiniJSON.stringField("timestamp", in: json) ?? ""
        }
    }

    /// The last `limit` messages of a chat session (the run's by default), oldest first, optionally only those
    /// of one sender (`User` or `Machine`) or sender name. Throws when the host keeps no history.
    public func history(limit: Int = 100, sessionID: String? = nil, sender: String? = nil, senderName: String? = nil) throws(ComponentFailure) -> [ChatMessage] {
        guard hostHas(\.get_messages), let read = host.pointee.get_messages else {
            throw ComponentFailure("get_messages is not available in this host")
        }
        var query = lb_message_query()
        query.struct_size = UInt32(MemoryLayout<lb_message_query>.size)
        query.limit = UInt32(clamping: max(0, limit))
        guard let session = optionalCString(sessionID), let senderCopy = optionalCString(sender), let nameCopy = optionalCString(senderName)
        else { throw ComponentFailure("out of memory") }
        query.session_id = session.map { UnsafePointer($0) }
        query.sender = senderCopy.map { UnsafePointer($0) }
        query.sender_name = nameCopy.map { UnsafePointer($0) }
        var out = lb_string()
        let status = read(context, &query, &out)
        guard status == LB_OK else { throw hostFailure("get_messages", status) }
        guard let elements = MiniJSON.elements(ofArray: ABIBridge.string(out)) else {
            throw ComponentFailure("get_messages: the host answered something other than a JSON array")
        }
        return elements.map(ChatMessage.init(json:))
    }

    /// Appends a message to a chat session (the run's by default) and returns it as stored, with its id and
    /// timestamp. Throws when the host keeps no history.
    @discardableResult
    public func appendMessage(_ text: String, sender: String = "Machine", senderName: String = "AI", sessionID: String? = nil) throws(ComponentFailure) -> ChatMessage {
        guard hostHas(\.add_message), let add = host.pointee.add_message else {
            throw ComponentFailure("add_message is not available in this host")
        }
        var json = "{\"text\":\(jsonString(text)),\"sender\":\(jsonString(sender)),\"sender_name\":\(jsonString(senderName))"
        if let sessionID { json += ",\"session_id\":\(jsonString(sessionID))" }
        json += "}"
        var stored = lb_string()
        let status = json.withUTF8 { buffer in
            add(context, lb_string(ptr: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), len: buffer.count), &stored)
        }
        guard status == LB_OK else { throw hostFailure("add_message", status) }
        return ChatMessage(json: ABIBridge.string(stored))
    }

    // MARK: - Flows

    /// Runs another stored flow of the run's user (an id, endpoint name or name) to its end and returns its
    /// answer as JSON text: `{"flow_id", "session_id", "outputs": [{"id", "component", "results": {...}}]}`.
    /// `tweaksJSON` is a JSON object of tweaks by node id. Throws the host's message when there is no such flow,
    /// it fails, nests too deep, or the host runs no stored flows (ABI 1.3).
    public func runFlow(_ flow: String, inputValue: String? = nil, sessionID: String? = nil, tweaksJSON: String? = nil) throws(ComponentFailure) -> String {
        guard hostHas(\.run_flow), let run = host.pointee.run_flow else {
            throw ComponentFailure("run_flow is not available in this host (it needs ABI 1.3)")
        }
        var members: [String] = []
        if let inputValue { members.append("\"input_value\":\(jsonString(inputValue))") }
        if let sessionID { members.append("\"session_id\":\(jsonString(sessionID))") }
        if let tweaksJSON, !tweaksJSON.isEmpty { members.append("\"tweaks\":\(tweaksJSON)") }
        var request = "{" + members.joined(separator: ",") + "}"
        var name = flow
        var out = lb_string()
        let status = name.withUTF8 { flowBytes in
            request.withUTF8 { requestBytes in
                run(
                    context, lb_string(ptr: UnsafeRawPointer(flowBytes.baseAddress)?.assumingMemoryBound(to: CChar.self), len: flowBytes.count),
                    lb_string(ptr: UnsafeRawPointer(requestBytes.baseAddress)?.assumingMemoryBound(to: CChar.self), len: requestBytes.count), &out)
            }
        }
        guard status == LB_OK else { throw hostFailure("run_flow", status) }
        return ABIBridge.string(out)
    }

    // MARK: - Run state

    /// The key/value state shared by the components of this run (and no other run).
    ///
    /// ```swift
    /// context.state["page"] = .int(2)
    /// if case .int(let page)? = context.state["page"] { ... }
    /// ```
    public var state: RunState { RunState(context: self) }

    /// The run's shared state, seen from one call. Reads copy the value out; writes copy it in.
    public struct RunState {
        let context: Context

        /// The value under `key`, nil when none. Setting nil removes the key; setting an object (which cannot
        /// be kept) or writing on a host older than ABI 1.2 does nothing; use ``set(_:for:)`` to see failures.
        public subscript(key: String) -> Value? {
            get { try? get(key) }
            nonmutating set { try? set(newValue, for: key) }
        }

        /// The value under `key`, nil when none; throws on hosts older than ABI 1.2.
        public func get(_ key: String) throws(ComponentFailure) -> Value? {
            guard context.hostHas(\.get_state), let read = context.host.pointee.get_state else {
                throw ComponentFailure("get_state is not available in this host")
            }
            var slot = lb_value()
            slot.struct_size = UInt32(MemoryLayout<lb_value>.size)
            var key = key
            let status = key.withUTF8 { buffer in
                read(context.context, lb_string(ptr: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), len: buffer.count), &slot)
            }
            if status == LB_NOT_FOUND { return nil }
            guard status == LB_OK else { throw context.hostFailure("get_state", status) }
            return ABIBridge.value(slot)
        }

        /// Stores `value` under `key` (nil removes it).
        public func set(_ value: Value?, for key: String) throws(ComponentFailure) {
            guard context.hostHas(\.set_state), let write = context.host.pointee.set_state else {
                throw ComponentFailure("set_state is not available in this host")
            }
            var slot = lb_value()
            slot.struct_size = UInt32(MemoryLayout<lb_value>.size)
            if let value {
                guard ABIBridge.write(value, to: &slot, context: context) else { throw ComponentFailure("out of memory") }
            }
            var key = key
            let status = key.withUTF8 { buffer in
                write(context.context, lb_string(ptr: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), len: buffer.count), &slot)
            }
            guard status == LB_OK else { throw context.hostFailure("set_state", status) }
        }
    }

    // MARK: - Helpers

    /// The error a failed host function left on the call (`get_error`), else a generic one.
    func hostFailure(_ function: String, _ status: Int32) -> ComponentFailure {
        if hostHas(\.get_error), let read = host.pointee.get_error {
            var out = lb_string()
            if read(context, &out) == LB_OK { return ComponentFailure(ABIBridge.string(out)) }
        }
        return ComponentFailure(status == LB_CANCELLED ? "\(function): cancelled" : "\(function) failed with status \(status)")
    }

    private func arenaString(_ text: String) -> lb_string? {
        arenaCString(text).map { lb_string(ptr: UnsafePointer($0), len: text.utf8.count) }
    }

    private func arenaCString(_ text: String) -> UnsafeMutablePointer<CChar>? {
        var text = text
        return text.withUTF8 { buffer in
            guard let memory = host.pointee.alloc?(context, buffer.count + 1) else { return nil }
            if let base = buffer.baseAddress, buffer.count > 0 { memory.copyMemory(from: base, byteCount: buffer.count) }
            memory.storeBytes(of: 0, toByteOffset: buffer.count, as: UInt8.self)
            return memory.assumingMemoryBound(to: CChar.self)
        }
    }

    /// An arena copy of `text`: `.some(nil)` when `text` is nil, nil when out of memory.
    private func optionalCString(_ text: String?) -> UnsafeMutablePointer<CChar>?? {
        guard let text else { return .some(nil) }
        guard let copy = arenaCString(text) else { return nil }
        return .some(copy)
    }

    private static func milliseconds(_ duration: Duration?) -> UInt32 {
        guard let duration else { return 0 }
        let components = duration.components
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        return UInt32(clamping: max(1, milliseconds))
    }
}
