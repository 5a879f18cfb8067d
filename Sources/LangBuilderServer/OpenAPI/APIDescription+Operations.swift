import LangBuilderCore

extension APIDescription {
    typealias Parameter = APIOperation.Parameter

    private static let error = reference("Error")
    private static let ok = "Success"
    private static let notFound: (Int, String, JSONValue?) = (404, "Not found, or not yours", reference("Error"))
    private static let paging: [Parameter] = [
        Parameter(name: "page", type: "integer", description: "Page number, from 1"),
        Parameter(name: "size", type: "integer", description: "Items per page"),
    ]

    /// Every documented route. A test checks this list against the router.
    static let operations: [APIOperation] = probes + auth + users + apiKeys + flows + flowTransfer + projects + registry + runs
        + variables + files + documentation

    /// The documented routes of a server with (`store`) or without a component store.
    static func operations(store: Bool) -> [APIOperation] {
        store ? operations + componentStore : operations
    }

    /// `/api/v1/store/...`: only on a server started with a component store (`serve --store URL`).
    static let componentStore: [APIOperation] = [
        APIOperation(method: "get", path: "/api/v1/store/components", tag: "Component store", summary: "Search the component store's bundles", access: .user,
                     query: [Parameter(name: "search", type: "string", description: "Text in the id, name, description or component names"),
                             Parameter(name: "page", type: "integer", description: "Page number, from 1"),
                             Parameter(name: "limit", type: "integer", description: "Bundles per page (50)")],
                     responses: [(200, "count and results (the installed version included)", object), (502, "The store cannot be read", error)]),
        APIOperation(method: "get", path: "/api/v1/store/components/{name}", tag: "Component store", summary: "A bundle's versions, artifacts and whether each installs here", access: .user,
                     responses: [(200, ok, object), notFound]),
        APIOperation(method: "post", path: "/api/v1/store/install", tag: "Component store", summary: "Install a bundle and its dependencies, and load it at once", access: .superuser,
                     body: .json(["type": "object", "required": ["name"], "properties": [
                        "name": ["type": "string"], "version": ["type": "string"], "dry_run": ["type": "boolean"]]], description: "The bundle id or name, and an optional exact version"),
                     responses: [(201, "What was installed", object), (200, "The plan of a dry run", object), notFound,
                                 (422, "Refused (the reason is at the end of detail: [yanked], [revoked], [wrongPlatform], ...)", error)]),
        APIOperation(method: "delete", path: "/api/v1/store/components/{name}", tag: "Component store", summary: "Remove an installed bundle (refused while stored flows use it)", access: .superuser,
                     query: [Parameter(name: "force", type: "boolean", description: "Remove even if stored flows use it")],
                     responses: [(200, "Removed", object), notFound, (409, "Used by stored flows", error)]),
        APIOperation(method: "get", path: "/api/v1/store/status", tag: "Component store", summary: "The store, the last sync, installed bundles, updates, disabled and hot-loaded bundles", access: .user,
                     responses: [(200, ok, object)]),
        APIOperation(method: "post", path: "/api/v1/store/sync", tag: "Component store", summary: "Sync now: refresh the index, update (if on), apply the kill list, hot-load", access: .user,
                     responses: [(200, "The status after the sync", object)]),
    ]

    static let probes: [APIOperation] = [
        APIOperation(method: "get", path: "/health", tag: "Health", summary: "Liveness probe", access: .open,
                     responses: [(200, "The server is up", ["type": "object", "properties": ["status": ["type": "string"]]])]),
        APIOperation(method: "get", path: "/health_check", tag: "Health", summary: "Readiness probe (Langflow's shape)", access: .open,
                     responses: [(200, "Ready", object), (503, "The storage does not answer", object)]),
        APIOperation(method: "get", path: "/api/v1/version", tag: "Health", summary: "Server version", access: .open,
                     responses: [(200, ok, ["type": "object", "properties": [
                        "version": ["type": "string"], "main_version": ["type": "string"], "package": ["type": "string"]]])]),
        APIOperation(method: "get", path: "/api/v1/config", tag: "Health", summary: "Public configuration (upload limit, feature flags)", access: .open,
                     responses: [(200, ok, object)]),
    ]

