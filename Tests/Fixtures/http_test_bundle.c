/*
 * The host service test bundle: components that call http_request, emit_token, get_messages/add_message,
 * get_state/set_state, get_variable and get_error through the host table (ABI 1.2), for
 * LangBuilderHTTPClientTests, LangBuilderCoreTests and the benchmarks.
 */
#include "langbuilder_bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LB_BUNDLE_HOST_API;

/* MARK: - Helpers */

/* Appends `len` bytes as a JSON string literal (quotes included); `out` needs 6 * len + 2 bytes free. */
static size_t put_json_string(char *out, const char *ptr, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)ptr[i];
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            memcpy(out + n, "\\u00", 4);
            out[n + 4] = hex[c >> 4];
            out[n + 5] = hex[c & 15];
            n += 6;
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    return n;
}

static int64_t int_input(const lb_value *value, int64_t fallback)
{
    double number;
    if (lb_value_number(value, &number) == 0) return (int64_t)number;
    if (value->kind == LB_VALUE_STRING && value->u.string.len > 0) {
        char digits[32] = {0};
        size_t len = value->u.string.len < 31 ? value->u.string.len : 31;
        memcpy(digits, value->u.string.ptr, len);
        return strtoll(digits, NULL, 10);
    }
    return fallback;
}


static const char *terminated(lb_context *ctx, const lb_value *value)
{
    lb_string text = lb_value_text(value);
    if (text.len == 0) return NULL;
    char *copy = lb_host->alloc(ctx, text.len + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, text.ptr, text.len);
    copy[text.len] = 0;
    return copy;
}

/* Fails with "<context>: <the host's error>" when the input `context` is set, else keeps the host's error. */
static int32_t fail_with_context(lb_context *ctx, const lb_value *context, int32_t status)
{
    lb_string prefix = lb_value_text(context);
    lb_string error = {0};
    if (prefix.len == 0 || !LB_HOST_HAS(lb_host, get_error) || lb_host->get_error(ctx, &error) != LB_OK) return status;
    char *message = lb_host->alloc(ctx, prefix.len + error.len + 3);
    if (message == NULL) return status;
    memcpy(message, prefix.ptr, prefix.len);
    memcpy(message + prefix.len, ": ", 2);
    memcpy(message + prefix.len + 2, error.ptr, error.len);
    lb_string text = {message, prefix.len + 2 + error.len};
    lb_host->set_error(ctx, text);
    return status;
}

/* MARK: - Fetch: one request, the response as Data {"status", "headers": [[name, value]...], "body"} */

enum { FETCH_URL, FETCH_METHOD, FETCH_BODY, FETCH_HEADERS, FETCH_TIMEOUT, FETCH_CONNECT_TIMEOUT, FETCH_REDIRECTS, FETCH_MAX_BYTES, FETCH_CONTEXT, FETCH_INPUTS };

