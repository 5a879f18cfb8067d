import CLangBuilderABI

/// Lays `values` out as an `lb_value` array for one call (strings copied into the run's arena) and calls
/// `body` with it. A nil element is `LB_VALUE_ABSENT`.
func withABIValues<Result>(
    _ values: [Value?],
    arena: Arena,
    context: CallContext,
    _ body: (UnsafeMutableBufferPointer<lb_value>) throws(ComponentError) -> Result
) throws(ComponentError) -> Result {
    let count = values.count
    // withUnsafeTemporaryAllocation does not forward typed throws; carry the error out by hand.
    var failure: ComponentError?
    let result: Result? = withUnsafeTemporaryAllocation(of: lb_value.self, capacity: max(count, 1)) { (buffer) -> Result? in
        let slots = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
        for index in 0..<count {
            var slot = lb_value()
            slot.struct_size = UInt32(MemoryLayout<lb_value>.size)
            if let value = values[index], !value.write(to: &slot, arena: arena) {
                failure = ComponentError(componentType: context.componentType, vertexID: context.vertexID, message: "out of memory")
                return nil
            }
            slots.baseAddress!.advanced(by: index).initialize(to: slot)
        }
        do throws(ComponentError) {
            return try body(slots)
        } catch {
            failure = error
            return nil
        }
    }
    if let failure { throw failure }
    return result!
}

extension Value {
    /// Writes this value into an `lb_value`, copying bytes into the arena. Returns false when out of memory.
    func write(to slot: inout lb_value, arena: Arena) -> Bool {
        switch self {
        case .null:
            slot.kind = LB_VALUE_NULL
        case .bool(let value):
            slot.kind = LB_VALUE_BOOL
            slot.u.boolean = value ? 1 : 0
        case .int(let value):
            slot.kind = LB_VALUE_INT
            slot.u.integer = value
        case .double(let value):
            slot.kind = LB_VALUE_DOUBLE
            slot.u.number = value
        case .string(let text):
            guard let copy = arena.copy(text) else { return false }
            slot.kind = LB_VALUE_STRING
            slot.u.string = lb_string(ptr: UnsafePointer(copy.pointer), len: copy.count)
        case .bytes(let bytes):
            guard let copy = bytes.withUnsafeBytes({ arena.copy($0) }) else { return false }
            slot.kind = LB_VALUE_BYTES
            slot.u.bytes = lb_bytes(ptr: UnsafeRawPointer(copy).assumingMemoryBound(to: UInt8.self), len: bytes.count)
        case .json(let type, let text):
            guard let copy = arena.copy(text), let typeCopy = arena.copy(type) else { return false }
            slot.kind = LB_VALUE_JSON
            slot.type_name = UnsafePointer(typeCopy.pointer)
            slot.u.string = lb_string(ptr: UnsafePointer(copy.pointer), len: copy.count)
        case .object(let handle):
            guard let typeCopy = arena.copy(handle.typeName) else { return false }
            slot.kind = LB_VALUE_OBJECT
            slot.type_name = UnsafePointer(typeCopy.pointer)
            slot.u.object = lb_object(instance: handle.instance, vtable: handle.vtable)
        }
        return true
    }

    /// Reads a value a component produced; nil for `LB_VALUE_ABSENT`. Objects pass their reference to the
    /// returned handle.
    static func read(_ slot: lb_value, field: String, context: CallContext) throws(ComponentError) -> Value? {
        func fail(_ message: String) -> ComponentError {
            ComponentError(componentType: context.componentType, vertexID: context.vertexID, message: "\(field): \(message)")
        }
        switch slot.kind {
        case LB_VALUE_ABSENT: return nil
        case LB_VALUE_NULL: return .null
        case LB_VALUE_BOOL: return .bool(slot.u.boolean != 0)
        case LB_VALUE_INT: return .int(slot.u.integer)
        case LB_VALUE_DOUBLE: return .double(slot.u.number)
        case LB_VALUE_STRING:
            guard slot.u.string.ptr != nil || slot.u.string.len == 0 else { throw fail("string with NULL pointer and length \(slot.u.string.len)") }
            return .string(String(slot.u.string))
        case LB_VALUE_BYTES:
            guard let pointer = slot.u.bytes.ptr else {
                guard slot.u.bytes.len == 0 else { throw fail("bytes with NULL pointer and length \(slot.u.bytes.len)") }
                return .bytes([])
            }
            return .bytes(Array(UnsafeBufferPointer(start: pointer, count: slot.u.bytes.len)))
        case LB_VALUE_JSON:
            guard slot.u.string.ptr != nil || slot.u.string.len == 0 else { throw fail("JSON with NULL pointer and length \(slot.u.string.len)") }
            let type = slot.type_name.map { String(cString: $0) } ?? "dict"
            return .json(type: type, text: String(slot.u.string))
        case LB_VALUE_OBJECT:
            guard let vtable = slot.u.object.vtable else { throw fail("object without a vtable") }
            if let problem = ObjectHandle.validate(vtable) { throw fail(problem) }
            guard let typeName = slot.type_name.map({ String(cString: $0) }), !typeName.isEmpty else {
                throw fail("object without a type name")
            }
            return .object(ObjectHandle(owning: slot.u.object.instance, vtable: vtable, typeName: typeName))
        default:
            throw fail("unknown value kind \(slot.kind)")
        }
    }
}
