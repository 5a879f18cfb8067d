/// A bundle file that passed every check: its descriptor and the code behind each component.
public struct LoadedBundle: Sendable {
    /// The file it was loaded from (or a label such as `static:<name>` for statically registered bundles).
    public let file: String
    public let descriptor: BundleDescriptor
    /// One per `descriptor.components`, in the same order.
    public let components: [RegisteredComponent]
}

/// The outcome of scanning bundle directories: what loaded, and what was refused and why.
public struct BundleScan: Sendable {
    public var loaded: [LoadedBundle] = []
    public var refused: [BundleLoadError] = []

    public init(loaded: [LoadedBundle] = [], refused: [BundleLoadError] = []) {
        self.loaded = loaded
        self.refused = refused
    }
}