static int32_t fetch_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    if (!LB_HOST_HAS(lb_host, http_request)) return lb_fail(lb_host, ctx, "no http_request in this host");
    lb_http_header headers[16];
    size_t header_count = 0;
    lb_string lines = lb_value_text(&in[FETCH_HEADERS]);
    size_t start = 0;
    while (start < lines.len && header_count < 16) {
        size_t end = start;
        while (end < lines.len && lines.ptr[end] != '\n') end++;
        size_t colon = start;
        while (colon < end && lines.ptr[colon] != ':') colon++;
        if (colon < end) {
            size_t value = colon + 1;
            while (value < end && lines.ptr[value] == ' ') value++;
            headers[header_count].name.ptr = lines.ptr + start;
            headers[header_count].name.len = colon - start;
            headers[header_count].value.ptr = lines.ptr + value;
            headers[header_count].value.len = end - value;
            header_count++;
        }
        start = end + 1;
    }
    lb_http_request request;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.method = terminated(ctx, &in[FETCH_METHOD]);
    request.url = terminated(ctx, &in[FETCH_URL]);
    request.headers = headers;
    request.header_count = header_count;
    lb_string body = lb_value_text(&in[FETCH_BODY]);
    request.body.ptr = (const uint8_t *)body.ptr;
    request.body.len = body.len;
    request.timeout_ms = (uint32_t)int_input(&in[FETCH_TIMEOUT], 0);
    request.connect_timeout_ms = (uint32_t)int_input(&in[FETCH_CONNECT_TIMEOUT], 0);
    request.max_redirects = (uint32_t)int_input(&in[FETCH_REDIRECTS], 0);
    request.max_response_bytes = (uint64_t)int_input(&in[FETCH_MAX_BYTES], 0);
    lb_http_response response;
    memset(&response, 0, sizeof response);
    response.struct_size = sizeof response;
    int32_t status = lb_host->http_request(ctx, &request, &response);
    if (status != LB_OK) return fail_with_context(ctx, &in[FETCH_CONTEXT], status);

    size_t size = 64 + 6 * response.body.len;
    for (size_t i = 0; i < response.header_count; i++) size += 8 + 6 * (response.headers[i].name.len + response.headers[i].value.len);
    char *json = lb_host->alloc(ctx, size);
    if (json == NULL) return lb_fail(lb_host, ctx, "out of memory");
    size_t n = (size_t)sprintf(json, "{\"status\":%d,\"headers\":[", response.status);
    for (size_t i = 0; i < response.header_count; i++) {
        if (i > 0) json[n++] = ',';
        json[n++] = '[';
        n += put_json_string(json + n, response.headers[i].name.ptr, response.headers[i].name.len);
        json[n++] = ',';
        n += put_json_string(json + n, response.headers[i].value.ptr, response.headers[i].value.len);
        json[n++] = ']';
    }
    memcpy(json + n, "],\"body\":", 9);
    n += 9;
    n += put_json_string(json + n, (const char *)response.body.ptr, response.body.len);
    json[n++] = '}';
    lb_set_json(&out[0], "Data", json, n);
    return LB_OK;
}

/* MARK: - Stream: a streamed response, each chunk a token */

typedef struct {
    lb_context *ctx;
    int64_t chunks;
    int64_t bytes;
    int64_t stop_after;
} stream_reader;

static int32_t on_chunk(void *user_data, lb_bytes chunk)
{
    stream_reader *reader = user_data;
    reader->chunks++;
    reader->bytes += (int64_t)chunk.len;
    lb_emit_token(lb_host, reader->ctx, (const char *)chunk.ptr, chunk.len);
    return reader->stop_after > 0 && reader->chunks >= reader->stop_after;
}

static int32_t stream_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    stream_reader reader = {ctx, 0, 0, int_input(&in[1], 0)};
    lb_http_request request;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.url = terminated(ctx, &in[0]);
    request.on_chunk = on_chunk;
    request.user_data = &reader;
    lb_http_response response;
    memset(&response, 0, sizeof response);
    response.struct_size = sizeof response;
    int32_t status = lb_host->http_request(ctx, &request, &response);
    if (status != LB_OK) return status;
    char *text = lb_host->alloc(ctx, 96);
    int length = snprintf(text, 96, "status=%d chunks=%lld bytes=%lld body=%zu", response.status, (long long)reader.chunks,
                          (long long)reader.bytes, response.body.len);
    lb_set_string(&out[0], text, (size_t)length);
    return LB_OK;
}

/* MARK: - Tokens: `count` tokens of `text` */

static int32_t tokens_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    lb_string text = lb_value_text(&in[0]);
    int64_t count = int_input(&in[1], 1);
    for (int64_t i = 0; i < count; i++) {
        if (lb_emit_token(lb_host, ctx, text.ptr, text.len) != LB_OK) return lb_fail(lb_host, ctx, "emit_token failed");
    }
    lb_set_int(&out[0], count);
    return LB_OK;
}

/* MARK: - StateSet / StateGet */

