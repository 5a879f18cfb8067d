import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's flow control components under their Langflow names: If-Else, Loop, Pass and Run Flow.
let logicBundle = BundleDefinition(
    id: "dev.langbuilder.langflow-logic",
    version: "1.0.0",
    displayName: "Langflow Flow Controls",
    description: "Langflow's flow control components: If-Else (ConditionalRouter), Loop, Pass and Run Flow.",
    license: "Apache-2.0",
    // Run Flow waits for the flow it runs; a Loop never runs on the caller's thread anyway.
    components: [conditionalRouter.nonBlocking(), loop, pass.nonBlocking(), runFlow]
)

@_cdecl("lb_bundle_entry")
public func lb_bundle_entry(_ hostABI: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
    logicBundle.export(hostABI: hostABI, host: host)
}

/// Langflow's `PassMessageComponent`: forwards `input_message` unchanged; `ignored_message` only orders the flow.
let pass = ComponentDefinition(
    "Pass", displayName: "Pass", description: "Forwards the input message, unchanged.", category: "flow_controls", icon: "arrow-right",
    inputs: [
        .message("input_message", "Input Message", info: "The message to be passed forward.", required: true),
        .message("ignored_message", "Ignored Message", info: "A second message to be ignored. Used as a workaround for continuity.", advanced: true),
    ],
    outputs: [OutputDefinition("output_message", displayName: "Output Message", types: ["Message"])]
) { inputs, context in
    guard let value = inputs["input_message"] else { throw ComponentFailure("Pass: input 'input_message' has no value") }
    if case .json("Message", _) = value { return ["output_message": value] }
    return ["output_message": Langflow.message(try inputs.text("input_message", component: "Pass"), context: context)]
}
.legacy()
