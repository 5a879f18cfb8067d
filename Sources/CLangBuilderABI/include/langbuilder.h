/*
 * langbuilder.h: the LangBuilder bundle ABI.
 *
 * This header is the whole contract between the LangBuilder host and a bundle (a shared library that
 * exports components). A bundle needs nothing else: it never links against the host, it receives the
 * host's services through a table passed to its entry point.
 *
 * Rules of the contract (the full history of additions is in LangBuilderCore/Docs.docc/BundleABI.md):
 *
 *  1. Exactly one exported symbol, LB_ENTRY_SYMBOL ("lb_bundle_entry"), of type lb_bundle_entry_fn.
 *     The host calls it once, passing its ABI version and its host API table. The bundle returns an
 *     immutable descriptor that lives as long as the process, or NULL to refuse the host.
 *  2. Versions are LB_ABI_VERSION = major << 16 | minor. The host refuses a bundle of another major or a
 *     newer minor than its own; it accepts older minors.
 *  3. Every struct starts with `uint32_t struct_size`, the size the writer compiled against. Structs only
 *     ever grow at the end. A reader never reads a field that lies past the writer's struct_size, and
 *     treats such a field as zero / NULL ("absent"). Arrays of structs are walked with the writer's
 *     stride (e.g. component_stride), never with the reader's sizeof.
 *  4. Strings are UTF-8. `const char *` fields are NUL-terminated; lb_string is pointer + length and need
 *     not be NUL-terminated.
 *  5. Ownership is stated on every pointer: "borrowed" means the receiver may read it only until the
 *     stated moment and must copy what it keeps; "process lifetime" means it is never freed.
 *  6. Nothing but C crosses the boundary: no C++ exceptions, Swift errors, panics or longjmp.
 *
 * Every item says in which ABI version it appeared ("Since ABI 1.0").
 */
#ifndef LANGBUILDER_H
#define LANGBUILDER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MARK: - Versions */

/** Major version: changes only when an incompatible change is unavoidable. Since ABI 1.0. */
#define LB_ABI_MAJOR 1
/**
 * Minor version: grows with every append-only addition. Since ABI 1.0 (1.1: lb_component.aliases; 1.2: the host
 * service table; 1.3: lb_host_api.run_flow; 1.4: LB_COMPONENT_NONBLOCKING).
 */
#define LB_ABI_MINOR 4
/** Packs a version as the host and descriptors carry it. Since ABI 1.0. */
#define LB_ABI_MAKE_VERSION(major, minor) ((uint32_t)(((uint32_t)(major) << 16) | ((uint32_t)(minor) & 0xFFFFu)))
/** The version this header describes. Since ABI 1.0. */
#define LB_ABI_VERSION LB_ABI_MAKE_VERSION(LB_ABI_MAJOR, LB_ABI_MINOR)
/** Unpacks the major number of a packed version. Since ABI 1.0. */
#define LB_ABI_VERSION_MAJOR(version) ((uint32_t)(version) >> 16)
/** Unpacks the minor number of a packed version. Since ABI 1.0. */
#define LB_ABI_VERSION_MINOR(version) ((uint32_t)(version) & 0xFFFFu)

/** The one symbol a bundle exports. Since ABI 1.0. */
#define LB_ENTRY_SYMBOL "lb_bundle_entry"

/* MARK: - Status codes */

/** Return codes of every bundle callback and host function that can fail. Since ABI 1.0. */
#define LB_OK 0
/** Generic failure; the callee should have set a message with lb_host_api.set_error. Since ABI 1.0. */
#define LB_ERROR 1
/** The operation was cancelled (see lb_host_api.is_cancelled). Since ABI 1.0. */
#define LB_CANCELLED 2
/** A requested item (variable, extension, ...) does not exist. Since ABI 1.0. */
#define LB_NOT_FOUND 3
/** The host or bundle does not provide this operation. Since ABI 1.0. */
#define LB_UNSUPPORTED 4

/* MARK: - Strings and values */

/** A UTF-8 string given as pointer and length; it need not be NUL-terminated. Since ABI 1.0. */
typedef struct lb_string {
    const char *ptr; /* may be NULL when len == 0 */
    size_t len;
} lb_string;