    static let auth: [APIOperation] = [
        APIOperation(method: "post", path: "/api/v1/login", tag: "Login", summary: "Log in with a user name and password", access: .open,
                     body: .form(fields: ["username", "password"], description: "Form-encoded credentials"),
                     responses: [(200, "Tokens; also set as the access_token_lf and refresh_token_lf cookies", reference("Token")),
                                 (401, "Incorrect username or password", error)]),
        APIOperation(method: "get", path: "/api/v1/auto_login", tag: "Login", summary: "Superuser tokens without a password (loopback only by default)", access: .open,
                     responses: [(200, "Tokens", reference("Token")), (403, "Auto login is disabled", error)]),
        APIOperation(method: "post", path: "/api/v1/refresh", tag: "Login", summary: "New tokens from the refresh_token_lf cookie", access: .open,
                     responses: [(200, "Tokens", reference("Token")), (401, "Invalid refresh token", error)]),
        APIOperation(method: "post", path: "/api/v1/logout", tag: "Login", summary: "Clear the token cookies", access: .open,
                     responses: [(200, "Logout successful", object)]),
    ]

    static let users: [APIOperation] = [
        APIOperation(method: "post", path: "/api/v1/users", tag: "Users", summary: "Sign up (inactive until the superuser activates the user)", access: .open,
                     body: .json(["type": "object", "required": ["username", "password"], "properties": [
                        "username": ["type": "string"], "password": ["type": "string"]]], description: "The new user"),
                     responses: [(201, "The new user", reference("User")), (400, "User name taken", error)]),
        APIOperation(method: "get", path: "/api/v1/users/whoami", tag: "Users", summary: "The current user", access: .user,
                     responses: [(200, ok, reference("User"))]),
        APIOperation(method: "get", path: "/api/v1/users", tag: "Users", summary: "All users", access: .superuser,
                     query: [Parameter(name: "skip", type: "integer", description: "Offset"), Parameter(name: "limit", type: "integer", description: "Count")],
                     responses: [(200, ok, ["type": "object", "properties": ["total_count": ["type": "integer"], "users": array(of: reference("User"))]])]),
        APIOperation(method: "patch", path: "/api/v1/users/{id}", tag: "Users", summary: "Update a user (self: profile and password; superuser: also is_active, is_superuser)", access: .user,
                     body: .json(object, description: "Fields to change"),
                     responses: [(200, ok, reference("User")), notFound]),
        APIOperation(method: "delete", path: "/api/v1/users/{id}", tag: "Users", summary: "Delete a user", access: .superuser,
                     responses: [(200, "User deleted", object), notFound]),
    ]

    static let apiKeys: [APIOperation] = [
        APIOperation(method: "get", path: "/api/v1/api_key", tag: "API keys", summary: "The user's API keys, masked", access: .user,
                     responses: [(200, ok, ["type": "object", "properties": [
                        "total_count": ["type": "integer"], "user_id": ["type": "string"], "api_keys": array(of: reference("APIKey"))]])]),
        APIOperation(method: "post", path: "/api/v1/api_key", tag: "API keys", summary: "Create an API key (the full sk-... key is shown only here)", access: .user,
                     body: .json(["type": "object", "properties": ["name": ["type": "string"]]], description: "The key's name"),
                     responses: [(200, "The new key, in full", reference("APIKey"))]),
        APIOperation(method: "delete", path: "/api/v1/api_key/{id}", tag: "API keys", summary: "Delete an API key", access: .user,
                     responses: [(200, "API Key deleted", object), notFound]),
    ]

