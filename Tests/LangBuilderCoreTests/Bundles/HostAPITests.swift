import Foundation
import LangBuilderCore
import LangBuilderTesting
import Synchronization
import Testing

/// Values of every kind and the host API table, exercised from a real C bundle.
@Suite struct HostAPITests {
    /// A component that copies each input of every kind to the matching output, and a probe of the host table.
    static let source = """
        #include "langbuilder_bundle.h"
        #include <stdio.h>
        #include <string.h>

        LB_BUNDLE_HOST_API;

        static int32_t copy_value(lb_context *ctx, const lb_value *in, lb_value *out)
        {
            *out = *in;
            out->struct_size = sizeof(lb_value);
            if (in->kind == LB_VALUE_STRING || in->kind == LB_VALUE_JSON || in->kind == LB_VALUE_BYTES) {
                char *copy = lb_arena_copy(lb_host, ctx, in->u.string.ptr, in->u.string.len);
                if (copy == NULL) return LB_ERROR;
                out->u.string.ptr = copy;
            }
            if (in->type_name != NULL) {
                out->type_name = lb_arena_copy(lb_host, ctx, in->type_name, strlen(in->type_name) + 1);
            }
            if (in->kind == LB_VALUE_OBJECT) in->u.object.vtable->retain(in->u.object.instance);
            return LB_OK;
        }

        static int32_t mirror_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self;
            if (n_in != n_out) return lb_fail(lb_host, ctx, "port counts differ");
            for (size_t i = 0; i < n_in; i++) {
                if (copy_value(ctx, &in[i], &out[i]) != LB_OK) return lb_fail(lb_host, ctx, "out of memory");
            }
            return LB_OK;
        }

        static int32_t probe_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)in; (void)n_in; (void)n_out;
            lb_host->log(ctx, LB_LOG_INFO, lb_cstring("probing the host"));
            lb_host->emit(ctx, "token", lb_cstring("{\\"chunk\\":\\"Hel\\"}"));
            lb_string variable = {0}, session = {0}, vertex = {0}, missing = {0};
            int32_t found = lb_host->get_variable(ctx, "GREETING", &variable);
            int32_t absent = lb_host->get_variable(ctx, "NOPE", &missing);
            lb_host->get_info(ctx, "session_id", &session);
            lb_host->get_info(ctx, "vertex_id", &vertex);
            int has_http = LB_HOST_HAS(lb_host, http_request);
            char *text = lb_host->alloc(ctx, 256);
            int length = snprintf(text, 256, "var=%.*s(%d) missing=%d session=%.*s vertex=%.*s cancelled=%d http=%d size=%u",
                                  (int)variable.len, variable.ptr, found, absent, (int)session.len, session.ptr,
                                  (int)vertex.len, vertex.ptr, lb_host->is_cancelled(ctx), has_http, lb_host->struct_size);
            lb_set_string(&out[0], text, (size_t)length);
            return LB_OK;
        }

        /* A reference-counted object handed from one component to another. */
        static int live_counters = 0;
        typedef struct { int references; int64_t count; } counter;
        static void counter_retain(void *self) { ((counter *)self)->references++; }
        static void counter_release(void *self) { counter *c = self; if (--c->references == 0) { live_counters--; free(c); } }
        static int32_t counter_invoke(void *self, lb_context *ctx, const char *method, const lb_value *args, size_t n, lb_value *result)
        {
            (void)args; (void)n;
            if (strcmp(method, "increment") != 0) return lb_fail(lb_host, ctx, "Counter has no such method");
            lb_set_int(result, ++((counter *)self)->count);
            return LB_OK;
        }
        static const lb_object_vtable counter_vtable = {sizeof(lb_object_vtable), 0, counter_retain, counter_release, counter_invoke};

        static int32_t make_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)ctx; (void)in; (void)n_in; (void)n_out;
            counter *c = calloc(1, sizeof(counter));
            c->references = 1;
            live_counters++;
            out[0].kind = LB_VALUE_OBJECT;
            out[0].type_name = "Counter";
            out[0].u.object.instance = c;
            out[0].u.object.vtable = &counter_vtable;
            return LB_OK;
        }

        static int32_t live_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)ctx; (void)in; (void)n_in; (void)n_out;
            lb_set_int(&out[0], live_counters);
            return LB_OK;
        }

        static int32_t names_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
        {
            (void)self; (void)n_out;
            char *text = lb_host->alloc(ctx, 512);
            size_t used = 0;
            for (size_t i = 0; i < n_in; i++) {
                lb_string name = {0};
                if (lb_host->get_input_name(ctx, i, &name) != LB_OK) return lb_fail(lb_host, ctx, "no name");
                lb_string value = lb_value_text(&in[i]);
                used += (size_t)snprintf(text + used, 512 - used, "%s%.*s=%.*s", i ? ";" : "", (int)name.len, name.ptr, (int)value.len, value.ptr);
            }
            lb_string beyond = {0};
            if (lb_host->get_input_name(ctx, n_in, &beyond) != LB_NOT_FOUND) return lb_fail(lb_host, ctx, "name past the end");
            lb_set_string(&out[0], text, used);
            return LB_OK;
        }
        static lb_input_port names_inputs[] = {{sizeof(lb_input_port), 0, "template", NULL, NULL, "prompt", NULL, NULL, NULL}};

        static lb_input_port mirror_inputs[] = {
            {sizeof(lb_input_port), 0, "a", NULL, NULL, "other", LB_NAMES("Any"), NULL, NULL},
            {sizeof(lb_input_port), 0, "b", NULL, NULL, "other", LB_NAMES("Any"), NULL, NULL},
            {sizeof(lb_input_port), 0, "c", NULL, NULL, "other", LB_NAMES("Any"), NULL, NULL},
            {sizeof(lb_input_port), 0, "d", NULL, NULL, "other", LB_NAMES("Any"), NULL, NULL},
            {sizeof(lb_input_port), 0, "e", NULL, NULL, "other", LB_NAMES("Any"), NULL, NULL},
            {sizeof(lb_input_port), 0, "f", NULL, NULL, "other", LB_NAMES("Any"), NULL, NULL},
            {sizeof(lb_input_port), 0, "g", NULL, NULL, "other", LB_NAMES("Any"), NULL, NULL},
            {sizeof(lb_input_port), 0, "h", NULL, NULL, "other", LB_NAMES("Any"), NULL, NULL},
            {sizeof(lb_input_port), 0, "i", NULL, NULL, "other", LB_NAMES("Any"), NULL, NULL},
        };
        static lb_output_port mirror_outputs[] = {
            {sizeof(lb_output_port), 0, "a", NULL, LB_NAMES("Any")}, {sizeof(lb_output_port), 0, "b", NULL, LB_NAMES("Any")},
            {sizeof(lb_output_port), 0, "c", NULL, LB_NAMES("Any")}, {sizeof(lb_output_port), 0, "d", NULL, LB_NAMES("Any")},
            {sizeof(lb_output_port), 0, "e", NULL, LB_NAMES("Any")}, {sizeof(lb_output_port), 0, "f", NULL, LB_NAMES("Any")},
            {sizeof(lb_output_port), 0, "g", NULL, LB_NAMES("Any")}, {sizeof(lb_output_port), 0, "h", NULL, LB_NAMES("Any")},
            {sizeof(lb_output_port), 0, "i", NULL, LB_NAMES("Any")},
        };
        static lb_output_port text_output[] = {{sizeof(lb_output_port), 0, "text", NULL, LB_NAMES("str")}};
        static lb_output_port counter_output[] = {{sizeof(lb_output_port), 0, "counter", NULL, LB_NAMES("Counter")}};
        static lb_output_port int_output[] = {{sizeof(lb_output_port), 0, "count", NULL, LB_NAMES("int")}};
        static const lb_component components[] = {
            {sizeof(lb_component), 0, "Mirror", NULL, NULL, NULL, NULL, mirror_inputs, 9, sizeof(lb_input_port),
             mirror_outputs, 9, sizeof(lb_output_port), NULL, mirror_run, NULL, NULL, NULL},
            {sizeof(lb_component), 0, "HostProbe", NULL, NULL, NULL, NULL, NULL, 0, sizeof(lb_input_port),
             text_output, 1, sizeof(lb_output_port), NULL, probe_run, NULL, NULL, NULL},
            {sizeof(lb_component), 0, "MakeCounter", NULL, NULL, NULL, NULL, NULL, 0, sizeof(lb_input_port),
             counter_output, 1, sizeof(lb_output_port), NULL, make_run, NULL, NULL, NULL},
            {sizeof(lb_component), 0, "LiveCounters", NULL, NULL, NULL, NULL, NULL, 0, sizeof(lb_input_port),
             int_output, 1, sizeof(lb_output_port), NULL, live_run, NULL, NULL, NULL},
            {sizeof(lb_component), LB_COMPONENT_EXTRA_INPUTS, "Names", NULL, NULL, NULL, NULL, names_inputs, 1, sizeof(lb_input_port),
             text_output, 1, sizeof(lb_output_port), NULL, names_run, NULL, NULL, NULL},
        };
        static const lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
        static const lb_bundle_descriptor descriptor = {
            sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "test.fixture.host", "1.0.0", "Host fixture",
            NULL, NULL, NULL, components, 5, sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
        };
        LB_BUNDLE_ENTRY(descriptor)
        """