/** Raw bytes given as pointer and length. Since ABI 1.0. */
typedef struct lb_bytes {
    const uint8_t *ptr; /* may be NULL when len == 0 */
    size_t len;
} lb_bytes;

/**
 * Value kinds (lb_value.kind). Since ABI 1.0.
 * LB_VALUE_ABSENT is zero on purpose: a zero-filled value means "nothing here". For an input it means no
 * edge and no field value; for an output slot left absent it means the component did not produce that
 * output (e.g. the inactive branch of a router).
 */
#define LB_VALUE_ABSENT 0u
#define LB_VALUE_NULL 1u
#define LB_VALUE_BOOL 2u
#define LB_VALUE_INT 3u
#define LB_VALUE_DOUBLE 4u
#define LB_VALUE_STRING 5u
#define LB_VALUE_BYTES 6u
/** A JSON document (UTF-8 text) of a named type such as "Message", "Data", "DataFrame", "dict", "list". */
#define LB_VALUE_JSON 7u
/** An opaque object handle of a named type such as "LanguageModel" or "Tool". See lb_object_vtable. */
#define LB_VALUE_OBJECT 8u

struct lb_context;
struct lb_value;

/**
 * The functions behind an object handle (LB_VALUE_OBJECT). Since ABI 1.0.
 * The vtable itself has process lifetime. Reference counting: a handle written into an output slot
 * carries one reference that passes to the host; a handle received as an input is borrowed for the call
 * and must be retained by a component that keeps it.
 */
typedef struct lb_object_vtable {
    uint32_t struct_size; /* sizeof(lb_object_vtable) as the writer compiled it */
    uint32_t flags;       /* reserved, 0 */
    /** Adds a reference. Must be thread-safe. Since ABI 1.0. */
    void (*retain)(void *instance);
    /** Drops a reference; the object frees itself at zero. Must be thread-safe. Since ABI 1.0. */
    void (*release)(void *instance);
    /**
     * Calls a named method of the object (e.g. "invoke" on a Tool, "complete" on a LanguageModel).
     * `args` are borrowed for the call. `result` is written like an output slot (memory from the
     * context's arena, objects carry one reference). Returns LB_OK or an error code after set_error.
     * May be NULL when the object has no methods. Since ABI 1.0.
     */
    int32_t (*invoke)(void *instance, struct lb_context *context, const char *method,
                      const struct lb_value *args, size_t arg_count, struct lb_value *result);
} lb_object_vtable;

/**
 * Several objects into one list input. A value cannot hold a list of objects, so when several edges bring object
 * handles into an LB_INPUT_LIST input (e.g. tools into an agent), the host passes one object of type "list" whose
 * invoke answers "count" (no arguments; an LB_VALUE_INT) and "item" (one LB_VALUE_INT index; the object at that
 * index, carrying one reference like any object result). A single edge brings its object itself. Since ABI 1.2.
 */
#define LB_OBJECT_LIST_TYPE "list"

/** An object handle: the instance and the functions that act on it. Since ABI 1.0. */
typedef struct lb_object {
    void *instance;
    const lb_object_vtable *vtable;
} lb_object;

/**
 * A tagged value crossing the boundary. Since ABI 1.0.
 * Unlike the other structs, lb_value never grows within a major version: value arrays are indexed with
 * sizeof(lb_value), and the fingerprint's value_size must equal the host's. New kinds are new LB_VALUE_*
 * numbers, which an older reader refuses as unknown.
 * Pointers inside a value are never owned by the value: for inputs they are borrowed for the duration of
 * the call; for outputs they must point to memory that stays valid until the run ends, which is what the
 * context's arena (lb_host_api.alloc) gives; static data is fine too.
 */