    static let flows: [APIOperation] = [
        APIOperation(method: "post", path: "/api/v1/flows", tag: "Flows", summary: "Create a flow (a taken name gets a \" (1)\" suffix)", access: .user,
                     body: .json(reference("FlowCreate"), description: "The flow"),
                     responses: [(201, "The new flow", reference("FlowRead"))]),
        APIOperation(method: "get", path: "/api/v1/flows", tag: "Flows", summary: "List flows", access: .user,
                     query: [
                        Parameter(name: "get_all", type: "boolean", description: "true (default): an array; false: a page object"),
                        Parameter(name: "header_flows", type: "boolean", description: "Headers only, without data"),
                        Parameter(name: "remove_example_flows", type: "boolean", description: "Leave out the example flows"),
                        Parameter(name: "components_only", type: "boolean", description: "Only flows saved as components"),
                        Parameter(name: "folder_id", type: "string", description: "Only this project's flows"),
                        Parameter(name: "flow_type", type: "string", description: "Only this flow type"),
                     ] + paging,
                     responses: [(200, "An array of flows, or a page object", ["oneOf": [array(of: reference("FlowRead")), reference("FlowPage")]])]),
        APIOperation(method: "get", path: "/api/v1/flows/{id}", tag: "Flows", summary: "One flow", access: .user,
                     responses: [(200, ok, reference("FlowRead")), notFound]),
        APIOperation(method: "patch", path: "/api/v1/flows/{id}", tag: "Flows", summary: "Update a flow; If-Match: \"<version_token>\" makes a stale write 409", access: .user,
                     body: .json(reference("FlowCreate"), description: "Fields to change"),
                     responses: [(200, ok, reference("FlowRead")), notFound, (409, "flow_version_conflict", error)]),
        APIOperation(method: "put", path: "/api/v1/flows/{id}", tag: "Flows", summary: "Create or replace a flow", access: .user,
                     body: .json(reference("FlowCreate"), description: "The flow"),
                     responses: [(200, "Replaced", reference("FlowRead")), (201, "Created", reference("FlowRead")), (409, "flow_version_conflict", error)]),
        APIOperation(method: "delete", path: "/api/v1/flows/{id}", tag: "Flows", summary: "Delete a flow", access: .user,
                     responses: [(200, "Flow deleted successfully", object), notFound]),
        APIOperation(method: "delete", path: "/api/v1/flows", tag: "Flows", summary: "Delete several flows", access: .user,
                     body: .json(array(of: ["type": "string"]), description: "Flow ids"),
                     responses: [(200, "How many were deleted", ["type": "object", "properties": ["deleted": ["type": "integer"]]])]),
        APIOperation(method: "get", path: "/api/v1/flows/{id}/version-state", tag: "Flows", summary: "The flow's current version token", access: .user,
                     responses: [(200, ok, object), notFound]),
    ]

    static let flowTransfer: [APIOperation] = [
        APIOperation(method: "post", path: "/api/v1/flows/upload", tag: "Flows", summary: "Import Langflow export files: one flow, {\"flows\": [...]}, or a ZIP of them", access: .user,
                     query: [Parameter(name: "folder_id", type: "string", description: "The project to import into (default: the user's Starter Project)")],
                     body: .multipart(description: "file= a JSON export or a ZIP"),
                     responses: [(201, "The imported flows", array(of: reference("FlowRead"))), (400, "Unreadable or unsafe file", error), (413, "Too large", error)]),
        APIOperation(method: "post", path: "/api/v1/flows/download", tag: "Flows", summary: "Export flows: one id gives the flow JSON, several a ZIP", access: .user,
                     body: .json(array(of: ["type": "string"]), description: "Flow ids"),
                     responses: [(200, "application/json or application/x-zip-compressed attachment", nil), notFound]),
        APIOperation(method: "get", path: "/api/v1/flows/basic_examples", tag: "Flows", summary: "The example flows shipped with the server", access: .user,
                     responses: [(200, ok, array(of: reference("FlowRead")))]),
        APIOperation(method: "get", path: "/api/v1/starter-projects", tag: "Flows", summary: "The starter projects (the example graphs)", access: .user,
                     responses: [(200, ok, array(of: object))]),
    ]

