#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLangBuilderABI
import CLangBuilderFFI

/// Reads and validates an `lb_bundle_descriptor`: all pointer reading of bundle data happens here.
///
/// Every check names the field (`components[1].inputs[0].name`) and the expected and actual values.
struct DescriptorReader {
    let file: String
    let symbol = LB_ENTRY_SYMBOL

    // The sizes an ABI 1.0 writer produces: the end of the last field that existed in 1.0. They never change
    // when later minors append fields.
    static let descriptorSize10 = StructReader<lb_bundle_descriptor>.end(of: \.extension)
    static let fingerprintSize10 = StructReader<lb_fingerprint>.end(of: \.swift_compiler_version)
    static let componentSize10 = StructReader<lb_component>.end(of: \.documentation)
    static let inputSize10 = StructReader<lb_input_port>.end(of: \.options)
    static let outputSize10 = StructReader<lb_output_port>.end(of: \.types)
    static let functionSize10 = StructReader<lb_function>.end(of: \.icon)

    /// The minimum struct size for a writer of the given minor version of major 1.
    static func minimumDescriptorSize(minor: UInt16) -> Int { descriptorSize10 }

    private func error(
        _ reason: BundleLoadError.Reason,
        _ field: String? = nil,
        expected: String? = nil,
        actual: String? = nil,
        detail: String? = nil
    ) -> BundleLoadError {
        BundleLoadError(reason, file: file, symbol: symbol, field: field, expected: expected, actual: actual, detail: detail)
    }

    func read(_ pointer: UnsafePointer<lb_bundle_descriptor>) throws(BundleLoadError) -> (BundleDescriptor, [ComponentImplementation]) {
        let raw = UnsafeRawPointer(pointer)
        let descriptor = StructReader<lb_bundle_descriptor>(raw)

        // The version fields come first so that they can be checked before anything else is trusted.
        guard descriptor.size >= StructReader<lb_bundle_descriptor>.end(of: \.abi_version) else {
            throw error(.structTooSmall, "descriptor.struct_size", expected: "at least \(Self.descriptorSize10)", actual: "\(descriptor.size)")
        }
        let abi = ABIVersion(packed: descriptor.value.abi_version)
        guard abi.major == ABIVersion.host.major else {
            throw error(.majorVersionMismatch, "descriptor.abi_version", expected: "major \(ABIVersion.host.major) (host ABI \(ABIVersion.host))", actual: "\(abi)")
        }
        guard abi.minor <= ABIVersion.host.minor else {
            throw error(
                .newerMinorVersion, "descriptor.abi_version", expected: "at most \(ABIVersion.host)", actual: "\(abi)",
                detail: "the bundle was built for a newer host than this one")
        }
        let minimum = Self.minimumDescriptorSize(minor: abi.minor)
        guard descriptor.size >= minimum else {
            throw error(.structTooSmall, "descriptor.struct_size", expected: "at least \(minimum) for ABI \(abi)", actual: "\(descriptor.size)")
        }

        let fingerprint = try readFingerprint(descriptor.value.fingerprint)
        let id = try requiredString(descriptor.value.id, "descriptor.id")
        try validateBundleID(id)
        let version = try requiredString(descriptor.value.version, "descriptor.version")
        guard SemanticVersion(version) != nil else {
            throw error(.invalidField, "descriptor.version", expected: "a semantic version like 1.2.0", actual: "\"\(version)\"")
        }
        let displayName = try optionalString(descriptor.value.display_name, "descriptor.display_name") ?? id
        let description = try optionalString(descriptor.value.description, "descriptor.description") ?? ""
        let license = try optionalString(descriptor.value.license, "descriptor.license")
        let homepage = try optionalString(descriptor.value.homepage, "descriptor.homepage")

        // The bit was reserved before ABI 1.4: a bundle that declares an older ABI never meant it.
        let honoursNonBlocking = abi.minor >= 4
        var components: [ComponentDescriptor] = []
        var implementations: [ComponentImplementation] = []
        var seen: [String: (array: String, index: Int)] = [:]
        func note(_ typeName: String, _ array: String, _ index: Int) throws(BundleLoadError) {
            if let previous = seen[typeName] {
                throw error(
                    .duplicateName, "\(array)[\(index)].type_name",
                    detail: "component \"\(typeName)\" is declared twice (also at \(previous.array)[\(previous.index)])")
            }
            seen[typeName] = (array, index)
        }

        let componentRecords = try records(
            descriptor.value.components, count: descriptor.value.component_count, stride: descriptor.value.component_stride,
            minimum: Self.componentSize10, array: "descriptor.components", strideField: "descriptor.component_stride", noun: "components")
        for (index, record) in componentRecords.pointers.enumerated() {
            let (component, implementation) = try readComponent(
                record, stride: componentRecords.stride, honoursNonBlocking: honoursNonBlocking, field: "components[\(index)]")
            try note(component.typeName, "components", index)
            components.append(component)
            implementations.append(implementation)
        }
        // Aliases share the type names' namespace: checked once every type name of the bundle is known.
        for (index, component) in components.enumerated() {
            for (position, alias) in component.aliases.enumerated() {
                if let previous = seen[alias] {
                    throw error(
                        .duplicateName, "components[\(index)] (\(component.typeName)).aliases[\(position)]",
                        detail: "alias \"\(alias)\" is already a type name or alias (at \(previous.array)[\(previous.index)])")
                }
                seen[alias] = ("components", index)
            }
        }

        let functionRecords = try records(
            descriptor.value.functions, count: descriptor.value.function_count, stride: descriptor.value.function_stride,
            minimum: Self.functionSize10, array: "descriptor.functions", strideField: "descriptor.function_stride", noun: "functions")
        for (index, record) in functionRecords.pointers.enumerated() {
            let (component, implementation) = try readFunction(
                record, stride: functionRecords.stride, honoursNonBlocking: honoursNonBlocking, field: "functions[\(index)]")
            try note(component.typeName, "functions", index)
            components.append(component)
            implementations.append(implementation)
        }

        guard !components.isEmpty else {
            throw error(.invalidField, "descriptor.component_count", expected: "at least one component or function", actual: "none")
        }

        var extensions: [String] = []
        if let query = descriptor.value.extension, let probe = Self.knownExtensions.first(where: { query($0) != nil }) {
            extensions.append(probe)
        }

        let bundle = BundleDescriptor(
            id: id, version: version, displayName: displayName, description: description, license: license,
            homepage: homepage, abiVersion: abi, fingerprint: fingerprint, components: components, extensions: extensions)
        return (bundle, implementations)
    }

