/*
 * langbuilder_bundle.h: conveniences for bundle authors writing in C. Optional: everything here is built on
 * langbuilder.h alone and is header-only (static inline), so a bundle still exports only its entry symbol.
 *
 *     #include "langbuilder_bundle.h"
 *     LB_BUNDLE_HOST_API;                       // one `static const lb_host_api *lb_host` per bundle
 *     static int32_t upper_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in,
 *                              lb_value *out, size_t n_out) {
 *         lb_string text = lb_value_text(&in[0]);
 *         char *buffer = lb_host->alloc(ctx, text.len ? text.len : 1);
 *         if (buffer == NULL) return lb_fail(lb_host, ctx, "out of memory");
 *         ...
 *         lb_set_string(&out[0], buffer, text.len);
 *         return LB_OK;
 *     }
 *
 * Since ABI 1.0; the host service helpers (lb_emit_token, lb_http_get, lb_state_*, lb_messages_last) since ABI
 * 1.1. They check the host's table first (LB_HOST_HAS), so a bundle that declares ABI 1.0 in its descriptor, to
 * load on older hosts too, can still use them where the host has them.
 */
#ifndef LANGBUILDER_BUNDLE_H
#define LANGBUILDER_BUNDLE_H

#include "langbuilder.h"

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks the entry point as the bundle's one exported symbol (build with -fvisibility=hidden). */
#if defined(__GNUC__) || defined(__clang__)
#define LB_EXPORT __attribute__((visibility("default")))
#else
#define LB_EXPORT
#endif

/** A NULL-terminated list of type or option names: LB_NAMES("Message", "str"). C only (a compound literal). */
#define LB_NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

/** Declares the bundle's pointer to the host API table, set by LB_BUNDLE_ENTRY. */
#define LB_BUNDLE_HOST_API static const lb_host_api *lb_host = NULL

/**
 * Defines the entry point returning `descriptor` (an lb_bundle_descriptor with static storage). It keeps
 * the host table in `lb_host` (declare it first with LB_BUNDLE_HOST_API) and refuses hosts of another major.
 */
#define LB_BUNDLE_ENTRY(descriptor)                                                                            \
    LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi_version, const lb_host_api *host); \
    LB_EXPORT const lb_bundle_descriptor *lb_bundle_entry(uint32_t host_abi_version, const lb_host_api *host)  \
    {                                                                                                          \
        if (LB_ABI_VERSION_MAJOR(host_abi_version) != LB_ABI_MAJOR || host == NULL) return NULL;               \
        lb_host = host;                                                                                        \
        return &(descriptor);                                                                                  \
    }

/** True when the host table has the function slot `field` (it may be older than this header). */
#define LB_HOST_HAS(host, field)                                                                               \
    ((host) != NULL && (host)->struct_size >= offsetof(lb_host_api, field) + sizeof((host)->field) &&         \
     (host)->field != NULL)

/** An lb_string of a NUL-terminated C string (NULL gives the empty string). */
static inline lb_string lb_cstring(const char *text)
{
    lb_string s = {text, text ? strlen(text) : 0};
    return s;
}

/** The text of a string, JSON or absent/null value (absent/null give the empty string). */
static inline lb_string lb_value_text(const lb_value *value)
{
    lb_string empty = {"", 0};
    if (value == NULL) return empty;
    if ((value->kind == LB_VALUE_STRING || value->kind == LB_VALUE_JSON) && value->u.string.ptr != NULL)
        return value->u.string;
    return empty;
}

/** True when the value is present (not LB_VALUE_ABSENT and not LB_VALUE_NULL). */
static inline int lb_value_present(const lb_value *value)
{
    return value != NULL && value->kind != LB_VALUE_ABSENT && value->kind != LB_VALUE_NULL;
}

/** Reads a number from an int, double or bool value; returns 0 on success, -1 for other kinds. */
static inline int lb_value_number(const lb_value *value, double *out)
{
    if (value == NULL) return -1;
    switch (value->kind) {
    case LB_VALUE_INT: *out = (double)value->u.integer; return 0;
    case LB_VALUE_DOUBLE: *out = value->u.number; return 0;
    case LB_VALUE_BOOL: *out = value->u.boolean ? 1.0 : 0.0; return 0;
    default: return -1;
    }
}