typedef struct lb_value {
    uint32_t struct_size; /* sizeof(lb_value) as the writer compiled it */
    uint32_t kind;        /* LB_VALUE_* */
    /**
     * The value's type name, NUL-terminated: for LB_VALUE_JSON the document's type ("Message", "Data",
     * "DataFrame", "dict", "list", ...), for LB_VALUE_OBJECT the handle's type ("LanguageModel", "Tool").
     * NULL for the other kinds, whose type follows from the kind ("bool", "int", "float", "str", "bytes").
     * Borrowed like the rest of the value.
     */
    const char *type_name;
    union {
        int32_t boolean;   /* LB_VALUE_BOOL: 0 or 1 */
        int64_t integer;   /* LB_VALUE_INT */
        double number;     /* LB_VALUE_DOUBLE */
        lb_string string;  /* LB_VALUE_STRING, and LB_VALUE_JSON (the JSON text) */
        lb_bytes bytes;    /* LB_VALUE_BYTES */
        lb_object object;  /* LB_VALUE_OBJECT */
    } u;
} lb_value;

/* MARK: - The run context and the host API table */

/**
 * The host's per-call context. Opaque to bundles; borrowed for the duration of the callback it is passed
 * to. Every host function that acts "for this call" takes it. Since ABI 1.0.
 */
typedef struct lb_context lb_context;

/** Log levels of lb_host_api.log. Since ABI 1.0. */
#define LB_LOG_TRACE 0u
#define LB_LOG_DEBUG 1u
#define LB_LOG_INFO 2u
#define LB_LOG_WARNING 3u
#define LB_LOG_ERROR 4u

/** A header of an HTTP request or response. Since ABI 1.0. */
typedef struct lb_http_header {
    lb_string name;
    lb_string value;
} lb_http_header;

/**
 * An outbound HTTP request (for lb_host_api.http_request). Since ABI 1.0; the fields after `user_data` since
 * ABI 1.2. Everything is borrowed for the duration of the http_request call.
 *
 * The host only speaks http:// and https:// (redirects included), always verifies TLS certificates (peer and
 * host name), and takes its proxy from the environment as libcurl does (`http_proxy`, `https_proxy`,
 * `all_proxy`, `no_proxy`; the upper-case forms too, except HTTP_PROXY). Header values and the URL's query
 * string and user information are never logged.
 */
typedef struct lb_http_request {
    uint32_t struct_size;       /* sizeof(lb_http_request) as the writer compiled it */
    uint32_t flags;             /* reserved, 0 */
    const char *method;         /* "GET", "POST", ...; NULL: "GET" */
    const char *url;            /* absolute http:// or https:// URL, NUL-terminated */
    const lb_http_header *headers;
    size_t header_count;
    lb_bytes body;              /* sent as is when len > 0 (set Content-Type yourself) */
    uint32_t timeout_ms;        /* the whole transfer; 0: the host's default */
    uint32_t max_redirects;     /* 0: do not follow redirects (the 3xx response is the answer) */
    /**
     * Optional streaming callback: receives the body in chunks as they arrive (borrowed for the call), on the
     * thread that called http_request and before it returns; it may call other host functions with the same
     * context (e.g. emit_token). Returning non-zero stops the transfer: http_request then returns LB_OK with
     * the status and headers received. When set, the response body is left empty and no size limit applies.
     */
    int32_t (*on_chunk)(void *user_data, lb_bytes chunk);
    void *user_data;
    /* ABI 1.2 and later: */
    /** Milliseconds to connect (TCP and TLS handshake); 0: the host's default. Since ABI 1.2. */
    uint32_t connect_timeout_ms;
    uint32_t reserved;          /* 0 */
    /**
     * The most body bytes to buffer; 0: the host's limit. The smaller of this and the host's limit applies; a
     * larger body fails the call (LB_ERROR). Since ABI 1.2.
     */
    uint64_t max_response_bytes;
} lb_http_request;

/**
 * The answer to an HTTP request. Since ABI 1.0.
 * The caller owns the struct and sets `struct_size` (0 is read as the ABI 1.0 size); the host fills the
 * fields that fit. The headers are those of the final response (after redirects), names as the server sent
 * them; headers and body live in the run's arena (valid until the run ends).
 */
typedef struct lb_http_response {
    uint32_t struct_size;
    int32_t status;             /* HTTP status code */
    const lb_http_header *headers;
    size_t header_count;
    lb_bytes body;              /* empty when the request had on_chunk */
} lb_http_response;

