import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's models and agents: Language Model, OpenAI and Agent, on any OpenAI-compatible chat completions
/// API through the host's HTTP service (libcurl: TLS verified, proxies from the environment, cancellation).
let modelsBundle = BundleDefinition(
    id: "dev.langbuilder.langflow-models",
    version: "1.0.0",
    displayName: "Langflow Models and Agents",
    description: "Language Model, OpenAI and Agent components for OpenAI-compatible chat completions APIs, plain or streamed.",
    license: "Apache-2.0",
    components: [languageModel, openAIModel, agent]
)

@_cdecl("lb_bundle_entry")
public func lb_bundle_entry(_ hostABI: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
    modelsBundle.export(hostABI: hostABI, host: host)
}
