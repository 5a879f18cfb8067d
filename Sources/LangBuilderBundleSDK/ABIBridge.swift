#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLangBuilderABI

/// The C tables of one exported bundle. Allocated once and never freed: the host keeps pointers into them
/// for the life of the process.
final class ExportedTables: @unchecked Sendable {
    let descriptor: UnsafeMutablePointer<lb_bundle_descriptor>

    init(bundle: BundleDefinition, host: UnsafePointer<lb_host_api>) {
        let fingerprint = UnsafeMutablePointer<lb_fingerprint>.allocate(capacity: 1)
        fingerprint.initialize(to: lb_fingerprint())
        fingerprint.pointee.struct_size = UInt32(MemoryLayout<lb_fingerprint>.size)
        fingerprint.pointee.pointer_size = UInt32(MemoryLayout<UnsafeRawPointer>.size)
        fingerprint.pointee.value_size = UInt32(MemoryLayout<lb_value>.size)
        fingerprint.pointee.byte_order = UInt32(LB_BYTE_ORDER_MARK)
        fingerprint.pointee.language = UInt32(LB_LANGUAGE_SWIFT)
        fingerprint.pointee.swift_compiler_version = ABIBridge.persistent(swiftCompilerVersionString)

        let components = UnsafeMutablePointer<lb_component>.allocate(capacity: max(bundle.components.count, 1))
        for (index, definition) in bundle.components.enumerated() {
            (components + index).initialize(to: ABIBridge.component(definition, host: host))
        }

        descriptor = UnsafeMutablePointer<lb_bundle_descriptor>.allocate(capacity: 1)
        descriptor.initialize(to: lb_bundle_descriptor())
        descriptor.pointee.struct_size = UInt32(MemoryLayout<lb_bundle_descriptor>.size)
        descriptor.pointee.abi_version = UInt32(LB_ABI_MAJOR) << 16 | UInt32(LB_ABI_MINOR)
        descriptor.pointee.fingerprint = UnsafePointer(fingerprint)
        descriptor.pointee.id = ABIBridge.persistent(bundle.id)
        descriptor.pointee.version = ABIBridge.persistent(bundle.version)
        descriptor.pointee.display_name = ABIBridge.persistent(bundle.displayName)
        descriptor.pointee.description = ABIBridge.persistent(bundle.description)
        descriptor.pointee.license = bundle.license.map(ABIBridge.persistent)
        descriptor.pointee.homepage = bundle.homepage.map(ABIBridge.persistent)
        descriptor.pointee.components = UnsafePointer(components)
        descriptor.pointee.component_count = UInt32(bundle.components.count)
        descriptor.pointee.component_stride = UInt32(MemoryLayout<lb_component>.stride)
        descriptor.pointee.functions = nil
        descriptor.pointee.function_count = 0
        descriptor.pointee.function_stride = UInt32(MemoryLayout<lb_function>.stride)
        descriptor.pointee.extension = nil
    }
}

/// A component definition with the host table, reachable from the C callbacks through `user_data`.
final class ComponentBox: @unchecked Sendable {
    let definition: ComponentDefinition
    let host: UnsafePointer<lb_host_api>
    let inputNames: [String]
    let outputNames: [String]

    init(definition: ComponentDefinition, host: UnsafePointer<lb_host_api>) {
        self.definition = definition
        self.host = host
        self.inputNames = definition.inputs.map(\.name)
        self.outputNames = definition.outputs.map(\.name)
    }
}

/// One live instance: the behaviour object and its component.
final class InstanceBox {
    let behavior: any ComponentBehavior
    let component: ComponentBox

    init(behavior: any ComponentBehavior, component: ComponentBox) {
        self.behavior = behavior
        self.component = component
    }
}

/// All pointer work of the SDK: building the tables and converting values.
enum ABIBridge {
    /// A NUL-terminated copy that is never freed.
    static func persistent(_ string: String) -> UnsafePointer<CChar> {
        // withCString borrows a native string's bytes; passing the String to strdup would build a
        // utf8CString array first, which was most of the cost of exporting a bundle.
        UnsafePointer(string.withCString { strdup($0)! })
    }

