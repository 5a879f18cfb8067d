/// The in-process table of loaded components, built from loaded bundles.
///
/// It refuses a bundle whose id is already loaded, or that exports a component type (or alias) another bundle
/// already exports; the refusal names both files. Refusal is per bundle: a bundle loads whole or not at all.
/// A component's aliases (ABI 1.1) resolve to it in ``component(named:)``; ``components`` lists type names only.
///
/// ```swift
/// let registry = ComponentRegistry(scan: BundleLoader().scan(directories: paths))
/// registry.component(named: "ChatInput")?.provenance.file
/// ```
public struct ComponentRegistry: Sendable {
    public let types: TypeRegistry
    /// The bundles in the registry, in the order they were added.
    public private(set) var bundles: [LoadedBundle] = []
    /// Bundles refused while loading or while adding, with the reason.
    public private(set) var refused: [BundleLoadError] = []
    private var componentsByName: [String: RegisteredComponent] = [:]
    /// Alias to the type name it stands for.
    private var typeNamesByAlias: [String: String] = [:]

    public init(types: TypeRegistry = .standard) {
        self.types = types
    }

    /// A registry of every bundle the scan loaded; the scan's refusals and any duplicate are in `refused`.
    public init(scan: BundleScan, types: TypeRegistry = .standard) {
        self.types = types
        refused = scan.refused
        for bundle in scan.loaded {
            do {
                try add(bundle)
            } catch {
                refused.append(error)
            }
        }
    }

    /// Adds a bundle, refusing duplicate bundle ids and duplicate component type names.
    public mutating func add(_ bundle: LoadedBundle) throws(BundleLoadError) {
        if let existing = bundles.first(where: { $0.descriptor.id == bundle.descriptor.id }) {
            throw BundleLoadError(
                .duplicateBundleID, file: bundle.file, field: "descriptor.id",
                detail: "bundle id \(bundle.descriptor.id) is already loaded from \(existing.file) (version \(existing.descriptor.version)); this copy is version \(bundle.descriptor.version)")
        }
        for component in bundle.components {
            for name in [component.typeName] + component.descriptor.aliases {
                guard let existing = self.component(named: name) else { continue }
                let what = name == component.typeName ? "component \(name)" : "alias \(name) of component \(component.typeName)"
                let owner = existing.typeName == name ? "" : " (as an alias of \(existing.typeName))"
                throw BundleLoadError(
                    .duplicateComponent, file: bundle.file, field: "component \(component.typeName)",
                    detail: "\(what) is already exported by \(existing.provenance.bundleID)\(owner) from \(existing.provenance.file)")
            }
        }
        bundles.append(bundle)
        for component in bundle.components {
            componentsByName[component.typeName] = component
            for alias in component.descriptor.aliases { typeNamesByAlias[alias] = component.typeName }
        }
    }

    /// The component with this type name, or whose aliases include it.
    public func component(named typeName: String) -> RegisteredComponent? {
        if let component = componentsByName[typeName] { return component }
        return typeNamesByAlias[typeName].flatMap { componentsByName[$0] }
    }

    /// Every component, sorted by type name.
    public var components: [RegisteredComponent] {
        componentsByName.values.sorted { $0.typeName < $1.typeName }
    }

    /// Known type names nearest to `name` (edit distance, case-insensitive), best first: for "did you mean".
    public func suggestions(for name: String, limit: Int = 3) -> [String] {
        let lowered = name.lowercased()
        let target = Array(lowered)
        let maximum = max(2, target.count / 3)
        var scored: [(name: String, distance: Int)] = []
        for candidate in componentsByName.keys {
            let distance = Self.distance(target, Array(candidate.lowercased()))
            if distance <= maximum || candidate.lowercased().contains(lowered) {
                scored.append((candidate, distance))
            }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
        return scored.prefix(limit).map(\.name)
    }

    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
