/// C sources of fixture bundles, with a hook to break them in one exact way.
enum FixtureSource {
    /// A valid bundle with one component `typeName` (input `text`, output `text`, echoes its input) whose
    /// entry point runs `mutation` (C statements acting on `descriptor`, `fingerprint`, `components`) first.
    static func bundle(id: String = "test.fixture.echo", typeName: String = "Echo", mutation: String = "", extra: String = "") -> String {
        """
        #include "langbuilder_bundle.h"
        #include <string.h>

        LB_BUNDLE_HOST_API;

        static int32_t echo_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)n_in; (void)n_out;
            if (!lb_value_present(&in[0])) return lb_fail(lb_host, ctx, "Echo: input 'text' has no value");
            lb_string text = lb_value_text(&in[0]);
            char *copy = lb_arena_copy(lb_host, ctx, text.ptr, text.len);
            if (copy == NULL) return lb_fail(lb_host, ctx, "out of memory");
            lb_set_string(&out[0], copy, text.len);
            return LB_OK;
        }

        static lb_input_port inputs[] = {
            {sizeof(lb_input_port), LB_INPUT_REQUIRED, "text", "Text", "What to echo", "str", LB_NAMES("str", "Message"), "\\"hi\\"", NULL},
        };
        static lb_output_port outputs[] = {
            {sizeof(lb_output_port), 0, "text", "Text", LB_NAMES("str")},
        };
        static lb_component components[] = {
            {sizeof(lb_component), LB_COMPONENT_THREADSAFE, "\(typeName)", "Echo", "Echoes its input.", "testing", "Repeat",
             inputs, 1, sizeof(lb_input_port), outputs, 1, sizeof(lb_output_port), NULL, echo_run, NULL, NULL, NULL},
        };
        static lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
        static lb_bundle_descriptor descriptor = {
            sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "\(id)", "1.0.0", "Echo fixture",
            "A test bundle.", "MIT", NULL, components, 1, sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
        };

        \(extra)

        LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi, const lb_host_api *host);
        LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi, const lb_host_api *host)
        {
            (void)host_abi;
            lb_host = host;
            \(mutation)
            return &descriptor;
        }

        """
    }
}