/**
 * Which chat messages lb_host_api.get_messages reads. Since ABI 1.2.
 * Borrowed for the call. Zero/NULL fields mean "no filter" (or the stated default).
 */
typedef struct lb_message_query {
    uint32_t struct_size;       /* sizeof(lb_message_query) as the writer compiled it */
    uint32_t limit;             /* the last `limit` messages; 0: 100 */
    const char *session_id;     /* NULL: the run's session */
    const char *sender;         /* "User" or "Machine"; NULL: both */
    const char *sender_name;    /* NULL: any */
} lb_message_query;

/**
 * What the host offers to bundles. Passed to the entry point; process lifetime. Since ABI 1.0.
 * A bundle checks `struct_size` (or a NULL slot) before using any function added after ABI 1.0
 * (LB_HOST_HAS), so a bundle built against a newer header that declares the oldest version it needs in its
 * descriptor's abi_version still runs on an older host.
 */
typedef struct lb_host_api {
    uint32_t struct_size;       /* sizeof(lb_host_api) as the host compiled it */
    uint32_t abi_version;       /* the host's LB_ABI_VERSION */
    /** Writes a log line attributed to the current component. `message` is borrowed. Since ABI 1.0. */
    void (*log)(lb_context *context, uint32_t level, lb_string message);
    /**
     * Allocates `size` bytes, aligned to 16, from the run's arena; the memory is freed by the host when
     * the run ends. Returns NULL when out of memory. Since ABI 1.0.
     */
    void *(*alloc)(lb_context *context, size_t size);
    /**
     * Sets the error message of the current call; the callback then returns LB_ERROR. The message is
     * borrowed (copied by the host). Since ABI 1.0.
     */
    void (*set_error)(lb_context *context, lb_string message);
    /**
     * Emits an event of the run: `name` is "token" (payload {"chunk": "..."}) or "log" (payload
     * {"message": "..."}) and the payload is a JSON object; both are borrowed. The host adds "id" (the vertex
     * id) when the payload has none. Returns LB_ERROR when the payload is not a JSON object. Since ABI 1.0.
     */
    int32_t (*emit)(lb_context *context, const char *name, lb_string payload_json);
    /**
     * Reads a variable or secret of the run's user by name. On LB_OK `out` points into the run's arena.
     * Returns LB_NOT_FOUND when there is no such variable. Since ABI 1.0.
     */
    int32_t (*get_variable)(lb_context *context, const char *name, lb_string *out);
    /** Returns non-zero once the run was cancelled; long components poll it and stop. Since ABI 1.0. */
    int32_t (*is_cancelled)(lb_context *context);
    /**
     * Reads a property of the current call: "run_id", "session_id", "flow_id", "vertex_id",
     * "component", "user_id". On LB_OK `out` is borrowed for the call. Since ABI 1.0.
     */
    int32_t (*get_info)(lb_context *context, const char *key, lb_string *out);
    /**
     * Performs an HTTP request through the host (proxy, TLS and timeouts configured by the operator), on the
     * calling thread; blocks until the response ends, fails, or the run is cancelled. `response` is written
     * as lb_http_response describes. Returns LB_OK for any HTTP status (check response->status); LB_ERROR
     * after setting the error (e.g. "http_request: connect to 127.0.0.1:1 failed: ...") when there is no
     * response, on a TLS verification failure, a timeout, too many redirects or a too large body;
     * LB_CANCELLED when the run was cancelled during the transfer; LB_UNSUPPORTED when the run has no HTTP
     * client. The slot is NULL in hosts older than ABI 1.2 (the 1.0 host never filled it): check with
     * LB_HOST_HAS. Since ABI 1.0 (slot), implemented since ABI 1.2.
     */
    int32_t (*http_request)(lb_context *context, const lb_http_request *request, lb_http_response *response);
    /**
     * Names the input at `index` of the current create/run call: the declared inputs first, then the extra
     * fields of an LB_COMPONENT_EXTRA_INPUTS component. On LB_OK `out` is borrowed for the call; returns
     * LB_NOT_FOUND past the last input. Since ABI 1.0.
     */
    int32_t (*get_input_name)(lb_context *context, size_t index, lb_string *out);

    /* ABI 1.2 and later: the host service table. Check with LB_HOST_HAS before calling. Like the 1.0 functions
     * they act for the call that received `context` and are called during it, from its thread unless a
     * function says it is thread-safe. */

    /**
     * Streams a token of the answer being produced: the run emits Langflow's `token` event with
     * {"chunk": <chunk>, "id": <vertex id>}. `chunk` is UTF-8, borrowed; the host escapes it. Cheaper than
     * emit("token", ...), which needs JSON. Thread-safe (also from threads the component started during the
     * call). Since ABI 1.2.
     */
    int32_t (*emit_token)(lb_context *context, lb_string chunk);
    /**
     * Reads the chat history: the last messages of a session (the run's by default) matching `query` (NULL:
     * the last 100 of the run's session), oldest first, as a JSON array of Langflow Message objects
     * ({"id", "text", "sender", "sender_name", "session_id", "flow_id", "timestamp", ...}). On LB_OK `out`
     * points into the run's arena. Only the run's user's messages are visible. Returns LB_UNSUPPORTED when
     * the host keeps no history. Since ABI 1.2.
     */
    int32_t (*get_messages)(lb_context *context, const lb_message_query *query, lb_string *out);
    /**
     * Appends a message to the chat history. `message_json` (borrowed) is a JSON object, usually with "text"
     * (default ""); "sender" defaults to "Machine", "sender_name" to "AI", "session_id" to the run's session; the host sets
     * "id", "timestamp" and "flow_id". When `stored` is not NULL it receives the stored message (JSON, in the
     * run's arena). Returns LB_ERROR (after setting the error) for a document that is not a JSON object,
     * LB_UNSUPPORTED when the host keeps no history. Since ABI 1.2.
     */
    int32_t (*add_message)(lb_context *context, lb_string message_json, lb_string *stored);
    /**
     * Reads the per-run state: a value stored under `key` (borrowed) by any component of the same run with
     * set_state. Runs never see each other's state. On LB_OK `*out` is written like an output slot: strings,
     * bytes, JSON text and type names point into the run's arena. Returns LB_NOT_FOUND for a key never set
     * (or removed). Thread-safe. Since ABI 1.2.
     */
    int32_t (*get_state)(lb_context *context, lb_string key, lb_value *out);
    /**
     * Stores `value` (copied by the host; borrowed for the call) under `key` in the per-run state, replacing
     * what was there; NULL or an LB_VALUE_ABSENT value removes the key. Every kind but LB_VALUE_OBJECT can be
     * stored (that one gives LB_UNSUPPORTED). The state lives until the run ends. Thread-safe: concurrent
     * components of the run see each set_state whole, the last one winning. Since ABI 1.2.
     */
    int32_t (*set_state)(lb_context *context, lb_string key, const lb_value *value);
    /**
     * Reads the error message of the current call: the last set_error, or the message of a host function
     * that failed (http_request, add_message, ...), e.g. to add context before failing. On LB_OK `out` points
     * into the run's arena; LB_NOT_FOUND when no error is set. Since ABI 1.2.
     */
    int32_t (*get_error)(lb_context *context, lb_string *out);
    /**
     * Runs another stored flow of the run's user to its end and answers its outputs (Langflow's Run Flow).
     * `flow` names it: an id, an endpoint name or a flow name (borrowed). `request_json` (borrowed; empty for
     * none) is a JSON object whose members are all optional: {"input_value": "...", "session_id": "...",
     * "tweaks": {...}}; the session defaults to the caller's. On LB_OK `out` receives, in the run's arena,
     * {"flow_id", "session_id", "outputs": [{"id": vertex id, "component": type, "results": {output name:
     * value}}]} for the flow's output vertices, values as the run's events give them (a Message as its JSON
     * object). Returns LB_NOT_FOUND (error set) when the user has no such flow, LB_ERROR (error set) when it is
     * not valid, fails, or would nest deeper than the host allows (a flow running itself), LB_UNSUPPORTED when
     * the host keeps no flows (`langbuilder run`). Cancelling the caller's run cancels the flow. Since ABI 1.3.
     */
    int32_t (*run_flow)(lb_context *context, lb_string flow, lb_string request_json, lb_string *out);
} lb_host_api;