    /// Capabilities the host knows how to use; asked for at load so `bundle inspect` can list them.
    static let knownExtensions: [String] = []

    // MARK: - Fingerprint

    private func readFingerprint(_ pointer: UnsafePointer<lb_fingerprint>?) throws(BundleLoadError) -> BuildFingerprint {
        guard let pointer else {
            throw error(.invalidField, "descriptor.fingerprint", expected: "a pointer to an lb_fingerprint", actual: "NULL")
        }
        let reader = StructReader<lb_fingerprint>(UnsafeRawPointer(pointer))
        // The byte-order mark is checked before the size, because a size read in the wrong byte order is garbage.
        let host = BuildFingerprint.host
        if reader.size >= StructReader<lb_fingerprint>.end(of: \.byte_order), let mark = reader.read(\.byte_order),
            mark != UInt32(LB_BYTE_ORDER_MARK)
        {
            throw error(
                .fingerprintMismatch, "fingerprint.byte_order", expected: "\(host.byteOrder)-endian (0x01020304)",
                actual: mark == UInt32(LB_BYTE_ORDER_MARK).byteSwapped ? "the other byte order" : hex32(mark))
        }
        guard reader.size >= Self.fingerprintSize10 else {
            throw error(.structTooSmall, "fingerprint.struct_size", expected: "at least \(Self.fingerprintSize10)", actual: "\(reader.size)")
        }
        let pointerSize = Int(reader.value.pointer_size)
        guard pointerSize == host.pointerSize else {
            throw error(.fingerprintMismatch, "fingerprint.pointer_size", expected: "\(host.pointerSize)", actual: "\(pointerSize)")
        }
        let valueSize = Int(reader.value.value_size)
        guard valueSize == host.valueSize else {
            throw error(.fingerprintMismatch, "fingerprint.value_size", expected: "\(host.valueSize) (sizeof(lb_value))", actual: "\(valueSize)")
        }
        let language: BuildFingerprint.Language
        switch reader.value.language {
        case UInt32(LB_LANGUAGE_C): language = .c
        case UInt32(LB_LANGUAGE_SWIFT): language = .swift
        case UInt32(LB_LANGUAGE_OTHER): language = .other
        case let other:
            throw error(.invalidField, "fingerprint.language", expected: "0 (C), 1 (Swift) or 2 (other)", actual: "\(other)")
        }
        let swiftVersion = try optionalString(reader.value.swift_compiler_version, "fingerprint.swift_compiler_version")
        if language == .swift {
            guard let swiftVersion else {
                throw error(.fingerprintMismatch, "fingerprint.swift_compiler_version", expected: "\(host.swiftCompilerVersion ?? "?")", actual: "NULL")
            }
            guard swiftVersion == host.swiftCompilerVersion else {
                throw error(
                    .fingerprintMismatch, "fingerprint.swift_compiler_version", expected: "\(host.swiftCompilerVersion ?? "?")",
                    actual: swiftVersion, detail: "Swift has no stable ABI on Linux: rebuild the bundle with the host's compiler")
            }
        }
        return BuildFingerprint(
            pointerSize: pointerSize, valueSize: valueSize, byteOrder: host.byteOrder, language: language,
            swiftCompilerVersion: swiftVersion)
    }

