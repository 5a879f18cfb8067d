#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLangBuilderABI
import LangBuilderBundleSDK

/// A host made by the test: an `lb_host_api` table whose functions answer from this object's state.
///
/// The object itself is the `lb_context` handed to the callbacks. Every `alloc` is a `malloc` tracked in a
/// list and freed with the host, like a run's arena; `set_error` collects the messages.
final class TestHost: @unchecked Sendable {
    let table: UnsafeMutablePointer<lb_host_api>
    private(set) var allocations: [UnsafeMutableRawPointer] = []
    private(set) var errors: [String] = []
    private(set) var logs: [(level: UInt32, message: String)] = []
    private(set) var events: [(name: String, payload: String)] = []
    var variables: [String: String]
    var info: [String: String]
    var cancelled = false
    // ABI 1.2: the host service table.
    private(set) var tokens: [String] = []
    private(set) var state: [String: lb_value] = [:]
    private(set) var messages: [String] = []
    private(set) var lastQuery: (limit: UInt32, session: String?, sender: String?, senderName: String?)?
    private(set) var lastRequest: HTTPRequestSeen?
    /// What `http_request` answers: a response, or a failure message.
    var httpAnswer: Result<(status: Int32, headers: [(String, String)], body: String), HTTPFailure> = .success((200, [], ""))
    /// When set and the request has `on_chunk`, the body is handed over in these chunks.
    var httpChunks: [String] = []

    struct HTTPFailure: Error {
        var message: String
    }

    struct HTTPRequestSeen {
        var method: String
        var url: String
        var headers: [String]
        var body: String
        var timeout: UInt32
        var connectTimeout: UInt32
        var maxRedirects: UInt32
        var maxResponseBytes: UInt64
        var streamed: Bool
    }

    static let abiVersion = UInt32(LB_ABI_MAJOR) << 16 | UInt32(LB_ABI_MINOR)

    /// - Parameter structSize: the table's `struct_size`; 80 plays an ABI 1.0 host.
    init(variables: [String: String] = [:], info: [String: String] = [:], structSize: Int = MemoryLayout<lb_host_api>.size) {
        self.variables = variables
        self.info = info
        table = .allocate(capacity: 1)
        table.initialize(to: lb_host_api())
        table.pointee.struct_size = UInt32(structSize)
        table.pointee.abi_version = Self.abiVersion
        table.pointee.log = { context, level, message in
            TestHost.from(context).logs.append((level, TestHost.string(message)))
        }
        table.pointee.alloc = { context, size in
            TestHost.from(context).allocate(size)
        }
        table.pointee.set_error = { context, message in
            TestHost.from(context).errors.append(TestHost.string(message))
        }
        table.pointee.emit = { context, name, payload in
            guard let name else { return Int32(LB_ERROR) }
            TestHost.from(context).events.append((String(cString: name), TestHost.string(payload)))
            return Int32(LB_OK)
        }
        table.pointee.get_variable = { context, name, out in
            let host = TestHost.from(context)
            guard let name, let out else { return Int32(LB_ERROR) }
            guard let value = host.variables[String(cString: name)] else { return Int32(LB_NOT_FOUND) }
            out.pointee = host.copy(value)
            return Int32(LB_OK)
        }
        table.pointee.is_cancelled = { context in
            TestHost.from(context).cancelled ? 1 : 0
        }
        table.pointee.get_info = { context, key, out in
            let host = TestHost.from(context)
            guard let key, let out else { return Int32(LB_ERROR) }
            guard let value = host.info[String(cString: key)] else { return Int32(LB_NOT_FOUND) }
            out.pointee = host.copy(value)
            return Int32(LB_OK)
        }
        table.pointee.http_request = { context, request, response in
            TestHost.from(context).serveHTTP(request!.pointee, response!)
        }
        table.pointee.emit_token = { context, chunk in
            TestHost.from(context).tokens.append(TestHost.string(chunk))
            return Int32(LB_OK)
        }
        table.pointee.get_messages = { context, query, out in
            let host = TestHost.from(context)
            if let query = query?.pointee {
                host.lastQuery = (query.limit, query.session_id.map { String(cString: $0) }, query.sender.map { String(cString: $0) },
                                  query.sender_name.map { String(cString: $0) })
            }
            out!.pointee = host.copy("[" + host.messages.joined(separator: ",") + "]")
            return Int32(LB_OK)
        }
        table.pointee.add_message = { context, message, stored in
            let host = TestHost.from(context)
            var text = TestHost.string(message)
            guard text.hasPrefix("{"), text.hasSuffix("}") else { return Int32(LB_ERROR) }
            text = "{\"id\":\"m\(host.messages.count + 1)\"," + text.dropFirst()
            host.messages.append(text)
            stored?.pointee = host.copy(text)
            return Int32(LB_OK)
        }
        table.pointee.get_state = { context, key, out in
            let host = TestHost.from(context)
            guard let value = host.state[TestHost.string(key)] else { return Int32(LB_NOT_FOUND) }
            out!.pointee = value
            return Int32(LB_OK)
        }
        table.pointee.set_state = { context, key, value in
            let host = TestHost.from(context)
            let name = TestHost.string(key)
            guard let value, value.pointee.kind != LB_VALUE_ABSENT else {
                host.state[name] = nil
                return Int32(LB_OK)
            }
            host.state[name] = host.keep(value.pointee)
            return Int32(LB_OK)
        }
        table.pointee.get_error = { context, out in
            let host = TestHost.from(context)
            guard let last = host.errors.last else { return Int32(LB_NOT_FOUND) }
            out!.pointee = host.copy(last)
            return Int32(LB_OK)
        }
    }