/* MARK: - Components */

/** Input port flags (lb_input_port.flags). Since ABI 1.0. */
#define LB_INPUT_REQUIRED (1u << 0)  /* the run fails validation when neither a value nor an edge feeds it */
#define LB_INPUT_LIST (1u << 1)      /* takes a list (several edges, or a JSON list value) */
#define LB_INPUT_ADVANCED (1u << 2)  /* shown under "advanced" in editors */
#define LB_INPUT_HIDDEN (1u << 3)    /* not shown in editors */
#define LB_INPUT_SECRET (1u << 4)    /* a password: never logged, shown masked */
#define LB_INPUT_MULTILINE (1u << 5) /* a long text */
#define LB_INPUT_HANDLE (1u << 6)    /* fed only by an edge, has no editable value */

/** One input of a component: a field that takes a value or an edge. Since ABI 1.0. */
typedef struct lb_input_port {
    uint32_t struct_size;
    uint32_t flags;                    /* LB_INPUT_* */
    const char *name;                  /* field name, unique in the component, e.g. "input_value" */
    const char *display_name;          /* e.g. "Input Text"; NULL: the name */
    const char *info;                  /* tooltip; may be NULL */
    /** Langflow field type: "str", "int", "float", "bool", "dict", "prompt", "code", "file", "other". */
    const char *field_type;
    /** Types an edge may bring (Langflow input_types), NULL-terminated; NULL: none (value only). */
    const char *const *accepted_types;
    /** Default value as a JSON text (e.g. "\"User\"", "true", "0.5"); NULL: no default. */
    const char *default_json;
    /** Choices of a dropdown, NULL-terminated; NULL: free input. */
    const char *const *options;
} lb_input_port;