    static let projects: [APIOperation] = [
        APIOperation(method: "get", path: "/api/v1/projects", tag: "Projects", summary: "The user's projects (/api/v1/folders/... redirects here with 307)", access: .user,
                     responses: [(200, ok, array(of: reference("Project")))]),
        APIOperation(method: "post", path: "/api/v1/projects", tag: "Projects", summary: "Create a project, optionally moving flows into it", access: .user,
                     body: .json(["type": "object", "required": ["name"], "properties": [
                        "name": ["type": "string"], "description": ["type": ["string", "null"]],
                        "flows_list": array(of: ["type": "string"]), "components_list": array(of: ["type": "string"])]], description: "The project"),
                     responses: [(201, "The project", reference("Project"))]),
        APIOperation(method: "get", path: "/api/v1/projects/{id}", tag: "Projects", summary: "A project with its flows (paged with page/size)", access: .user,
                     query: paging + [
                        Parameter(name: "search", type: "string", description: "Only flows whose name contains this"),
                        Parameter(name: "is_component", type: "boolean", description: "Only components"),
                        Parameter(name: "is_flow", type: "boolean", description: "Only flows"),
                     ],
                     responses: [(200, ok, reference("Project")), notFound]),
        APIOperation(method: "patch", path: "/api/v1/projects/{id}", tag: "Projects", summary: "Rename, describe, or move flows in", access: .user,
                     body: .json(object, description: "Fields to change"), responses: [(200, ok, reference("Project")), notFound]),
        APIOperation(method: "put", path: "/api/v1/projects/{id}", tag: "Projects", summary: "Same as PATCH", access: .user,
                     body: .json(object, description: "Fields to change"), responses: [(200, ok, reference("Project")), notFound]),
        APIOperation(method: "delete", path: "/api/v1/projects/{id}", tag: "Projects", summary: "Delete a project and its flows", access: .user,
                     responses: [(204, "Deleted", nil), notFound]),
        APIOperation(method: "get", path: "/api/v1/projects/download/{id}", tag: "Projects", summary: "The project's flows as a ZIP", access: .user,
                     responses: [(200, "application/x-zip-compressed attachment", nil), notFound]),
        APIOperation(method: "post", path: "/api/v1/projects/upload", tag: "Projects", summary: "Create a project from a ZIP (or {folder_name, flows} JSON)", access: .user,
                     body: .multipart(description: "file= a ZIP of flow JSON files"),
                     responses: [(201, "The imported flows", array(of: reference("FlowRead"))), (400, "Unreadable or unsafe archive", error)]),
    ]

    static let files: [APIOperation] = [
        APIOperation(method: "post", path: "/api/v1/files/upload/{flow_id}", tag: "Files", summary: "Upload a file for a flow", access: .user,
                     body: .multipart(description: "file= the file"),
                     responses: [(201, "{flowId, file_path}", object), (400, "Unsafe file name", error), (413, "Too large", error), notFound]),
        APIOperation(method: "get", path: "/api/v1/files/download/{flow_id}/{file_name}", tag: "Files", summary: "Download a flow's file", access: .user,
                     responses: [(200, "The file", nil), notFound]),
        APIOperation(method: "get", path: "/api/v1/files/images/{flow_id}/{file_name}", tag: "Files", summary: "A flow's image, with its content type", access: .user,
                     responses: [(200, "The image", nil), notFound]),
        APIOperation(method: "get", path: "/api/v1/files/list/{flow_id}", tag: "Files", summary: "A flow's files", access: .user,
                     responses: [(200, "{files: [...]}", object), notFound]),
        APIOperation(method: "delete", path: "/api/v1/files/delete/{flow_id}/{file_name}", tag: "Files", summary: "Delete a flow's file", access: .user,
                     responses: [(200, "Deleted", object), notFound]),
        APIOperation(method: "post", path: "/api/v2/files", tag: "Files", summary: "Upload a file of the user", access: .user,
                     body: .multipart(description: "file= the file"),
                     responses: [(201, "{id, name, path, size, provider}", reference("File")), (400, "Unsafe file name", error), (413, "Too large", error)]),
        APIOperation(method: "get", path: "/api/v2/files", tag: "Files", summary: "The user's files", access: .user,
                     responses: [(200, ok, array(of: reference("File")))]),
        APIOperation(method: "delete", path: "/api/v2/files", tag: "Files", summary: "Delete all the user's files", access: .user,
                     responses: [(200, "Deleted", object)]),
        APIOperation(method: "delete", path: "/api/v2/files/batch", tag: "Files", summary: "Delete several files", access: .user,
                     body: .json(array(of: ["type": "string"]), description: "File ids"), responses: [(200, "Deleted", object)]),
        APIOperation(method: "post", path: "/api/v2/files/batch", tag: "Files", summary: "Download several files as a ZIP", access: .user,
                     body: .json(array(of: ["type": "string"]), description: "File ids"), responses: [(200, "application/zip attachment", nil)]),
        APIOperation(method: "get", path: "/api/v2/files/{id}", tag: "Files", summary: "Download a file", access: .user,
                     responses: [(200, "The file", nil), notFound]),
        APIOperation(method: "put", path: "/api/v2/files/{id}", tag: "Files", summary: "Rename a file", access: .user,
                     query: [Parameter(name: "name", type: "string", description: "The new name", required: true)],
                     responses: [(200, ok, reference("File")), notFound]),
        APIOperation(method: "delete", path: "/api/v2/files/{id}", tag: "Files", summary: "Delete a file", access: .user,
                     responses: [(200, "Deleted", object), notFound]),
    ]