    // MARK: - Components

    private func readComponent(
        _ record: UnsafeRawPointer, stride: Int, honoursNonBlocking: Bool, field: @autoclosure () -> String
    ) throws(BundleLoadError) -> (ComponentDescriptor, ComponentImplementation) {
        let reader = StructReader<lb_component>(record)
        guard reader.size >= Self.componentSize10 else {
            throw error(.structTooSmall, "\(field()).struct_size", expected: "at least \(Self.componentSize10)", actual: "\(reader.size)")
        }
        guard reader.size <= stride else {
            throw error(.invalidField, "\(field()).struct_size", expected: "at most the stride \(stride)", actual: "\(reader.size)")
        }
        let typeName = try requiredString(reader.value.type_name, "\(field()).type_name")
        try validateTypeName(typeName, "\(field()).type_name")
        let base = field()
        func location() -> String { "\(base) (\(typeName))" }
        guard let run = reader.value.run else {
            throw error(.invalidField, "\(location()).run", expected: "a run function", actual: "NULL")
        }
        let flags = reader.value.flags

        var inputs: [InputPort] = []
        let inputRecords = try records(
            reader.value.inputs, count: reader.value.input_count, stride: reader.value.input_stride, minimum: Self.inputSize10,
            array: "\(location()).inputs", strideField: "\(location()).input_stride", noun: "inputs")
        for (index, record) in inputRecords.pointers.enumerated() {
            let port = try readInput(record, stride: inputRecords.stride, field: "\(location()).inputs[\(index)]")
            if inputs.contains(where: { $0.name == port.name }) {
                throw error(.duplicateName, "\(location()).inputs[\(index)].name", detail: "input \"\(port.name)\" is declared twice")
            }
            inputs.append(port)
        }

        var outputs: [OutputPort] = []
        let outputRecords = try records(
            reader.value.outputs, count: reader.value.output_count, stride: reader.value.output_stride, minimum: Self.outputSize10,
            array: "\(location()).outputs", strideField: "\(location()).output_stride", noun: "outputs")
        for (index, record) in outputRecords.pointers.enumerated() {
            let port = try readOutput(record, stride: outputRecords.stride, field: "\(location()).outputs[\(index)]")
            if outputs.contains(where: { $0.name == port.name }) {
                throw error(.duplicateName, "\(location()).outputs[\(index)].name", detail: "output \"\(port.name)\" is declared twice")
            }
            outputs.append(port)
        }

        // ABI 1.1: the field reads as NULL (no aliases) in a 1.0 writer's smaller struct.
        let aliases = try stringList(reader.value.aliases, "\(location()).aliases")
        for (index, alias) in aliases.enumerated() {
            try validateTypeName(alias, "\(location()).aliases[\(index)]")
            if alias == typeName || aliases[..<index].contains(alias) {
                throw error(.duplicateName, "\(location()).aliases[\(index)]", detail: "alias \"\(alias)\" repeats the type name or an earlier alias")
            }
        }
        let descriptor = ComponentDescriptor(
            typeName: typeName,
            displayName: try optionalString(reader.value.display_name, "\(location()).display_name") ?? typeName,
            description: try optionalString(reader.value.description, "\(location()).description") ?? "",
            category: try optionalString(reader.value.category, "\(location()).category") ?? "custom",
            icon: try optionalString(reader.value.icon, "\(location()).icon"),
            documentation: try optionalString(reader.value.documentation, "\(location()).documentation"),
            inputs: inputs,
            outputs: outputs,
            isThreadSafe: flags & UInt32(LB_COMPONENT_THREADSAFE) != 0,
            isNonBlocking: honoursNonBlocking && flags & UInt32(LB_COMPONENT_NONBLOCKING) != 0,
            isBeta: flags & UInt32(LB_COMPONENT_BETA) != 0,
            isLegacy: flags & UInt32(LB_COMPONENT_LEGACY) != 0,
            acceptsExtraInputs: flags & UInt32(LB_COMPONENT_EXTRA_INPUTS) != 0,
            aliases: aliases
        )
        let native = NativeComponent(
            record: record.assumingMemoryBound(to: lb_component.self),
            create: reader.value.create,
            run: run,
            destroy: reader.value.destroy,
            inputCount: inputs.count,
            outputCount: outputs.count
        )
        return (descriptor, .native(native))
    }

