import CLangBuilderABI
import Dispatch

/// The functions of the host service table (ABI 1.2: `http_request`, `get_messages`, `add_message`,
/// `get_state`, `set_state`): they read the bundle's structs, call the run's ``HostServices``, and copy the
/// answers into the run's arena.
enum HostServiceCalls {
    /// The sizes of the structs as an ABI 1.0 writer has them (the 1.1 fields read as zero past them).
    static let requestSize10 = StructReader<lb_http_request>.end(of: \.user_data)
    static let responseSize10 = StructReader<lb_http_response>.end(of: \.body)
    static let querySize11 = StructReader<lb_message_query>.end(of: \.sender_name)

    /// Sets the call's error and returns `status`.
    private static func fail(_ call: CallContext, _ message: String, _ status: Int32 = Int32(LB_ERROR)) -> Int32 {
        call.errorMessage = message
        return status
    }

    /// A call of a run on its caller's thread (every component non-blocking, ABI 1.4) may not wait: the
    /// blocking services refuse it with LB_UNSUPPORTED and a message naming the component; nil otherwise.
    static func refusingBlocking(_ call: CallContext, _ service: String) -> Int32? {
        guard call.run.runsOnCaller else { return nil }
        return fail(
            call,
            "\(service): \(call.componentType) is declared non-blocking (LB_COMPONENT_NONBLOCKING), so it may not call this blocking host service",
            Int32(LB_UNSUPPORTED))
    }

    // MARK: - HTTP

    static func httpRequest(
        _ context: OpaquePointer?, _ request: UnsafePointer<lb_http_request>?, _ response: UnsafeMutablePointer<lb_http_response>?
    ) -> Int32 {
        guard let call = CallContext.from(context) else { return Int32(LB_ERROR) }
        if let refused = refusingBlocking(call, "http_request") { return refused }
        guard let request, let response else { return fail(call, "http_request: request and response must not be NULL") }
        let reader = StructReader<lb_http_request>(UnsafeRawPointer(request))
        guard reader.size >= requestSize10 else {
            return fail(call, "http_request: request.struct_size is \(reader.size), less than the ABI 1.0 size \(requestSize10)")
        }
        let responseSize = response.pointee.struct_size == 0 ? responseSize10 : Int(response.pointee.struct_size)
        guard responseSize >= responseSize10 else {
            return fail(call, "http_request: response.struct_size is \(responseSize), less than the ABI 1.0 size \(responseSize10)")
        }
        guard let client = call.run.services.http else {
            return fail(call, "http_request: this host has no HTTP client", Int32(LB_UNSUPPORTED))
        }
        let fields = reader.value
        guard let url = fields.url else { return fail(call, "http_request: request.url is NULL") }
        var headers: [HostHTTPHeader] = []
        if fields.header_count > 0 {
            guard let list = fields.headers else {
                return fail(call, "http_request: request.headers is NULL but header_count is \(fields.header_count)")
            }
            headers.reserveCapacity(fields.header_count)
            for index in 0..<fields.header_count {
                headers.append(HostHTTPHeader(name: String(list[index].name), value: String(list[index].value)))
            }
        }
        var body: [UInt8] = []
        if fields.body.len > 0 {
            guard let pointer = fields.body.ptr else {
                return fail(call, "http_request: request.body.ptr is NULL but its length is \(fields.body.len)")
            }
            body = Array(UnsafeBufferPointer(start: pointer, count: fields.body.len))
        }
        var http = HostHTTPRequest(
            method: fields.method.map { String(cString: $0) } ?? "GET", url: String(cString: url), headers: headers, body: body,
            timeout: fields.timeout_ms > 0 ? .milliseconds(fields.timeout_ms) : nil,
            connectTimeout: fields.connect_timeout_ms > 0 ? .milliseconds(fields.connect_timeout_ms) : nil,
            maxRedirects: Int(fields.max_redirects),
            maxResponseBytes: fields.max_response_bytes > 0 ? Int(clamping: fields.max_response_bytes) : nil)
        if let onChunk = fields.on_chunk {
            let userData = fields.user_data
            http.onChunk = { buffer in
                onChunk(userData, lb_bytes(ptr: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), len: buffer.count)) == 0
            }
        }

