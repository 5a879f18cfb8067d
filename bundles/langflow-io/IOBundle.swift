import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's input and output components under their Langflow names: Chat Input, Chat Output, Text Input,
/// Text Output and Webhook.
///
/// Chat messages are stored once, by the host: the server records each Message that a `ChatInput` or
/// `ChatOutput` vertex produced when the run ends (off the response path), unless the vertex's
/// `should_store_message` is false. The components themselves never call `add_message`, so a message is never
/// stored twice, and `langbuilder run` (which keeps no history) runs them unchanged.
let ioBundle = BundleDefinition(
    id: "dev.langbuilder.langflow-io",
    version: "1.0.0",
    displayName: "Langflow Inputs and Outputs",
    description: "Langflow's input and output components: Chat Input, Chat Output, Text Input, Text Output and Webhook.",
    license: "Apache-2.0",
    // They only compute: runs made of them go on the caller's thread (ABI 1.4).
    components: [chatInput, chatOutput, textInput, textOutput, webhook].map { $0.nonBlocking() }
)

@_cdecl("lb_bundle_entry")
public func lb_bundle_entry(_ hostABI: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
    ioBundle.export(hostABI: hostABI, host: host)
}