    /// A copy of a value whose bytes live as long as the host (what `set_state` keeps).
    private func keep(_ value: lb_value) -> lb_value {
        var copy = value
        if value.kind == LB_VALUE_STRING || value.kind == LB_VALUE_JSON || value.kind == LB_VALUE_BYTES {
            let memory = allocate(max(value.u.string.len, 1))!
            if let source = value.u.string.ptr { memory.copyMemory(from: source, byteCount: value.u.string.len) }
            copy.u.string.ptr = UnsafePointer(memory.assumingMemoryBound(to: CChar.self))
        }
        if let type = value.type_name { copy.type_name = cString(String(cString: type)) }
        return copy
    }

    private func serveHTTP(_ request: lb_http_request, _ response: UnsafeMutablePointer<lb_http_response>) -> Int32 {
        var headers: [String] = []
        for index in 0..<request.header_count {
            headers.append("\(Self.string(request.headers[index].name)): \(Self.string(request.headers[index].value))")
        }
        let body = request.body.ptr.map { String(decoding: UnsafeBufferPointer(start: $0, count: request.body.len), as: UTF8.self) } ?? ""
        lastRequest = HTTPRequestSeen(
            method: String(cString: request.method), url: String(cString: request.url), headers: headers, body: body,
            timeout: request.timeout_ms, connectTimeout: request.connect_timeout_ms, maxRedirects: request.max_redirects,
            maxResponseBytes: request.max_response_bytes, streamed: request.on_chunk != nil)
        switch httpAnswer {
        case .failure(let failure):
            errors.append(failure.message)
            return Int32(LB_ERROR)
        case .success(let answer):
            response.pointee.status = answer.status
            let list = allocate(max(answer.headers.count, 1) * MemoryLayout<lb_http_header>.stride)!.bindMemory(to: lb_http_header.self, capacity: max(answer.headers.count, 1))
            for (index, header) in answer.headers.enumerated() {
                (list + index).initialize(to: lb_http_header(name: copy(header.0), value: copy(header.1)))
            }
            response.pointee.headers = UnsafePointer(list)
            response.pointee.header_count = answer.headers.count
            if let onChunk = request.on_chunk {
                for chunk in httpChunks {
                    let piece = copy(chunk)
                    let stop = onChunk(request.user_data, lb_bytes(ptr: UnsafeRawPointer(piece.ptr)?.assumingMemoryBound(to: UInt8.self), len: piece.len))
                    if stop != 0 { break }
                }
                response.pointee.body = lb_bytes(ptr: nil, len: 0)
            } else {
                let text = copy(answer.body)
                response.pointee.body = lb_bytes(ptr: UnsafeRawPointer(text.ptr)?.assumingMemoryBound(to: UInt8.self), len: text.len)
            }
            return Int32(LB_OK)
        }
    }

    deinit {
        for allocation in allocations { free(allocation) }
        table.deinitialize(count: 1)
        table.deallocate()
    }

    /// The table as `BundleDefinition.export(hostABI:host:)` takes it.
    var opaqueTable: OpaquePointer { OpaquePointer(table) }

