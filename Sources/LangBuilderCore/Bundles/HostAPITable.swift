import CLangBuilderABI
import Logging

/// The `lb_host_api` table passed to every bundle's entry point: process lifetime, shared by all bundles.
///
/// Each function receives the `lb_context` of the current call, which is a ``CallContext`` passed unretained.
enum HostAPITable {
    nonisolated(unsafe) static let pointer: UnsafePointer<lb_host_api> = {
        let table = UnsafeMutablePointer<lb_host_api>.allocate(capacity: 1)
        table.initialize(to: lb_host_api())
        table.pointee.struct_size = UInt32(MemoryLayout<lb_host_api>.size)
        table.pointee.abi_version = ABIVersion.host.packed
        table.pointee.log = { context, level, message in
            guard let call = CallContext.from(context) else { return }
            let text = String(message)
            let logLevel: Logger.Level =
                switch level {
                case UInt32(LB_LOG_TRACE): .trace
                case UInt32(LB_LOG_DEBUG): .debug
                case UInt32(LB_LOG_INFO): .info
                case UInt32(LB_LOG_WARNING): .warning
                default: .error
                }
            call.run.logger.log(
                level: logLevel, "\(text)",
                metadata: ["vertex": "\(call.vertexID)", "component": "\(call.componentType)"])
        }
        table.pointee.alloc = { context, size in
            CallContext.from(context)?.run.arena.allocate(size)
        }
        table.pointee.set_error = { context, message in
            CallContext.from(context)?.errorMessage = String(message)
        }
        table.pointee.emit = { context, name, payload in
            guard let call = CallContext.from(context), let name else { return Int32(LB_ERROR) }
            let eventName = String(cString: name)
            guard let object = (try? JSONValue(parsing: String(payload)))?.objectValue else {
                call.errorMessage = "emit(\"\(eventName)\"): the payload is not a JSON object"
                return Int32(LB_ERROR)
            }
            call.run.emit(ComponentEvent(name: eventName, body: .object(object), vertexID: call.vertexID, componentType: call.componentType))
            return Int32(LB_OK)
        }
        table.pointee.get_variable = { context, name, out in
            guard let call = CallContext.from(context), let name, let out else { return Int32(LB_ERROR) }
            // The host may have to read the variables from storage first, which waits.
            if let refused = HostServiceCalls.refusingBlocking(call, "get_variable") { return refused }
            guard let value = call.run.variable(named: String(cString: name)) else { return Int32(LB_NOT_FOUND) }
            return out.store(value, in: call.run.arena)
        }
        table.pointee.is_cancelled = { context in
            (CallContext.from(context)?.run.isCancelled ?? false) ? 1 : 0
        }
        table.pointee.get_info = { context, key, out in
            guard let call = CallContext.from(context), let key, let out else { return Int32(LB_ERROR) }
            let value: String?
            switch String(cString: key) {
            case "run_id": value = call.run.runID
            case "session_id": value = call.run.sessionID
            case "flow_id": value = call.run.flowID
            case "vertex_id": value = call.vertexID
            case "component": value = call.componentType
            case "user_id": value = call.run.userID
            default: value = nil
            }
            guard let value else { return Int32(LB_NOT_FOUND) }
            return out.store(value, in: call.run.arena)
        }
        table.pointee.http_request = { context, request, response in
            HostServiceCalls.httpRequest(context, request, response)
        }
        table.pointee.get_input_name = { context, index, out in
            guard let call = CallContext.from(context), let out else { return Int32(LB_ERROR) }
            guard index < call.inputNames.count else { return Int32(LB_NOT_FOUND) }
            return out.store(call.inputNames[index], in: call.run.arena)
        }
        // ABI 1.2: the host service table.
        table.pointee.emit_token = { context, chunk in
            guard let call = CallContext.from(context) else { return Int32(LB_ERROR) }
            call.run.emit(ComponentEvent(name: "token", body: .token(String(chunk)), vertexID: call.vertexID, componentType: call.componentType))
            return Int32(LB_OK)
        }
        table.pointee.get_messages = { context, query, out in HostServiceCalls.getMessages(context, query, out) }
        table.pointee.add_message = { context, message, stored in HostServiceCalls.addMessage(context, message, stored) }
        table.pointee.get_state = { context, key, out in HostServiceCalls.getState(context, key, out) }
        table.pointee.set_state = { context, key, value in HostServiceCalls.setState(context, key, value) }
        table.pointee.get_error = { context, out in
            guard let call = CallContext.from(context), let out else { return Int32(LB_ERROR) }
            guard let message = call.errorMessage, !message.isEmpty else { return Int32(LB_NOT_FOUND) }
            return out.store(message, in: call.run.arena)
        }
        // ABI 1.3.
        table.pointee.run_flow = { context, flow, request, out in HostServiceCalls.runFlow(context, flow, request, out) }
        return UnsafePointer(table)
    }()
}

extension CallContext {
    /// The `lb_context` pointer that stands for this call.
    var opaque: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ context: OpaquePointer?) -> CallContext? {
        guard let context else { return nil }
        return Unmanaged<CallContext>.fromOpaque(UnsafeRawPointer(context)).takeUnretainedValue()
    }
}

extension String {
    /// Decodes an `lb_string` (invalid UTF-8 is repaired with U+FFFD).
    init(_ string: lb_string) {
        guard let pointer = string.ptr, string.len > 0 else {
            self = ""
            return
        }
        self = String(decoding: UnsafeRawBufferPointer(start: pointer, count: string.len), as: UTF8.self)
    }
}

extension UnsafeMutablePointer<lb_string> {
    /// Copies `value` into the arena and points this `lb_string` at it.
    func store(_ value: String, in arena: Arena) -> Int32 {
        guard let copy = arena.copy(value) else { return Int32(LB_ERROR) }
        pointee = lb_string(ptr: UnsafePointer(copy.pointer), len: copy.count)
        return Int32(LB_OK)
    }
}
