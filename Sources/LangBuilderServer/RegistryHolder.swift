public import LangBuilderCore
import Synchronization

/// The component registry the server answers from, with its Langflow rendering cached.
///
/// Replaceable as a whole (the store-sync service swaps in a registry with new bundle versions); readers get
/// a consistent snapshot.
public final class RegistryHolder: Sendable {
    public struct Snapshot: Sendable {
        public let registry: ComponentRegistry
        /// `/api/v1/all`'s body and its entity tag.
        public let catalogJSON: String
        public let etag: String
        /// Grows with every replacement: what was built against one registry is not reused with the next, even
        /// when both render the same catalogue (a new version of a bundle with the same ports).
        public let generation: UInt64
    }

    private let current: Mutex<Snapshot>

    public init(_ registry: ComponentRegistry) {
        current = Mutex(Self.snapshot(registry, generation: 0))
    }

    public var snapshot: Snapshot { current.withLock { $0 } }

    public func replace(with registry: ComponentRegistry) {
        current.withLock { $0 = Self.snapshot(registry, generation: $0.generation + 1) }
    }

    private static func snapshot(_ registry: ComponentRegistry, generation: UInt64) -> Snapshot {
        let json = registry.langflowCatalog().serialized()
        // FNV-1a over the body: cheap, stable, and enough to tell two registries apart.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in json.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Snapshot(registry: registry, catalogJSON: json, etag: "\"" + String(hash, radix: 16) + "\"", generation: generation)
    }
}
