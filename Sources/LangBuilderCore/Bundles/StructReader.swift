/// Reads the fields of a size-prefixed ABI struct written by a bundle, never past the writer's size.
///
/// A field that lies past `struct_size` reads as absent (`nil`), which is the ABI's rule for structs of an
/// older minor version.
struct StructReader<Layout> {
    let base: UnsafeRawPointer
    /// The writer's `struct_size`.
    let size: Int
    /// The writer's struct copied into a zero-filled host struct: the fields the writer did not have read as
    /// zero (absent), and reading them never touches memory past the writer's size. Fields are read from this
    /// copy directly, which costs nothing, unlike computing a key path's offset for every field.
    let value: Layout

    init(_ base: UnsafeRawPointer) {
        self.base = base
        let size = Int(base.loadUnaligned(as: UInt32.self))
        self.size = size
        self.value = withUnsafeTemporaryAllocation(of: Layout.self, capacity: 1) { buffer in
            let raw = UnsafeMutableRawPointer(buffer.baseAddress!)
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<Layout>.size)
            raw.copyMemory(from: base, byteCount: min(size, MemoryLayout<Layout>.size))
            return buffer.baseAddress!.pointee
        }
    }

    /// Whether the writer's struct contains the whole field.
    func contains<Field>(_ field: KeyPath<Layout, Field>) -> Bool {
        guard let offset = MemoryLayout<Layout>.offset(of: field) else { return false }
        return offset + MemoryLayout<Field>.size <= size
    }

    /// The field's value, or nil when it lies past the writer's size.
    func read<Field>(_ field: KeyPath<Layout, Field>) -> Field? {
        guard let offset = MemoryLayout<Layout>.offset(of: field), offset + MemoryLayout<Field>.size <= size else {
            return nil
        }
        return base.loadUnaligned(fromByteOffset: offset, as: Field.self)
    }

    /// The number of bytes a struct of this layout must have to contain `field`: its offset plus its size.
    static func end<Field>(of field: KeyPath<Layout, Field>) -> Int {
        MemoryLayout<Layout>.offset(of: field)! + MemoryLayout<Field>.size
    }
}
