/*
 * engine_test_bundle.c: components for testing and benchmarking the flow engine, compiled by the tests
 * (LangBuilderTesting.BundleFixtures.engineTestBundle). Stand-ins for the Langflow set: ChatInput and
 * ChatOutput pass messages, Sleep waits (polling cancellation), Fail fails, IfElse routes, Loop iterates.
 * ThreadTag (non-blocking, ABI 1.4) and BlockingThreadTag answer the thread they ran on; NonBlockingFetch is
 * declared non-blocking but calls http_request, which the host must refuse.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime and nanosleep under -std=c11 */
#include "langbuilder_bundle.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

LB_BUNDLE_HOST_API;

/* Writes {"text": <text>, "sender": ..., "sender_name": ...} as a Message output. */
static int32_t set_message(lb_context *ctx, lb_value *out, lb_string text, const char *sender)
{
    size_t size = text.len * 6 + 96;
    char *json = lb_host->alloc(ctx, size);
    if (json == NULL) return lb_fail(lb_host, ctx, "out of memory");
    size_t used = (size_t)snprintf(json, size, "{\"text\":\"");
    for (size_t i = 0; i < text.len; i++) {
        unsigned char c = (unsigned char)text.ptr[i];
        if (c == '"' || c == '\\') { json[used++] = '\\'; json[used++] = (char)c; }
        else if (c < 0x20) used += (size_t)snprintf(json + used, size - used, "\\u%04x", c);
        else json[used++] = (char)c;
    }
    used += (size_t)snprintf(json + used, size - used, "\",\"sender\":\"%s\",\"sender_name\":\"%s\"}", sender,
                             strcmp(sender, "User") == 0 ? "User" : "AI");
    lb_set_json(out, "Message", json, used);
    return LB_OK;
}

/* The text of a value: a string as is, the "text" of a simple Message or Data document (no escapes needed here). */
static lb_string text_of(const lb_value *value)
{
    lb_string text = lb_value_text(value);
    if (value->kind == LB_VALUE_JSON && value->type_name != NULL
        && (strcmp(value->type_name, "Message") == 0 || strcmp(value->type_name, "Data") == 0)) {
        const char *key = strstr(text.ptr, "\"text\":\"");
        if (key != NULL) {
            const char *start = key + 8;
            const char *end = start;
            while (end < text.ptr + text.len && *end != '"') { if (*end == '\\') end++; end++; }
            lb_string inner = {start, (size_t)(end - start)};
            return inner;
        }
    }
    return text;
}

static int32_t chat_input_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    return set_message(ctx, &out[0], lb_value_text(&in[0]), "User");
}

static int32_t chat_output_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    if (!lb_value_present(&in[0])) return lb_fail(lb_host, ctx, "Input data cannot be None");
    return set_message(ctx, &out[0], text_of(&in[0]), "Machine");
}

static int32_t pass_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)ctx; (void)n_in; (void)n_out;
    out[0] = in[0];
    return LB_OK;
}

static int32_t upper_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    lb_string text = text_of(&in[0]);
    char *copy = lb_arena_copy(lb_host, ctx, text.ptr, text.len);
    if (copy == NULL) return lb_fail(lb_host, ctx, "out of memory");
    for (size_t i = 0; i < text.len; i++) if (copy[i] >= 'a' && copy[i] <= 'z') copy[i] = (char)(copy[i] - 32);
    lb_string upper = {copy, text.len};
    lb_host->emit(ctx, "token", lb_cstring("{\"chunk\":\"upper\"}"));
    return set_message(ctx, &out[0], upper, "Machine");
}

static int32_t sleep_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    double milliseconds = 100;
    lb_value_number(&in[1], &milliseconds);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (lb_host->is_cancelled(ctx)) return lb_fail(lb_host, ctx, "cancelled while sleeping");
        clock_gettime(CLOCK_MONOTONIC, &now);
        double elapsed = (double)(now.tv_sec - start.tv_sec) * 1e3 + (double)(now.tv_nsec - start.tv_nsec) / 1e6;
        if (elapsed >= milliseconds) break;
        struct timespec tick = {0, 1000000};
        nanosleep(&tick, NULL);
    }
    return set_message(ctx, &out[0], text_of(&in[0]), "Machine");
}

static int32_t fail_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)in; (void)n_in; (void)out; (void)n_out;
    return lb_fail(lb_host, ctx, "boom: this component always fails");
}

