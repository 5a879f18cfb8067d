/*
 * text_bundle.c: the "dev.langbuilder.std-text" bundle, plain text components written against the C ABI.
 *
 * Every component here is stateless (create is NULL) and thread-safe: a run reads its borrowed inputs,
 * writes its outputs into the run's arena and keeps nothing. Text is UTF-8 and is handled byte-wise where
 * that is correct (UTF-8 is self-synchronising, so a byte search for valid UTF-8 only matches on code point
 * boundaries) and code point by code point where it is not (trimming, word splitting, counting).
 */
#include "langbuilder_bundle.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LB_BUNDLE_HOST_API;

/* MARK: - UTF-8 */

/*
 * Decodes the code point starting at s[i] (i < len) and returns its length in bytes. Malformed input
 * (stray continuation bytes, overlong forms, surrogates, truncated sequences) decodes as U+FFFD one byte
 * at a time, so callers always make progress and never read past len.
 */
static size_t text_utf8_next(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
    unsigned char lead = s[i];
    uint32_t value;
    size_t need;
    uint32_t minimum;

    if (lead < 0x80) {
        *cp = lead;
        return 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        value = lead & 0x1Fu;
        need = 1;
        minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        value = lead & 0x0Fu;
        need = 2;
        minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        value = lead & 0x07u;
        need = 3;
        minimum = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len - i - 1 < need) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t k = 1; k <= need; k++) {
        unsigned char byte = s[i + k];
        if ((byte & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        value = (value << 6) | (byte & 0x3Fu);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = value;
    return need + 1;
}

/*
 * The length of the code point that ends at s[end - 1] (start < end), found by stepping back over at most
 * three continuation bytes and decoding forward again; a byte that is not the tail of a well-formed
 * sequence counts as one U+FFFD, mirroring text_utf8_next so both directions agree on boundaries.
 */
static size_t text_utf8_prev(const unsigned char *s, size_t start, size_t end, uint32_t *cp)
{
    for (size_t k = 1; k <= 4 && k <= end - start; k++) {
        size_t at = end - k;
        if ((s[at] & 0xC0) != 0x80) {
            uint32_t value;
            if (text_utf8_next(s, end, at, &value) == k) {
                *cp = value;
                return k;
            }
            break;
        }
    }
    *cp = 0xFFFD;
    return 1;
}

/* Unicode White_Space, the set Python's str.split() and str.strip() use, so results match Langflow's. */
static int text_is_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

/* MARK: - Inputs, outputs and errors */

static int32_t text_fail(lb_context *ctx, const char *component, const char *message)
{
    char buffer[512];
    snprintf(buffer, sizeof buffer, "%s: %s", component, message);
    return lb_fail(lb_host, ctx, buffer);
}

static int32_t text_fail_input(lb_context *ctx, const char *component, const char *field, const char *problem)
{
    char buffer[512];
    snprintf(buffer, sizeof buffer, "%s: input '%s' %s", component, field, problem);
    return lb_fail(lb_host, ctx, buffer);
}

/* Arena memory for an output of n bytes; never asks the arena for 0 bytes, whose answer may be NULL. */
static char *text_alloc(lb_context *ctx, size_t n)
{
    return (char *)lb_host->alloc(ctx, n ? n : 1);
}

/* The host passes exactly as many slots as we declared; anything else means a broken host or record. */
static int32_t text_check_arity(lb_context *ctx, const char *component, size_t inputs, size_t want_inputs,
                                size_t outputs, size_t want_outputs)
{
    char buffer[160];
    if (inputs >= want_inputs && outputs >= want_outputs) return LB_OK;
    snprintf(buffer, sizeof buffer, "called with %zu inputs and %zu outputs, expected %zu and %zu", inputs, outputs,
             want_inputs, want_outputs);
    return text_fail(ctx, component, buffer);
}

/* JSON types whose "text" member is the text, as LangBuilderCore's TypeRegistry.text(of:) reads them. */
static int text_is_text_document(const char *type_name)
{
    if (type_name == NULL) return 0;
    return strcmp(type_name, "Message") == 0 || strcmp(type_name, "Data") == 0 || strcmp(type_name, "JSON") == 0 ||
           strcmp(type_name, "Text") == 0;
}

/*
 * Reads an input as text. Strings are used as they are; Message/Data/JSON/Text documents give their
 * top-level "text" string (decoded into the arena), or "" when it is null, or the raw document when there
 * is no such string (the host's own conversion does the same); other JSON gives its text; numbers and
 * booleans are formatted. An absent or null input is an error when `required`, else `fallback`.
 */
static int32_t text_input(lb_context *ctx, const char *component, const lb_value *value, const char *field,
                          int required, const char *fallback, lb_string *out)
{
    char number[40];
    int written;

    if (!lb_value_present(value)) {
        if (required) return text_fail_input(ctx, component, field, "has no value");
        *out = lb_cstring(fallback);
        return LB_OK;
    }
    switch (value->kind) {
    case LB_VALUE_STRING:
    case LB_VALUE_JSON: {
        lb_string raw = lb_value_text(value);
        if (raw.ptr == NULL) raw.ptr = ""; /* the ABI allows NULL when len == 0 */
        if (value->kind == LB_VALUE_JSON && text_is_text_document(value->type_name)) {
            size_t start = 0;
            size_t end = 0;
            int found = lb_json_member(raw.ptr, raw.len, "text", &start, &end);
            if (found == LB_JSON_MEMBER_NULL) {
                raw.ptr = "";
                raw.len = 0;
            } else if (found == LB_JSON_MEMBER_STRING) {
                size_t pos = start;
                size_t decoded = 0;
                char *buffer = text_alloc(ctx, end - start);
                if (buffer == NULL) return text_fail(ctx, component, "out of memory");
                if (lb_json_string(raw.ptr, raw.len, &pos, buffer, &decoded) != 0) {
                    return text_fail_input(ctx, component, field, "holds a malformed JSON string");
                }
                raw.ptr = buffer;
                raw.len = decoded;
            }
        }
        *out = raw;
        return LB_OK;
    }
    case LB_VALUE_INT:
        written = snprintf(number, sizeof number, "%lld", (long long)value->u.integer);
        break;
    case LB_VALUE_DOUBLE: {
        /* The shortest of %.15g and %.17g that reads back exactly, with ".0" on integers, as Swift prints. */
        double x = value->u.number;
        written = snprintf(number, sizeof number, "%.15g", x);
        if (x == x && strtod(number, NULL) != x) written = snprintf(number, sizeof number, "%.17g", x);
        if (written > 0 && strpbrk(number, ".eEna") == NULL && (size_t)written + 2 < sizeof number) {
            memcpy(number + written, ".0", 3);
            written += 2;
        }
        break;
    }
    case LB_VALUE_BOOL:
        *out = lb_cstring(value->u.boolean ? "true" : "false");
        return LB_OK;
    case LB_VALUE_BYTES:
        return text_fail_input(ctx, component, field, "is raw bytes; expected text");
    case LB_VALUE_OBJECT:
        return text_fail_input(ctx, component, field, "is an object handle; expected text");
    default:
        return text_fail_input(ctx, component, field, "has a value of unknown kind; expected text");
    }
    if (written < 0) return text_fail_input(ctx, component, field, "could not be formatted as text");
    char *copy = lb_arena_copy(lb_host, ctx, number, (size_t)written);
    if (copy == NULL) return text_fail(ctx, component, "out of memory");
    out->ptr = copy;
    out->len = (size_t)written;
    return LB_OK;
}

/* Copies text into the arena and makes it the string output `slot`. */
static int32_t text_output_copy(lb_context *ctx, const char *component, lb_value *slot, const char *ptr, size_t len)
{
    char *copy = text_alloc(ctx, len);
    if (copy == NULL) return text_fail(ctx, component, "out of memory");
    if (len > 0) memcpy(copy, ptr, len);
    lb_set_string(slot, copy, len);
    return LB_OK;
}

/* MARK: - Ports shared by the components */

static const char *const text_accepted_types[] = {"str", "Message", "Text", NULL};
static const char *const text_str_types[] = {"str", NULL};
static const char *const text_int_types[] = {"int", NULL};

#define TEXT_INPUT(field, display, tooltip, input_flags, default_text)                                         \
    {                                                                                                          \
        .struct_size = (uint32_t)sizeof(lb_input_port), .flags = (input_flags), .name = (field),               \
        .display_name = (display), .info = (tooltip), .field_type = "str",                                     \
        .accepted_types = text_accepted_types, .default_json = (default_text), .options = NULL                 \
    }

#define TEXT_OUTPUT(field, display, output_types)                                                              \
    {                                                                                                          \
        .struct_size = (uint32_t)sizeof(lb_output_port), .flags = 0, .name = (field), .display_name = (display), \
        .types = (output_types)                                                                                \
    }

#define TEXT_COUNT(array) ((uint32_t)(sizeof(array) / sizeof((array)[0])))

static const lb_input_port text_only_inputs[] = {
    TEXT_INPUT("text", "Text", "The text to process.", LB_INPUT_REQUIRED | LB_INPUT_MULTILINE, NULL),
};

static const lb_output_port text_only_outputs[] = {
    TEXT_OUTPUT("text", "Text", text_str_types),
};

/* MARK: - UpperCase / LowerCase */

/* ASCII-only on purpose: full Unicode case mapping needs tables (and can change lengths); other bytes pass. */
static int32_t text_change_case(lb_context *ctx, const char *component, const lb_value *in, size_t n_in,
                                lb_value *out, size_t n_out, int upper)
{
    lb_string text;
    int32_t status = text_check_arity(ctx, component, n_in, 1, n_out, 1);
    if (status != LB_OK) return status;
    status = text_input(ctx, component, &in[0], "text", 1, "", &text);
    if (status != LB_OK) return status;
    char *result = text_alloc(ctx, text.len);
    if (result == NULL) return text_fail(ctx, component, "out of memory");
    for (size_t i = 0; i < text.len; i++) {
        char c = text.ptr[i];
        if (upper && c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        result[i] = c;
    }
    lb_set_string(&out[0], result, text.len);
    return LB_OK;
}

static int32_t text_upper_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out,
                              size_t n_out)
{
    (void)self;
    return text_change_case(ctx, "UpperCase", in, n_in, out, n_out, 1);
}

static int32_t text_lower_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out,
                              size_t n_out)
{
    (void)self;
    return text_change_case(ctx, "LowerCase", in, n_in, out, n_out, 0);
}

/* MARK: - TextLength */

static const lb_output_port text_length_outputs[] = {
    TEXT_OUTPUT("characters", "Characters", text_int_types),
    TEXT_OUTPUT("bytes", "Bytes", text_int_types),
};

static int32_t text_length_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out,
                               size_t n_out)
{
    static const char component[] = "TextLength";
    lb_string text;
    int64_t characters = 0;
    (void)self;
    int32_t status = text_check_arity(ctx, component, n_in, 1, n_out, 2);
    if (status != LB_OK) return status;
    status = text_input(ctx, component, &in[0], "text", 1, "", &text);
    if (status != LB_OK) return status;
    /* Code points are the bytes that do not continue a sequence (what Python's len() counts for valid text). */
    for (size_t i = 0; i < text.len; i++) {
        if (((unsigned char)text.ptr[i] & 0xC0) != 0x80) characters++;
    }
    lb_set_int(&out[0], characters);
    lb_set_int(&out[1], (int64_t)text.len);
    return LB_OK;
}