    static let registry: [APIOperation] = [
        APIOperation(method: "get", path: "/api/v1/all", tag: "Registry", summary: "Every component of the loaded bundles, in Langflow's shape (ETag, If-None-Match → 304)", access: .user,
                     responses: [(200, "Components by category", object), (304, "Not modified", nil)]),
    ]

    static let runs: [APIOperation] = [
        APIOperation(method: "post", path: "/api/v1/run/{flow_id_or_name}", tag: "Run", summary: "Run a flow by id or endpoint name", access: .apiKey,
                     query: [Parameter(name: "stream", type: "boolean", description: "Stream the run's events as text/event-stream: one JSON object and a blank line each")],
                     body: .json(reference("RunRequest"), description: "Input, tweaks, session"),
                     responses: [(200, "The run's outputs, or the event stream", reference("RunResponse")), notFound,
                                 (500, "The run failed", error), (503, "The server is shutting down", error)]),
        APIOperation(method: "post", path: "/api/v1/run/advanced/{flow_id_or_name}", tag: "Run", summary: "Run a flow with several inputs aimed at components, choosing the outputs", access: .apiKey,
                     body: .json(["type": "object", "properties": [
                        "inputs": array(of: ["type": "object", "properties": ["components": array(of: ["type": "string"]), "input_value": ["type": "string"]]]),
                        "outputs": array(of: ["type": "string"]), "tweaks": ["type": ["object", "null"]], "stream": ["type": "boolean"],
                        "session_id": ["type": ["string", "null"]]]], description: "Inputs, outputs, tweaks"),
                     responses: [(200, "{outputs, session_id}", object), notFound, (500, "The run failed", error)]),
        APIOperation(method: "post", path: "/api/v1/webhook/{flow_id_or_name}", tag: "Run", summary: "Run a flow in the background with the request body as its input", access: .apiKey,
                     body: .any(description: "Any JSON or text: the flow's input"),
                     responses: [(202, "Task started in the background", object), notFound, (422, "The flow is not valid", error)]),
        APIOperation(method: "post", path: "/api/v1/build/{flow_id}/flow", tag: "Build", summary: "Build and run a flow as the UI does; answers a job id (or streams with event_delivery=direct)", access: .user,
                     query: [
                        Parameter(name: "event_delivery", type: "string", description: "polling (default), streaming or direct"),
                        Parameter(name: "start_component_id", type: "string", description: "Run this vertex and what follows it"),
                        Parameter(name: "stop_component_id", type: "string", description: "Run up to this vertex"),
                        Parameter(name: "log_builds", type: "boolean", description: "Record vertex builds (default true)"),
                     ],
                     body: .json(["type": "object", "properties": ["inputs": object, "data": reference("FlowData")]], description: "Optional inputs, and an unsaved graph"),
                     responses: [(200, "{job_id} or the event stream", object), notFound]),
        APIOperation(method: "get", path: "/api/v1/build/{job_id}/events", tag: "Build", summary: "A build's events: streamed (NDJSON), or what is queued (polling)", access: .user,
                     query: [Parameter(name: "event_delivery", type: "string", description: "streaming (default) or polling")],
                     responses: [(200, "application/x-ndjson: one JSON object and a blank line per event", nil), notFound]),
        APIOperation(method: "post", path: "/api/v1/build/{job_id}/cancel", tag: "Build", summary: "Cancel a build", access: .user,
                     responses: [(200, "{success, message}", object), notFound]),
        APIOperation(method: "get", path: "/api/v1/monitor/messages", tag: "Monitor", summary: "Chat messages of runs", access: .user,
                     query: [
                        Parameter(name: "flow_id", type: "string", description: "Only this flow's"), Parameter(name: "session_id", type: "string", description: "Only this session's"),
                        Parameter(name: "sender", type: "string", description: "User or Machine"), Parameter(name: "sender_name", type: "string", description: "Sender name"),
                        Parameter(name: "order_by", type: "string", description: "timestamp"),
                        Parameter(name: "limit", type: "integer", description: "Count"), Parameter(name: "offset", type: "integer", description: "Offset"),
                     ],
                     responses: [(200, ok, array(of: reference("Message")))]),
        APIOperation(method: "delete", path: "/api/v1/monitor/messages", tag: "Monitor", summary: "Delete messages", access: .user,
                     body: .json(array(of: ["type": "string"]), description: "Message ids"), responses: [(204, "Deleted", nil)]),
        APIOperation(method: "get", path: "/api/v1/monitor/messages/sessions", tag: "Monitor", summary: "Session ids with messages", access: .user,
                     query: [Parameter(name: "flow_id", type: "string", description: "Only this flow's")],
                     responses: [(200, ok, array(of: ["type": "string"]))]),
        APIOperation(method: "put", path: "/api/v1/monitor/messages/{id}", tag: "Monitor", summary: "Edit a message", access: .user,
                     body: .json(object, description: "Fields to change"), responses: [(200, ok, reference("Message")), notFound]),
        APIOperation(method: "patch", path: "/api/v1/monitor/messages/session/{session_id}", tag: "Monitor", summary: "Rename a session", access: .user,
                     query: [Parameter(name: "new_session_id", type: "string", description: "The new id", required: true)],
                     responses: [(200, ok, array(of: reference("Message")))]),
        APIOperation(method: "delete", path: "/api/v1/monitor/messages/session/{session_id}", tag: "Monitor", summary: "Delete a session's messages", access: .user,
                     responses: [(204, "Deleted", nil)]),
        APIOperation(method: "get", path: "/api/v1/monitor/transactions", tag: "Monitor", summary: "One row per vertex per run", access: .user,
                     query: [Parameter(name: "flow_id", type: "string", description: "The flow", required: true)] + paging,
                     responses: [(200, "A page of transactions", object)]),
        APIOperation(method: "get", path: "/api/v1/monitor/builds", tag: "Monitor", summary: "Vertex builds of UI builds, by vertex", access: .user,
                     query: [Parameter(name: "flow_id", type: "string", description: "The flow", required: true)],
                     responses: [(200, "{vertex_builds: {vertex id: [...]}}", object)]),
        APIOperation(method: "delete", path: "/api/v1/monitor/builds", tag: "Monitor", summary: "Delete a flow's vertex builds", access: .user,
                     query: [Parameter(name: "flow_id", type: "string", description: "The flow", required: true)],
                     responses: [(204, "Deleted", nil)]),
        APIOperation(method: "get", path: "/api/v1/monitor/job_queue", tag: "Monitor", summary: "Runs in progress", access: .user,
                     responses: [(200, ok, ["type": "object", "properties": ["backend": ["type": "string"], "active_jobs": ["type": "integer"]]])]),
    ]