/** Output port flags (lb_output_port.flags). Since ABI 1.0. */
#define LB_OUTPUT_HIDDEN (1u << 0)     /* not shown in editors */
#define LB_OUTPUT_ALLOWS_LOOP (1u << 1) /* may feed back into a loop component */

/** One output of a component. Since ABI 1.0. */
typedef struct lb_output_port {
    uint32_t struct_size;
    uint32_t flags;                    /* LB_OUTPUT_* */
    const char *name;                  /* e.g. "message" */
    const char *display_name;          /* e.g. "Chat Message"; NULL: the name */
    /** Types it produces (Langflow output types, e.g. {"Message", NULL}), NULL-terminated, at least one. */
    const char *const *types;
} lb_output_port;

/** Component flags (lb_component.flags). Since ABI 1.0. */
#define LB_COMPONENT_THREADSAFE (1u << 0) /* one instance may run on several threads at once */
#define LB_COMPONENT_BETA (1u << 1)
#define LB_COMPONENT_LEGACY (1u << 2)
/**
 * The component takes fields beyond its declared inputs, named by the flow (e.g. the {variables} of a prompt
 * template, Langflow's custom_fields). The host appends their values after the declared inputs, in the
 * flow's order, in both `config` and `inputs`; lb_host_api.get_input_name names them. Since ABI 1.0.
 */
#define LB_COMPONENT_EXTRA_INPUTS (1u << 3)
/**
 * The component never blocks: create, run and destroy only compute and return promptly (no I/O, no sleeping,
 * no waiting on locks that others hold long, no blocking lb_host_api service). The host may then call it on
 * the thread that asked for the run instead of handing it to a worker thread: a run whose every component
 * is non-blocking (and that has no loop) runs on the caller's thread, which saves two thread hand-offs per
 * run. In such a call the blocking host services (http_request, get_messages, add_message, run_flow,
 * get_variable) fail with LB_UNSUPPORTED and an error that names the component. Hosts before 1.4, and
 * bundles that declare an ABI before 1.4, ignore the flag. Since ABI 1.4.
 */
