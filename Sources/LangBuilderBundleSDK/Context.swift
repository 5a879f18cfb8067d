import CLangBuilderABI

/// What the host offers a running component: logging, streamed events, variables, cancellation.
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

    /// Streams a token of the answer being produced (an LLM chunk) to the run's event stream.
    public func emitToken(_ chunk: String) {
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
    public var hasHTTP: Bool {
        host.pointee.struct_size >= UInt32(MemoryLayout<lb_host_api>.offset(of: \.http_request)! + MemoryLayout<UnsafeRawPointer>.size)
            && host.pointee.http_request != nil
    }
}