/* MARK: - ReplaceText */

static const lb_input_port text_replace_inputs[] = {
    TEXT_INPUT("text", "Text", "The text to search in.", LB_INPUT_REQUIRED | LB_INPUT_MULTILINE, NULL),
    TEXT_INPUT("search", "Search", "The text to look for (case-sensitive, must not be empty).", LB_INPUT_REQUIRED,
               NULL),
    TEXT_INPUT("replacement", "Replacement", "The text that replaces every occurrence; empty removes them.", 0,
               "\"\""),
};

/* Where `needle` next occurs in text[from, len), or len when it does not. */
static size_t text_find(const char *text, size_t len, size_t from, const char *needle, size_t needle_len)
{
    while (from < len && len - from >= needle_len) {
        const char *hit = memchr(text + from, needle[0], len - from - needle_len + 1);
        if (hit == NULL) return len;
        size_t at = (size_t)(hit - text);
        if (memcmp(hit, needle, needle_len) == 0) return at;
        from = at + 1;
    }
    return len;
}

static int32_t text_replace_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out,
                                size_t n_out)
{
    static const char component[] = "ReplaceText";
    lb_string text;
    lb_string search;
    lb_string replacement;
    (void)self;
    int32_t status = text_check_arity(ctx, component, n_in, 3, n_out, 1);
    if (status != LB_OK) return status;
    if ((status = text_input(ctx, component, &in[0], "text", 1, "", &text)) != LB_OK) return status;
    if ((status = text_input(ctx, component, &in[1], "search", 1, "", &search)) != LB_OK) return status;
    if ((status = text_input(ctx, component, &in[2], "replacement", 0, "", &replacement)) != LB_OK) return status;
    if (search.len == 0) return text_fail_input(ctx, component, "search", "must not be empty");

    size_t count = 0;
    for (size_t at = text_find(text.ptr, text.len, 0, search.ptr, search.len); at < text.len;
         at = text_find(text.ptr, text.len, at + search.len, search.ptr, search.len)) {
        count++;
    }
    if (count == 0) return text_output_copy(ctx, component, &out[0], text.ptr, text.len);

    /* count * search.len <= text.len, so only growth can overflow. */
    size_t size = text.len;
    if (replacement.len > search.len) {
        size_t growth = replacement.len - search.len;
        if (count > (SIZE_MAX - size) / growth) return text_fail(ctx, component, "the result is too large");
        size += count * growth;
    } else {
        size -= count * (search.len - replacement.len);
    }
    char *result = text_alloc(ctx, size);
    if (result == NULL) return text_fail(ctx, component, "out of memory");
    size_t from = 0;
    size_t written = 0;
    for (size_t at = text_find(text.ptr, text.len, 0, search.ptr, search.len); at < text.len;
         at = text_find(text.ptr, text.len, from, search.ptr, search.len)) {
        memcpy(result + written, text.ptr + from, at - from);
        written += at - from;
        if (replacement.len > 0) memcpy(result + written, replacement.ptr, replacement.len);
        written += replacement.len;
        from = at + search.len;
    }
    if (text.len > from) memcpy(result + written, text.ptr + from, text.len - from);
    written += text.len - from;
    lb_set_string(&out[0], result, written);
    return LB_OK;
}

