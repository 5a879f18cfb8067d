#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLangBuilderABI
import CLangBuilderFFI

/// The code behind a component: a native `lb_component` lifecycle, or a plain C function called via libffi.
enum ComponentImplementation: Sendable {
    case native(NativeComponent)
    case function(ForeignFunction)
}

/// A component record of a loaded bundle: its lifecycle callbacks, read once at load.
final class NativeComponent: @unchecked Sendable {
    let record: UnsafePointer<lb_component>
    let create: lb_create_fn?
    let run: lb_run_fn
    let destroy: lb_destroy_fn?
    /// The bundle's own port counts, which is what its arrays are sized by.
    let inputCount: Int
    let outputCount: Int

    init(record: UnsafePointer<lb_component>, create: lb_create_fn?, run: lb_run_fn, destroy: lb_destroy_fn?, inputCount: Int, outputCount: Int) {
        self.record = record
        self.create = create
        self.run = run
        self.destroy = destroy
        self.inputCount = inputCount
        self.outputCount = outputCount
    }

    func instantiate(config: [Value?], extraInputs: Int, context: CallContext) throws(ComponentError) -> UnsafeMutableRawPointer? {
        guard let create else { return nil }
        let values = Self.fit(config, to: inputCount + extraInputs)
        return try withABIValues(values, arena: context.run.arena, context: context) { (slots) throws(ComponentError) -> UnsafeMutableRawPointer? in
            var instance: UnsafeMutableRawPointer?
            // A context may carry several calls: only this call's set_error may explain its failure.
            context.errorMessage = nil
            let status = create(record, context.opaque, UnsafePointer(slots.baseAddress), slots.count, &instance)
            guard status == LB_OK else { throw Self.failure(status, "create", context) }
            return instance
        }
    }

    func run(instance: UnsafeMutableRawPointer?, inputs: [Value?], extraInputs: Int, context: CallContext) throws(ComponentError) -> [Value?] {
        let values = Self.fit(inputs, to: inputCount + extraInputs)
        let outputCount = self.outputCount
        return try withABIValues(values, arena: context.run.arena, context: context) { (slots) throws(ComponentError) -> [Value?] in
            // The output slots: zero-filled (LB_VALUE_ABSENT) with the host's struct_size, on the stack.
            var failure: ComponentError?
            let results = withUnsafeTemporaryAllocation(of: lb_value.self, capacity: max(outputCount, 1)) { outputs -> [Value?] in
                var empty = lb_value()
                empty.struct_size = UInt32(MemoryLayout<lb_value>.size)
                outputs.initialize(repeating: empty)
                context.errorMessage = nil
                let status = run(instance, context.opaque, UnsafePointer(slots.baseAddress), slots.count, outputs.baseAddress, outputCount)
                guard status == LB_OK else {
                    failure = Self.failure(status, "run", context)
                    return []
                }
                var results: [Value?] = []
                results.reserveCapacity(outputCount)
                for index in 0..<outputCount {
                    do throws(ComponentError) {
                        results.append(try Value.read(outputs[index], field: "outputs[\(index)]", context: context))
                    } catch {
                        failure = error
                        return []
                    }
                }
                return results
            }
            if let failure { throw failure }
            return results
        }
    }

    private static func fit(_ values: [Value?], to count: Int) -> [Value?] {
        if values.count == count { return values }
        if values.count > count { return Array(values[0..<count]) }
        return values + Array(repeating: nil, count: count - values.count)
    }

    private static func failure(_ status: Int32, _ phase: String, _ context: CallContext) -> ComponentError {
        let message: String
        if let reported = context.errorMessage, !reported.isEmpty {
            message = reported
        } else if status == LB_CANCELLED {
            message = "cancelled"
        } else {
            message = "\(phase) failed with status \(status) and no message"
        }
        return ComponentError(componentType: context.componentType, vertexID: context.vertexID, message: message, status: status)
    }
}

/// A plain C function with a call interface prepared once at load; each call costs one `ffi_call`.
final class ForeignFunction: @unchecked Sendable {
    let interface: OpaquePointer
    let function: @convention(c) () -> Void
    let signature: FunctionSignature