/** Writes a string output that points at `ptr` (arena or static memory). */
static inline void lb_set_string(lb_value *out, const char *ptr, size_t len)
{
    out->kind = LB_VALUE_STRING;
    out->type_name = NULL;
    out->u.string.ptr = ptr;
    out->u.string.len = len;
}

/** Writes a JSON output of type `type_name` (static string) whose text is at `ptr`. */
static inline void lb_set_json(lb_value *out, const char *type_name, const char *ptr, size_t len)
{
    out->kind = LB_VALUE_JSON;
    out->type_name = type_name;
    out->u.string.ptr = ptr;
    out->u.string.len = len;
}

static inline void lb_set_int(lb_value *out, int64_t v) { out->kind = LB_VALUE_INT; out->type_name = NULL; out->u.integer = v; }
static inline void lb_set_double(lb_value *out, double v) { out->kind = LB_VALUE_DOUBLE; out->type_name = NULL; out->u.number = v; }
static inline void lb_set_bool(lb_value *out, int v) { out->kind = LB_VALUE_BOOL; out->type_name = NULL; out->u.boolean = v ? 1 : 0; }

/** Copies `len` bytes into the run's arena and returns the copy (NULL when out of memory). */
static inline char *lb_arena_copy(const lb_host_api *host, lb_context *context, const char *ptr, size_t len)
{
    char *copy = (char *)host->alloc(context, len ? len : 1);
    if (copy != NULL && len > 0) memcpy(copy, ptr, len);
    return copy;
}

/** Sets the call's error message from a C string and returns LB_ERROR. */
static inline int32_t lb_fail(const lb_host_api *host, lb_context *context, const char *message)
{
    host->set_error(context, lb_cstring(message));
    return LB_ERROR;
}

/* MARK: - Reading text out of Message documents */

/* Appends the UTF-8 form of cp (a scalar value) and returns the number of bytes written (1 to 4). */
static inline size_t lb_utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* JSON, just enough to read the "text" member of a Message or Data document. */

static inline void lb_json_skip_space(const char *s, size_t len, size_t *pos)
{
    while (*pos < len && (s[*pos] == ' ' || s[*pos] == '\t' || s[*pos] == '\n' || s[*pos] == '\r')) ++*pos;
}

/* Reads four hex digits at s[pos]; returns -1 when they are missing or not hex. */
static inline int32_t lb_json_hex4(const char *s, size_t len, size_t pos)
{
    int32_t value = 0;
    if (len < 4 || pos > len - 4) return -1;
    for (size_t k = 0; k < 4; k++) {
        char c = s[pos + k];
        int digit;
        if (c >= '0' && c <= '9') digit = c - '0';
        else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        else return -1;
        value = value * 16 + digit;
    }
    return value;
}

/*
 * Decodes a JSON string whose body starts at s[*pos] (just after the opening quote). On success returns
 * 0, leaves *pos just after the closing quote and stores the decoded length in *out_len; the bytes are
 * written to `out` when it is not NULL. The decoded form is never longer than the raw body (an escape is
 * at least as long as what it encodes), so a buffer of the body's raw length always suffices. Lone
 * surrogates become U+FFFD so the result is always valid UTF-8 when the input is. Returns -1 on malformed
 * input (unterminated string, bad escape, raw control character).
 */
