public import Foundation

/// LangBuilder's persistence: users, folders, flows, API keys, variables, files, and what runs record
/// (messages, transactions, vertex builds).
///
/// One protocol, several backends: ``MemoryStorageDriver`` here, `SQLiteStorageDriver` in
/// `LangBuilderStorageSQLite`, and every driver passes the same `StorageDriverConformance` suite from
/// `LangBuilderTesting`. Callers never see which backend they talk to.
///
/// Rules every driver keeps:
/// - Getters return nil for an unknown id; updates and deletes by id throw ``StorageError/notFound``.
/// - A create or update that names a user, folder or flow that does not exist throws ``StorageError/notFound``.
/// - Uniqueness (ids, `username`, a user's `endpoint_name`, `hashed_key`, a user's variable `name`) is enforced
///   with ``StorageError/duplicate(field:)``.
/// - Creates and updates return the record as stored (dates rounded to ``StorageTimestamp`` precision).
/// - Deleting a user deletes everything the user owns; deleting a folder deletes its subfolders and their flows;
///   deleting a flow deletes its messages, transactions and vertex builds.
/// - Ownership is checked above storage for single records (compare `userID`); bulk operations take an
///   `ownedBy` filter, nil meaning no filter (the superuser).
///
/// ```swift
/// let storage: any StorageDriver = MemoryStorageDriver()
/// let user = try await storage.createUser(UserRecord(username: "ada", passwordHash: hash, isActive: true))
/// let flow = try await storage.createFlow(FlowRecord(name: "Echo", data: json, endpointName: "echo", userID: user.id))
/// try await storage.recordRun(messages: [MessageRecord(flowID: flow.id, sessionID: "s", sender: "User", senderName: "User", text: "hi")])
/// ```
public protocol StorageDriver: Sendable {
    // MARK: Lifecycle

    /// Releases the backend (connections, file handles). Idempotent; every other call throws
    /// ``StorageError/backend(_:)`` afterwards.
    func close() async throws

    // MARK: Users

    /// Inserts a user. Throws `duplicate(field: "username")` when the name is taken.
    @discardableResult func createUser(_ user: UserRecord) async throws -> UserRecord
    func user(id: UUID) async throws -> UserRecord?
    func user(username: String) async throws -> UserRecord?
    /// Replaces the stored user with the same id.
    @discardableResult func updateUser(_ user: UserRecord) async throws -> UserRecord
    /// Deletes the user and everything the user owns: folders, flows (with their run records), API keys,
    /// variables and files. Flows others own that the user saved last keep `lastModifiedBy == nil`.
    func deleteUser(id: UUID) async throws
    func userCount() async throws -> Int
    /// Users in creation order.
    func users(_ pagination: Pagination?) async throws -> RecordPage<UserRecord>

    // MARK: Folders

    @discardableResult func createFolder(_ folder: FolderRecord) async throws -> FolderRecord
    func folder(id: UUID) async throws -> FolderRecord?
    /// The folders whose owner is `userID` (nil: the ownerless ones), by name.
    func folders(userID: UUID?) async throws -> [FolderRecord]
    @discardableResult func updateFolder(_ folder: FolderRecord) async throws -> FolderRecord
    /// Deletes the folder, its subfolders and every flow in them.
    func deleteFolder(id: UUID) async throws

    // MARK: Flows

    /// Inserts a flow as given (its version token included). Throws `duplicate(field: "endpoint_name")` when
    /// the owner has another flow with that endpoint name.
    @discardableResult func createFlow(_ flow: FlowRecord) async throws -> FlowRecord
    func flow(id: UUID) async throws -> FlowRecord?
    func flow(endpointName: String, userID: UUID) async throws -> FlowRecord?
    func flows(_ query: FlowQuery) async throws -> RecordPage<FlowRecord>
    /// Replaces the stored flow with the same id, atomically: when `expectedVersionToken` is given and is not
    /// the stored token, nothing is written and ``StorageError/versionConflict(currentToken:)`` is thrown. The
    /// stored `createdAt` is kept; the version token is kept, or renewed when `data` changed (the caller's
    /// `versionToken` is ignored).
    @discardableResult func updateFlow(_ flow: FlowRecord, expectedVersionToken: String?) async throws -> FlowRecord
    /// Deletes the flows among `ids` that exist (and are owned by `ownedBy`, when given), with their run
    /// records. Returns how many were deleted; unknown ids are skipped.
    @discardableResult func deleteFlows(ids: [UUID], ownedBy: UUID?) async throws -> Int