        let answer: HostHTTPResponse
        do {
            answer = try client.perform(http, for: call)
        } catch {
            return fail(call, error.message, error.kind == .cancelled ? Int32(LB_CANCELLED) : Int32(LB_ERROR))
        }

        let arena = call.run.arena
        var headerList: UnsafeMutablePointer<lb_http_header>?
        if !answer.headers.isEmpty {
            guard let memory = arena.allocate(answer.headers.count * MemoryLayout<lb_http_header>.stride) else {
                return fail(call, "http_request: out of memory")
            }
            let list = memory.bindMemory(to: lb_http_header.self, capacity: answer.headers.count)
            for (index, header) in answer.headers.enumerated() {
                guard let name = arena.copy(header.name), let value = arena.copy(header.value) else {
                    return fail(call, "http_request: out of memory")
                }
                (list + index).initialize(
                    to: lb_http_header(
                        name: lb_string(ptr: UnsafePointer(name.pointer), len: name.count),
                        value: lb_string(ptr: UnsafePointer(value.pointer), len: value.count)))
            }
            headerList = list
        }
        var bodyBytes = lb_bytes(ptr: nil, len: 0)
        if !answer.body.isEmpty {
            guard let copy = answer.body.withUnsafeBytes({ arena.copy($0) }) else { return fail(call, "http_request: out of memory") }
            bodyBytes = lb_bytes(ptr: UnsafeRawPointer(copy).assumingMemoryBound(to: UInt8.self), len: answer.body.count)
        }
        // Every field of lb_http_response is from ABI 1.0, so the caller's struct (checked above) holds them all.
        response.pointee.status = Int32(clamping: answer.status)
        response.pointee.headers = UnsafePointer(headerList)
        response.pointee.header_count = answer.headers.count
        response.pointee.body = bodyBytes
        return Int32(LB_OK)
    }

    // MARK: - Chat history

    static func getMessages(_ context: OpaquePointer?, _ query: UnsafePointer<lb_message_query>?, _ out: UnsafeMutablePointer<lb_string>?) -> Int32 {
        guard let call = CallContext.from(context), let out else { return Int32(LB_ERROR) }
        if let refused = refusingBlocking(call, "get_messages") { return refused }
        guard let history = call.run.services.messages else {
            return fail(call, "get_messages: this host keeps no chat history", Int32(LB_UNSUPPORTED))
        }
        let run = call.run
        var selection = MessageQuery(userID: run.userID, sessionID: run.sessionID, flowID: run.flowID.isEmpty ? nil : run.flowID)
        if let query {
            let reader = StructReader<lb_message_query>(UnsafeRawPointer(query))
            guard reader.size >= querySize11 else {
                return fail(call, "get_messages: query.struct_size is \(reader.size), less than the ABI 1.2 size \(querySize11)")
            }
            let fields = reader.value
            if fields.limit > 0 { selection.limit = Int(fields.limit) }
            if let session = fields.session_id { selection.sessionID = String(cString: session) }
            selection.sender = fields.sender.map { String(cString: $0) }
            selection.senderName = fields.sender_name.map { String(cString: $0) }
        }
        let request = selection
        switch waitForResult({ try await history.messages(request) }) {
        case .failure(let error):
            return fail(call, "get_messages: \(error)")
        case .success(let messages):
            return out.store(JSONValue.array(messages.map(JSONValue.object)).serialized(), in: run.arena)
        }
    }

    static func addMessage(_ context: OpaquePointer?, _ message: lb_string, _ stored: UnsafeMutablePointer<lb_string>?) -> Int32 {
        guard let call = CallContext.from(context) else { return Int32(LB_ERROR) }
        if let refused = refusingBlocking(call, "add_message") { return refused }
        guard let history = call.run.services.messages else {
            return fail(call, "add_message: this host keeps no chat history", Int32(LB_UNSUPPORTED))
        }
        guard let object = (try? JSONValue(parsing: String(message)))?.objectValue else {
            return fail(call, "add_message: the message is not a JSON object")
        }
        let complete: JSONObject
        do {
            complete = try call.run.completeMessage(object)
        } catch {
            return fail(call, "add_message: \(error)")
        }
        let userID = call.run.userID
        if case .failure(let error) = waitForResult({ try await history.add(complete, userID: userID) }) {
            return fail(call, "add_message: \(error)")
        }
        guard let stored else { return Int32(LB_OK) }
        return stored.store(JSONValue.object(complete).serialized(), in: call.run.arena)
    }

    // MARK: - Flows

    static func runFlow(_ context: OpaquePointer?, _ flow: lb_string, _ request: lb_string, _ out: UnsafeMutablePointer<lb_string>?) -> Int32 {
        guard let call = CallContext.from(context), let out else { return Int32(LB_ERROR) }
        if let refused = refusingBlocking(call, "run_flow") { return refused }
        guard let flows = call.run.services.flows else {
            return fail(call, "run_flow: this host keeps no flows to run", Int32(LB_UNSUPPORTED))
        }
        let name = String(flow)
        guard !name.isEmpty else { return fail(call, "run_flow: name the flow to run") }
        var body = JSONObject()
        let text = String(request)
        if !text.isEmpty {
            guard let object = (try? JSONValue(parsing: text))?.objectValue else {
                return fail(call, "run_flow: the request is not a JSON object")
            }
            body = object
        }
        let run = call.run
        let requestBody = body
        // The flow runs in a task that the caller's cancellation cancels.
        let box = FlowAnswer()
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            do throws(FlowServiceError) {
                box.result = .success(try await flows.run(name, request: requestBody, caller: run))
            } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        run.withCancellationHandler({ done.wait() }, onCancel: { task.cancel() })
        switch box.result ?? .failure(FlowServiceError(.failed, "the flow did not answer")) {
        case .success(let answer):
            return out.store(answer.serialized(), in: run.arena)
        case .failure(let error):
            return fail(call, "run_flow: \(error.message)", error.kind == .notFound ? Int32(LB_NOT_FOUND) : Int32(LB_ERROR))
        }
    }

    /// Carries the flow's answer from its task to the waiting worker thread.
    private final class FlowAnswer: @unchecked Sendable {
        // Written by the task before it signals, read after the wait.
        var result: Result<JSONValue, FlowServiceError>?
    }

    // MARK: - Run state

    static func getState(_ context: OpaquePointer?, _ key: lb_string, _ out: UnsafeMutablePointer<lb_value>?) -> Int32 {
        guard let call = CallContext.from(context), let out else { return Int32(LB_ERROR) }
        let name = String(key)
        guard !name.isEmpty else { return fail(call, "get_state: the key is empty") }
        guard let value = call.run.state[name] else { return Int32(LB_NOT_FOUND) }
        var slot = lb_value()
        slot.struct_size = UInt32(MemoryLayout<lb_value>.size)
        guard value.write(to: &slot, arena: call.run.arena) else { return fail(call, "get_state: out of memory") }
        out.pointee = slot
        return Int32(LB_OK)
    }

    static func setState(_ context: OpaquePointer?, _ key: lb_string, _ value: UnsafePointer<lb_value>?) -> Int32 {
        guard let call = CallContext.from(context) else { return Int32(LB_ERROR) }
        let name = String(key)
        guard !name.isEmpty else { return fail(call, "set_state: the key is empty") }
        guard let value, value.pointee.kind != LB_VALUE_ABSENT else {
            call.run.state[name] = nil
            return Int32(LB_OK)
        }
        guard value.pointee.kind != LB_VALUE_OBJECT else {
            return fail(call, "set_state(\"\(name)\"): objects cannot be kept in the run state", Int32(LB_UNSUPPORTED))
        }
        do {
            call.run.state[name] = try Value.read(value.pointee, field: "set_state(\"\(name)\")", context: call)
        } catch {
            return fail(call, error.message)
        }
        return Int32(LB_OK)
    }
}
