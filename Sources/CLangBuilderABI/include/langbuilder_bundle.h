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
 * Since ABI 1.0.
 */
#ifndef LANGBUILDER_BUNDLE_H
#define LANGBUILDER_BUNDLE_H

#include "langbuilder.h"

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

#ifdef __cplusplus
}
#endif

#endif /* LANGBUILDER_BUNDLE_H */