    // MARK: API keys

    /// Throws `duplicate(field: "hashed_key")` when the hash exists.
    @discardableResult func createAPIKey(_ key: APIKeyRecord) async throws -> APIKeyRecord
    func apiKey(id: UUID) async throws -> APIKeyRecord?
    func apiKey(hashedKey: String) async throws -> APIKeyRecord?
    /// The user's keys in creation order.
    func apiKeys(userID: UUID) async throws -> [APIKeyRecord]
    /// Sets `lastUsedAt` and adds `count` to `totalUses` (the server batches uses); returns the updated key.
    @discardableResult func recordAPIKeyUse(id: UUID, at date: Date, count: Int) async throws -> APIKeyRecord
    func deleteAPIKey(id: UUID) async throws

    // MARK: Variables

    /// Throws `duplicate(field: "name")` when the user has a variable with that name.
    @discardableResult func createVariable(_ variable: VariableRecord) async throws -> VariableRecord
    func variable(id: UUID) async throws -> VariableRecord?
    func variable(name: String, userID: UUID) async throws -> VariableRecord?
    /// The user's variables by name.
    func variables(userID: UUID) async throws -> [VariableRecord]
    @discardableResult func updateVariable(_ variable: VariableRecord) async throws -> VariableRecord
    func deleteVariable(id: UUID) async throws

    // MARK: Run records

    /// Writes what one run produced in a single transaction: either every record is written or none is (a
    /// duplicate id or an unknown flow anywhere in the batch leaves storage unchanged).
    func recordRun(messages: [MessageRecord], transactions: [TransactionRecord], vertexBuilds: [VertexBuildRecord]) async throws
    func message(id: UUID) async throws -> MessageRecord?
    func messages(_ query: MessageQuery) async throws -> [MessageRecord]
    /// The distinct session ids of the messages of `flowID` (or of every flow), sorted.
    func messageSessions(flowID: UUID?, ownedBy: UUID?) async throws -> [String]
    /// Replaces the stored message with the same id (an edit of its text, for example).
    @discardableResult func updateMessage(_ message: MessageRecord) async throws -> MessageRecord
    /// Moves every message of session `old` to session `new`; returns how many moved.
    @discardableResult func renameMessageSession(from old: String, to new: String, ownedBy: UUID?) async throws -> Int
    @discardableResult func deleteMessages(ids: [UUID], ownedBy: UUID?) async throws -> Int
    @discardableResult func deleteMessages(sessionID: String, flowID: UUID?, ownedBy: UUID?) async throws -> Int
    /// The flow's transactions, oldest first, and their total.
    func transactions(flowID: UUID, pagination: Pagination?) async throws -> RecordPage<TransactionRecord>
    /// The flow's vertex builds, oldest first.
    func vertexBuilds(flowID: UUID) async throws -> [VertexBuildRecord]
    @discardableResult func deleteVertexBuilds(flowID: UUID) async throws -> Int
    /// Deletes the oldest transactions and vertex builds of each flow in `flowIDs` (nil: of every flow) beyond
    /// what `retention` keeps; newest means latest `timestamp`, then latest written. Messages are untouched.
    /// Returns how many records were deleted.
    @discardableResult func pruneRunRecords(flowIDs: [UUID]?, keeping retention: RunRecordRetention) async throws -> Int

    // MARK: Files

    @discardableResult func createFile(_ file: FileRecord) async throws -> FileRecord
    func file(id: UUID) async throws -> FileRecord?
    /// The user's files in creation order.
    func files(userID: UUID) async throws -> [FileRecord]
    @discardableResult func updateFile(_ file: FileRecord) async throws -> FileRecord
    func deleteFile(id: UUID) async throws
}

extension StorageDriver {
    /// Writes the messages of a run (``recordRun(messages:transactions:vertexBuilds:)`` with only messages).
    /// Sets `lastUsedAt` and adds one to `totalUses`; returns the updated key.
    @discardableResult public func recordAPIKeyUse(id: UUID, at date: Date) async throws -> APIKeyRecord {
        try await recordAPIKeyUse(id: id, at: date, count: 1)
    }

    public func recordRun(messages: [MessageRecord]) async throws {
        try await recordRun(messages: messages, transactions: [], vertexBuilds: [])
    }

    /// Deletes one flow; throws ``StorageError/notFound`` when it does not exist.
    public func deleteFlow(id: UUID) async throws {
        if try await deleteFlows(ids: [id], ownedBy: nil) == 0 { throw StorageError.notFound }
    }
}
