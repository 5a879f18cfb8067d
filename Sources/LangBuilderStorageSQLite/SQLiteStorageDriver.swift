public import Foundation
import GRDB
public import LangBuilderStorage
import Synchronization

/// The default ``StorageDriver``: one SQLite file, through GRDB on the system `libsqlite3`.
///
/// A `DatabasePool` in WAL mode: reads run concurrently with each other and with the single writer; every
/// write is one transaction. Foreign keys are on (they implement the cascades), `synchronous` is NORMAL (the
/// usual WAL setting: a power loss may lose the last commits, never corrupt the file), and a busy database is
/// retried for up to 5 s. Statements are prepared once per connection and reused. Opening the file applies
/// the pending ``Migrations/sqlite`` migrations, each in its own transaction, recorded in `grdb_migrations`.
///
/// Flows read by id or endpoint name, and the ids and names that matched none, are kept in memory (the run
/// path reads one per request) and forgotten on every write but the run records and API key use counts, which
/// never touch a flow. One server process owns the file: a second process writing flows to it would not be
/// seen until this one writes.
///
/// ```swift
/// let storage = try SQLiteStorageDriver(path: dataDirectory.appendingPathComponent("langbuilder.db").path)
/// defer { try? await storage.close() }
/// ```
public final class SQLiteStorageDriver: StorageDriver {
    /// The database file.
    public let path: String
    private let pool: DatabasePool
    private let closed = Mutex(false)
    private let flowCache = FlowCache()