    static let variables: [APIOperation] = [
        APIOperation(method: "get", path: "/api/v1/variables", tag: "Variables", summary: "The user's variables (Credential values are never returned)", access: .user,
                     responses: [(200, ok, array(of: reference("Variable")))]),
        APIOperation(method: "post", path: "/api/v1/variables", tag: "Variables", summary: "Create a variable (Credential values are encrypted at rest)", access: .user,
                     body: .json(["type": "object", "required": ["name", "value"], "properties": [
                        "name": ["type": "string"], "value": ["type": "string"], "type": ["type": "string", "enum": ["Generic", "Credential"]],
                        "default_fields": array(of: ["type": "string"])]], description: "The variable"),
                     responses: [(201, "The variable", reference("Variable")), (400, "Name taken or empty value", error)]),
        APIOperation(method: "patch", path: "/api/v1/variables/{id}", tag: "Variables", summary: "Update a variable", access: .user,
                     body: .json(object, description: "Fields to change"),
                     responses: [(200, ok, reference("Variable")), notFound]),
        APIOperation(method: "delete", path: "/api/v1/variables/{id}", tag: "Variables", summary: "Delete a variable", access: .user,
                     responses: [(204, "Deleted", nil), notFound]),
    ]

    static let documentation: [APIOperation] = [
        APIOperation(method: "get", path: "/openapi.json", tag: "Documentation", summary: "This document", access: .open,
                     responses: [(200, "OpenAPI 3.1", object)]),
        APIOperation(method: "get", path: "/docs", tag: "Documentation", summary: "This document, rendered", access: .open,
                     responses: [(200, "HTML", nil)]),
    ]