    private func readInput(_ record: UnsafeRawPointer, stride: Int, field: @autoclosure () -> String) throws(BundleLoadError) -> InputPort {
        let reader = StructReader<lb_input_port>(record)
        guard reader.size >= Self.inputSize10, reader.size <= stride else {
            throw error(.structTooSmall, "\(field()).struct_size", expected: "between \(Self.inputSize10) and the stride \(stride)", actual: "\(reader.size)")
        }
        let name = try requiredString(reader.value.name, "\(field()).name")
        try validateIdentifier(name, "\(field()).name")
        let flags = reader.value.flags
        var defaultValue: JSONValue?
        if let text = try optionalString(reader.value.default_json, "\(field()).default_json") {
            do {
                defaultValue = try JSONValue(parsing: text)
            } catch {
                throw self.error(.invalidField, "\(field()).default_json", expected: "a JSON text", actual: "\"\(text.prefix(60))\"")
            }
        }
        return InputPort(
            name: name,
            displayName: try optionalString(reader.value.display_name, "\(field()).display_name"),
            info: try optionalString(reader.value.info, "\(field()).info"),
            fieldType: try optionalString(reader.value.field_type, "\(field()).field_type") ?? "str",
            acceptedTypes: try stringList(reader.value.accepted_types, "\(field()).accepted_types"),
            defaultValue: defaultValue,
            options: reader.value.options == nil ? nil : try stringList(reader.value.options, "\(field()).options"),
            isRequired: flags & UInt32(LB_INPUT_REQUIRED) != 0,
            isList: flags & UInt32(LB_INPUT_LIST) != 0,
            isAdvanced: flags & UInt32(LB_INPUT_ADVANCED) != 0,
            isHidden: flags & UInt32(LB_INPUT_HIDDEN) != 0,
            isSecret: flags & UInt32(LB_INPUT_SECRET) != 0,
            isMultiline: flags & UInt32(LB_INPUT_MULTILINE) != 0,
            isHandle: flags & UInt32(LB_INPUT_HANDLE) != 0
        )
    }

    private func readOutput(_ record: UnsafeRawPointer, stride: Int, field: @autoclosure () -> String) throws(BundleLoadError) -> OutputPort {
        let reader = StructReader<lb_output_port>(record)
        guard reader.size >= Self.outputSize10, reader.size <= stride else {
            throw error(.structTooSmall, "\(field()).struct_size", expected: "between \(Self.outputSize10) and the stride \(stride)", actual: "\(reader.size)")
        }
        let name = try requiredString(reader.value.name, "\(field()).name")
        try validateIdentifier(name, "\(field()).name")
        let types = try stringList(reader.value.types, "\(field()).types")
        guard !types.isEmpty else {
            throw error(.invalidField, "\(field()).types", expected: "at least one type", actual: "none")
        }
        let flags = reader.value.flags
        return OutputPort(
            name: name,
            displayName: try optionalString(reader.value.display_name, "\(field()).display_name"),
            types: types,
            isHidden: flags & UInt32(LB_OUTPUT_HIDDEN) != 0,
            allowsLoop: flags & UInt32(LB_OUTPUT_ALLOWS_LOOP) != 0
        )
    }