#define LB_COMPONENT_NONBLOCKING (1u << 4)

struct lb_component;

/**
 * Creates an instance of a component. Since ABI 1.0.
 * `config` holds one value per input port of the component, in declaration order (input_count of them,
 * then the extra fields of an LB_COMPONENT_EXTRA_INPUTS component); a field without a value is
 * LB_VALUE_ABSENT. Borrowed for the call. On success the callback stores the
 * instance in `*instance` (any pointer, NULL allowed) and returns LB_OK.
 */
typedef int32_t (*lb_create_fn)(const struct lb_component *component, lb_context *context,
                                const lb_value *config, size_t config_count, void **instance);

/**
 * Runs an instance once. Since ABI 1.0.
 * `inputs` holds one value per input port in declaration order (then the extra fields, as for create): the
 * value brought by an edge, else the field's value, else LB_VALUE_ABSENT; borrowed for the call. `outputs` holds one zero-filled
 * (LB_VALUE_ABSENT) slot per output port, whose struct_size the host has set; the callback fills the
 * slots of the outputs it produces. Memory referenced by outputs must stay valid until the run ends
 * (use lb_host_api.alloc). Returns LB_OK, or an error code after lb_host_api.set_error.
 */
typedef int32_t (*lb_run_fn)(void *instance, lb_context *context, const lb_value *inputs, size_t input_count,
                             lb_value *outputs, size_t output_count);

/** Destroys an instance; called exactly once per successful create. Since ABI 1.0. */
typedef void (*lb_destroy_fn)(void *instance);

/** A component: a node kind with inputs, outputs and a lifecycle. Since ABI 1.0. */
typedef struct lb_component {
    uint32_t struct_size;
    uint32_t flags;                    /* LB_COMPONENT_* */
    /** Type name, unique across all loaded bundles, Langflow-compatible (e.g. "ChatInput"). */
    const char *type_name;
    const char *display_name;          /* e.g. "Chat Input" */
    const char *description;
    const char *category;              /* Langflow category, e.g. "input_output", "processing" */
    const char *icon;                  /* Lucide icon name; may be NULL */
    const lb_input_port *inputs;
    uint32_t input_count;
    uint32_t input_stride;             /* sizeof(lb_input_port) as the writer compiled it */
    const lb_output_port *outputs;
    uint32_t output_count;
    uint32_t output_stride;            /* sizeof(lb_output_port) as the writer compiled it */
    lb_create_fn create;               /* NULL: instances are stateless (instance pointer is NULL) */
    lb_run_fn run;                     /* required */
    lb_destroy_fn destroy;             /* may be NULL */
    void *user_data;                   /* for the bundle's own use; the host never touches it */
    const char *documentation;         /* URL; may be NULL */
    /* ABI 1.1 and later: */
    /**
     * Other type names the component answers to, NULL-terminated; NULL: none. Process lifetime. A flow node
     * whose type is an alias resolves to this component (e.g. Langflow exports name "Prompt Template" by its
     * legacy key "Prompt"); listings show `type_name` only. Like type names, aliases must be unique across all
     * loaded bundles. Since ABI 1.1.
     */
    const char *const *aliases;
} lb_component;

/* MARK: - Plain C functions (the libffi tier) */

/**
 * A plain C function exported as a component. Since ABI 1.0.
 * The host calls it through libffi with a call interface prepared once at load. Each parameter becomes an
 * input port, the result the output port "result".
 *
 * Signature grammar: RESULT "(" PARAMS ")", one letter per type:
 *   v void (result only)   b bool (C _Bool)   i int32_t   l int64_t   f float   d double
 *   s const char * (NUL-terminated UTF-8). As a parameter: borrowed for the call. As a result: borrowed,
 *     must stay valid until the next call of the function on the same thread (static or thread-local).
 *   S char * result only, allocated with malloc; the host frees it with free().
 * A NULL `s` or `S` result is the null value.
 * Example: "d(dd)" is double f(double, double); "S(sl)" is char *f(const char *, int64_t).
 */