static int32_t state_set_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    lb_string key = lb_value_text(&in[0]);
    lb_string text = lb_value_text(&in[1]);
    lb_string kind = lb_value_text(&in[2]);
    lb_value value;
    memset(&value, 0, sizeof value);
    value.struct_size = sizeof value;
    if (kind.len == 4 && memcmp(kind.ptr, "json", 4) == 0) {
        lb_set_json(&value, "dict", text.ptr, text.len);
    } else if (kind.len == 5 && memcmp(kind.ptr, "bytes", 5) == 0) {
        value.kind = LB_VALUE_BYTES;
        value.u.bytes.ptr = (const uint8_t *)text.ptr;
        value.u.bytes.len = text.len;
    } else if (kind.len == 3 && memcmp(kind.ptr, "int", 3) == 0) {
        lb_set_int(&value, int_input(&in[1], 0));
    } else if (kind.len == 6 && memcmp(kind.ptr, "remove", 6) == 0) {
        value.kind = LB_VALUE_ABSENT;
    } else if (kind.len == 6 && memcmp(kind.ptr, "object", 6) == 0) {
        static const lb_object_vtable nothing = {sizeof(lb_object_vtable), 0, NULL, NULL, NULL};
        value.kind = LB_VALUE_OBJECT;
        value.type_name = "Thing";
        value.u.object.vtable = &nothing;
    } else {
        lb_set_string(&value, text.ptr, text.len);
    }
    int32_t status = lb_host->set_state(ctx, key, &value);
    if (status != LB_OK) return status;
    lb_set_string(&out[0], key.ptr, key.len);
    return LB_OK;
}

static int32_t state_get_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    lb_value value;
    memset(&value, 0, sizeof value);
    value.struct_size = sizeof value;
    int32_t status = lb_host->get_state(ctx, lb_value_text(&in[0]), &value);
    char *text = lb_host->alloc(ctx, 256);
    int length;
    if (status == LB_NOT_FOUND) {
        length = snprintf(text, 256, "(none)");
    } else if (status != LB_OK) {
        return status;
    } else if (value.kind == LB_VALUE_INT) {
        length = snprintf(text, 256, "int:%lld", (long long)value.u.integer);
    } else if (value.kind == LB_VALUE_BYTES) {
        length = snprintf(text, 256, "bytes:%.*s", (int)value.u.bytes.len, (const char *)value.u.bytes.ptr);
    } else if (value.kind == LB_VALUE_JSON) {
        length = snprintf(text, 256, "json(%s):%.*s", value.type_name, (int)value.u.string.len, value.u.string.ptr);
    } else {
        length = snprintf(text, 256, "string:%.*s", (int)value.u.string.len, value.u.string.ptr);
    }
    lb_set_string(&out[0], text, (size_t)length);
    return LB_OK;
}

/* MARK: - History / Remember */

static int32_t history_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    lb_message_query query;
    memset(&query, 0, sizeof query);
    query.struct_size = sizeof query;
    query.limit = (uint32_t)int_input(&in[0], 0);
    query.sender = terminated(ctx, &in[1]);
    query.session_id = terminated(ctx, &in[2]);
    lb_string messages = {0};
    int32_t status = lb_host->get_messages(ctx, &query, &messages);
    if (status != LB_OK) return status;
    lb_set_json(&out[0], "list", messages.ptr, messages.len);
    return LB_OK;
}

static int32_t remember_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    lb_string text = lb_value_text(&in[0]);
    lb_string raw = lb_value_text(&in[1]);
    lb_string message;
    char *json = NULL;
    if (raw.len > 0) {
        message = raw;
    } else {
        lb_string sender = lb_value_text(&in[2]);
        json = lb_host->alloc(ctx, 64 + 6 * (text.len + sender.len));
        size_t n = 0;
        memcpy(json, "{\"text\":", 8);
        n = 8;
        n += put_json_string(json + n, text.ptr, text.len);
        if (sender.len > 0) {
            memcpy(json + n, ",\"sender\":", 10);
            n += 10;
            n += put_json_string(json + n, sender.ptr, sender.len);
        }
        json[n++] = '}';
        message.ptr = json;
        message.len = n;
    }
    lb_string stored = {0};
    int32_t status = lb_host->add_message(ctx, message, &stored);
    if (status != LB_OK) return status;
    lb_set_json(&out[0], "Data", stored.ptr, stored.len);
    return LB_OK;
}

/* MARK: - Secret: reads a variable without ever printing it */