    // MARK: - Plain functions

    private func readFunction(
        _ record: UnsafeRawPointer, stride: Int, honoursNonBlocking: Bool, field: @autoclosure () -> String
    ) throws(BundleLoadError) -> (ComponentDescriptor, ComponentImplementation) {
        let reader = StructReader<lb_function>(record)
        guard reader.size >= Self.functionSize10, reader.size <= stride else {
            throw error(.structTooSmall, "\(field()).struct_size", expected: "between \(Self.functionSize10) and the stride \(stride)", actual: "\(reader.size)")
        }
        let typeName = try requiredString(reader.value.type_name, "\(field()).type_name")
        try validateTypeName(typeName, "\(field()).type_name")
        let base = field()
        func location() -> String { "\(base) (\(typeName))" }
        let signatureText = try requiredString(reader.value.signature, "\(location()).signature")
        let signature: FunctionSignature
        do {
            signature = try FunctionSignature(parsing: signatureText)
        } catch {
            throw self.error(.invalidSignature, "\(location()).signature", actual: "\"\(signatureText)\"", detail: error.message)
        }
        let names = try stringList(reader.value.parameter_names, "\(location()).parameter_names")
        guard names.count == signature.parameters.count else {
            throw error(
                .invalidSignature, "\(location()).parameter_names", expected: "\(signature.parameters.count) names (one per parameter of \(signatureText))",
                actual: "\(names.count)")
        }
        for (index, name) in names.enumerated() {
            try validateIdentifier(name, "\(location()).parameter_names[\(index)]")
            if names[..<index].contains(name) {
                throw error(.duplicateName, "\(location()).parameter_names[\(index)]", detail: "parameter \"\(name)\" is named twice")
            }
        }
        guard let function = reader.value.function else {
            throw error(.invalidField, "\(location()).function", expected: "a function pointer", actual: "NULL")
        }
        let resultName = try optionalString(reader.value.result_name, "\(location()).result_name") ?? "result"
        try validateIdentifier(resultName, "\(location()).result_name")

        var status: Int32 = 0
        let parameterLetters = signature.parameters.map { $0.rawValue }
        let interface = parameterLetters.withUnsafeBufferPointer { letters in
            letters.withMemoryRebound(to: CChar.self) { lb_ffi_prepare(CChar(bitPattern: signature.result.rawValue), $0.baseAddress, $0.count, &status) }
        }
        guard let interface else {
            throw error(.invalidSignature, "\(location()).signature", actual: "\"\(signatureText)\"", detail: "libffi could not prepare the call (status \(status))")
        }

        let inputs = zip(names, signature.parameters).map { name, type in
            InputPort(
                name: name, displayName: name, fieldType: type.fieldType, acceptedTypes: type.acceptedTypes,
                isRequired: true)
        }
        let descriptor = ComponentDescriptor(
            typeName: typeName,
            displayName: try optionalString(reader.value.display_name, "\(location()).display_name") ?? typeName,
            description: try optionalString(reader.value.description, "\(location()).description") ?? "",
            category: try optionalString(reader.value.category, "\(location()).category") ?? "custom",
            icon: try optionalString(reader.value.icon, "\(location()).icon"),
            inputs: inputs,
            outputs: [OutputPort(name: resultName, displayName: resultName, types: signature.result.producedTypes)],
            isThreadSafe: reader.value.flags & UInt32(LB_COMPONENT_THREADSAFE) != 0,
            isNonBlocking: honoursNonBlocking && reader.value.flags & UInt32(LB_COMPONENT_NONBLOCKING) != 0,
            signature: signatureText
        )
        let foreign = ForeignFunction(interface: interface, function: function, signature: signature)
        return (descriptor, .function(foreign))
    }

    // MARK: - Arrays

