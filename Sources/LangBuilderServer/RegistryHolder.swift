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
    }

    private let current: Mutex<Snapshot>

    public init(_ registry: ComponentRegistry) {
        current = Mutex(Self.snapshot(registry))
    }

    public var snapshot: Snapshot { current.withLock { $0 } }

    public func replace(with registry: ComponentRegistry) {
        let next = Self.snapshot(registry)
        current.withLock { $0 = next }
    }

    private static func snapshot(_ registry: ComponentRegistry) -> Snapshot {
        let json = registry.langflowCatalog().serialized()
        // FNV-1a over the body: cheap, stable, and enough to tell two registries apart.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in json.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Snapshot(registry: registry, catalogJSON: json, etag: "\"" + String(hash, radix: 16) + "\"")
    }
}