/* IfElse: compares input_text with match_text and produces exactly one of true_result / false_result. */
static int32_t if_else_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    lb_string text = text_of(&in[0]);
    lb_string match = lb_value_text(&in[1]);
    lb_string operator = lb_value_text(&in[2]);
    int result;
    if (operator.len == 8 && memcmp(operator.ptr, "contains", 8) == 0) {
        result = 0;
        for (size_t i = 0; match.len <= text.len && i + match.len <= text.len; i++) {
            if (memcmp(text.ptr + i, match.ptr, match.len) == 0) { result = 1; break; }
        }
    } else {
        result = text.len == match.len && memcmp(text.ptr, match.ptr, text.len) == 0;
    }
    return set_message(ctx, &out[result ? 0 : 1], text, "Machine");
}

/* Loop: hands its list to the engine on "item"; the engine iterates and fills "done". */
static int32_t loop_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    if (!lb_value_present(&in[0])) return lb_fail(lb_host, ctx, "Loop: input 'data' has no value");
    out[0] = in[0];
    return LB_OK;
}

/* Collect: a list input fed by many edges; outputs how many values arrived. */
static int32_t collect_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)ctx; (void)n_in; (void)n_out;
    lb_string list = lb_value_text(&in[0]);
    int64_t count = list.len > 2 ? 1 : 0;
    int depth = 0;
    for (size_t i = 0; i < list.len; i++) {
        char c = list.ptr[i];
        if (c == '[' || c == '{') depth++;
        else if (c == ']' || c == '}') depth--;
        else if (c == ',' && depth == 1) count++;
    }
    if (in[0].kind != LB_VALUE_JSON) count = lb_value_present(&in[0]) ? 1 : 0;
    lb_set_int(&out[0], count);
    return LB_OK;
}

/* ThreadTag, BlockingThreadTag: the thread that ran the call, as an integer. */
static int32_t thread_tag_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)ctx; (void)in; (void)n_in; (void)n_out;
    lb_set_int(&out[0], (int64_t)(uintptr_t)pthread_self());
    return LB_OK;
}

/* NonBlockingFetch: declared non-blocking, yet asks the host for an HTTP request (the host refuses). */
static int32_t non_blocking_fetch_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)in; (void)n_in; (void)n_out;
    lb_http_request request = {0};
    request.struct_size = sizeof request;
    request.url = "http://127.0.0.1:9/";
    lb_http_response response = {0};
    response.struct_size = sizeof response;
    int32_t status = lb_host->http_request(ctx, &request, &response);
    if (status != LB_OK) return status; /* the host has set the error */
    lb_set_int(&out[0], response.status);
    return LB_OK;
}

/* Join: first + " " + second. */
static int32_t join_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    lb_string a = text_of(&in[0]), b = text_of(&in[1]);
    char *text = lb_host->alloc(ctx, a.len + b.len + 2);
    if (text == NULL) return lb_fail(lb_host, ctx, "out of memory");
    memcpy(text, a.ptr, a.len);
    text[a.len] = ' ';
    memcpy(text + a.len + 1, b.ptr, b.len);
    lb_string joined = {text, a.len + b.len + 1};
    return set_message(ctx, &out[0], joined, "Machine");
}