static int32_t secret_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out, size_t n_out)
{
    (void)self; (void)n_in; (void)n_out;
    const char *name = terminated(ctx, &in[0]);
    if (name == NULL) return lb_fail(lb_host, ctx, "Secret: no name");
    lb_string value = {0};
    int32_t status = lb_host->get_variable(ctx, name, &value);
    if (status == LB_NOT_FOUND) {
        char *message = lb_host->alloc(ctx, strlen(name) + 64);
        sprintf(message, "the secret %s is not set", name);
        return lb_fail(lb_host, ctx, message);
    }
    if (status != LB_OK) return status;
    char *text = lb_host->alloc(ctx, 64);
    int length = snprintf(text, 64, "length=%zu", value.len);
    lb_set_string(&out[0], text, (size_t)length);
    return LB_OK;
}

/* MARK: - Tables */

#define TEXT(name) {sizeof(lb_input_port), 0, name, NULL, NULL, "str", LB_NAMES("str", "Message"), NULL, NULL}
#define NUMBER(name) {sizeof(lb_input_port), 0, name, NULL, NULL, "int", NULL, NULL, NULL}

static lb_input_port fetch_inputs[FETCH_INPUTS] = {
    TEXT("url"), TEXT("method"), TEXT("body"), TEXT("headers"), NUMBER("timeout_ms"), NUMBER("connect_timeout_ms"),
    NUMBER("max_redirects"), NUMBER("max_bytes"), TEXT("context"),
};
static lb_input_port stream_inputs[] = {TEXT("url"), NUMBER("stop_after")};
static lb_input_port tokens_inputs[] = {TEXT("text"), NUMBER("count")};
static lb_input_port state_set_inputs[] = {TEXT("key"), TEXT("value"), TEXT("kind"), TEXT("after")};
static lb_input_port state_get_inputs[] = {TEXT("key"), TEXT("after")};
static lb_input_port history_inputs[] = {NUMBER("limit"), TEXT("sender"), TEXT("session")};
static lb_input_port remember_inputs[] = {TEXT("text"), TEXT("message"), TEXT("sender"), TEXT("after")};
static lb_input_port secret_inputs[] = {TEXT("name")};

static lb_output_port response_output[] = {{sizeof(lb_output_port), 0, "response", NULL, LB_NAMES("Data")}};
static lb_output_port text_output[] = {{sizeof(lb_output_port), 0, "text", NULL, LB_NAMES("str", "Message")}};
static lb_output_port count_output[] = {{sizeof(lb_output_port), 0, "count", NULL, LB_NAMES("int")}};
static lb_output_port messages_output[] = {{sizeof(lb_output_port), 0, "messages", NULL, LB_NAMES("list")}};
static lb_output_port stored_output[] = {{sizeof(lb_output_port), 0, "stored", NULL, LB_NAMES("Data", "str")}};

#define COMPONENT(type, inputs, count, outputs, run)                                                            \
    {sizeof(lb_component), LB_COMPONENT_THREADSAFE, type, type, NULL, "testing", NULL, inputs, count,          \
     sizeof(lb_input_port), outputs, 1, sizeof(lb_output_port), NULL, run, NULL, NULL, NULL}

static const lb_component components[] = {
    COMPONENT("Fetch", fetch_inputs, FETCH_INPUTS, response_output, fetch_run),
    COMPONENT("Stream", stream_inputs, 2, text_output, stream_run),
    COMPONENT("Tokens", tokens_inputs, 2, count_output, tokens_run),
    COMPONENT("StateSet", state_set_inputs, 4, text_output, state_set_run),
    COMPONENT("StateGet", state_get_inputs, 2, text_output, state_get_run),
    COMPONENT("History", history_inputs, 3, messages_output, history_run),
    COMPONENT("Remember", remember_inputs, 4, stored_output, remember_run),
    COMPONENT("Secret", secret_inputs, 1, text_output, secret_run),
};
static const lb_fingerprint fingerprint = LB_FINGERPRINT_INIT;
static const lb_bundle_descriptor descriptor = {
    sizeof(lb_bundle_descriptor), LB_ABI_VERSION, &fingerprint, "test.fixture.host-services", "1.0.0", "Host services fixture",
    NULL, NULL, NULL, components, sizeof components / sizeof components[0], sizeof(lb_component), NULL, 0, sizeof(lb_function), NULL,
};
LB_BUNDLE_ENTRY(descriptor)