    /// A NULL-terminated list of persistent strings, or NULL for an empty list.
    static func persistentList(_ strings: [String]?) -> UnsafePointer<UnsafePointer<CChar>?>? {
        guard let strings else { return nil }
        let list = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { (list + index).initialize(to: persistent(string)) }
        (list + strings.count).initialize(to: nil)
        return UnsafePointer(list)
    }

    static func component(_ definition: ComponentDefinition, host: UnsafePointer<lb_host_api>) -> lb_component {
        let inputs = UnsafeMutablePointer<lb_input_port>.allocate(capacity: max(definition.inputs.count, 1))
        for (index, input) in definition.inputs.enumerated() {
            var port = lb_input_port()
            port.struct_size = UInt32(MemoryLayout<lb_input_port>.size)
            var flags: UInt32 = 0
            if input.isRequired { flags |= UInt32(LB_INPUT_REQUIRED) }
            if input.isList { flags |= UInt32(LB_INPUT_LIST) }
            if input.isAdvanced { flags |= UInt32(LB_INPUT_ADVANCED) }
            if input.isSecret { flags |= UInt32(LB_INPUT_SECRET) }
            if input.isMultiline { flags |= UInt32(LB_INPUT_MULTILINE) }
            if input.isHidden { flags |= UInt32(LB_INPUT_HIDDEN) }
            if input.isHandle { flags |= UInt32(LB_INPUT_HANDLE) }
            port.flags = flags
            port.name = persistent(input.name)
            port.display_name = persistent(input.displayName)
            port.info = input.info.map(persistent)
            port.field_type = persistent(input.fieldType)
            port.accepted_types = input.acceptedTypes.isEmpty ? nil : persistentList(input.acceptedTypes)
            port.default_json = input.defaultJSON.map(persistent)
            port.options = persistentList(input.options)
            (inputs + index).initialize(to: port)
        }
        let outputs = UnsafeMutablePointer<lb_output_port>.allocate(capacity: max(definition.outputs.count, 1))
        for (index, output) in definition.outputs.enumerated() {
            var port = lb_output_port()
            port.struct_size = UInt32(MemoryLayout<lb_output_port>.size)
            port.flags = (output.isHidden ? UInt32(LB_OUTPUT_HIDDEN) : 0) | (output.allowsLoop ? UInt32(LB_OUTPUT_ALLOWS_LOOP) : 0)
            port.name = persistent(output.name)
            port.display_name = persistent(output.displayName)
            port.types = persistentList(output.types)
            (outputs + index).initialize(to: port)
        }
        var component = lb_component()
        component.struct_size = UInt32(MemoryLayout<lb_component>.size)
        component.flags = (definition.isThreadSafe ? UInt32(LB_COMPONENT_THREADSAFE) : 0)
            | (definition.acceptsExtraInputs ? UInt32(LB_COMPONENT_EXTRA_INPUTS) : 0)
            | (definition.isLegacy ? UInt32(LB_COMPONENT_LEGACY) : 0)
            | (definition.isBeta ? UInt32(LB_COMPONENT_BETA) : 0)
            | (definition.isNonBlocking ? UInt32(LB_COMPONENT_NONBLOCKING) : 0)
        component.type_name = persistent(definition.typeName)
        component.display_name = persistent(definition.displayName)
        component.description = persistent(definition.description)
        component.category = persistent(definition.category)
        component.icon = definition.icon.map(persistent)
        component.documentation = definition.documentation.map(persistent)
        component.aliases = definition.aliases.isEmpty ? nil : persistentList(definition.aliases)
        component.inputs = UnsafePointer(inputs)
        component.input_count = UInt32(definition.inputs.count)
        component.input_stride = UInt32(MemoryLayout<lb_input_port>.stride)
        component.outputs = UnsafePointer(outputs)
        component.output_count = UInt32(definition.outputs.count)
        component.output_stride = UInt32(MemoryLayout<lb_output_port>.stride)
        component.user_data = Unmanaged.passRetained(ComponentBox(definition: definition, host: host)).toOpaque()
        component.create = { component, context, config, count, instance in
            guard let userData = component?.pointee.user_data, let instance else { return Int32(LB_ERROR) }
            let box = Unmanaged<ComponentBox>.fromOpaque(userData).takeUnretainedValue()
            let ctx = Context(host: box.host, context: context)
            let inputs = Inputs(names: ABIBridge.names(box.inputNames, count, ctx), values: ABIBridge.values(config, count), typeName: box.definition.typeName)
            do {
                let behavior = try box.definition.makeInstance(inputs, ctx)
                instance.pointee = Unmanaged.passRetained(InstanceBox(behavior: behavior, component: box)).toOpaque()
                return Int32(LB_OK)
            } catch {
                return ABIBridge.fail(error, ctx)
            }
        }
        component.run = { instance, context, inputs, inputCount, outputs, outputCount in
            guard let instance else { return Int32(LB_ERROR) }
            let box = Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
            let component = box.component
            let ctx = Context(host: component.host, context: context)
            let received = Inputs(names: ABIBridge.names(component.inputNames, inputCount, ctx), values: ABIBridge.values(inputs, inputCount), typeName: component.definition.typeName)
            do {
                let produced = try box.behavior.run(received, context: ctx)
                for name in produced.values.keys where !component.outputNames.contains(name) {
                    throw ComponentFailure("\(component.definition.typeName) produced an output '\(name)' it does not declare (outputs: \(component.outputNames.joined(separator: ", ")))")
                }
                guard let outputs else { return Int32(LB_OK) }
                for (index, name) in component.outputNames.enumerated() where index < outputCount {
                    guard let value = produced.values[name] else { continue }
                    guard ABIBridge.write(value, to: outputs + index, context: ctx) else { throw ComponentFailure("out of memory") }
                }
                return Int32(LB_OK)
            } catch {
                return ABIBridge.fail(error, ctx)
            }
        }
        component.destroy = { instance in
            guard let instance else { return }
            Unmanaged<InstanceBox>.fromOpaque(instance).release()
        }
        return component
    }