static inline int lb_json_string(const char *s, size_t len, size_t *pos, char *out, size_t *out_len)
{
    size_t i = *pos;
    size_t n = 0;
    char scratch[4];

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            *pos = i + 1;
            *out_len = n;
            return 0;
        }
        if (c < 0x20) return -1;
        if (c != '\\') {
            if (out) out[n] = (char)c;
            n++;
            i++;
            continue;
        }
        if (i + 1 >= len) return -1;
        char escape = s[i + 1];
        char simple = 0;
        switch (escape) {
        case '"': simple = '"'; break;
        case '\\': simple = '\\'; break;
        case '/': simple = '/'; break;
        case 'b': simple = '\b'; break;
        case 'f': simple = '\f'; break;
        case 'n': simple = '\n'; break;
        case 'r': simple = '\r'; break;
        case 't': simple = '\t'; break;
        case 'u': break;
        default: return -1;
        }
        if (escape != 'u') {
            if (out) out[n] = simple;
            n++;
            i += 2;
            continue;
        }
        int32_t unit = lb_json_hex4(s, len, i + 2);
        if (unit < 0) return -1;
        i += 6;
        uint32_t cp = (uint32_t)unit;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            /* A high surrogate only counts when a low one follows; otherwise it stands alone. */
            int32_t low = (i + 1 < len && s[i] == '\\' && s[i + 1] == 'u') ? lb_json_hex4(s, len, i + 2) : -1;
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)low - 0xDC00);
                i += 6;
            } else {
                cp = 0xFFFD;
            }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
        }
        size_t width = lb_utf8_put(scratch, cp);
        if (out) memcpy(out + n, scratch, width);
        n += width;
    }
    return -1;
}

/*
 * Skips one JSON value at s[*pos]. Containers are skipped by counting brackets outside strings, without
 * recursion so that deeply nested input cannot exhaust the stack; this checks less than a full parser
 * does, which is fine because the value is only skipped, never interpreted.
 */
static inline int lb_json_skip_value(const char *s, size_t len, size_t *pos)
{
    size_t ignored;
    if (*pos >= len) return -1;
    char c = s[*pos];
    if (c == '"') {
        ++*pos;
        return lb_json_string(s, len, pos, NULL, &ignored);
    }
    if (c == '{' || c == '[') {
        size_t depth = 0;
        while (*pos < len) {
            c = s[*pos];
            if (c == '"') {
                ++*pos;
                if (lb_json_string(s, len, pos, NULL, &ignored) != 0) return -1;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    ++*pos;
                    return 0;
                }
            }
            ++*pos;
        }
        return -1;
    }
    size_t start = *pos;
    while (*pos < len) {
        c = s[*pos];
        int scalar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
                     c == '+' || c == '.';
        if (!scalar) break;
        ++*pos;
    }
    return *pos > start ? 0 : -1;
}

/* Results of lb_json_member. */
#define LB_JSON_MEMBER_STRING 1
#define LB_JSON_MEMBER_NULL 0
#define LB_JSON_MEMBER_MISSING (-1)

/*
 * Looks for the top-level member `key` of the JSON object in s[0, len). Returns LB_JSON_MEMBER_STRING with
 * the raw body of the string literal in [*start, *end) (end excludes the closing quote), LB_JSON_MEMBER_NULL
 * for a null member, and LB_JSON_MEMBER_MISSING when the member is absent, is of another type, or the text is
 * not a well-formed object up to that member. Keys are compared after decoding ("t\u0065xt" is "text");
 * the first matching member wins. Nested objects are skipped, so {"data": {"text": 1}} does not match.
 */
static inline int lb_json_member(const char *s, size_t len, const char *key, size_t *start, size_t *end)
{
    size_t key_len = strlen(key);
    size_t pos = 0;
    size_t decoded;

    lb_json_skip_space(s, len, &pos);
    if (pos >= len || s[pos] != '{') return LB_JSON_MEMBER_MISSING;
    pos++;
    lb_json_skip_space(s, len, &pos);
    if (pos < len && s[pos] == '}') return LB_JSON_MEMBER_MISSING;
    for (;;) {
        if (pos >= len || s[pos] != '"') return LB_JSON_MEMBER_MISSING;
        size_t key_start = ++pos;
        if (lb_json_string(s, len, &pos, NULL, &decoded) != 0) return LB_JSON_MEMBER_MISSING;
        int match = 0;
        if (decoded == key_len && key_len <= 32) {
            char buffer[32];
            size_t again = key_start;
            if (lb_json_string(s, len, &again, buffer, &decoded) == 0) match = memcmp(buffer, key, key_len) == 0;
        }
        lb_json_skip_space(s, len, &pos);
        if (pos >= len || s[pos] != ':') return LB_JSON_MEMBER_MISSING;
        pos++;
        lb_json_skip_space(s, len, &pos);
        if (match) {
            if (pos < len && s[pos] == '"') {
                *start = ++pos;
                if (lb_json_string(s, len, &pos, NULL, &decoded) != 0) return LB_JSON_MEMBER_MISSING;
                *end = pos - 1;
                return LB_JSON_MEMBER_STRING;
            }
            if (len - pos >= 4 && memcmp(s + pos, "null", 4) == 0) return LB_JSON_MEMBER_NULL;
            return LB_JSON_MEMBER_MISSING;
        }
        if (lb_json_skip_value(s, len, &pos) != 0) return LB_JSON_MEMBER_MISSING;
        lb_json_skip_space(s, len, &pos);
        if (pos >= len || s[pos] != ',') return LB_JSON_MEMBER_MISSING;
        pos++;
        lb_json_skip_space(s, len, &pos);
    }
}