/* MARK: - CombineStrings */

static const lb_input_port text_combine_inputs[] = {
    TEXT_INPUT("first", "First Text", "The text that comes first.", LB_INPUT_REQUIRED | LB_INPUT_MULTILINE, NULL),
    TEXT_INPUT("second", "Second Text", "The text that comes second.", LB_INPUT_REQUIRED | LB_INPUT_MULTILINE, NULL),
    TEXT_INPUT("delimiter", "Delimiter", "Put between the two texts; empty joins them directly.", 0, "\" \""),
};

static int32_t text_combine_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out,
                                size_t n_out)
{
    static const char component[] = "CombineStrings";
    lb_string first;
    lb_string second;
    lb_string delimiter;
    (void)self;
    int32_t status = text_check_arity(ctx, component, n_in, 3, n_out, 1);
    if (status != LB_OK) return status;
    if ((status = text_input(ctx, component, &in[0], "first", 1, "", &first)) != LB_OK) return status;
    if ((status = text_input(ctx, component, &in[1], "second", 1, "", &second)) != LB_OK) return status;
    /* An absent delimiter takes the declared default; an explicit "" joins without one. */
    if ((status = text_input(ctx, component, &in[2], "delimiter", 0, " ", &delimiter)) != LB_OK) return status;

    if (delimiter.len > SIZE_MAX - first.len || second.len > SIZE_MAX - first.len - delimiter.len) {
        return text_fail(ctx, component, "the result is too large");
    }
    size_t size = first.len + delimiter.len + second.len;
    char *result = text_alloc(ctx, size);
    if (result == NULL) return text_fail(ctx, component, "out of memory");
    if (first.len > 0) memcpy(result, first.ptr, first.len);
    if (delimiter.len > 0) memcpy(result + first.len, delimiter.ptr, delimiter.len);
    if (second.len > 0) memcpy(result + first.len + delimiter.len, second.ptr, second.len);
    lb_set_string(&out[0], result, size);
    return LB_OK;
}

