import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's core processing components under their Langflow names, fields and outputs, so that flows
/// exported from Langflow run unchanged: Prompt Template, Combine Text, Parser, Split Text, the Data helpers
/// and Type Convert.
let processingBundle = BundleDefinition(
    id: "dev.langbuilder.langflow-processing",
    version: "1.0.0",
    displayName: "Langflow Processing",
    description: "Langflow's prompt, text and data processing components: Prompt Template, Combine Text, Parser, Split Text, JSON operations and Type Convert.",
    license: "Apache-2.0",
    components: [
        promptTemplate,
        combineText,
        parser,
        splitText,
        dataOperations,
        filterData,
        jsonToData,
        createData,
        extractKey,
        typeConverter,
        dataToDataFrame,
    ].map { $0.nonBlocking() }  // they only compute (ABI 1.4)
)

@_cdecl("lb_bundle_entry")
public func lb_bundle_entry(_ hostABI: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
    processingBundle.export(hostABI: hostABI, host: host)
}