    /// Opens (creating it and its folder if needed) and migrates the database at `path`.
    ///
    /// - Throws: ``StorageError/backend(_:)`` when the file cannot be opened or was written by a newer
    ///   LangBuilder (it records migrations this version does not know).
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "LangBuilderStorage"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrate(pool, path: path)
        } catch {
            throw Self.storageError(error)
        }
    }

    public func close() async throws {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        do { try pool.close() } catch { throw Self.storageError(error) }
    }

    /// The names of the migrations applied to the file, in order.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try DatabaseMigrator.registering(Migrations.sqlite).appliedMigrations(db) }
    }

    // MARK: - Users

    public func createUser(_ user: UserRecord) async throws -> UserRecord {
        let user = user.normalized()
        try await write { db in try user.insert(db) }
        return user
    }

    public func user(id: UUID) async throws -> UserRecord? {
        try await read { db in try UserRecord.fetchOne(db, "WHERE id = ?", [id.sql]) }
    }

    public func user(username: String) async throws -> UserRecord? {
        try await read { db in try UserRecord.fetchOne(db, "WHERE username = ?", [username]) }
    }

    public func updateUser(_ user: UserRecord) async throws -> UserRecord {
        let user = user.normalized()
        try await write { db in guard try user.update(db) else { throw StorageError.notFound } }
        return user
    }

    public func deleteUser(id: UUID) async throws {
        try await deleteOne(from: UserRecord.statements.table, id: id)
    }

    public func userCount() async throws -> Int {
        try await read { db in try count(db, table: UserRecord.statements.table, where: "", []) }
    }

    public func users(_ pagination: Pagination?) async throws -> RecordPage<UserRecord> {
        try pagination?.validate()
        return try await read { db in
            let total = try count(db, table: UserRecord.statements.table, where: "", [])
            let window = limitClause(pagination)
            let items = try UserRecord.fetchAll(db, "ORDER BY created_at, rowid \(window.sql)", window.arguments)
            return RecordPage(items: items, total: total)
        }
    }

    // MARK: - Folders

    public func createFolder(_ folder: FolderRecord) async throws -> FolderRecord {
        try await write { db in try folder.insert(db) }
        return folder
    }

    public func folder(id: UUID) async throws -> FolderRecord? {
        try await read { db in try FolderRecord.fetchOne(db, "WHERE id = ?", [id.sql]) }
    }

    public func folders(userID: UUID?) async throws -> [FolderRecord] {
        try await read { db in try FolderRecord.fetchAll(db, "WHERE user_id IS ? ORDER BY name, rowid", [userID.sql]) }
    }

    public func updateFolder(_ folder: FolderRecord) async throws -> FolderRecord {
        try await write { db in guard try folder.update(db) else { throw StorageError.notFound } }
        return folder
    }

    public func deleteFolder(id: UUID) async throws {
        try await deleteOne(from: FolderRecord.statements.table, id: id)
    }

    // MARK: - Flows

    public func createFlow(_ flow: FlowRecord) async throws -> FlowRecord {
        let flow = flow.normalized()
        try await write { db in try flow.insert(db) }
        return flow
    }

    public func flow(id: UUID) async throws -> FlowRecord? {
        try await cachedFlow(.id(id)) { db in try FlowRecord.fetchOne(db, "WHERE id = ?", [id.sql]) }
    }

    public func flow(endpointName: String, userID: UUID) async throws -> FlowRecord? {
        try await cachedFlow(.endpoint(userID, endpointName)) { db in
            try FlowRecord.fetchOne(db, "WHERE user_id = ? AND endpoint_name = ?", [userID.sql, endpointName])
        }
    }

    /// The flow (or its absence) the cache remembers for `key`, else what `fetch` reads, remembered.
    private func cachedFlow(_ key: FlowCache.Key, _ fetch: @escaping @Sendable (Database) throws -> FlowRecord?) async throws -> FlowRecord? {
        try checkOpen()
        switch flowCache.lookup(key) {
        case .found(let flow):
            return flow
        case .missing:
            return nil
        case .unknown(let generation):
            let flow = try await read(fetch)
            flowCache.insert(flow, as: key, generation: generation)
            return flow
        }
    }

    public func flows(_ query: FlowQuery) async throws -> RecordPage<FlowRecord> {
        try query.pagination?.validate()
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        switch query.owner {
        case .user(let userID):
            conditions.append(query.includeExamples ? "(user_id = ? OR user_id IS NULL)" : "user_id = ?")
            arguments.append(userID.sql)
        case .everyone:
            if !query.includeExamples { conditions.append("user_id IS NOT NULL") }
        }
        if let folderID = query.folderID {
            conditions.append("folder_id = ?")
            arguments.append(folderID.sql)
        }
        if query.componentsOnly { conditions.append("is_component = 1") }
        if let flowType = query.flowType {
            conditions.append("flow_type = ?")
            arguments.append(flowType)
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let window = limitClause(query.pagination)
        let selection = query.includeData ? nil : FlowRecord.headerSelection
        let filterArguments = StatementArguments(arguments)
        return try await read { db in
            let total = try count(db, table: FlowRecord.statements.table, where: filter, filterArguments)
            let items = try FlowRecord.fetchAll(
                db,
                "\(filter) ORDER BY updated_at DESC, rowid \(window.sql)",
                filterArguments + window.arguments,
                selection: selection
            )
            return RecordPage(items: items, total: total)
        }
    }

    public func updateFlow(_ flow: FlowRecord, expectedVersionToken: String?) async throws -> FlowRecord {
        try await write { db in
            // Compare `data` inside SQLite: the stored graph is never loaded just to learn whether it changed.
            let statement = try db.cachedStatement(sql: "SELECT version_token, data IS ?, created_at FROM flow WHERE id = ?")
            guard let row = try Row.fetchOne(statement, arguments: [flow.data, flow.id.sql]) else { throw StorageError.notFound }
            var column = RowReader(row)
            let storedToken = try column.string()
            let sameData = try column.bool()
            let storedCreatedAt = try column.date()
            if let expectedVersionToken, expectedVersionToken != storedToken {
                throw StorageError.versionConflict(currentToken: storedToken)
            }
            let updated = flow.applyingUpdate(storedCreatedAt: storedCreatedAt, storedToken: storedToken, dataChanged: !sameData)
            _ = try updated.update(db)
            return updated
        }
    }

    public func deleteFlows(ids: [UUID], ownedBy: UUID?) async throws -> Int {
        try await deleteMany(from: FlowRecord.statements.table, ids: ids, extra: ownedBy.map { (sql: "user_id = ?", arguments: [$0.sql] as StatementArguments) })
    }

    // MARK: - API keys

    public func createAPIKey(_ key: APIKeyRecord) async throws -> APIKeyRecord {
        let key = key.normalized()
        try await write { db in try key.insert(db) }
        return key
    }

    public func apiKey(id: UUID) async throws -> APIKeyRecord? {
        try await read { db in try APIKeyRecord.fetchOne(db, "WHERE id = ?", [id.sql]) }
    }

    public func apiKey(hashedKey: String) async throws -> APIKeyRecord? {
        try await read { db in try APIKeyRecord.fetchOne(db, "WHERE hashed_key = ?", [hashedKey]) }
    }

    public func apiKeys(userID: UUID) async throws -> [APIKeyRecord] {
        try await read { db in try APIKeyRecord.fetchAll(db, "WHERE user_id = ? ORDER BY created_at, rowid", [userID.sql]) }
    }

    public func recordAPIKeyUse(id: UUID, at date: Date, count: Int) async throws -> APIKeyRecord {
        try await write(touchingFlows: false) { db in
            let sql = "UPDATE api_key SET last_used_at = ?, total_uses = total_uses + ? WHERE id = ? RETURNING \(APIKeyRecord.statements.selection)"
            guard let row = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [date.sql, count, id.sql]) else {
                throw StorageError.notFound
            }
            return try APIKeyRecord(row: row)
        }
    }

    public func deleteAPIKey(id: UUID) async throws {
        try await deleteOne(from: APIKeyRecord.statements.table, id: id)
    }

    // MARK: - Variables

    public func createVariable(_ variable: VariableRecord) async throws -> VariableRecord {
        let variable = variable.normalized()
        try await write { db in try variable.insert(db) }
        return variable
    }

    public func variable(id: UUID) async throws -> VariableRecord? {
        try await read { db in try VariableRecord.fetchOne(db, "WHERE id = ?", [id.sql]) }
    }

    public func variable(name: String, userID: UUID) async throws -> VariableRecord? {
        try await read { db in try VariableRecord.fetchOne(db, "WHERE user_id = ? AND name = ?", [userID.sql, name]) }
    }

    public func variables(userID: UUID) async throws -> [VariableRecord] {
        try await read { db in try VariableRecord.fetchAll(db, "WHERE user_id = ? ORDER BY name, rowid", [userID.sql]) }
    }

    public func updateVariable(_ variable: VariableRecord) async throws -> VariableRecord {
        let variable = variable.normalized()
        try await write { db in guard try variable.update(db) else { throw StorageError.notFound } }
        return variable
    }

    public func deleteVariable(id: UUID) async throws {
        try await deleteOne(from: VariableRecord.statements.table, id: id)
    }

    // MARK: - Run records

    public func recordRun(messages: [MessageRecord], transactions: [TransactionRecord], vertexBuilds: [VertexBuildRecord]) async throws {
        try checkOpen()
        guard !(messages.isEmpty && transactions.isEmpty && vertexBuilds.isEmpty) else { return }
        try await write(touchingFlows: false) { db in
            try SQLiteRowWriter.insert(messages, into: db)
            try SQLiteRowWriter.insert(transactions, into: db)
            try SQLiteRowWriter.insert(vertexBuilds, into: db)
        }
    }

    public func message(id: UUID) async throws -> MessageRecord? {
        try await read { db in try MessageRecord.fetchOne(db, "WHERE id = ?", [id.sql]) }
    }

    public func messages(_ query: MessageQuery) async throws -> [MessageRecord] {
        try query.pagination?.validate()
        var filter = MessageFilter(flowID: query.flowID, ownedBy: query.ownedBy)
        if let sessionID = query.sessionID { filter.add(sessionID: sessionID) }
        if let sender = query.sender { filter.add("sender = ?", sender) }
        if let senderName = query.senderName { filter.add("sender_name = ?", senderName) }
        let direction = query.order == .oldestFirst ? "ASC" : "DESC"
        let window = limitClause(query.pagination)
        let tail = "\(filter.sql) ORDER BY timestamp \(direction), rowid \(direction) \(window.sql)"
        let arguments = filter.arguments + window.arguments
        return try await read { db in try MessageRecord.fetchAll(db, tail, arguments) }
    }

    public func messageSessions(flowID: UUID?, ownedBy: UUID?) async throws -> [String] {
        let filter = MessageFilter(flowID: flowID, ownedBy: ownedBy)
        return try await read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT session_id FROM message \(filter.sql) ORDER BY session_id", arguments: filter.arguments)
        }
    }

    public func updateMessage(_ message: MessageRecord) async throws -> MessageRecord {
        let message = message.normalized()
        try await write { db in guard try message.update(db) else { throw StorageError.notFound } }
        return message
    }

    public func renameMessageSession(from old: String, to new: String, ownedBy: UUID?) async throws -> Int {
        var filter = MessageFilter(flowID: nil, ownedBy: ownedBy)
        filter.add(sessionID: old)
        return try await write { [filter] db in
            try db.execute(sql: "UPDATE message SET session_id = ? \(filter.sql)", arguments: [new] + filter.arguments)
            return db.changesCount
        }
    }

    public func deleteMessages(ids: [UUID], ownedBy: UUID?) async throws -> Int {
        let owner = ownedBy.map { (sql: "flow_id IN (SELECT id FROM flow WHERE user_id = ?)", arguments: [$0.sql] as StatementArguments) }
        return try await deleteMany(from: MessageRecord.statements.table, ids: ids, extra: owner)
    }

    public func deleteMessages(sessionID: String, flowID: UUID?, ownedBy: UUID?) async throws -> Int {
        var filter = MessageFilter(flowID: flowID, ownedBy: ownedBy)
        filter.add(sessionID: sessionID)
        return try await write { [filter] db in
            try db.execute(sql: "DELETE FROM message \(filter.sql)", arguments: filter.arguments)
            return db.changesCount
        }
    }

    public func transactions(flowID: UUID, pagination: Pagination?) async throws -> RecordPage<TransactionRecord> {
        try pagination?.validate()
        let window = limitClause(pagination)
        return try await read { db in
            let total = try count(db, table: TransactionRecord.statements.table, where: "WHERE flow_id = ?", [flowID.sql])
            let items = try TransactionRecord.fetchAll(db, "WHERE flow_id = ? ORDER BY timestamp, rowid \(window.sql)", [flowID.sql] + window.arguments)
            return RecordPage(items: items, total: total)
        }
    }

    public func vertexBuilds(flowID: UUID) async throws -> [VertexBuildRecord] {
        try await read { db in try VertexBuildRecord.fetchAll(db, "WHERE flow_id = ? ORDER BY timestamp, rowid", [flowID.sql]) }
    }

    public func deleteVertexBuilds(flowID: UUID) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM vertex_build WHERE flow_id = ?", arguments: [flowID.sql])
            return db.changesCount
        }
    }

    public func pruneRunRecords(flowIDs: [UUID]?, keeping retention: RunRecordRetention) async throws -> Int {
        try checkOpen()
        try retention.validate()
        return try await write(touchingFlows: false) { db in
            let flows =
                try flowIDs.map { $0.map(\.sql) }
                ?? String.fetchAll(db, sql: "SELECT DISTINCT flow_id FROM \"transaction\" UNION SELECT DISTINCT flow_id FROM vertex_build")
            var deleted = 0
            for flow in flows {
                // Reverse scans of the (flow_id, timestamp) indexes, whose entries end with the row id.
                try db.execute(
                    sql: """
                        DELETE FROM "transaction" WHERE rowid IN (
                            SELECT rowid FROM "transaction" WHERE flow_id = ? ORDER BY timestamp DESC, rowid DESC LIMIT -1 OFFSET ?)
                        """, arguments: [flow, retention.transactionsPerFlow])
                deleted += db.changesCount
                try db.execute(
                    sql: """
                        DELETE FROM vertex_build WHERE rowid IN (
                            SELECT rowid FROM vertex_build WHERE flow_id = ? ORDER BY timestamp DESC, rowid DESC LIMIT -1 OFFSET ?)
                        """, arguments: [flow, retention.vertexBuildsPerFlow])
                deleted += db.changesCount
                try db.execute(
                    sql: """
                        DELETE FROM vertex_build WHERE rowid IN (
                            SELECT rowid FROM (
                                SELECT rowid, row_number() OVER (PARTITION BY vertex_id ORDER BY timestamp DESC, rowid DESC) AS newer
                                FROM vertex_build WHERE flow_id = ?)
                            WHERE newer > ?)
                        """, arguments: [flow, retention.vertexBuildsPerVertex])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    // MARK: - Files

    public func createFile(_ file: FileRecord) async throws -> FileRecord {
        let file = file.normalized()
        try await write { db in try file.insert(db) }
        return file
    }

    public func file(id: UUID) async throws -> FileRecord? {
        try await read { db in try FileRecord.fetchOne(db, "WHERE id = ?", [id.sql]) }
    }

    public func files(userID: UUID) async throws -> [FileRecord] {
        try await read { db in try FileRecord.fetchAll(db, "WHERE user_id = ? ORDER BY created_at, rowid", [userID.sql]) }
    }

    public func updateFile(_ file: FileRecord) async throws -> FileRecord {
        let file = file.normalized()
        try await write { db in guard try file.update(db) else { throw StorageError.notFound } }
        return file
    }

    public func deleteFile(id: UUID) async throws {
        try await deleteOne(from: FileRecord.statements.table, id: id)
    }

    // MARK: - Plumbing

    fileprivate func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        try checkOpen()
        do { return try await pool.read(body) } catch { throw Self.storageError(error) }
    }

    /// One write transaction. Unless it is known not to touch the flow table (directly or through a cascade),
    /// the cached flows are forgotten once it has ended, committed or not.
    fileprivate func write<Value: Sendable>(
        touchingFlows: Bool = true, _ body: @escaping @Sendable (Database) throws -> Value
    ) async throws -> Value {
        try checkOpen()
        defer { if touchingFlows { flowCache.invalidate() } }
        do { return try await pool.write(body) } catch { throw Self.storageError(error) }
    }

    private func checkOpen() throws {
        if closed.withLock({ $0 }) { throw StorageError.backend("the storage is closed") }
    }

    private func deleteOne(from table: String, id: UUID) async throws {
        try await write { db in
            try db.cachedStatement(sql: "DELETE FROM \(table) WHERE id = ?").execute(arguments: [id.sql])
            if db.changesCount == 0 { throw StorageError.notFound }
        }
    }

    /// Deletes the rows among `ids` (that also match `extra`), in chunks below SQLite's parameter limit.
    private func deleteMany(from table: String, ids: [UUID], extra: (sql: String, arguments: StatementArguments)?) async throws -> Int {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return 0 }
        return try await write { db in
            var deleted = 0
            for start in stride(from: 0, to: unique.count, by: 500) {
                let chunk = unique[start..<min(start + 500, unique.count)]
                var sql = "DELETE FROM \(table) WHERE id IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))"
                var arguments = StatementArguments(chunk.map(\.sql))
                if let extra {
                    sql += " AND \(extra.sql)"
                    arguments += extra.arguments
                }
                try db.execute(sql: sql, arguments: arguments)
                deleted += db.changesCount
            }
            return deleted
        }
    }

    private static func migrate(_ pool: DatabasePool, path: String) throws {
        try Migrations.sqlite.validate()
        let migrator = DatabaseMigrator.registering(Migrations.sqlite)
        if try pool.read({ db in try migrator.hasBeenSuperseded(db) }) {
            throw StorageError.backend("\(path) was written by a newer LangBuilder: it records migrations this version does not know")
        }
        try migrator.migrate(pool)
    }

    /// Maps GRDB and SQLite failures onto ``StorageError``.
    static func storageError(_ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        guard let error = error as? DatabaseError else { return .backend(String(describing: error)) }
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            // "UNIQUE constraint failed: flow.user_id, flow.endpoint_name": the last column is the unique one
            // (the ones before it scope it).
            let columns = error.message?.split(separator: ":").last ?? ""
            let column = columns.split(separator: ",").last?.split(separator: ".").last ?? "id"
            return .duplicate(field: column.trimmingCharacters(in: .whitespaces))
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            return .notFound
        default:
            return .backend(error.description)
        }
    }
}

