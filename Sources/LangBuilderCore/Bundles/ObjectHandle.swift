import CLangBuilderABI

/// An opaque object owned by a bundle (a `LanguageModel`, a `Tool`), passed between components.
///
/// The handle holds one reference, dropped through the object's vtable when the handle is released.
public final class ObjectHandle: @unchecked Sendable, Equatable {
    public let typeName: String
    let instance: UnsafeMutableRawPointer?
    let vtable: UnsafePointer<lb_object_vtable>
    private let release: (@convention(c) (UnsafeMutableRawPointer?) -> Void)?

    /// Takes over one reference to `instance`.
    init(owning instance: UnsafeMutableRawPointer?, vtable: UnsafePointer<lb_object_vtable>, typeName: String) {
        self.instance = instance
        self.vtable = vtable
        self.typeName = typeName
        self.release = StructReader<lb_object_vtable>(UnsafeRawPointer(vtable)).value.release
    }

    /// Checks a vtable handed over by a bundle before any of its functions is called.
    static func validate(_ vtable: UnsafePointer<lb_object_vtable>) -> String? {
        let reader = StructReader<lb_object_vtable>(UnsafeRawPointer(vtable))
        guard reader.contains(\.invoke) else {
            return "object vtable struct_size \(reader.size) is smaller than \(StructReader<lb_object_vtable>.end(of: \.invoke))"
        }
        guard reader.value.retain != nil, reader.value.release != nil else {
            return "object vtable has no retain or release function"
        }
        return nil
    }

    /// Calls a method of the object (e.g. `invoke` on a Tool); the result is owned by the caller.
    public func invoke(method: String, arguments: [Value?], context: CallContext) throws(ComponentError) -> Value? {
        guard let invoke = vtable.pointee.invoke else {
            throw ComponentError(componentType: context.componentType, vertexID: context.vertexID, message: "\(typeName) object has no methods")
        }
        let arena = context.run.arena
        return try withABIValues(arguments, arena: arena, context: context) { (arguments) throws(ComponentError) -> Value? in
            var result = lb_value()
            result.struct_size = UInt32(MemoryLayout<lb_value>.size)
            context.errorMessage = nil
            let status = method.withCString { invoke(instance, context.opaque, $0, arguments.baseAddress, arguments.count, &result) }
            guard status == LB_OK else {
                throw ComponentError(
                    componentType: context.componentType, vertexID: context.vertexID,
                    message: context.errorMessage ?? "\(typeName).\(method) failed with status \(status)", status: status)
            }
            return try Value.read(result, field: "result of \(typeName).\(method)", context: context)
        }
    }

    public static func == (lhs: ObjectHandle, rhs: ObjectHandle) -> Bool {
        lhs.instance == rhs.instance && lhs.vtable == rhs.vtable
    }

    deinit { release?(instance) }
}
