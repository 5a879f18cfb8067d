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

    static let abiVersion = UInt32(LB_ABI_MAJOR) << 16 | UInt32(LB_ABI_MINOR)

    init(variables: [String: String] = [:], info: [String: String] = [:]) {
        self.variables = variables
        self.info = info
        table = .allocate(capacity: 1)
        table.initialize(to: lb_host_api())
        table.pointee.struct_size = UInt32(MemoryLayout<lb_host_api>.size)
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
        table.pointee.http_request = nil
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
