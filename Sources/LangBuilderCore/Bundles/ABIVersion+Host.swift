import CLangBuilderABI

extension ABIVersion {
    /// The ABI version this host implements.
    public static let host = ABIVersion(major: UInt16(LB_ABI_MAJOR), minor: UInt16(LB_ABI_MINOR))
}

extension BuildFingerprint {
    /// The host's own fingerprint: what a bundle must match.
    public static let host = BuildFingerprint(
        pointerSize: MemoryLayout<UnsafeRawPointer>.size,
        valueSize: MemoryLayout<lb_value>.size,
        byteOrder: UInt32(LB_BYTE_ORDER_MARK).littleEndian == UInt32(LB_BYTE_ORDER_MARK) ? .little : .big,
        language: .swift,
        swiftCompilerVersion: swiftCompilerVersionString
    )
}