extension DatabaseMigrator {
    /// A migrator with `migrations` registered in order, each run as one transaction by GRDB.
    static func registering(_ migrations: [LangBuilderStorage.Migration]) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.name) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }
}

/// The WHERE clause shared by message queries: a flow, and ownership through the flow.
/// The `WHERE` clause of a message query.
struct MessageFilter {
    private var conditions: [String] = []
    private(set) var arguments: StatementArguments = []

    init(flowID: UUID?, ownedBy: UUID?) {
        if let flowID { add("flow_id = ?", flowID.sql) }
        if let ownedBy { add("flow_id IN (SELECT id FROM flow WHERE user_id = ?)", ownedBy.sql) }
    }

    mutating func add(_ condition: String, _ value: String) {
        conditions.append(condition)
        arguments += [value]
    }

    /// Adds `session_id = ?`. With no flow to start from, the query walks every flow's entries in the
    /// `(flow_id, session_id, timestamp)` index (every message has a flow; there is no index by session alone).
    mutating func add(sessionID: String) {
        if conditions.isEmpty { conditions.append("flow_id IN (SELECT id FROM flow)") }
        add("session_id = ?", sessionID)
    }

    var sql: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
}

private func count(_ db: Database, table: String, where filter: String, _ arguments: StatementArguments) throws -> Int {
    try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM \(table) \(filter)"), arguments: arguments) ?? 0
}