    static let bundle: LoadedBundle = {
        let library = try! BundleFixtures.compile(name: "host-fixture", source: source, flags: ["-include", "stdlib.h"])
        return try! BundleLoader().load(file: library)
    }()

    private func component(_ name: String) throws -> RegisteredComponent {
        try #require(Self.bundle.components.first { $0.typeName == name })
    }

    @Test func valuesOfEveryKindCrossTheBoundaryBothWays() throws {
        let call = CallContext(run: RunContext(), vertexID: "Mirror-1", componentType: "Mirror")
        let mirror = try component("Mirror").instantiate(config: [], context: call)
        let inputs: [Value?] = [
            .null, .bool(true), .int(-42), .double(2.5), .string("héllo \u{1F600}"), .bytes([0, 1, 255]),
            .json(type: "Message", text: #"{"text":"hi","sender":"User"}"#), .json(type: "list", text: "[1,2]"), nil,
        ]
        let outputs = try mirror.run(inputs: inputs, context: call)
        #expect(outputs == inputs)
        #expect(call.run.arenaBytes > 0)
    }

    @Test func hostTableServesLogEventsVariablesInfoAndCancellation() throws {
        let events = Mutex<[ComponentEvent]>([])
        let run = RunContext(
            flowID: "flow-1", sessionID: "session-9", variables: { $0 == "GREETING" ? "bonjour" : nil },
            onEvent: { event in events.withLock { $0.append(event) } })
        let call = CallContext(run: run, vertexID: "Probe-1", componentType: "HostProbe")
        let probe = try component("HostProbe").instantiate(config: [], context: call)
        let first = try probe.run(inputs: [], context: call)
        #expect(first == [.string("var=bonjour(0) missing=3 session=session-9 vertex=Probe-1 cancelled=0 http=1 size=136")])
        #expect(events.withLock { $0 } == [ComponentEvent(name: "token", payload: #"{"chunk":"Hel"}"#, vertexID: "Probe-1", componentType: "HostProbe")])
        run.cancel()
        let second = try probe.run(inputs: [], context: call)
        #expect(second.first??.description.contains("cancelled=1") == true)
    }

    @Test func extraInputsAreAppendedAndNamed() throws {
        let call = CallContext(run: RunContext(), vertexID: "Prompt-1", componentType: "Names")
        let names = try component("Names")
        #expect(names.descriptor.acceptsExtraInputs)
        let instance = try names.instantiate(config: [.string("{x} {y}"), nil, nil], extraInputs: ["x", "y"], context: call)
        #expect(instance.inputNames == ["template", "x", "y"])
        let outputs = try instance.run(inputs: [.string("{x} {y}"), .string("1"), .json(type: "Message", text: #"{"text":"two"}"#)], context: call)
        #expect(outputs == [.string("template={x} {y};x=1;y={\"text\":\"two\"}")])
        let refused = #expect(throws: ComponentError.self) {
            try component("HostProbe").instantiate(config: [], extraInputs: ["z"], context: call)
        }
        #expect(refused?.message == "HostProbe has no field named 'z'")
    }

    @Test func objectHandlesAreCountedAndCallable() throws {
        let call = CallContext(run: RunContext(), vertexID: "v", componentType: "MakeCounter")
        let live = try component("LiveCounters").instantiate(config: [], context: call)
        func liveCount() throws -> Value? { try live.run(inputs: [], context: call).first ?? nil }
        let before = try liveCount()
        do {
            let made = try component("MakeCounter").instantiate(config: [], context: call).run(inputs: [], context: call)
            guard case .object(let handle)? = made.first ?? nil else {
                Issue.record("expected an object, got \(made)")
                return
            }
            #expect(handle.typeName == "Counter")
            #expect(try handle.invoke(method: "increment", arguments: [], context: call) == .int(1))
            #expect(try handle.invoke(method: "increment", arguments: [], context: call) == .int(2))
            let failure = #expect(throws: ComponentError.self) { try handle.invoke(method: "explode", arguments: [], context: call) }
            #expect(failure?.message == "Counter has no such method")
            // Passing the handle through another component gives that component its own reference.
            let mirror = try component("Mirror").instantiate(config: [], context: call)
            let passed = try mirror.run(inputs: [.object(handle)] + Array(repeating: nil, count: 8), context: call)
            #expect(passed.first ?? nil == .object(handle))
            #expect(try liveCount() == .int(((before.flatMap { if case .int(let n) = $0 { n } else { nil } }) ?? 0) + 1))
        }
        // Every reference was dropped with the handles.
        #expect(try liveCount() == before)
    }
}