/**
 * Reads a value as text: a string as it is; a Message, Data, JSON or Text document as its top-level "text"
 * string (decoded into the run's arena; "" when it is null; the raw document when it has no such string);
 * other JSON as its text; absent and null as "". Returns LB_OK, or LB_ERROR (after set_error) for a
 * malformed document or when out of memory; other kinds (numbers, bytes, objects) give LB_UNSUPPORTED.
 */
static inline int32_t lb_value_text_of(const lb_host_api *host, lb_context *context, const lb_value *value, lb_string *out)
{
    lb_string raw = lb_value_text(value);
    *out = raw;
    if (value == NULL || value->kind == LB_VALUE_ABSENT || value->kind == LB_VALUE_NULL || value->kind == LB_VALUE_STRING) return LB_OK;
    if (value->kind != LB_VALUE_JSON) return LB_UNSUPPORTED;
    const char *type = value->type_name;
    if (type == NULL || (strcmp(type, "Message") != 0 && strcmp(type, "Data") != 0 && strcmp(type, "JSON") != 0 && strcmp(type, "Text") != 0)) return LB_OK;
    size_t start = 0, end = 0;
    int found = lb_json_member(raw.ptr, raw.len, "text", &start, &end);
    if (found == LB_JSON_MEMBER_NULL) {
        out->ptr = "";
        out->len = 0;
    } else if (found == LB_JSON_MEMBER_STRING) {
        size_t pos = start, decoded = 0;
        char *buffer = (char *)host->alloc(context, end - start + 1);
        if (buffer == NULL) return lb_fail(host, context, "out of memory");
        if (lb_json_string(raw.ptr, raw.len, &pos, buffer, &decoded) != 0) return lb_fail(host, context, "malformed JSON string in a text document");
        out->ptr = buffer;
        out->len = decoded;
    }
    return LB_OK;
}

/* MARK: - Host services (ABI 1.2): tokens, HTTP, state, chat history */

/*
 * Streams a token of the answer (Langflow's `token` event, {"chunk": ...}). Uses emit_token on hosts of ABI 1.2
 * and later, else builds the JSON payload for emit. Returns the host's status (LB_ERROR when out of memory).
 */
static inline int32_t lb_emit_token(const lb_host_api *host, lb_context *context, const char *ptr, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    if (LB_HOST_HAS(host, emit_token)) {
        lb_string chunk = {ptr, len};
        return host->emit_token(context, chunk);
    }
    /* {"chunk":"..."}: every byte escapes to at most 6. */
    char *json = (char *)host->alloc(context, 12 + 6 * len);
    if (json == NULL) return LB_ERROR;
    size_t n = 0;
    memcpy(json, "{\"chunk\":\"", 10);
    n = 10;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)ptr[i];
        if (c == '"' || c == '\\') {
            json[n++] = '\\';
            json[n++] = (char)c;
        } else if (c < 0x20) {
            memcpy(json + n, "\\u00", 4);
            json[n + 4] = hex[c >> 4];
            json[n + 5] = hex[c & 15];
            n += 6;
        } else {
            json[n++] = (char)c;
        }
    }
    json[n++] = '"';
    json[n++] = '}';
    lb_string payload = {json, n};
    return host->emit(context, "token", payload);
}

/* Fails the call with "http_request is not available" and returns LB_UNSUPPORTED when the host has no HTTP. */
static inline int32_t lb_http_unavailable(const lb_host_api *host, lb_context *context)
{
    host->set_error(context, lb_cstring("http_request is not available in this host"));
    return LB_UNSUPPORTED;
}

