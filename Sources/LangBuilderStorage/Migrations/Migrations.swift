/// The ordered, append-only migration lists, one per SQL dialect. The schema they build is described in the
/// `Schema` article of this module's documentation; its naming convention is snake_case, singular table names.
public enum Migrations {
    /// SQLite's schema: STRICT tables; ids are lowercase UUID text, timestamps integer microseconds since 1970
    /// (``StorageTimestamp``), booleans 0/1, JSON and string lists JSON text.
    public static let sqlite: [Migration] = [
        Migration(
            "0001_create_user",
            sql: """
                CREATE TABLE "user" (
                    id TEXT PRIMARY KEY NOT NULL,
                    username TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    is_active INTEGER NOT NULL DEFAULT 0,
                    is_superuser INTEGER NOT NULL DEFAULT 0,
                    profile_image TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    last_login_at INTEGER
                ) STRICT;
                """
        ),
        Migration(
            "0002_create_folder",
            sql: """
                CREATE TABLE folder (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    description TEXT,
                    parent_id TEXT REFERENCES folder(id) ON DELETE CASCADE,
                    user_id TEXT REFERENCES "user"(id) ON DELETE CASCADE
                ) STRICT;
                CREATE INDEX index_folder_on_user_id ON folder(user_id);
                CREATE INDEX index_folder_on_parent_id ON folder(parent_id);
                """
        ),
        Migration(
            "0003_create_flow",
            sql: """
                CREATE TABLE flow (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    description TEXT,
                    icon TEXT,
                    icon_bg_color TEXT,
                    gradient TEXT,
                    data TEXT,
                    is_component INTEGER NOT NULL DEFAULT 0,
                    webhook INTEGER NOT NULL DEFAULT 0,
                    endpoint_name TEXT,
                    tags TEXT NOT NULL DEFAULT '[]',
                    locked INTEGER NOT NULL DEFAULT 0,
                    mcp_enabled INTEGER NOT NULL DEFAULT 0,
                    action_name TEXT,
                    action_description TEXT,
                    access_type TEXT NOT NULL DEFAULT 'PRIVATE',
                    flow_type TEXT NOT NULL DEFAULT 'workflow',
                    user_id TEXT REFERENCES "user"(id) ON DELETE CASCADE,
                    folder_id TEXT REFERENCES folder(id) ON DELETE CASCADE,
                    version_token TEXT NOT NULL,
                    last_modified_by TEXT REFERENCES "user"(id) ON DELETE SET NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) STRICT;
                CREATE UNIQUE INDEX index_flow_on_user_id_endpoint_name ON flow(user_id, endpoint_name)
                    WHERE endpoint_name IS NOT NULL;
                CREATE INDEX index_flow_on_user_id_updated_at ON flow(user_id, updated_at);
                CREATE INDEX index_flow_on_folder_id ON flow(folder_id);
                CREATE INDEX index_flow_on_last_modified_by ON flow(last_modified_by);
                """
        ),
        Migration(
            "0004_create_api_key",
            sql: """
                CREATE TABLE api_key (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT,
                    hashed_key TEXT NOT NULL UNIQUE,
                    masked_key TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    last_used_at INTEGER,
                    total_uses INTEGER NOT NULL DEFAULT 0,
                    is_active INTEGER NOT NULL DEFAULT 1,
                    expires_at INTEGER
                ) STRICT;
                CREATE INDEX index_api_key_on_user_id ON api_key(user_id);
                """
        ),
        Migration(
            "0005_create_variable",
            sql: """
                CREATE TABLE variable (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    value TEXT,
                    type TEXT NOT NULL DEFAULT 'Generic',
                    default_fields TEXT NOT NULL DEFAULT '[]',
                    user_id TEXT NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) STRICT;
                CREATE UNIQUE INDEX index_variable_on_user_id_name ON variable(user_id, name);
                """
        ),
        Migration(
            "0006_create_message",
            sql: """
                CREATE TABLE message (
                    id TEXT PRIMARY KEY NOT NULL,
                    flow_id TEXT NOT NULL REFERENCES flow(id) ON DELETE CASCADE,
                    session_id TEXT NOT NULL,
                    context_id TEXT,
                    sender TEXT NOT NULL,
                    sender_name TEXT NOT NULL,
                    text TEXT NOT NULL,
                    files TEXT NOT NULL DEFAULT '[]',
                    timestamp INTEGER NOT NULL,
                    properties TEXT NOT NULL DEFAULT '{}',
                    category TEXT NOT NULL DEFAULT 'message',
                    content_blocks TEXT NOT NULL DEFAULT '[]',
                    error INTEGER NOT NULL DEFAULT 0,
                    edit INTEGER NOT NULL DEFAULT 0
                ) STRICT;
                CREATE INDEX index_message_on_flow_id_session_id_timestamp ON message(flow_id, session_id, timestamp);
                CREATE INDEX index_message_on_session_id ON message(session_id);
                """
        ),
        Migration(
            "0007_create_transaction",
            sql: """
                CREATE TABLE "transaction" (
                    id TEXT PRIMARY KEY NOT NULL,
                    flow_id TEXT NOT NULL REFERENCES flow(id) ON DELETE CASCADE,
                    vertex_id TEXT NOT NULL,
                    target_id TEXT,
                    inputs TEXT,
                    outputs TEXT,
                    status TEXT NOT NULL,
                    error TEXT,
                    timestamp INTEGER NOT NULL,
                    run_id TEXT
                ) STRICT;
                CREATE INDEX index_transaction_on_flow_id_timestamp ON "transaction"(flow_id, timestamp);
                """
        ),
        Migration(
            "0008_create_vertex_build",
            sql: """
                CREATE TABLE vertex_build (
                    id TEXT PRIMARY KEY NOT NULL,
                    flow_id TEXT NOT NULL REFERENCES flow(id) ON DELETE CASCADE,
                    vertex_id TEXT NOT NULL,
                    data TEXT,
                    artifacts TEXT,
                    params TEXT,
                    valid INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    run_id TEXT
                ) STRICT;
                CREATE INDEX index_vertex_build_on_flow_id_timestamp ON vertex_build(flow_id, timestamp);
                """
        ),
        Migration(
            "0009_create_file",
            sql: """
                CREATE TABLE file (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX index_file_on_user_id ON file(user_id);
                """
        ),
        // Every run writes messages; a second index on them cost about 5 % of a run's CPU time. The
        // session queries it served use `(flow_id, session_id, timestamp)`, over the flows they may see.
        Migration(
            "0010_drop_index_message_on_session_id",
            sql: """
                DROP INDEX index_message_on_session_id;
                """
        ),
    ]
}