    static func fail(_ error: any Error, _ context: Context) -> Int32 {
        let message = (error as? ComponentFailure)?.message ?? String(describing: error)
        var text = message
        text.withUTF8 { buffer in
            context.host.pointee.set_error?(context.context, lb_string(ptr: UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), len: buffer.count))
        }
        return Int32(LB_ERROR)
    }

    /// The declared input names, then the names of any extra inputs, asked from the host.
    static func names(_ declared: [String], _ count: Int, _ context: Context) -> [String] {
        guard count > declared.count, let name = context.host.pointee.get_input_name,
            context.host.pointee.struct_size >= UInt32(MemoryLayout<lb_host_api>.offset(of: \.get_input_name)! + MemoryLayout<UnsafeRawPointer>.size)
        else { return declared }
        var names = declared
        for index in declared.count..<count {
            var out = lb_string()
            names.append(name(context.context, index, &out) == LB_OK ? string(out) : "")
        }
        return names
    }

    static func string(_ string: lb_string) -> String {
        guard let pointer = string.ptr, string.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: string.len), as: UTF8.self)
    }

    static func values(_ pointer: UnsafePointer<lb_value>?, _ count: Int) -> [Value?] {
        guard let pointer else { return [] }
        return (0..<count).map { value(pointer[$0]) }
    }

    static func value(_ slot: lb_value) -> Value? {
        switch slot.kind {
        case LB_VALUE_NULL: return .null
        case LB_VALUE_BOOL: return .bool(slot.u.boolean != 0)
        case LB_VALUE_INT: return .int(slot.u.integer)
        case LB_VALUE_DOUBLE: return .double(slot.u.number)
        case LB_VALUE_STRING: return .string(string(slot.u.string))
        case LB_VALUE_BYTES:
            guard let pointer = slot.u.bytes.ptr else { return .bytes([]) }
            return .bytes(Array(UnsafeBufferPointer(start: pointer, count: slot.u.bytes.len)))
        case LB_VALUE_JSON:
            return .json(type: slot.type_name.map { String(cString: $0) } ?? "dict", text: string(slot.u.string))
        case LB_VALUE_OBJECT:
            guard let vtable = slot.u.object.vtable else { return nil }
            return .object(
                ObjectReference(
                    retaining: slot.u.object.instance, vtable: UnsafeRawPointer(vtable),
                    typeName: slot.type_name.map { String(cString: $0) } ?? "object"))
        default: return nil
        }
    }

    /// Copies bytes into the run's arena (NUL-terminated).
    private static func arenaCopy(_ bytes: UnsafeRawBufferPointer, _ context: Context) -> UnsafeMutablePointer<CChar>? {
        guard let alloc = context.host.pointee.alloc, let target = alloc(context.context, bytes.count + 1) else { return nil }
        if let base = bytes.baseAddress, bytes.count > 0 { target.copyMemory(from: base, byteCount: bytes.count) }
        target.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
        return target.assumingMemoryBound(to: CChar.self)
    }

    private static func arenaString(_ text: String, _ context: Context) -> lb_string? {
        var text = text
        return text.withUTF8 { buffer in
            arenaCopy(UnsafeRawBufferPointer(buffer), context).map { lb_string(ptr: UnsafePointer($0), len: buffer.count) }
        }
    }

    static func write(_ value: Value, to slot: UnsafeMutablePointer<lb_value>, context: Context) -> Bool {
        slot.pointee.type_name = nil
        switch value {
        case .null:
            slot.pointee.kind = LB_VALUE_NULL
        case .bool(let flag):
            slot.pointee.kind = LB_VALUE_BOOL
            slot.pointee.u.boolean = flag ? 1 : 0
        case .int(let integer):
            slot.pointee.kind = LB_VALUE_INT
            slot.pointee.u.integer = integer
        case .double(let number):
            slot.pointee.kind = LB_VALUE_DOUBLE
            slot.pointee.u.number = number
        case .string(let text):
            guard let copy = arenaString(text, context) else { return false }
            slot.pointee.kind = LB_VALUE_STRING
            slot.pointee.u.string = copy
        case .bytes(let bytes):
            guard let copy = bytes.withUnsafeBytes({ arenaCopy($0, context) }) else { return false }
            slot.pointee.kind = LB_VALUE_BYTES
            slot.pointee.u.bytes = lb_bytes(ptr: UnsafeRawPointer(copy).assumingMemoryBound(to: UInt8.self), len: bytes.count)
        case .json(let type, let text):
            guard let copy = arenaString(text, context), let typeCopy = arenaString(type, context) else { return false }
            slot.pointee.kind = LB_VALUE_JSON
            slot.pointee.type_name = typeCopy.ptr
            slot.pointee.u.string = copy
        case .object(let reference):
            guard let typeCopy = arenaString(reference.typeName, context) else { return false }
            // The output carries its own reference to the host.
            retain(instance: reference.instance, vtable: reference.vtable)
            slot.pointee.kind = LB_VALUE_OBJECT
            slot.pointee.type_name = typeCopy.ptr
            slot.pointee.u.object = lb_object(instance: reference.instance, vtable: reference.vtable.assumingMemoryBound(to: lb_object_vtable.self))
        }
        return true
    }

    static func retain(instance: UnsafeMutableRawPointer?, vtable: UnsafeRawPointer) {
        vtable.assumingMemoryBound(to: lb_object_vtable.self).pointee.retain?(instance)
    }

    static func release(instance: UnsafeMutableRawPointer?, vtable: UnsafeRawPointer) {
        vtable.assumingMemoryBound(to: lb_object_vtable.self).pointee.release?(instance)
    }
}