typedef struct lb_function {
    uint32_t struct_size;
    uint32_t flags;                    /* LB_COMPONENT_* (THREADSAFE: may be called concurrently) */
    const char *type_name;             /* component type name, unique across all bundles */
    const char *display_name;
    const char *description;
    const char *category;
    const char *signature;             /* e.g. "d(dd)" */
    /** Parameter names, NULL-terminated, exactly as many as the signature has parameters. */
    const char *const *parameter_names;
    const char *result_name;           /* output port name; NULL: "result" */
    void (*function)(void);            /* the function, cast to this type */
    const char *icon;                  /* may be NULL */
} lb_function;

/* MARK: - The bundle descriptor */

/** Byte-order marker: the writer stores LB_BYTE_ORDER_MARK; a reader of other endianness sees it reversed. */
#define LB_BYTE_ORDER_MARK 0x01020304u

/** Languages a bundle can be built from (lb_fingerprint.language). Since ABI 1.0. */
#define LB_LANGUAGE_C 0u
#define LB_LANGUAGE_SWIFT 1u
#define LB_LANGUAGE_OTHER 2u

/**
 * How the bundle was built, checked by the host before it trusts anything else. Since ABI 1.0.
 * Use LB_FINGERPRINT_INIT from C; the Swift SDK fills it for Swift bundles.
 */
typedef struct lb_fingerprint {
    uint32_t struct_size;
    uint32_t pointer_size;             /* sizeof(void *) */
    uint32_t value_size;               /* sizeof(lb_value) */
    uint32_t byte_order;               /* LB_BYTE_ORDER_MARK */
    uint32_t language;                 /* LB_LANGUAGE_* */
    uint32_t reserved;                 /* 0 */
    /**
     * For Swift bundles, the Swift compiler version ("6.3.1"); it must equal the host's, because Swift
     * has no stable ABI on Linux. NULL for C bundles.
     */
    const char *swift_compiler_version;
} lb_fingerprint;

/** A fingerprint initializer for C bundles. Since ABI 1.0. */
#define LB_FINGERPRINT_INIT                                                                                    \
    { sizeof(lb_fingerprint), (uint32_t)sizeof(void *), (uint32_t)sizeof(lb_value), LB_BYTE_ORDER_MARK,      \
      LB_LANGUAGE_C, 0, NULL }

/**
 * What a bundle is and exports. Immutable and of process lifetime: the host keeps pointers into it
 * forever (bundles are never unloaded). Since ABI 1.0.
 */
typedef struct lb_bundle_descriptor {
    uint32_t struct_size;              /* sizeof(lb_bundle_descriptor) as the bundle compiled it */
    uint32_t abi_version;              /* the bundle's LB_ABI_VERSION */
    const lb_fingerprint *fingerprint; /* required */
    const char *id;                    /* reverse-DNS, e.g. "dev.langbuilder.std-text" */
    const char *version;               /* semantic version, e.g. "1.2.0" */
    const char *display_name;
    const char *description;
    const char *license;               /* SPDX identifier; may be NULL */
    const char *homepage;              /* may be NULL */
    const lb_component *components;
    uint32_t component_count;
    uint32_t component_stride;         /* sizeof(lb_component) as the bundle compiled it */
    const lb_function *functions;
    uint32_t function_count;
    uint32_t function_stride;          /* sizeof(lb_function) as the bundle compiled it */
    /**
     * Optional capabilities by name: returns a capability-specific table, or NULL when the bundle does
     * not have it. May itself be NULL. The returned pointer has process lifetime. Since ABI 1.0.
     */
    const void *(*extension)(const char *name);
} lb_bundle_descriptor;

/**
 * The entry point, exported as LB_ENTRY_SYMBOL. Since ABI 1.0.
 * `host_abi_version` is the host's LB_ABI_VERSION; `host` is the host API table (process lifetime, keep
 * the pointer). Return the descriptor, or NULL to refuse this host (e.g. its version is too old for a
 * function the bundle cannot do without).
 */
typedef const lb_bundle_descriptor *(*lb_bundle_entry_fn)(uint32_t host_abi_version, const lb_host_api *host);

#ifdef __cplusplus
}
#endif

#endif /* LANGBUILDER_H */