/*
 * GET `url` (NUL-terminated), following up to 5 redirects, with the host's timeouts and size limit. On LB_OK
 * `response` holds the status, headers and body (in the run's arena). Errors are set on the call.
 */
static inline int32_t lb_http_get(const lb_host_api *host, lb_context *context, const char *url, lb_http_response *response)
{
    if (!LB_HOST_HAS(host, http_request)) return lb_http_unavailable(host, context);
    lb_http_request request;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.method = "GET";
    request.url = url;
    request.max_redirects = 5;
    memset(response, 0, sizeof *response);
    response->struct_size = sizeof *response;
    return host->http_request(context, &request, response);
}

/* POSTs `body` with the given Content-Type (e.g. "application/json") to `url`; otherwise as lb_http_get. */
static inline int32_t lb_http_post(const lb_host_api *host, lb_context *context, const char *url, const char *content_type,
                                   const void *body, size_t body_len, lb_http_response *response)
{
    if (!LB_HOST_HAS(host, http_request)) return lb_http_unavailable(host, context);
    lb_http_header header = {lb_cstring("Content-Type"), lb_cstring(content_type)};
    lb_http_request request;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.method = "POST";
    request.url = url;
    request.headers = &header;
    request.header_count = content_type ? 1 : 0;
    request.body.ptr = (const uint8_t *)body;
    request.body.len = body_len;
    request.max_redirects = 5;
    memset(response, 0, sizeof *response);
    response->struct_size = sizeof *response;
    return host->http_request(context, &request, response);
}

/* The value of the first response header named `name` (ASCII case-insensitive); ptr is NULL when absent. */
static inline lb_string lb_http_header_value(const lb_http_response *response, const char *name)
{
    lb_string none = {NULL, 0};
    size_t name_len = strlen(name);
    for (size_t i = 0; i < response->header_count; i++) {
        lb_string candidate = response->headers[i].name;
        if (candidate.len != name_len) continue;
        size_t k = 0;
        for (; k < name_len; k++) {
            char a = candidate.ptr[k], b = name[k];
            if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
            if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
            if (a != b) break;
        }
        if (k == name_len) return response->headers[i].value;
    }
    return none;
}

/* Stores a string under `key` (NUL-terminated) in the run's state. LB_UNSUPPORTED on hosts before ABI 1.2. */
static inline int32_t lb_state_set_string(const lb_host_api *host, lb_context *context, const char *key, const char *ptr, size_t len)
{
    if (!LB_HOST_HAS(host, set_state)) return LB_UNSUPPORTED;
    lb_value value;
    memset(&value, 0, sizeof value);
    value.struct_size = sizeof value;
    lb_set_string(&value, ptr, len);
    return host->set_state(context, lb_cstring(key), &value);
}

/*
 * Reads the text of the value under `key`: a string or JSON text as is. Returns LB_NOT_FOUND for a key never set,
 * LB_UNSUPPORTED for values of other kinds and on hosts before ABI 1.2.
 */
static inline int32_t lb_state_get_string(const lb_host_api *host, lb_context *context, const char *key, lb_string *out)
{
    if (!LB_HOST_HAS(host, get_state)) return LB_UNSUPPORTED;
    lb_value value;
    memset(&value, 0, sizeof value);
    value.struct_size = sizeof value;
    int32_t status = host->get_state(context, lb_cstring(key), &value);
    if (status != LB_OK) return status;
    if (value.kind != LB_VALUE_STRING && value.kind != LB_VALUE_JSON) return LB_UNSUPPORTED;
    *out = value.u.string;
    return LB_OK;
}

/* The last `limit` messages of the run's session (0: 100), oldest first, as a JSON array in the run's arena. */
static inline int32_t lb_messages_last(const lb_host_api *host, lb_context *context, uint32_t limit, lb_string *out)
{
    if (!LB_HOST_HAS(host, get_messages)) return LB_UNSUPPORTED;
    lb_message_query query;
    memset(&query, 0, sizeof query);
    query.struct_size = sizeof query;
    query.limit = limit;
    return host->get_messages(context, &query, out);
}

#ifdef __cplusplus
}
#endif

#endif /* LANGBUILDER_BUNDLE_H */
