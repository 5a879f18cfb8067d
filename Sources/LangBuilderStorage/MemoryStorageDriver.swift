public import Foundation

/// A ``StorageDriver`` that keeps everything in memory: the driver for tests and `--storage memory`.
///
/// It enforces the same rules as the SQL drivers (uniqueness, references, cascades, ordering, all-or-nothing
/// run records), so code tested against it behaves the same on SQLite.
public actor MemoryStorageDriver: StorageDriver {
    private var users = Table<UserRecord>()
    private var folders = Table<FolderRecord>()
    private var flows = Table<FlowRecord>()
    private var apiKeys = Table<APIKeyRecord>()
    private var variables = Table<VariableRecord>()
    private var messages = Table<MessageRecord>()
    private var transactions = Table<TransactionRecord>()
    private var vertexBuilds = Table<VertexBuildRecord>()
    private var files = Table<FileRecord>()
    /// Insertion counter: the tie-break that SQL drivers get from the row id.
    private var sequence = 0
    private var isClosed = false

    public init() {}

    public func close() async throws {
        isClosed = true
    }

    // MARK: - Users

    public func createUser(_ user: UserRecord) async throws -> UserRecord {
        try checkOpen()
        let user = user.normalized()
        guard !users.contains(user.id) else { throw StorageError.duplicate(field: "id") }
        guard !users.contains(where: { $0.username == user.username }) else { throw StorageError.duplicate(field: "username") }
        insert(user, into: &users)
        return user
    }

    public func user(id: UUID) async throws -> UserRecord? {
        try checkOpen()
        return users[id]
    }

    public func user(username: String) async throws -> UserRecord? {
        try checkOpen()
        return users.first { $0.username == username }
    }

    public func updateUser(_ user: UserRecord) async throws -> UserRecord {
        try checkOpen()
        let user = user.normalized()
        guard users.contains(user.id) else { throw StorageError.notFound }
        guard !users.contains(where: { $0.username == user.username && $0.id != user.id }) else {
            throw StorageError.duplicate(field: "username")
        }
        users.replace(user)
        return user
    }

    public func deleteUser(id: UUID) async throws {
        try checkOpen()
        guard users.contains(id) else { throw StorageError.notFound }
        users.remove(id)
        for folder in folders.all(where: { $0.userID == id }) { removeFolder(folder.id) }
        for flow in flows.all(where: { $0.userID == id }) { removeFlow(flow.id) }
        apiKeys.removeAll { $0.userID == id }
        variables.removeAll { $0.userID == id }
        files.removeAll { $0.userID == id }
        for var flow in flows.all(where: { $0.lastModifiedBy == id }) {
            flow.lastModifiedBy = nil
            flows.replace(flow)
        }
    }

    public func userCount() async throws -> Int {
        try checkOpen()
        return users.count
    }

    public func users(_ pagination: Pagination?) async throws -> RecordPage<UserRecord> {
        try checkOpen()
        let sorted = users.sorted(where: { _ in true }) { compare($0.createdAt, $1.createdAt) }
        return try page(sorted, pagination)
    }

    // MARK: - Folders

    public func createFolder(_ folder: FolderRecord) async throws -> FolderRecord {
        try checkOpen()
        guard !folders.contains(folder.id) else { throw StorageError.duplicate(field: "id") }
        try checkReferences(of: folder)
        insert(folder, into: &folders)
        return folder
    }

    public func folder(id: UUID) async throws -> FolderRecord? {
        try checkOpen()
        return folders[id]
    }

    public func folders(userID: UUID?) async throws -> [FolderRecord] {
        try checkOpen()
        return folders.sorted(where: { $0.userID == userID }) { compareBytes($0.name, $1.name) }
    }

    public func updateFolder(_ folder: FolderRecord) async throws -> FolderRecord {
        try checkOpen()
        guard folders.contains(folder.id) else { throw StorageError.notFound }
        try checkReferences(of: folder)
        folders.replace(folder)
        return folder
    }

    public func deleteFolder(id: UUID) async throws {
        try checkOpen()
        guard folders.contains(id) else { throw StorageError.notFound }
        removeFolder(id)
    }

    // MARK: - Flows

    public func createFlow(_ flow: FlowRecord) async throws -> FlowRecord {
        try checkOpen()
        let flow = flow.normalized()
        guard !flows.contains(flow.id) else { throw StorageError.duplicate(field: "id") }
        try checkUniqueEndpointName(of: flow)
        try checkReferences(of: flow)
        insert(flow, into: &flows)
        return flow
    }

    public func flow(id: UUID) async throws -> FlowRecord? {
        try checkOpen()
        return flows[id]
    }

    public func flow(endpointName: String, userID: UUID) async throws -> FlowRecord? {
        try checkOpen()
        return flows.first { $0.endpointName == endpointName && $0.userID == userID }
    }

    public func flows(_ query: FlowQuery) async throws -> RecordPage<FlowRecord> {
        try checkOpen()
        let sorted = flows.sorted(where: { flow in
            switch query.owner {
            case .user(let userID):
                guard flow.userID == userID || (query.includeExamples && flow.userID == nil) else { return false }
            case .everyone:
                guard query.includeExamples || flow.userID != nil else { return false }
            }
            if let folderID = query.folderID, flow.folderID != folderID { return false }
            if query.componentsOnly && !flow.isComponent { return false }
            if let flowType = query.flowType, flow.flowType != flowType { return false }
            return true
        }) { compare($1.updatedAt, $0.updatedAt) }
        var result = try page(sorted, query.pagination)
        if !query.includeData {
            for index in result.items.indices { result.items[index].data = nil }
        }
        return result
    }

    public func updateFlow(_ flow: FlowRecord, expectedVersionToken: String?) async throws -> FlowRecord {
        try checkOpen()
        guard let stored = flows[flow.id] else { throw StorageError.notFound }
        if let expectedVersionToken, expectedVersionToken != stored.versionToken {
            throw StorageError.versionConflict(currentToken: stored.versionToken)
        }
        let updated = flow.applyingUpdate(over: stored)
        try checkUniqueEndpointName(of: updated)
        try checkReferences(of: updated)
        flows.replace(updated)
        return updated
    }

    public func deleteFlows(ids: [UUID], ownedBy: UUID?) async throws -> Int {
        try checkOpen()
        var deleted = 0
        for id in Set(ids) {
            guard let flow = flows[id], ownedBy == nil || flow.userID == ownedBy else { continue }
            removeFlow(id)
            deleted += 1
        }
        return deleted
    }

    // MARK: - API keys

    public func createAPIKey(_ key: APIKeyRecord) async throws -> APIKeyRecord {
        try checkOpen()
        let key = key.normalized()
        guard !apiKeys.contains(key.id) else { throw StorageError.duplicate(field: "id") }
        guard !apiKeys.contains(where: { $0.hashedKey == key.hashedKey }) else { throw StorageError.duplicate(field: "hashed_key") }
        try checkUser(key.userID)
        insert(key, into: &apiKeys)
        return key
    }

    public func apiKey(id: UUID) async throws -> APIKeyRecord? {
        try checkOpen()
        return apiKeys[id]
    }

    public func apiKey(hashedKey: String) async throws -> APIKeyRecord? {
        try checkOpen()
        return apiKeys.first { $0.hashedKey == hashedKey }
    }

    public func apiKeys(userID: UUID) async throws -> [APIKeyRecord] {
        try checkOpen()
        return apiKeys.sorted(where: { $0.userID == userID }) { compare($0.createdAt, $1.createdAt) }
    }

    public func recordAPIKeyUse(id: UUID, at date: Date, count: Int) async throws -> APIKeyRecord {
        try checkOpen()
        guard var key = apiKeys[id] else { throw StorageError.notFound }
        key.lastUsedAt = StorageTimestamp.normalized(date)
        key.totalUses += count
        apiKeys.replace(key)
        return key
    }

    public func deleteAPIKey(id: UUID) async throws {
        try checkOpen()
        guard apiKeys.remove(id) else { throw StorageError.notFound }
    }

    // MARK: - Variables

    public func createVariable(_ variable: VariableRecord) async throws -> VariableRecord {
        try checkOpen()
        let variable = variable.normalized()
        guard !variables.contains(variable.id) else { throw StorageError.duplicate(field: "id") }
        try checkUniqueName(of: variable)
        try checkUser(variable.userID)
        insert(variable, into: &variables)
        return variable
    }

    public func variable(id: UUID) async throws -> VariableRecord? {
        try checkOpen()
        return variables[id]
    }

    public func variable(name: String, userID: UUID) async throws -> VariableRecord? {
        try checkOpen()
        return variables.first { $0.name == name && $0.userID == userID }
    }

    public func variables(userID: UUID) async throws -> [VariableRecord] {
        try checkOpen()
        return variables.sorted(where: { $0.userID == userID }) { compareBytes($0.name, $1.name) }
    }

    public func updateVariable(_ variable: VariableRecord) async throws -> VariableRecord {
        try checkOpen()
        let variable = variable.normalized()
        guard variables.contains(variable.id) else { throw StorageError.notFound }
        try checkUniqueName(of: variable)
        try checkUser(variable.userID)
        variables.replace(variable)
        return variable
    }

    public func deleteVariable(id: UUID) async throws {
        try checkOpen()
        guard variables.remove(id) else { throw StorageError.notFound }
    }

    // MARK: - Run records

    public func recordRun(messages: [MessageRecord], transactions: [TransactionRecord], vertexBuilds: [VertexBuildRecord]) async throws {
        try checkOpen()
        // Check the whole batch before writing anything: all or nothing.
        try checkNew(messages, in: self.messages)
        try checkNew(transactions, in: self.transactions)
        try checkNew(vertexBuilds, in: self.vertexBuilds)
        for message in messages { insert(message.normalized(), into: &self.messages) }
        for transaction in transactions { insert(transaction.normalized(), into: &self.transactions) }
        for build in vertexBuilds { insert(build.normalized(), into: &self.vertexBuilds) }
    }

    public func message(id: UUID) async throws -> MessageRecord? {
        try checkOpen()
        return messages[id]
    }

    public func messages(_ query: MessageQuery) async throws -> [MessageRecord] {
        try checkOpen()
        let sorted = messages.sorted(where: { message in
            if let flowID = query.flowID, message.flowID != flowID { return false }
            if let sessionID = query.sessionID, message.sessionID != sessionID { return false }
            if let sender = query.sender, message.sender != sender { return false }
            if let senderName = query.senderName, message.senderName != senderName { return false }
            return isOwned(message, by: query.ownedBy)
        }) { compare($0.timestamp, $1.timestamp) }
        return try page(query.order == .oldestFirst ? sorted : sorted.reversed(), query.pagination).items
    }

    public func messageSessions(flowID: UUID?, ownedBy: UUID?) async throws -> [String] {
        try checkOpen()
        let sessions = Set(messages.all(where: { (flowID == nil || $0.flowID == flowID) && isOwned($0, by: ownedBy) }).map(\.sessionID))
        return sessions.sorted { compareBytes($0, $1) == .ascending }
    }

    public func updateMessage(_ message: MessageRecord) async throws -> MessageRecord {
        try checkOpen()
        let message = message.normalized()
        guard messages.contains(message.id) else { throw StorageError.notFound }
        guard flows.contains(message.flowID) else { throw StorageError.notFound }
        messages.replace(message)
        return message
    }

    public func renameMessageSession(from old: String, to new: String, ownedBy: UUID?) async throws -> Int {
        try checkOpen()
        let moving = messages.all { $0.sessionID == old && isOwned($0, by: ownedBy) }
        for var message in moving {
            message.sessionID = new
            messages.replace(message)
        }
        return moving.count
    }

    public func deleteMessages(ids: [UUID], ownedBy: UUID?) async throws -> Int {
        try checkOpen()
        var deleted = 0
        for id in Set(ids) {
            guard let message = messages[id], isOwned(message, by: ownedBy) else { continue }
            messages.remove(id)
            deleted += 1
        }
        return deleted
    }

    public func deleteMessages(sessionID: String, flowID: UUID?, ownedBy: UUID?) async throws -> Int {
        try checkOpen()
        return messages.removeAll { $0.sessionID == sessionID && (flowID == nil || $0.flowID == flowID) && isOwned($0, by: ownedBy) }
    }

    public func transactions(flowID: UUID, pagination: Pagination?) async throws -> RecordPage<TransactionRecord> {
        try checkOpen()
        let sorted = transactions.sorted(where: { $0.flowID == flowID }) { compare($0.timestamp, $1.timestamp) }
        return try page(sorted, pagination)
    }

    public func vertexBuilds(flowID: UUID) async throws -> [VertexBuildRecord] {
        try checkOpen()
        return vertexBuilds.sorted(where: { $0.flowID == flowID }) { compare($0.timestamp, $1.timestamp) }
    }

    public func deleteVertexBuilds(flowID: UUID) async throws -> Int {
        try checkOpen()
        return vertexBuilds.removeAll { $0.flowID == flowID }
    }

    public func pruneRunRecords(flowIDs: [UUID]?, keeping retention: RunRecordRetention) async throws -> Int {
        try checkOpen()
        try retention.validate()
        let flows = flowIDs.map(Set.init) ?? Set(transactions.all { _ in true }.map(\.flowID) + vertexBuilds.all { _ in true }.map(\.flowID))
        var deleted = 0
        for flow in flows {
            let old = transactions.sorted(where: { $0.flowID == flow }, by: { compare($0.timestamp, $1.timestamp) }).dropLast(retention.transactionsPerFlow)
            for record in old { deleted += transactions.remove(record.id) ? 1 : 0 }
            let builds = vertexBuilds.sorted(where: { $0.flowID == flow }, by: { compare($0.timestamp, $1.timestamp) })
            var doomed = Set(builds.dropLast(retention.vertexBuildsPerFlow).map(\.id))
            for (_, ofVertex) in Dictionary(grouping: builds, by: \.vertexID) {
                doomed.formUnion(ofVertex.dropLast(retention.vertexBuildsPerVertex).map(\.id))
            }
            for id in doomed { deleted += vertexBuilds.remove(id) ? 1 : 0 }
        }
        return deleted
    }

    // MARK: - Files

    public func createFile(_ file: FileRecord) async throws -> FileRecord {
        try checkOpen()
        let file = file.normalized()
        guard !files.contains(file.id) else { throw StorageError.duplicate(field: "id") }
        try checkUser(file.userID)
        insert(file, into: &files)
        return file
    }

    public func file(id: UUID) async throws -> FileRecord? {
        try checkOpen()
        return files[id]
    }

    public func files(userID: UUID) async throws -> [FileRecord] {
        try checkOpen()
        return files.sorted(where: { $0.userID == userID }) { compare($0.createdAt, $1.createdAt) }
    }

    public func updateFile(_ file: FileRecord) async throws -> FileRecord {
        try checkOpen()
        let file = file.normalized()
        guard files.contains(file.id) else { throw StorageError.notFound }
        try checkUser(file.userID)
        files.replace(file)
        return file
    }

    public func deleteFile(id: UUID) async throws {
        try checkOpen()
        guard files.remove(id) else { throw StorageError.notFound }
    }

    // MARK: - Rules

    private func checkOpen() throws {
        if isClosed { throw StorageError.backend("the storage is closed") }
    }

    private func insert<Record>(_ record: Record, into table: inout Table<Record>) {
        sequence += 1
        table.insert(record, sequence: sequence)
    }

    private func checkUser(_ id: UUID?) throws {
        if let id, !users.contains(id) { throw StorageError.notFound }
    }

    private func checkReferences(of folder: FolderRecord) throws {
        try checkUser(folder.userID)
        if let parentID = folder.parentID, !folders.contains(parentID) && parentID != folder.id { throw StorageError.notFound }
    }

    private func checkReferences(of flow: FlowRecord) throws {
        try checkUser(flow.userID)
        if let folderID = flow.folderID, !folders.contains(folderID) { throw StorageError.notFound }
        try checkUser(flow.lastModifiedBy)
    }

    private func checkUniqueEndpointName(of flow: FlowRecord) throws {
        // As a SQL unique index: rows without an owner or an endpoint name never collide.
        guard let endpointName = flow.endpointName, let userID = flow.userID else { return }
        if flows.contains(where: { $0.endpointName == endpointName && $0.userID == userID && $0.id != flow.id }) {
            throw StorageError.duplicate(field: "endpoint_name")
        }
    }

    private func checkUniqueName(of variable: VariableRecord) throws {
        if variables.contains(where: { $0.name == variable.name && $0.userID == variable.userID && $0.id != variable.id }) {
            throw StorageError.duplicate(field: "name")
        }
    }

    private func checkNew<Record: RunRecord>(_ records: [Record], in table: Table<Record>) throws {
        var seen = Set<UUID>()
        for record in records {
            guard !table.contains(record.id), seen.insert(record.id).inserted else { throw StorageError.duplicate(field: "id") }
            guard flows.contains(record.flowID) else { throw StorageError.notFound }
        }
    }

    private func isOwned(_ message: MessageRecord, by userID: UUID?) -> Bool {
        guard let userID else { return true }
        return flows[message.flowID]?.userID == userID
    }

    private func removeFolder(_ id: UUID) {
        guard folders.remove(id) else { return }
        for child in folders.all(where: { $0.parentID == id }) { removeFolder(child.id) }
        for flow in flows.all(where: { $0.folderID == id }) { removeFlow(flow.id) }
    }

    private func removeFlow(_ id: UUID) {
        guard flows.remove(id) else { return }
        messages.removeAll { $0.flowID == id }
        transactions.removeAll { $0.flowID == id }
        vertexBuilds.removeAll { $0.flowID == id }
    }

    private func page<Record>(_ sorted: [Record], _ pagination: Pagination?) throws -> RecordPage<Record> {
        guard let pagination else { return RecordPage(items: sorted, total: sorted.count) }
        try pagination.validate()
        let start = min(pagination.offset, sorted.count)
        let end = min(start + pagination.limit, sorted.count)
        return RecordPage(items: Array(sorted[start..<end]), total: sorted.count)
    }
}