/* MARK: - TrimText */

static const lb_input_port text_trim_inputs[] = {
    TEXT_INPUT("text", "Text", "The text to trim.", LB_INPUT_REQUIRED | LB_INPUT_MULTILINE, NULL),
    TEXT_INPUT("characters", "Characters",
               "The characters to remove from both ends, in any order; empty removes whitespace.", LB_INPUT_ADVANCED,
               NULL),
};

/* True when cp is one of the code points of `set`, or whitespace when the set is empty. */
static int text_in_set(uint32_t cp, lb_string set)
{
    if (set.len == 0) return text_is_space(cp);
    const unsigned char *bytes = (const unsigned char *)set.ptr;
    for (size_t i = 0; i < set.len;) {
        uint32_t member;
        i += text_utf8_next(bytes, set.len, i, &member);
        if (member == cp) return 1;
    }
    return 0;
}

static int32_t text_trim_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out,
                             size_t n_out)
{
    static const char component[] = "TrimText";
    lb_string text;
    lb_string set;
    (void)self;
    int32_t status = text_check_arity(ctx, component, n_in, 2, n_out, 1);
    if (status != LB_OK) return status;
    if ((status = text_input(ctx, component, &in[0], "text", 1, "", &text)) != LB_OK) return status;
    if ((status = text_input(ctx, component, &in[1], "characters", 0, "", &set)) != LB_OK) return status;

    /* Whole code points come off, never single bytes, so the result stays valid UTF-8. */
    const unsigned char *bytes = (const unsigned char *)text.ptr;
    size_t start = 0;
    size_t end = text.len;
    while (start < end) {
        uint32_t cp;
        size_t width = text_utf8_next(bytes, end, start, &cp);
        if (!text_in_set(cp, set)) break;
        start += width;
    }
    while (end > start) {
        uint32_t cp;
        size_t width = text_utf8_prev(bytes, start, end, &cp);
        if (!text_in_set(cp, set)) break;
        end -= width;
    }
    return text_output_copy(ctx, component, &out[0], text.ptr + start, end - start);
}

