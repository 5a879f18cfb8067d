import CLangBuilderABI

/// Several object handles delivered to one list input (an Agent's `tools` fed by many edges), as one handle
/// of type `list` that the host makes, since a value cannot hold a list of objects.
///
/// Its methods (ABI 1.2 convention, see `langbuilder.h`): `count` answers the number of items (int), and `item`
/// with an int argument answers that item, carrying one reference like any object result. The list holds a
/// reference to each item until it is released.
final class ObjectList {
    let items: [ObjectHandle]

    init(_ items: [ObjectHandle]) { self.items = items }

    /// The list as an object handle (one reference, owned by the handle).
    static func handle(_ items: [ObjectHandle]) -> ObjectHandle {
        let instance = Unmanaged.passRetained(ObjectList(items)).toOpaque()
        return ObjectHandle(owning: instance, vtable: vtable, typeName: "list")
    }

    /// Written once, then only read.
    nonisolated(unsafe) static let vtable: UnsafePointer<lb_object_vtable> = {
        var table = lb_object_vtable()
        table.struct_size = UInt32(MemoryLayout<lb_object_vtable>.size)
        table.retain = { instance in
            if let instance { _ = Unmanaged<ObjectList>.fromOpaque(instance).retain() }
        }
        table.release = { instance in
            if let instance { Unmanaged<ObjectList>.fromOpaque(instance).release() }
        }
        table.invoke = { instance, context, method, arguments, count, result in
            guard let instance, let method, let result, let call = CallContext.from(context) else { return Int32(LB_ERROR) }
            let list = Unmanaged<ObjectList>.fromOpaque(instance).takeUnretainedValue()
            func fail(_ message: String) -> Int32 {
                call.errorMessage = "list.\(String(cString: method)): \(message)"
                return Int32(LB_ERROR)
            }
            switch String(cString: method) {
            case "count":
                result.pointee.kind = LB_VALUE_INT
                result.pointee.u.integer = Int64(list.items.count)
                return Int32(LB_OK)
            case "item":
                guard count >= 1, let arguments, arguments[0].kind == LB_VALUE_INT else { return fail("expects one int argument, the index") }
                let index = Int(arguments[0].u.integer)
                guard list.items.indices.contains(index) else { return fail("index \(index) is out of range 0..<\(list.items.count)") }
                let item = list.items[index]
                guard let typeName = call.run.arena.copy(item.typeName) else { return fail("out of memory") }
                // The result carries its own reference to the caller.
                item.vtable.pointee.retain?(item.instance)
                result.pointee.kind = LB_VALUE_OBJECT
                result.pointee.type_name = UnsafePointer(typeName.pointer)
                result.pointee.u.object = lb_object(instance: item.instance, vtable: item.vtable)
                return Int32(LB_OK)
            default:
                return fail("no such method (a list has count and item)")
            }
        }
        let pointer = UnsafeMutablePointer<lb_object_vtable>.allocate(capacity: 1)
        pointer.initialize(to: table)
        return UnsafePointer(pointer)
    }()
}
