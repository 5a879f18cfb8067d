import CLangBuilderABI
import Synchronization

/// Declares a Swift bundle: its identity and components. The SDK turns it into the C tables of the ABI.
///
/// ```swift
/// let bundle = BundleDefinition(
///     id: "com.example.greetings", version: "1.0.0", displayName: "Greetings",
///     components: [
///         ComponentDefinition("Greet", inputs: [.text("name", required: true)], outputs: [.init("text", types: ["str"])]) { inputs, _ in
///             ["text": .string("Hello, \(try inputs.string("name"))!")]
///         }
///     ])
///
/// @_cdecl("lb_bundle_entry")
/// public func entry(_ hostABI: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
///     bundle.export(hostABI: hostABI, host: host)
/// }
/// ```
public final class BundleDefinition: Sendable {
    public let id: String
    public let version: String
    public let displayName: String
    public let description: String
    public let license: String?
    public let homepage: String?
    public let components: [ComponentDefinition]
    private let exported = Mutex<ExportedTables?>(nil)

    public init(
        id: String,
        version: String,
        displayName: String,
        description: String = "",
        license: String? = nil,
        homepage: String? = nil,
        components: [ComponentDefinition]
    ) {
        self.id = id
        self.version = version
        self.displayName = displayName
        self.description = description
        self.license = license
        self.homepage = homepage
        self.components = components
    }

    /// The body of the bundle's `lb_bundle_entry`: checks the host's ABI version and returns the descriptor
    /// (built once, kept for the life of the process), or nil to refuse a host of another major version.
    public func export(hostABI: UInt32, host: OpaquePointer?) -> OpaquePointer? {
        guard hostABI >> 16 == UInt32(LB_ABI_MAJOR), let host else { return nil }
        let hostTable = UnsafePointer<lb_host_api>(host)
        return exported.withLock { tables in
            if tables == nil {
                tables = ExportedTables(bundle: self, host: hostTable)
            }
            return OpaquePointer(tables!.descriptor)
        }
    }
}