/* MARK: - WordCount */

static const lb_output_port text_word_count_outputs[] = {
    TEXT_OUTPUT("count", "Word Count", text_int_types),
};

static int32_t text_word_count_run(void *self, lb_context *ctx, const lb_value *in, size_t n_in, lb_value *out,
                                   size_t n_out)
{
    static const char component[] = "WordCount";
    lb_string text;
    (void)self;
    int32_t status = text_check_arity(ctx, component, n_in, 1, n_out, 1);
    if (status != LB_OK) return status;
    if ((status = text_input(ctx, component, &in[0], "text", 1, "", &text)) != LB_OK) return status;

    const unsigned char *bytes = (const unsigned char *)text.ptr;
    int64_t count = 0;
    int in_word = 0;
    for (size_t i = 0; i < text.len;) {
        uint32_t cp;
        i += text_utf8_next(bytes, text.len, i, &cp);
        if (text_is_space(cp)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            count++;
        }
    }
    lb_set_int(&out[0], count);
    return LB_OK;
}

/* MARK: - The bundle */

#define TEXT_COMPONENT(type, display, about, icon_name, input_array, output_array, run_fn)                     \
    {                                                                                                          \
        .struct_size = (uint32_t)sizeof(lb_component),                                                         \
        .flags = LB_COMPONENT_THREADSAFE | LB_COMPONENT_NONBLOCKING, /* pure text work (ABI 1.4) */            \
        .type_name = (type),                                                                                   \
        .display_name = (display), .description = (about), .category = "processing", .icon = (icon_name),     \
        .inputs = (input_array), .input_count = TEXT_COUNT(input_array),                                       \
        .input_stride = (uint32_t)sizeof(lb_input_port), .outputs = (output_array),                            \
        .output_count = TEXT_COUNT(output_array), .output_stride = (uint32_t)sizeof(lb_output_port),           \
        .create = NULL, .run = (run_fn), .destroy = NULL, .user_data = NULL, .documentation = NULL             \
    }

