import CLangBuilderABI

/// What the host offers a running component: logging, streamed events, variables, cancellation, and (ABI 1.2)
/// HTTP, the chat history and the run's shared state.
public struct Context: @unchecked Sendable {
    let host: UnsafePointer<lb_host_api>
    let context: OpaquePointer?

    public enum LogLevel: UInt32, Sendable {
        case trace = 0, debug, info, warning, error
    }

    /// Writes a log line attributed to this component.
    public func log(_ level: LogLevel = .info, _ message: String) {
        guard let log = host.pointee.log else { return }
        var message = message
        message.withUTF8 { buffer in
            log(context, level.rawValue, lb_string(ptr: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), len: buffer.count))
        }
    }

    /// Streams a token of the answer being produced (an LLM chunk) to the run's event stream: Langflow's
    /// `token` event, `{"chunk": ...}`. Uses `emit_token` on hosts of ABI 1.2 and later.
    public func emitToken(_ chunk: String) {
        if hostHas(\.emit_token), let emitToken = host.pointee.emit_token {
            var chunk = chunk
            _ = chunk.withUTF8 { buffer in
                emitToken(context, lb_string(ptr: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), len: buffer.count))
            }
            return
        }
        emit("token", payload: "{\"chunk\":\(jsonString(chunk))}")
    }

    /// Emits an event with a JSON payload.
    public func emit(_ name: String, payload: String) {
        guard let emit = host.pointee.emit else { return }
        var payload = payload
        _ = payload.withUTF8 { buffer in
            name.withCString { emit(context, $0, lb_string(ptr: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), len: buffer.count)) }
        }
    }

    /// A variable or secret of the run's user, or nil.
    public func variable(named name: String) -> String? {
        guard let get = host.pointee.get_variable else { return nil }
        var out = lb_string()
        let status = name.withCString { get(context, $0, &out) }
        return status == LB_OK ? ABIBridge.string(out) : nil
    }

    /// A property of the current call: "run_id", "session_id", "flow_id", "vertex_id", "component", "user_id".
    public func info(_ key: String) -> String? {
        guard let get = host.pointee.get_info else { return nil }
        var out = lb_string()
        let status = key.withCString { get(context, $0, &out) }
        return status == LB_OK ? ABIBridge.string(out) : nil
    }

    /// True once the run was cancelled; long work should stop and throw.
    public var isCancelled: Bool {
        guard let check = host.pointee.is_cancelled else { return false }
        return check(context) != 0
    }

    /// Whether the host can make HTTP requests for bundles.
    public var hasHTTP: Bool { hostHas(\.http_request) && host.pointee.http_request != nil }

    /// Whether the host's table is large enough to have the function slot `field` (it may be older than the SDK).
    func hostHas<Field>(_ field: KeyPath<lb_host_api, Field>) -> Bool {
        guard let offset = MemoryLayout<lb_host_api>.offset(of: field) else { return false }
        return Int(host.pointee.struct_size) >= offset + MemoryLayout<Field>.size
    }
}
