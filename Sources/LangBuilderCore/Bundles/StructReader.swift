/// Reads the fields of a size-prefixed ABI struct written by a bundle, never past the writer's size.
///
/// A field that lies past `struct_size` reads as absent (`nil`), which is the ABI's rule for structs of an
/// older minor version.
struct StructReader<Layout> {
    let base: UnsafeRawPointer
    /// The writer's `struct_size`.
    let size: Int

    init(_ base: UnsafeRawPointer) {
        self.base = base
        self.size = Int(base.load(as: UInt32.self))
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