/// The run records, which all belong to a flow.
private protocol RunRecord: Identifiable where ID == UUID {
    var flowID: UUID { get }
}

extension MessageRecord: RunRecord {}
extension TransactionRecord: RunRecord {}
extension VertexBuildRecord: RunRecord {}

private enum Ordering { case ascending, same, descending }

private func compare<Value: Comparable>(_ left: Value, _ right: Value) -> Ordering {
    left < right ? .ascending : left > right ? .descending : .same
}

/// Orders strings as SQL's BINARY collation does: by their UTF-8 bytes.
private func compareBytes(_ left: String, _ right: String) -> Ordering {
    if left == right { return .same }
    return left.utf8.lexicographicallyPrecedes(right.utf8) ? .ascending : .descending
}

/// One in-memory table: records by id, each with the insertion sequence that breaks ordering ties.
private struct Table<Record: Identifiable & Sendable> where Record.ID == UUID {
    private var rows: [UUID: (sequence: Int, record: Record)] = [:]

    var count: Int { rows.count }

    subscript(id: UUID) -> Record? { rows[id]?.record }

    func contains(_ id: UUID) -> Bool { rows[id] != nil }

    func contains(where predicate: (Record) -> Bool) -> Bool { rows.values.contains { predicate($0.record) } }

    func first(where predicate: (Record) -> Bool) -> Record? { rows.values.first { predicate($0.record) }?.record }

    func all(where predicate: (Record) -> Bool) -> [Record] { rows.values.filter { predicate($0.record) }.map(\.record) }

    /// The matching records ordered by `order`, ties in insertion order.
    func sorted(where predicate: (Record) -> Bool, by order: (Record, Record) -> Ordering) -> [Record] {
        rows.values.filter { predicate($0.record) }.sorted { left, right in
            switch order(left.record, right.record) {
            case .ascending: true
            case .descending: false
            case .same: left.sequence < right.sequence
            }
        }.map(\.record)
    }

    mutating func insert(_ record: Record, sequence: Int) { rows[record.id] = (sequence, record) }

    /// Replaces a record, keeping its place in insertion order.
    mutating func replace(_ record: Record) { rows[record.id]?.record = record }

    @discardableResult mutating func remove(_ id: UUID) -> Bool { rows.removeValue(forKey: id) != nil }

    @discardableResult mutating func removeAll(where predicate: (Record) -> Bool) -> Int {
        let ids = rows.filter { predicate($0.value.record) }.map(\.key)
        for id in ids { rows.removeValue(forKey: id) }
        return ids.count
    }
}
