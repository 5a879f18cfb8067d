import CLangBuilderABI

/// An object a Swift component hands to other components as an object handle (`LB_VALUE_OBJECT`): a
/// `LanguageModel` that answers "complete", a `Tool` that answers "invoke" and "describe".
///
/// Other components, in any bundle and any language, call its methods through the handle's vtable, with their
/// own call's context: the object may use the host's services (HTTP, variables) for the caller. The object
/// lives while any holder keeps a reference; the host releases what it holds when the run ends.
///
/// ```swift
/// final class Echo: ObjectBehavior {
///     func invoke(_ method: String, arguments: [Value?], context: Context) throws -> Value {
///         guard method == "invoke" else { throw ComponentFailure("Echo has no method \(method)") }
///         return arguments.first.flatMap { $0 } ?? .null
///     }
/// }
/// return ["tool": .object(ObjectReference(typeName: "Tool", object: Echo(), context: context))]
/// ```
public protocol ObjectBehavior: AnyObject, Sendable {
    /// Runs `method` with `arguments` for the caller whose call `context` is; the result goes back to it.
    /// Throwing fails the caller's `invoke` with the error's message.
    func invoke(_ method: String, arguments: [Value?], context: Context) throws -> Value
}

/// What a handle made by the SDK points at: the object and the host table it was made under.
private final class ObjectBox {
    let object: any ObjectBehavior
    let host: UnsafePointer<lb_host_api>

    init(object: any ObjectBehavior, host: UnsafePointer<lb_host_api>) {
        self.object = object
        self.host = host
    }
}

/// The vtable of every object the SDK makes: reference counting by Swift's own, `invoke` into the object.
/// Written once, then only read (`nonisolated(unsafe)` because pointers are not `Sendable`).
nonisolated(unsafe) private let swiftObjectVTable: UnsafePointer<lb_object_vtable> = {
    let table = UnsafeMutablePointer<lb_object_vtable>.allocate(capacity: 1)
    var vtable = lb_object_vtable()
    vtable.struct_size = UInt32(MemoryLayout<lb_object_vtable>.size)
    vtable.retain = { instance in
        guard let instance else { return }
        _ = Unmanaged<ObjectBox>.fromOpaque(instance).retain()
    }
    vtable.release = { instance in
        guard let instance else { return }
        Unmanaged<ObjectBox>.fromOpaque(instance).release()
    }
    vtable.invoke = { instance, context, method, args, count, result in
        guard let instance, let method, let result else { return Int32(LB_ERROR) }
        let box = Unmanaged<ObjectBox>.fromOpaque(instance).takeUnretainedValue()
        let ctx = Context(host: box.host, context: context)
        do {
            let value = try box.object.invoke(String(cString: method), arguments: ABIBridge.values(args, count), context: ctx)
            guard ABIBridge.write(value, to: result, context: ctx) else { throw ComponentFailure("out of memory") }
            return Int32(LB_OK)
        } catch {
            return ABIBridge.fail(error, ctx)
        }
    }
    table.initialize(to: vtable)
    return UnsafePointer(table)
}()

extension ObjectReference {
    /// A new handle of type `typeName` (e.g. "LanguageModel", "Tool") for `object`, made during a call with
    /// `context`; output it as `.object(reference)`.
    public convenience init(typeName: String, object: some ObjectBehavior, context: Context) {
        let box = Unmanaged.passRetained(ObjectBox(object: object, host: context.host))
        self.init(retaining: box.toOpaque(), vtable: UnsafeRawPointer(swiftObjectVTable), typeName: typeName)
        box.release()  // the reference now belongs to this ObjectReference
    }

    /// The Swift object behind the handle when this bundle's SDK made it (no call through the vtable needed);
    /// nil for objects of other bundles or languages.
    public func swiftObject<Object: ObjectBehavior>(as type: Object.Type) -> Object? {
        guard vtable == UnsafeRawPointer(swiftObjectVTable), let instance else { return nil }
        return Unmanaged<ObjectBox>.fromOpaque(instance).takeUnretainedValue().object as? Object
    }

    /// Calls `method` of the object behind the handle, whichever bundle made it, for the call `context` is.
    /// Throws the object's error message, or a message naming the method when the object has none.
    public func invoke(_ method: String, _ arguments: [Value?] = [], context: Context) throws(ComponentFailure) -> Value {
        let table = vtable.assumingMemoryBound(to: lb_object_vtable.self)
        guard let invoke = table.pointee.invoke else { throw ComponentFailure("the \(typeName) object has no methods") }
        var slots = [lb_value](repeating: lb_value(), count: arguments.count)
        for (index, argument) in arguments.enumerated() {
            guard let argument else { continue }
            let written = slots.withUnsafeMutableBufferPointer { ABIBridge.write(argument, to: $0.baseAddress! + index, context: context) }
            guard written else { throw ComponentFailure("out of memory") }
        }
        var result = lb_value()
        let status = method.withCString { name in
            slots.withUnsafeBufferPointer { invoke(instance, context.context, name, $0.baseAddress, arguments.count, &result) }
        }
        // Arguments written as objects carried a reference each: the callee only borrowed them.
        for slot in slots where slot.kind == LB_VALUE_OBJECT {
            if let vtable = slot.u.object.vtable { vtable.pointee.release?(slot.u.object.instance) }
        }
        guard status == LB_OK else {
            throw context.hostFailure("\(typeName).\(method)", status)
        }
        guard let value = ABIBridge.value(result) else { return .null }
        if result.kind == LB_VALUE_OBJECT, let vtable = result.u.object.vtable {
            vtable.pointee.release?(result.u.object.instance)  // the ObjectReference above holds its own
        }
        return value
    }
}

extension Inputs {
    /// The object handles of a list input (an Agent's `tools`): one handle, or each item of the host's `list`
    /// object when several edges brought handles (`LB_OBJECT_LIST_TYPE`); empty when the input has no value.
    /// Throws for a value that is not an object.
    public func objects(_ name: String, context: Context) throws(ComponentFailure) -> [ObjectReference] {
        guard let value = self[name] else { return [] }
        guard case .object(let reference) = value else {
            if case .null = value { return [] }
            throw ComponentFailure("input '\(name)' must be connected to objects, found \(value.typeName)")
        }
        guard reference.typeName == LB_OBJECT_LIST_TYPE else { return [reference] }
        guard case .int(let count) = try reference.invoke("count", context: context) else {
            throw ComponentFailure("input '\(name)': the host's list did not answer its count")
        }
        return try (0..<Int(count)).map { (index) throws(ComponentFailure) -> ObjectReference in
            guard case .object(let item) = try reference.invoke("item", [.int(Int64(index))], context: context) else {
                throw ComponentFailure("input '\(name)': item \(index) of the host's list is not an object")
            }
            return item
        }
    }
}
