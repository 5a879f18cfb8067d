import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's utility components under their Langflow names: Calculator, Current Date, ID Generator and Message History.
let utilitiesBundle = BundleDefinition(
    id: "dev.langbuilder.langflow-utilities",
    version: "1.0.0",
    displayName: "Langflow Utilities",
    description: "Langflow's utility components: Calculator, Current Date, ID Generator and Message History.",
    license: "Apache-2.0",
    // Message History reads the storage: it blocks.
    components: [calculator.nonBlocking(), currentDate.nonBlocking(), idGenerator.nonBlocking(), memory]
)

@_cdecl("lb_bundle_entry")
public func lb_bundle_entry(_ hostABI: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
    utilitiesBundle.export(hostABI: hostABI, host: host)
}