static const lb_component text_components[] = {
    TEXT_COMPONENT("UpperCase", "Upper Case",
                   "Converts ASCII letters to upper case. Other characters, including non-ASCII letters, are left "
                   "unchanged.",
                   "CaseUpper", text_only_inputs, text_only_outputs, text_upper_run),
    TEXT_COMPONENT("LowerCase", "Lower Case",
                   "Converts ASCII letters to lower case. Other characters, including non-ASCII letters, are left "
                   "unchanged.",
                   "CaseLower", text_only_inputs, text_only_outputs, text_lower_run),
    TEXT_COMPONENT("TextLength", "Text Length",
                   "Counts the characters (Unicode code points) and the UTF-8 bytes of a text.", "Ruler",
                   text_only_inputs, text_length_outputs, text_length_run),
    TEXT_COMPONENT("ReplaceText", "Replace Text",
                   "Replaces every non-overlapping occurrence of a text, scanning left to right (case-sensitive).",
                   "Replace", text_replace_inputs, text_only_outputs, text_replace_run),
    TEXT_COMPONENT("CombineStrings", "Combine Strings", "Joins two texts with a delimiter between them.", "Combine",
                   text_combine_inputs, text_only_outputs, text_combine_run),
    TEXT_COMPONENT("TrimText", "Trim Text",
                   "Removes whitespace, or the given characters, from both ends of a text.", "Scissors",
                   text_trim_inputs, text_only_outputs, text_trim_run),
    TEXT_COMPONENT("WordCount", "Word Count", "Counts the words of a text, that is the runs of non-whitespace.",
                   "WholeWord", text_only_inputs, text_word_count_outputs, text_word_count_run),
};

static const lb_fingerprint text_fingerprint = LB_FINGERPRINT_INIT;

static const lb_bundle_descriptor text_bundle = {
    .struct_size = (uint32_t)sizeof(lb_bundle_descriptor),
    .abi_version = LB_ABI_VERSION,
    .fingerprint = &text_fingerprint,
    .id = "dev.langbuilder.std-text",
    .version = "1.0.0",
    .display_name = "Text",
    .description = "Everyday text processing: change case, measure, replace, combine, trim and count words.",
    .license = "Apache-2.0",
    .homepage = NULL,
    .components = text_components,
    .component_count = TEXT_COUNT(text_components),
    .component_stride = (uint32_t)sizeof(lb_component),
    .functions = NULL,
    .function_count = 0,
    .function_stride = (uint32_t)sizeof(lb_function),
    .extension = NULL,
};

LB_BUNDLE_ENTRY(text_bundle)