    /// The `lb_context` of a call: this object, unretained.
    var context: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ context: OpaquePointer?) -> TestHost {
        Unmanaged<TestHost>.fromOpaque(UnsafeRawPointer(context!)).takeUnretainedValue()
    }

    func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        guard let memory = malloc(max(size, 1)) else { return nil }
        allocations.append(memory)
        return memory
    }

    /// A NUL-terminated copy in tracked memory.
    func cString(_ text: String) -> UnsafePointer<CChar> {
        let bytes = Array(text.utf8)
        let memory = allocate(bytes.count + 1)!
        memory.copyMemory(from: bytes, byteCount: bytes.count)
        memory.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
        return UnsafePointer(memory.assumingMemoryBound(to: CChar.self))
    }

    func copy(_ text: String) -> lb_string {
        lb_string(ptr: cString(text), len: text.utf8.count)
    }

    static func string(_ string: lb_string) -> String {
        guard let pointer = string.ptr, string.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: string.len), as: UTF8.self)
    }

    // MARK: - Values

    static func absent() -> lb_value {
        var value = lb_value()
        value.struct_size = UInt32(MemoryLayout<lb_value>.size)
        value.kind = LB_VALUE_ABSENT
        return value
    }

    func string(_ text: String) -> lb_value {
        var value = Self.absent()
        value.kind = LB_VALUE_STRING
        value.u.string = copy(text)
        return value
    }

    func json(type: String, _ text: String) -> lb_value {
        var value = Self.absent()
        value.kind = LB_VALUE_JSON
        value.type_name = cString(type)
        value.u.string = copy(text)
        return value
    }

    static func int(_ integer: Int64) -> lb_value {
        var value = absent()
        value.kind = LB_VALUE_INT
        value.u.integer = integer
        return value
    }

    static func double(_ number: Double) -> lb_value {
        var value = absent()
        value.kind = LB_VALUE_DOUBLE
        value.u.number = number
        return value
    }

    static func null() -> lb_value {
        var value = absent()
        value.kind = LB_VALUE_NULL
        return value
    }
}

/// An exported bundle seen the way a host sees it: through the C tables, walked with the writer's strides.
struct ExportedBundle {
    let descriptor: UnsafePointer<lb_bundle_descriptor>

    init?(_ pointer: OpaquePointer?) {
        guard let pointer else { return nil }
        descriptor = UnsafePointer(pointer)
    }

    var componentCount: Int { Int(descriptor.pointee.component_count) }

    func component(_ index: Int) -> ExportedComponent {
        let base = UnsafeRawPointer(descriptor.pointee.components!)
        let record = base.advanced(by: index * Int(descriptor.pointee.component_stride))
        return ExportedComponent(record: record.assumingMemoryBound(to: lb_component.self))
    }

    func component(named typeName: String) -> ExportedComponent? {
        (0..<componentCount).map(component).first { $0.typeName == typeName }
    }
}

/// One `lb_component` record and calls through its C function pointers.
struct ExportedComponent {
    let record: UnsafePointer<lb_component>

    var typeName: String { String(cString: record.pointee.type_name) }

    func input(_ index: Int) -> lb_input_port {
        let base = UnsafeRawPointer(record.pointee.inputs!)
        return base.advanced(by: index * Int(record.pointee.input_stride)).assumingMemoryBound(to: lb_input_port.self).pointee
    }

    func output(_ index: Int) -> lb_output_port {
        let base = UnsafeRawPointer(record.pointee.outputs!)
        return base.advanced(by: index * Int(record.pointee.output_stride)).assumingMemoryBound(to: lb_output_port.self).pointee
    }

    /// Calls `create` with one config value per input; returns the status and the instance pointer.
    func create(config: [lb_value], host: TestHost) -> (status: Int32, instance: UnsafeMutableRawPointer?) {
        var instance: UnsafeMutableRawPointer?
        let status = config.withUnsafeBufferPointer { buffer in
            record.pointee.create!(record, host.context, buffer.baseAddress, buffer.count, &instance)
        }
        return (status, instance)
    }

    /// Calls `run` with one value per input and one zero-filled slot per output; returns the status and the slots.
    func run(_ instance: UnsafeMutableRawPointer?, inputs: [lb_value], host: TestHost) -> (status: Int32, outputs: [lb_value]) {
        var outputs = Array(repeating: TestHost.absent(), count: Int(record.pointee.output_count))
        let status = inputs.withUnsafeBufferPointer { buffer in
            outputs.withUnsafeMutableBufferPointer { slots in
                record.pointee.run!(instance, host.context, buffer.baseAddress, buffer.count, slots.baseAddress, slots.count)
            }
        }
        return (status, outputs)
    }

    func destroy(_ instance: UnsafeMutableRawPointer?) {
        record.pointee.destroy?(instance)
    }
}

/// Reads a C string list terminated by NULL.
func stringList(_ list: UnsafePointer<UnsafePointer<CChar>?>?) -> [String]? {
    guard let list else { return nil }
    var strings: [String] = []
    var index = 0
    while let item = list[index] {
        strings.append(String(cString: item))
        index += 1
    }
    return strings
}

/// Reads an optional C string.
func optionalString(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}

/// The text of a string or JSON output slot.
func text(of value: lb_value) -> String? {
    guard value.kind == LB_VALUE_STRING || value.kind == LB_VALUE_JSON else { return nil }
    return TestHost.string(value.u.string)
}