    /// Shared schemas.
    static let schemas: JSONObject = {
        var schemas = JSONObject()
        schemas["Error"] = ["type": "object", "required": ["detail"], "properties": ["detail": ["description": "A message, or an object with details"]]]
        schemas["Token"] = ["type": "object", "properties": [
            "access_token": ["type": "string"], "refresh_token": ["type": "string"], "token_type": ["type": "string"]]]
        schemas["User"] = ["type": "object", "properties": [
            "id": ["type": "string", "format": "uuid"], "username": ["type": "string"], "profile_image": ["type": ["string", "null"]],
            "is_active": ["type": "boolean"], "is_superuser": ["type": "boolean"], "create_at": ["type": "string"],
            "updated_at": ["type": "string"], "last_login_at": ["type": ["string", "null"]]]]
        schemas["APIKey"] = ["type": "object", "properties": [
            "id": ["type": "string", "format": "uuid"], "name": ["type": "string"], "api_key": ["type": "string"],
            "created_at": ["type": "string"], "last_used_at": ["type": ["string", "null"]], "total_uses": ["type": "integer"],
            "is_active": ["type": "boolean"], "user_id": ["type": "string"]]]
        schemas["FlowData"] = ["type": "object", "description": "Langflow's graph: nodes, edges, viewport", "properties": [
            "nodes": ["type": "array", "items": ["type": "object"]], "edges": ["type": "array", "items": ["type": "object"]],
            "viewport": ["type": "object"]]]
        schemas["FlowCreate"] = ["type": "object", "properties": [
            "name": ["type": "string"], "description": ["type": ["string", "null"]], "data": reference("FlowData"),
            "folder_id": ["type": ["string", "null"]], "endpoint_name": ["type": ["string", "null"]],
            "is_component": ["type": "boolean"], "locked": ["type": "boolean"], "mcp_enabled": ["type": "boolean"],
            "webhook": ["type": "boolean"], "tags": ["type": "array", "items": ["type": "string"]],
            "access_type": ["type": "string", "enum": ["PRIVATE", "PUBLIC"]]]]
        schemas["FlowRead"] = ["allOf": [reference("FlowCreate"), ["type": "object", "properties": [
            "id": ["type": "string", "format": "uuid"], "user_id": ["type": ["string", "null"]], "updated_at": ["type": "string"],
            "version_token": ["type": "string"]]]]]
        schemas["FlowPage"] = ["type": "object", "properties": [
            "items": ["type": "array", "items": reference("FlowRead")], "total": ["type": "integer"],
            "page": ["type": "integer"], "size": ["type": "integer"], "pages": ["type": "integer"]]]
        schemas["RunRequest"] = ["type": "object", "properties": [
            "input_value": ["type": ["string", "null"]], "input_type": ["type": "string", "enum": ["chat", "text", "any"]],
            "output_type": ["type": "string", "enum": ["chat", "text", "any", "debug"]],
            "output_component": ["type": ["string", "null"]], "tweaks": ["type": ["object", "null"]],
            "session_id": ["type": ["string", "null"]], "stream": ["type": "boolean"]]]
        schemas["RunResponse"] = ["type": "object", "properties": [
            "session_id": ["type": "string"], "outputs": ["type": "array", "items": ["type": "object"]]]]
        schemas["Variable"] = ["type": "object", "properties": [
            "id": ["type": "string", "format": "uuid"], "name": ["type": "string"], "type": ["type": "string"],
            "value": ["type": ["string", "null"]], "has_value": ["type": "boolean"], "default_fields": ["type": "array", "items": ["type": "string"]]]]
        schemas["Message"] = ["type": "object", "properties": [
            "id": ["type": "string", "format": "uuid"], "flow_id": ["type": "string"], "session_id": ["type": "string"],
            "sender": ["type": "string"], "sender_name": ["type": "string"], "text": ["type": "string"],
            "timestamp": ["type": "string"], "category": ["type": "string"], "edit": ["type": "boolean"]]]
        schemas["Project"] = ["type": "object", "properties": [
            "id": ["type": "string", "format": "uuid"], "name": ["type": "string"], "description": ["type": ["string", "null"]],
            "parent_id": ["type": ["string", "null"]], "auth_settings": ["type": ["object", "null"]]]]
        schemas["File"] = ["type": "object", "properties": [
            "id": ["type": "string", "format": "uuid"], "name": ["type": "string"], "path": ["type": "string"],
            "size": ["type": "integer"], "provider": ["type": ["string", "null"]]]]
        return schemas
    }()
}