    init(interface: OpaquePointer, function: @escaping @convention(c) () -> Void, signature: FunctionSignature) {
        self.interface = interface
        self.function = function
        self.signature = signature
    }

    func call(_ inputs: [Value?], names: [String], context: CallContext) throws(ComponentError) -> Value {
        let parameters = signature.parameters
        func fail(_ message: String) -> ComponentError {
            ComponentError(componentType: context.componentType, vertexID: context.vertexID, message: message)
        }
        var failure: ComponentError?
        let result: Value? = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(parameters.count, 1) + 2) { storage in
            withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer?.self, capacity: max(parameters.count, 1)) { pointers in
                let resultSlot = UnsafeMutableRawPointer(storage.baseAddress!)
                resultSlot.initializeMemory(as: UInt64.self, repeating: 0, count: 2)
                let argumentBase = storage.baseAddress! + 2
                for (index, letter) in parameters.enumerated() {
                    let slot = UnsafeMutableRawPointer(argumentBase + index)
                    let name = index < names.count ? names[index] : "#\(index)"
                    guard let value = index < inputs.count ? inputs[index] : nil else {
                        failure = fail("parameter \(name) has no value")
                        return nil
                    }
                    if let problem = Self.store(value, as: letter, into: slot, arena: context.run.arena) {
                        failure = fail("parameter \(name): \(problem)")
                        return nil
                    }
                    pointers[index] = slot
                }
                lb_ffi_call(interface, function, resultSlot, pointers.baseAddress)
                return Self.load(signature.result, from: resultSlot)
            }
        }
        if let failure { throw failure }
        return result!
    }

    /// Converts a value to the C type of a parameter; returns the problem when it cannot.
    private static func store(_ value: Value, as letter: FunctionSignature.Letter, into slot: UnsafeMutableRawPointer, arena: Arena) -> String? {
        switch letter {
        case .double, .float:
            guard let number = TypeRegistry.number(of: value) else { return "expected a number, found \(value.typeName)" }
            if letter == .double { slot.storeBytes(of: number, as: Double.self) } else { slot.storeBytes(of: Float(number), as: Float.self) }
        case .int32, .int64:
            guard let integer = TypeRegistry.integer(of: value) else { return "expected an integer, found \(value.typeName) \(value)" }
            if letter == .int64 {
                slot.storeBytes(of: integer, as: Int64.self)
            } else {
                guard let narrow = Int32(exactly: integer) else { return "\(integer) does not fit in 32 bits" }
                slot.storeBytes(of: narrow, as: Int32.self)
            }
        case .bool:
            guard let flag = TypeRegistry.bool(of: value) else { return "expected a bool, found \(value.typeName)" }
            slot.storeBytes(of: flag ? 1 : 0, as: UInt8.self)
        case .string, .ownedString, .void:
            guard let copy = arena.copy(TypeRegistry.text(of: value)) else { return "out of memory" }
            slot.storeBytes(of: UnsafeRawPointer(copy.pointer), as: UnsafeRawPointer.self)
        }
        return nil
    }

    private static func load(_ letter: FunctionSignature.Letter, from slot: UnsafeMutableRawPointer) -> Value {
        // libffi widens integer results narrower than a register to ffi_arg (64 bits here).
        switch letter {
        case .void: return .null
        case .double: return .double(slot.load(as: Double.self))
        case .float: return .double(Double(slot.load(as: Float.self)))
        case .int32: return .int(Int64(Int32(truncatingIfNeeded: slot.load(as: Int64.self))))
        case .int64: return .int(slot.load(as: Int64.self))
        case .bool: return .bool(slot.load(as: UInt64.self) & 0xFF != 0)
        case .string, .ownedString:
            guard let pointer = slot.load(as: UnsafeMutablePointer<CChar>?.self) else { return .null }
            let text = String(cString: pointer)
            if letter == .ownedString { free(pointer) }
            return .string(text)
        }
    }
}