private func limitClause(_ pagination: Pagination?) -> (sql: String, arguments: StatementArguments) {
    guard let pagination else { return ("", []) }
    return ("LIMIT ? OFFSET ?", [pagination.limit, pagination.offset])
}

extension SQLiteStorageDriver {
    /// Test-only: one column of a query's rows, as text.
    func testOnly_strings(_ sql: String, column: Int = 0) async throws -> [String] {
        try await read { db in
            try Row.fetchAll(db, sql: sql).map { row in
                let value: DatabaseValue = row[column]
                switch value.storage {
                case .null: return "NULL"
                case .int64(let number): return String(number)
                case .double(let number): return String(number)
                case .string(let text): return text
                case .blob(let data): return data.base64EncodedString()
                }
            }
        }
    }

    /// Test-only: runs statements in a write transaction.
    func testOnly_execute(_ sql: String) async throws {
        try await write { db in try db.execute(sql: sql) }
    }
}

/// The flows read by id or by endpoint name (see ``SQLiteStorageDriver``). A read that raced a write never
/// stores what it read: each insert carries the generation seen before the read, and every invalidation moves
/// the generation on.
private final class FlowCache: Sendable {
    enum Key: Hashable {
        case id(UUID)
        case endpoint(UUID, String)
    }

    private struct State {
        var generation = 0
        var flows: [Key: FlowRecord] = [:]
        /// Ids and endpoint names known to match no flow: a run of an unknown flow answers 404 without a read.
        /// Kept apart from `flows`, so that requests for made-up ids never push the real flows out.
        var missing: Set<Key> = []
    }

    /// Beyond this many entries (each of `flows` and `missing`) the cache starts over.
    private static let capacity = 1024
    private let state = Mutex(State())

    enum Lookup {
        case found(FlowRecord)
        /// Known to match no flow.
        case missing
        /// Not cached: read it, and ``insert(_:as:generation:)`` what was found with this generation.
        case unknown(generation: Int)
    }

    func lookup(_ key: Key) -> Lookup {
        state.withLock { state in
            if let flow = state.flows[key] { return .found(flow) }
            return state.missing.contains(key) ? .missing : .unknown(generation: state.generation)
        }
    }

    /// Remembers what a read found (nil: no flow), unless a write came in since the lookup.
    func insert(_ flow: FlowRecord?, as key: Key, generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if let flow {
                if state.flows.count >= Self.capacity { state.flows.removeAll(keepingCapacity: true) }
                state.flows[key] = flow
            } else {
                if state.missing.count >= Self.capacity { state.missing.removeAll(keepingCapacity: true) }
                state.missing.insert(key)
            }
        }
    }

    func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            state.flows.removeAll(keepingCapacity: true)
            state.missing.removeAll(keepingCapacity: true)
        }
    }
}
