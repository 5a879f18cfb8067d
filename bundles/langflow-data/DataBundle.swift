import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's data components that reach the web: API Request and URL, through the host's HTTP service.
let dataBundle = BundleDefinition(
    id: "dev.langbuilder.langflow-data",
    version: "1.0.0",
    displayName: "Langflow Data",
    description: "Langflow's web data components: API Request (URL or cURL) and URL (pages as text, following links).",
    license: "Apache-2.0",
    components: [apiRequest, urlComponent]
)

@_cdecl("lb_bundle_entry")
public func lb_bundle_entry(_ hostABI: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
    dataBundle.export(hostABI: hostABI, host: host)
}
