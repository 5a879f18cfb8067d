/// Where a component came from: which bundle, which version, which file.
public struct Provenance: Sendable, Equatable, Codable {
    public var bundleID: String
    public var bundleVersion: String
    public var file: String

    public init(bundleID: String, bundleVersion: String, file: String) {
        self.bundleID = bundleID
        self.bundleVersion = bundleVersion
        self.file = file
    }
}

/// A component in the registry: its descriptor, its provenance and the code that runs it.
///
/// ```swift
/// let upper = registry.component(named: "UpperCase")!
/// let instance = try upper.instantiate(config: [nil], context: call)
/// let outputs = try instance.run(inputs: [.string("hi")], context: call)   // [.string("HI")]
/// ```
public struct RegisteredComponent: Sendable {
    public let descriptor: ComponentDescriptor
    public let provenance: Provenance
    let implementation: ComponentImplementation

    init(descriptor: ComponentDescriptor, provenance: Provenance, implementation: ComponentImplementation) {
        self.descriptor = descriptor
        self.provenance = provenance
        self.implementation = implementation
    }

    public var typeName: String { descriptor.typeName }

    /// Creates an instance from the field values, one per input port in declaration order (nil: no value),
    /// followed by one per extra input (only for components that accept extra inputs).
    public func instantiate(config: [Value?], extraInputs: [String] = [], context: CallContext) throws(ComponentError) -> ComponentInstance {
        guard extraInputs.isEmpty || descriptor.acceptsExtraInputs else {
            throw ComponentError(
                componentType: typeName, vertexID: context.vertexID,
                message: "\(typeName) has no field named \(extraInputs.map { "'\($0)'" }.joined(separator: ", "))")
        }
        return try instantiate(config: config, inputNames: descriptor.inputs.map(\.name) + extraInputs, context: context)
    }

    /// Creates an instance whose input names (declared, then extra) were computed by the caller.
    func instantiate(config: [Value?], inputNames names: [String], context: CallContext) throws(ComponentError) -> ComponentInstance {
        switch implementation {
        case .native(let native):
            context.inputNames = names
            let handle = try native.instantiate(config: config, extraInputs: names.count - descriptor.inputs.count, context: context)
            return ComponentInstance(component: self, handle: handle, inputNames: names)
        case .function:
            return ComponentInstance(component: self, handle: nil, inputNames: names)
        }
    }
}

/// A live instance of a component; destroyed when released.
public final class ComponentInstance: @unchecked Sendable {
    public let component: RegisteredComponent
    private let handle: UnsafeMutableRawPointer?
    /// The declared inputs' names, then the extra inputs' names.
    public let inputNames: [String]

    init(component: RegisteredComponent, handle: UnsafeMutableRawPointer?, inputNames: [String]) {
        self.component = component
        self.handle = handle
        self.inputNames = inputNames
    }

    /// Runs the instance once. `inputs` holds one value per input port in declaration order (nil: absent);
    /// the result holds one value per output port (nil: the output was not produced).
    public func run(inputs: [Value?], context: CallContext) throws(ComponentError) -> [Value?] {
        switch component.implementation {
        case .native(let native):
            context.inputNames = inputNames
            return try native.run(
                instance: handle, inputs: inputs, extraInputs: inputNames.count - component.descriptor.inputs.count, context: context)
        case .function(let function):
            let names = component.descriptor.inputs.map(\.name)
            return [try function.call(inputs, names: names, context: context)]
        }
    }

    deinit {
        if case .native(let native) = component.implementation, native.create != nil, let destroy = native.destroy {
            destroy(handle)
        }
    }
}