#define MESSAGE_TYPES LB_NAMES("Message", "str", "Text")
static lb_input_port chat_input_inputs[] = {
    {sizeof(lb_input_port), LB_INPUT_MULTILINE, "input_value", "Input Text", NULL, "str", NULL, "\"\"", NULL},
    {sizeof(lb_input_port), LB_INPUT_ADVANCED, "sender", "Sender", NULL, "str", NULL, "\"User\"", LB_NAMES("Machine", "User")},
};
static lb_input_port message_input[] = {
    {sizeof(lb_input_port), LB_INPUT_REQUIRED, "input_value", "Input", NULL, "str", LB_NAMES("Message", "str", "Text", "Data", "DataFrame"), NULL, NULL},
};
static lb_input_port any_input[] = {
    {sizeof(lb_input_port), 0, "input_value", "Input", NULL, "other", LB_NAMES("Any"), NULL, NULL},
};
static lb_input_port sleep_inputs[] = {
    {sizeof(lb_input_port), LB_INPUT_REQUIRED, "input_value", "Input", NULL, "str", MESSAGE_TYPES, NULL, NULL},
    {sizeof(lb_input_port), 0, "milliseconds", "Milliseconds", NULL, "int", LB_NAMES("int"), "100", NULL},
};
static lb_input_port if_else_inputs[] = {
    {sizeof(lb_input_port), LB_INPUT_REQUIRED, "input_text", "Text Input", NULL, "str", MESSAGE_TYPES, NULL, NULL},
    {sizeof(lb_input_port), 0, "match_text", "Match Text", NULL, "str", MESSAGE_TYPES, "\"\"", NULL},
    {sizeof(lb_input_port), 0, "operator", "Operator", NULL, "str", NULL, "\"equals\"", LB_NAMES("equals", "contains")},
};
static lb_input_port loop_inputs[] = {
    {sizeof(lb_input_port), LB_INPUT_REQUIRED, "data", "Inputs", NULL, "other", LB_NAMES("DataFrame", "list", "Data", "Message"), NULL, NULL},
};
static lb_input_port join_inputs[] = {
    {sizeof(lb_input_port), LB_INPUT_REQUIRED, "first", "First", NULL, "str", MESSAGE_TYPES, NULL, NULL},
    {sizeof(lb_input_port), LB_INPUT_REQUIRED, "second", "Second", NULL, "str", MESSAGE_TYPES, NULL, NULL},
};
static lb_input_port collect_inputs[] = {
    {sizeof(lb_input_port), LB_INPUT_LIST, "inputs", "Inputs", NULL, "other", LB_NAMES("Any"), NULL, NULL},
};
static lb_output_port count_output[] = {{sizeof(lb_output_port), 0, "count", "Count", LB_NAMES("int")}};
static lb_output_port message_output[] = {{sizeof(lb_output_port), 0, "message", "Message", LB_NAMES("Message")}};
static lb_output_port any_output[] = {{sizeof(lb_output_port), 0, "output", "Output", LB_NAMES("Any")}};
static lb_output_port if_else_outputs[] = {
    {sizeof(lb_output_port), 0, "true_result", "True", LB_NAMES("Message")},
    {sizeof(lb_output_port), 0, "false_result", "False", LB_NAMES("Message")},
};
static lb_output_port loop_outputs[] = {
    {sizeof(lb_output_port), LB_OUTPUT_ALLOWS_LOOP, "item", "Item", LB_NAMES("Data", "Message")},
    {sizeof(lb_output_port), 0, "done", "Done", LB_NAMES("DataFrame")},
};

#define COMPONENT_FLAGS(name, flags, category, inputs, n_in, outputs, n_out, run)                           \
    {sizeof(lb_component), flags, name, name, "Engine test component.", category, NULL,                      \
     inputs, n_in, sizeof(lb_input_port), outputs, n_out, sizeof(lb_output_port), NULL, run, NULL, NULL, NULL}
#define COMPONENT(name, category, inputs, n_in, outputs, n_out, run)                                          \
    COMPONENT_FLAGS(name, LB_COMPONENT_THREADSAFE, category, inputs, n_in, outputs, n_out, run)
#define NONBLOCKING (LB_COMPONENT_THREADSAFE | LB_COMPONENT_NONBLOCKING)

static const lb_component components[] = {
    COMPONENT("ChatInput", "input_output", chat_input_inputs, 2, message_output, 1, chat_input_run),
    COMPONENT("ChatOutput", "input_output", message_input, 1, message_output, 1, chat_output_run),
    COMPONENT("Pass", "flow_controls", any_input, 1, any_output, 1, pass_run),
    COMPONENT("Upper", "processing", message_input, 1, message_output, 1, upper_run),
    COMPONENT("Sleep", "testing", sleep_inputs, 2, message_output, 1, sleep_run),
    COMPONENT("Fail", "testing", any_input, 1, message_output, 1, fail_run),
    COMPONENT("IfElse", "flow_controls", if_else_inputs, 3, if_else_outputs, 2, if_else_run),
    COMPONENT("Loop", "flow_controls", loop_inputs, 1, loop_outputs, 2, loop_run),
    COMPONENT("Join", "processing", join_inputs, 2, message_output, 1, join_run),
    COMPONENT("Collect", "processing", collect_inputs, 1, count_output, 1, collect_run),
    COMPONENT_FLAGS("ThreadTag", NONBLOCKING, "testing", any_input, 1, count_output, 1, thread_tag_run),
    COMPONENT("BlockingThreadTag", "testing", any_input, 1, count_output, 1, thread_tag_run),
    COMPONENT_FLAGS("NonBlockingFetch", NONBLOCKING, "testing", any_input, 1, count_output, 1, non_blocking_fetch_run),
};
static const lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
static const lb_bundle_descriptor descriptor = {
    sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "test.langbuilder.engine", "1.0.0", "Engine test components",
    "Components for testing the flow engine.", "Apache-2.0", NULL,
    components, sizeof(components) / sizeof(components[0]), sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
};
LB_BUNDLE_ENTRY(descriptor)