    /// The records of an array the writer laid out `stride` bytes apart, after checking its pointer and stride.
    private func records<Record>(
        _ base: UnsafePointer<Record>?,
        count: UInt32,
        stride: UInt32,
        minimum: Int,
        array: @autoclosure () -> String,
        strideField: @autoclosure () -> String,
        noun: String
    ) throws(BundleLoadError) -> (pointers: [UnsafeRawPointer], stride: Int) {
        let count = Int(count)
        let stride = Int(stride)
        guard count > 0 else { return ([], stride) }
        guard let base else {
            throw error(.invalidField, array(), expected: "a pointer to \(count) \(noun)", actual: "NULL")
        }
        guard stride >= minimum else {
            throw error(.structTooSmall, strideField(), expected: "at least \(minimum)", actual: "\(stride)")
        }
        return ((0..<count).map { UnsafeRawPointer(base).advanced(by: $0 * stride) }, stride)
    }

    // MARK: - Strings

    private func requiredString(_ pointer: UnsafePointer<CChar>?, _ field: @autoclosure () -> String) throws(BundleLoadError) -> String {
        guard let value = try optionalString(pointer, field()), !value.isEmpty else {
            throw error(.invalidField, field(), expected: "a non-empty string", actual: pointer == nil ? "NULL" : "\"\"")
        }
        return value
    }

    private func optionalString(_ pointer: UnsafePointer<CChar>?, _ field: @autoclosure () -> String) throws(BundleLoadError) -> String? {
        guard let pointer else { return nil }
        let length = strnlen(pointer, Self.maximumStringLength + 1)
        guard length <= Self.maximumStringLength else {
            throw error(.invalidField, field(), expected: "at most \(Self.maximumStringLength) bytes", actual: "a longer string")
        }
        guard let value = String(validatingCString: pointer) else {
            throw error(.invalidField, field(), expected: "UTF-8 text", actual: "invalid UTF-8")
        }
        return value
    }

    private func stringList(_ list: UnsafePointer<UnsafePointer<CChar>?>?, _ field: @autoclosure () -> String) throws(BundleLoadError) -> [String] {
        guard let list else { return [] }
        var values: [String] = []
        var index = 0
        while let item = list[index] {
            guard index < Self.maximumListLength else {
                throw error(.invalidField, field(), expected: "a NULL-terminated list of at most \(Self.maximumListLength) strings", actual: "no NULL within \(Self.maximumListLength)")
            }
            values.append(try requiredString(item, "\(field())[\(index)]"))
            index += 1
        }
        return values
    }

    static let maximumStringLength = 64 * 1024
    static let maximumListLength = 4096

    // MARK: - Names

    private func validateBundleID(_ id: String) throws(BundleLoadError) {
        let segments = id.split(separator: ".", omittingEmptySubsequences: false)
        let valid = segments.count >= 2 && id.utf8.count <= 128
            && segments.allSatisfy { segment in
                !segment.isEmpty && segment.utf8.allSatisfy { byte in
                    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
                        || (byte >= 0x41 && byte <= 0x5A)
                }
            }
        guard valid else {
            throw error(.invalidField, "descriptor.id", expected: "a reverse-DNS id like com.example.my-bundle", actual: "\"\(id)\"")
        }
    }

    private func validateTypeName(_ name: String, _ field: @autoclosure () -> String) throws(BundleLoadError) {
        // Langflow type names are class names, sometimes with spaces ("Prompt Template"). Checked on bytes:
        // Unicode property lookups cost more than the rest of a component's validation.
        let bytes = name.utf8
        let valid = bytes.count <= 128 && bytes.first != 0x20 && bytes.last != 0x20
            && !bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\"") }
        guard valid else {
            throw error(.invalidField, field(), expected: "a type name of at most 128 characters without control characters, quotes or slashes", actual: "\"\(name)\"")
        }
    }

    private func validateIdentifier(_ name: String, _ field: @autoclosure () -> String) throws(BundleLoadError) {
        let valid = name.utf8.count <= 128 && name.utf8.first.map { !($0 >= 0x30 && $0 <= 0x39) } == true
            && name.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
            }
        guard valid else {
            throw error(.invalidField, field(), expected: "an identifier ([A-Za-z_][A-Za-z0-9_]*)", actual: "\"\(name)\"")
        }
    }
}

private func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
