import Foundation
public import LangBuilderStorage

/// The behaviour every ``StorageDriver`` must have, as one suite that each driver's tests run.
///
/// A driver's test target runs every case, each as its own test:
///
/// ```swift
/// @Test(arguments: StorageDriverConformance.Case.allCases)
/// func conformance(_ testCase: StorageDriverConformance.Case) async throws {
///     let suite = StorageDriverConformance(makeDriver: { MemoryStorageDriver() })
///     try await suite.run(testCase)
/// }
/// ```
///
/// A case that finds a difference throws a ``StorageDriverConformance/Failure`` naming the check and the line.
/// Drivers that keep data across a close (files, servers) pass `reopen`, which enables
/// ``StorageDriverConformance/Case/persistence``; for the others that case passes without checking anything.
public struct StorageDriverConformance: Sendable {
    /// One behaviour; each is a separate test in a driver's test target.
    public enum Case: String, CaseIterable, Sendable, CustomStringConvertible {
        case users
        case userDeletionDeletesEverythingOwned
        case folders
        case folderDeletionDeletesItsFlows
        case flows
        case flowVersionTokens
        case flowQueries
        case flowDeletion
        case apiKeys
        case variables
        case messages
        case recordRunIsAllOrNothing
        case transactionsAndVertexBuilds
        case runRecordRetention
        case files
        case timestampsKeepMicroseconds
        case concurrentRuns
        case closing
        case persistence

        public var description: String { rawValue }
    }

    /// A check that failed: what was expected, what happened, and where.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Returns a new, empty storage.
    public let makeDriver: @Sendable () async throws -> any StorageDriver
    /// Closes the given storage and opens the same data again; nil for drivers that keep nothing.
    public let reopen: (@Sendable (any StorageDriver) async throws -> any StorageDriver)?

    public init(
        makeDriver: @escaping @Sendable () async throws -> any StorageDriver,
        reopen: (@Sendable (any StorageDriver) async throws -> any StorageDriver)? = nil
    ) {
        self.makeDriver = makeDriver
        self.reopen = reopen
    }

    /// Runs one case on a fresh storage, and closes it.
    public func run(_ testCase: Case) async throws {
        let storage = try await makeDriver()
        do {
            try await run(testCase, on: storage)
        } catch {
            try? await storage.close()
            throw error
        }
        try await storage.close()
    }

    private func run(_ testCase: Case, on storage: any StorageDriver) async throws {
        switch testCase {
        case .users: try await users(storage)
        case .userDeletionDeletesEverythingOwned: try await userDeletion(storage)
        case .folders: try await folders(storage)
        case .folderDeletionDeletesItsFlows: try await folderDeletion(storage)
        case .flows: try await flows(storage)
        case .flowVersionTokens: try await flowVersionTokens(storage)
        case .flowQueries: try await flowQueries(storage)
        case .flowDeletion: try await flowDeletion(storage)
        case .apiKeys: try await apiKeys(storage)
        case .variables: try await variables(storage)
        case .messages: try await messages(storage)
        case .recordRunIsAllOrNothing: try await recordRunIsAllOrNothing(storage)
        case .transactionsAndVertexBuilds: try await transactionsAndVertexBuilds(storage)
        case .runRecordRetention: try await runRecordRetention(storage)
        case .files: try await files(storage)
        case .timestampsKeepMicroseconds: try await timestamps(storage)
        case .concurrentRuns: try await concurrentRuns(storage)
        case .closing: try await closing(storage)
        case .persistence: try await persistence(storage)
        }
    }

    // MARK: - Users

    private func users(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "hash-a", createdAt: Date()))
        try expectEqual(try await storage.user(id: alice.id), alice, "user(id:) returns what createUser returned")
        try expectEqual(try await storage.user(username: "alice"), alice, "user(username:)")
        try expectEqual(try await storage.user(username: "Alice"), nil, "usernames are case-sensitive")
        try expectEqual(try await storage.user(id: UUID()), nil, "unknown id")

        try await expectError(.duplicate(field: "username"), "a taken username") {
            try await storage.createUser(UserRecord(username: "alice", passwordHash: "x"))
        }
        try await expectError(.duplicate(field: "id"), "a taken id") {
            try await storage.createUser(UserRecord(id: alice.id, username: "alice2", passwordHash: "x"))
        }

        var edited = alice
        edited.isActive = true
        edited.isSuperuser = true
        edited.profileImage = "Space/046-rocket.svg"
        edited.lastLoginAt = time(5)
        edited.updatedAt = time(5)
        let updated = try await storage.updateUser(edited)
        try expectEqual(updated, edited.normalized(), "updateUser returns the stored user")
        try expectEqual(try await storage.user(id: alice.id), updated, "an updated user reads back")

        let bob = try await storage.createUser(UserRecord(username: "bob", passwordHash: "hash-b"))
        var renamed = bob
        renamed.username = "alice"
        try await expectError(.duplicate(field: "username"), "renaming onto a taken username") { try await storage.updateUser(renamed) }
        try await expectError(.notFound, "updating an unknown user") {
            try await storage.updateUser(UserRecord(username: "ghost", passwordHash: "x"))
        }
        try await expectError(.notFound, "deleting an unknown user") { try await storage.deleteUser(id: UUID()) }
        try expectEqual(try await storage.userCount(), 2, "userCount")

        try await storage.deleteUser(id: bob.id)
        try await storage.deleteUser(id: alice.id)
        var created: [UserRecord] = []
        for index in 0..<5 {
            created.append(try await storage.createUser(UserRecord(username: "user\(index)", passwordHash: "h", createdAt: time(Double(10 - index)))))
        }
        let byCreation = created.reversed() as [UserRecord]
        try expectEqual(try await storage.users(nil), RecordPage(items: byCreation, total: 5), "users(nil): all, in creation order")
        try expectEqual(try await storage.users(.page(2, size: 2)), RecordPage(items: Array(byCreation[2..<4]), total: 5), "page 2 of size 2")
        try expectEqual(try await storage.users(.page(3, size: 2)), RecordPage(items: [byCreation[4]], total: 5), "the last, partial page")
        try expectEqual(try await storage.users(Pagination(offset: 9, limit: 2)), RecordPage(items: [], total: 5), "past the end")
        try expectEqual(try await storage.users(Pagination(limit: 0)), RecordPage(items: [], total: 5), "limit 0 counts")
        try await expectInvalid("a negative offset") { _ = try await storage.users(Pagination(offset: -1, limit: 2)) }
        try await expectInvalid("a negative limit") { _ = try await storage.users(Pagination(offset: 0, limit: -2)) }
    }

    private func userDeletion(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let bob = try await storage.createUser(UserRecord(username: "bob", passwordHash: "b"))
        func own(_ user: UserRecord) async throws -> (folder: FolderRecord, sub: FolderRecord, flows: [FlowRecord], key: APIKeyRecord, variable: VariableRecord, file: FileRecord) {
            let folder = try await storage.createFolder(FolderRecord(name: "Starter Project", userID: user.id))
            let sub = try await storage.createFolder(FolderRecord(name: "Sub", parentID: folder.id, userID: user.id))
            let inFolder = try await storage.createFlow(FlowRecord(name: "in folder", data: "{}", endpointName: "e1", userID: user.id, folderID: sub.id))
            let loose = try await storage.createFlow(FlowRecord(name: "loose", data: "{}", userID: user.id))
            let key = try await storage.createAPIKey(APIKeyRecord(name: "k", hashedKey: "hash-\(user.username)", maskedKey: "sk-***", userID: user.id))
            let variable = try await storage.createVariable(VariableRecord(name: "V", value: "1", userID: user.id))
            let file = try await storage.createFile(FileRecord(userID: user.id, name: "f.txt", path: "\(user.id)/f.txt", size: 3))
            for flow in [inFolder, loose] { try await storage.recordRun(messages: [message(flow, "s")], transactions: [transaction(flow)], vertexBuilds: [build(flow)]) }
            return (folder, sub, [inFolder, loose], key, variable, file)
        }
        let owned = try await own(alice)
        let kept = try await own(bob)
        var savedByAlice = kept.flows[1]
        savedByAlice.lastModifiedBy = alice.id
        savedByAlice = try await storage.updateFlow(savedByAlice, expectedVersionToken: nil)

        try await storage.deleteUser(id: alice.id)
        try expectEqual(try await storage.user(id: alice.id), nil, "the user is gone")
        try expectEqual(try await storage.folder(id: owned.folder.id), nil, "the user's folder is gone")
        try expectEqual(try await storage.folder(id: owned.sub.id), nil, "the user's subfolder is gone")
        for flow in owned.flows {
            try expectEqual(try await storage.flow(id: flow.id), nil, "the user's flow \(flow.name) is gone")
            try expectEqual(try await storage.messages(MessageQuery(flowID: flow.id)), [], "its messages are gone")
            try expectEqual(try await storage.transactions(flowID: flow.id, pagination: nil).total, 0, "its transactions are gone")
            try expectEqual(try await storage.vertexBuilds(flowID: flow.id), [], "its vertex builds are gone")
        }
        try expectEqual(try await storage.apiKey(id: owned.key.id), nil, "the user's API key is gone")
        try expectEqual(try await storage.apiKey(hashedKey: owned.key.hashedKey), nil, "and no longer authenticates")
        try expectEqual(try await storage.variable(id: owned.variable.id), nil, "the user's variable is gone")
        try expectEqual(try await storage.file(id: owned.file.id), nil, "the user's file record is gone")

        try expectEqual(try await storage.user(id: bob.id), bob, "the other user stays")
        try expectEqual(try await storage.folder(id: kept.sub.id), kept.sub, "the other user's folders stay")
        try expectEqual(try await storage.flow(id: kept.flows[0].id), kept.flows[0], "the other user's flows stay")
        savedByAlice.lastModifiedBy = nil
        try expectEqual(try await storage.flow(id: savedByAlice.id), savedByAlice, "a flow the deleted user saved last forgets who")
        try expectEqual(try await storage.messages(MessageQuery(ownedBy: bob.id)).count, 2, "the other user's messages stay")
        try expectEqual(try await storage.apiKeys(userID: bob.id), [kept.key], "the other user's keys stay")
        try expectEqual(try await storage.variables(userID: bob.id), [kept.variable], "the other user's variables stay")
        try expectEqual(try await storage.files(userID: bob.id), [kept.file], "the other user's files stay")
        try expectEqual(try await storage.userCount(), 1, "one user left")
    }

    // MARK: - Folders

    private func folders(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let b = try await storage.createFolder(FolderRecord(name: "b", description: "second", userID: alice.id))
        let a = try await storage.createFolder(FolderRecord(name: "a", userID: alice.id))
        let upper = try await storage.createFolder(FolderRecord(name: "Z", parentID: a.id, userID: alice.id))
        let examples = try await storage.createFolder(FolderRecord(name: "Starter Projects", userID: nil))
        try expectEqual(try await storage.folder(id: b.id), b, "folder(id:)")
        try expectEqual(try await storage.folder(id: UUID()), nil, "unknown folder")
        try expectEqual(try await storage.folders(userID: alice.id), [upper, a, b], "a user's folders by name (byte order)")
        try expectEqual(try await storage.folders(userID: nil), [examples], "the ownerless folders")
        try expectEqual(try await storage.folders(userID: UUID()), [], "a user without folders")

        var renamed = b
        renamed.name = "renamed"
        renamed.description = nil
        renamed.parentID = a.id
        try expectEqual(try await storage.updateFolder(renamed), renamed, "updateFolder returns the folder")
        try expectEqual(try await storage.folder(id: b.id), renamed, "an updated folder reads back")

        try await expectError(.duplicate(field: "id"), "a taken folder id") {
            try await storage.createFolder(FolderRecord(id: a.id, name: "again", userID: alice.id))
        }
        try await expectError(.notFound, "a folder of an unknown user") { try await storage.createFolder(FolderRecord(name: "x", userID: UUID())) }
        try await expectError(.notFound, "a folder in an unknown parent") {
            try await storage.createFolder(FolderRecord(name: "x", parentID: UUID(), userID: alice.id))
        }
        try await expectError(.notFound, "updating an unknown folder") { try await storage.updateFolder(FolderRecord(name: "x", userID: alice.id)) }
        var orphaned = a
        orphaned.parentID = UUID()
        try await expectError(.notFound, "moving a folder into an unknown parent") { try await storage.updateFolder(orphaned) }
        try await expectError(.notFound, "deleting an unknown folder") { try await storage.deleteFolder(id: UUID()) }
        try await storage.deleteFolder(id: examples.id)
        try expectEqual(try await storage.folders(userID: nil), [], "a deleted folder is gone")
    }

    private func folderDeletion(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let top = try await storage.createFolder(FolderRecord(name: "top", userID: alice.id))
        let sub = try await storage.createFolder(FolderRecord(name: "sub", parentID: top.id, userID: alice.id))
        let other = try await storage.createFolder(FolderRecord(name: "other", userID: alice.id))
        let inTop = try await storage.createFlow(FlowRecord(name: "in top", userID: alice.id, folderID: top.id))
        let inSub = try await storage.createFlow(FlowRecord(name: "in sub", userID: alice.id, folderID: sub.id))
        let inOther = try await storage.createFlow(FlowRecord(name: "in other", userID: alice.id, folderID: other.id))
        for flow in [inTop, inSub, inOther] { try await storage.recordRun(messages: [message(flow, "s")]) }

        try await storage.deleteFolder(id: top.id)
        try expectEqual(try await storage.folder(id: top.id), nil, "the folder is gone")
        try expectEqual(try await storage.folder(id: sub.id), nil, "its subfolder is gone")
        try expectEqual(try await storage.flow(id: inTop.id), nil, "its flow is gone")
        try expectEqual(try await storage.flow(id: inSub.id), nil, "its subfolder's flow is gone")
        try expectEqual(try await storage.messages(MessageQuery(flowID: inTop.id)), [], "the messages of its flows are gone")
        try expectEqual(try await storage.folders(userID: alice.id), [other], "other folders stay")
        try expectEqual(try await storage.flow(id: inOther.id), inOther, "other flows stay")
        try expectEqual(try await storage.messages(MessageQuery(ownedBy: alice.id)).count, 1, "other flows keep their messages")
    }

    // MARK: - Flows

    private func flows(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let bob = try await storage.createUser(UserRecord(username: "bob", passwordHash: "b"))
        let folder = try await storage.createFolder(FolderRecord(name: "Starter Project", userID: alice.id))
        let full = try await storage.createFlow(
            FlowRecord(
                name: "Every field", description: "all set", icon: "Bot", iconBgColor: "#fff", gradient: "2",
                data: #"{"nodes":[{"id":"ChatInput-1","text":"é \"quoted\" \n 🚀 /path"}],"edges":[]}"#,
                isComponent: true, webhook: true, endpointName: "every-field", tags: ["chat", "ünïcode", "a/b", #"q"uote"#],
                locked: true, mcpEnabled: true, actionName: "act", actionDescription: "does", accessType: FlowRecord.publicAccess,
                flowType: "agent", userID: alice.id, folderID: folder.id, lastModifiedBy: bob.id, createdAt: time(1), updatedAt: time(2)
            )
        )
        try expectEqual(try await storage.flow(id: full.id), full, "every field reads back")
        try expectEqual(try await storage.flow(endpointName: "every-field", userID: alice.id), full, "flow(endpointName:userID:)")
        try expectEqual(try await storage.flow(endpointName: "every-field", userID: bob.id), nil, "endpoint names are per user")
        try expectEqual(try await storage.flow(id: UUID()), nil, "unknown flow")
        let bare = try await storage.createFlow(FlowRecord(name: "bare", userID: alice.id))
        try expectEqual(try await storage.flow(id: bare.id), bare, "a flow with only a name reads back")

        try await expectError(.duplicate(field: "endpoint_name"), "an endpoint name the user already uses") {
            try await storage.createFlow(FlowRecord(name: "other", endpointName: "every-field", userID: alice.id))
        }
        _ = try await storage.createFlow(FlowRecord(name: "bob's", endpointName: "every-field", userID: bob.id))
        _ = try await storage.createFlow(FlowRecord(name: "no endpoint", userID: alice.id))
        _ = try await storage.createFlow(FlowRecord(name: "example 1", endpointName: "example", userID: nil))
        _ = try await storage.createFlow(FlowRecord(name: "example 2", endpointName: "example", userID: nil))
        try await expectError(.duplicate(field: "id"), "a taken flow id") { try await storage.createFlow(FlowRecord(id: bare.id, name: "x", userID: alice.id)) }
        try await expectError(.notFound, "a flow in an unknown folder") {
            try await storage.createFlow(FlowRecord(name: "x", userID: alice.id, folderID: UUID()))
        }
        try await expectError(.notFound, "a flow of an unknown user") { try await storage.createFlow(FlowRecord(name: "x", userID: UUID())) }

        var edited = bare
        edited.name = "renamed"
        edited.endpointName = "renamed"
        edited.tags = ["t"]
        edited.createdAt = time(99)
        edited.updatedAt = time(3)
        let updated = try await storage.updateFlow(edited, expectedVersionToken: nil)
        try expectEqual(updated.createdAt, bare.createdAt, "an update keeps createdAt")
        try expectEqual(updated.updatedAt, time(3), "an update writes updatedAt")
        try expectEqual(updated.name, "renamed", "an update writes the fields")
        try expectEqual(try await storage.flow(id: bare.id), updated, "an updated flow reads back as updateFlow returned it")
        var clash = updated
        clash.endpointName = "every-field"
        try await expectError(.duplicate(field: "endpoint_name"), "renaming onto a used endpoint name") {
            try await storage.updateFlow(clash, expectedVersionToken: nil)
        }
        try await expectError(.notFound, "updating an unknown flow") {
            try await storage.updateFlow(FlowRecord(name: "x", userID: alice.id), expectedVersionToken: nil)
        }
        var moved = updated
        moved.folderID = UUID()
        try await expectError(.notFound, "moving a flow into an unknown folder") { try await storage.updateFlow(moved, expectedVersionToken: nil) }
        try expectEqual(try await storage.flow(id: bare.id), updated, "failed updates change nothing")
    }

    private func flowVersionTokens(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let created = try await storage.createFlow(FlowRecord(name: "f", data: #"{"nodes":[]}"#, userID: alice.id))
        let original = created.versionToken

        var describe = created
        describe.description = "new description"
        describe.endpointName = "f"
        let described = try await storage.updateFlow(describe, expectedVersionToken: original)
        try expectEqual(described.versionToken, original, "the token stays when data is unchanged")

        var edit = described
        edit.data = #"{"nodes":[{"id":"a"}]}"#
        let edited = try await storage.updateFlow(edit, expectedVersionToken: original)
        try expect(edited.versionToken != original, "the token changes when data changes")
        try expect(!edited.versionToken.isEmpty, "the new token is not empty")
        try expectEqual(try await storage.flow(id: created.id), edited, "the new token is stored")

        var stale = edited
        stale.data = #"{"nodes":[{"id":"lost update"}]}"#
        try await expectError(.versionConflict(currentToken: edited.versionToken), "a write with a stale token") {
            try await storage.updateFlow(stale, expectedVersionToken: original)
        }
        try expectEqual(try await storage.flow(id: created.id), edited, "a conflicting write changes nothing")

        var forged = edited
        forged.versionToken = "forged"
        let kept = try await storage.updateFlow(forged, expectedVersionToken: edited.versionToken)
        try expectEqual(kept.versionToken, edited.versionToken, "the caller's token is ignored")

        var cleared = kept
        cleared.data = nil
        let withoutData = try await storage.updateFlow(cleared, expectedVersionToken: nil)
        try expect(withoutData.versionToken != kept.versionToken, "clearing data counts as a change (no token: last writer wins)")
        var restored = withoutData
        restored.data = "{}"
        let withData = try await storage.updateFlow(restored, expectedVersionToken: withoutData.versionToken)
        try expect(withData.versionToken != withoutData.versionToken, "setting data counts as a change")
    }

    private func flowQueries(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let bob = try await storage.createUser(UserRecord(username: "bob", passwordHash: "b"))
        let folder = try await storage.createFolder(FolderRecord(name: "X", userID: alice.id))
        func flow(_ name: String, _ owner: UserRecord?, updated: Double, component: Bool = false, folder: FolderRecord? = nil, type: String = "workflow") async throws -> FlowRecord {
            try await storage.createFlow(
                FlowRecord(name: name, data: #"{"name":"\#(name)"}"#, isComponent: component, flowType: type, userID: owner?.id, folderID: folder?.id, createdAt: time(0), updatedAt: time(updated))
            )
        }
        let a1 = try await flow("a1", alice, updated: 5)
        let a2 = try await flow("a2", alice, updated: 7, component: true)
        let a3 = try await flow("a3", alice, updated: 6, folder: folder, type: "agent")
        let b1 = try await flow("b1", bob, updated: 9)
        let b2 = try await flow("b2", bob, updated: 6)
        let e1 = try await flow("e1", nil, updated: 1)
        let e2 = try await flow("e2", nil, updated: 5, component: true)

        func check(_ query: FlowQuery, _ expected: [FlowRecord], total: Int? = nil, _ label: String) async throws {
            try expectEqual(try await storage.flows(query), RecordPage(items: expected, total: total ?? expected.count), label)
        }
        // Newest first; a1 and e2 share updated_at and come in creation order.
        try await check(FlowQuery(owner: .user(alice.id)), [a2, a3, a1, e2, e1], "a user's flows and the examples, newest first")
        try await check(FlowQuery(owner: .user(alice.id), includeExamples: false), [a2, a3, a1], "a user's flows without examples")
        try await check(FlowQuery(owner: .user(bob.id), includeExamples: false), [b1, b2], "another user's flows")
        try await check(FlowQuery(owner: .everyone), [b1, a2, a3, b2, a1, e2, e1], "everyone's flows (superuser)")
        try await check(FlowQuery(owner: .everyone, includeExamples: false), [b1, a2, a3, b2, a1], "everyone's flows without examples")
        try await check(FlowQuery(owner: .user(alice.id), folderID: folder.id), [a3], "one folder")
        try await check(FlowQuery(owner: .user(bob.id), folderID: folder.id), [], "another user's folder shows none of its flows")
        try await check(FlowQuery(owner: .user(alice.id), componentsOnly: true), [a2, e2], "components only")
        try await check(FlowQuery(owner: .everyone, flowType: "agent"), [a3], "one flow type")
        try await check(FlowQuery(owner: .user(alice.id), pagination: .page(1, size: 2)), [a2, a3], total: 5, "page 1")
        try await check(FlowQuery(owner: .user(alice.id), pagination: .page(3, size: 2)), [e1], total: 5, "the last page")
        try await check(FlowQuery(owner: .user(alice.id), pagination: .page(4, size: 2)), [], total: 5, "past the last page")
        let headers = [a2, a3, a1].map { flow in
            var header = flow
            header.data = nil
            return header
        }
        try await check(FlowQuery(owner: .user(alice.id), includeExamples: false, includeData: false), headers, "headers leave data out")
        try await expectInvalid("a negative page size") { _ = try await storage.flows(FlowQuery(owner: .everyone, pagination: Pagination(limit: -1))) }
    }

    private func flowDeletion(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let bob = try await storage.createUser(UserRecord(username: "bob", passwordHash: "b"))
        let a1 = try await storage.createFlow(FlowRecord(name: "a1", userID: alice.id))
        let a2 = try await storage.createFlow(FlowRecord(name: "a2", userID: alice.id))
        let a3 = try await storage.createFlow(FlowRecord(name: "a3", userID: alice.id))
        let b1 = try await storage.createFlow(FlowRecord(name: "b1", userID: bob.id))
        for flow in [a1, a2, a3, b1] {
            try await storage.recordRun(messages: [message(flow, "s")], transactions: [transaction(flow)], vertexBuilds: [build(flow)])
        }

        try expectEqual(try await storage.deleteFlows(ids: [a1.id, a2.id, b1.id, UUID(), a1.id], ownedBy: alice.id), 2, "deletes only the owner's flows, each once")
        try expectEqual(try await storage.flow(id: a1.id), nil, "a deleted flow is gone")
        try expectEqual(try await storage.flow(id: b1.id), b1, "another user's flow stays")
        try expectEqual(try await storage.messages(MessageQuery(flowID: a1.id)), [], "a deleted flow's messages are gone")
        try expectEqual(try await storage.transactions(flowID: a2.id, pagination: nil).total, 0, "a deleted flow's transactions are gone")
        try expectEqual(try await storage.vertexBuilds(flowID: a2.id), [], "a deleted flow's vertex builds are gone")
        try expectEqual(try await storage.messages(MessageQuery(flowID: a3.id)).count, 1, "other flows keep their messages")
        try expectEqual(try await storage.deleteFlows(ids: [], ownedBy: nil), 0, "an empty batch")
        try expectEqual(try await storage.deleteFlows(ids: [b1.id, a3.id], ownedBy: nil), 2, "without an owner filter (superuser)")
        try await expectError(.notFound, "deleteFlow(id:) of an unknown flow") { try await storage.deleteFlow(id: UUID()) }
        try expectEqual(try await storage.flows(FlowQuery(owner: .everyone)).total, 0, "all gone")
    }

    // MARK: - API keys and variables

    private func apiKeys(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let bob = try await storage.createUser(UserRecord(username: "bob", passwordHash: "b"))
        let second = try await storage.createAPIKey(APIKeyRecord(name: "second", hashedKey: "h2", maskedKey: "sk-2***", userID: alice.id, createdAt: time(2)))
        let first = try await storage.createAPIKey(
            APIKeyRecord(name: nil, hashedKey: "h1", maskedKey: "sk-1***", userID: alice.id, createdAt: time(1), isActive: false, expiresAt: time(100))
        )
        let bobs = try await storage.createAPIKey(APIKeyRecord(name: "bob", hashedKey: "h3", maskedKey: "sk-3***", userID: bob.id))
        try expectEqual(try await storage.apiKey(hashedKey: "h1"), first, "apiKey(hashedKey:)")
        try expectEqual(try await storage.apiKey(hashedKey: "nope"), nil, "an unknown hash")
        try expectEqual(try await storage.apiKey(id: second.id), second, "apiKey(id:)")
        try expectEqual(try await storage.apiKeys(userID: alice.id), [first, second], "a user's keys in creation order")
        try expectEqual(try await storage.apiKeys(userID: bob.id), [bobs], "another user's keys")
        try await expectError(.duplicate(field: "hashed_key"), "a hash already stored, even for another user") {
            try await storage.createAPIKey(APIKeyRecord(name: "x", hashedKey: "h1", maskedKey: "x", userID: bob.id))
        }
        try await expectError(.notFound, "a key of an unknown user") {
            try await storage.createAPIKey(APIKeyRecord(name: "x", hashedKey: "h9", maskedKey: "x", userID: UUID()))
        }

        _ = try await storage.recordAPIKeyUse(id: first.id, at: time(10))
        let used = try await storage.recordAPIKeyUse(id: first.id, at: time(11.5), count: 3)
        var expected = first
        expected.totalUses = 4
        expected.lastUsedAt = time(11.5)
        try expectEqual(used, expected, "recordAPIKeyUse counts (a batch of uses too) and stamps")
        try expectEqual(try await storage.apiKey(hashedKey: "h1"), expected, "the use is stored")
        try await expectError(.notFound, "a use of an unknown key") { try await storage.recordAPIKeyUse(id: UUID(), at: Date()) }

        try await storage.deleteAPIKey(id: first.id)
        try expectEqual(try await storage.apiKey(hashedKey: "h1"), nil, "a deleted key no longer authenticates")
        try await expectError(.notFound, "deleting it again") { try await storage.deleteAPIKey(id: first.id) }
    }

    private func variables(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let bob = try await storage.createUser(UserRecord(username: "bob", passwordHash: "b"))
        let greeting = try await storage.createVariable(VariableRecord(name: "GREETING", value: "hi", userID: alice.id, createdAt: time(1)))
        let secret = try await storage.createVariable(
            VariableRecord(name: "OPENAI_API_KEY", value: "ciphertext==", type: VariableRecord.credential, defaultFields: ["api_key", "openai_api_key"], userID: alice.id)
        )
        let empty = try await storage.createVariable(VariableRecord(name: "EMPTY", value: nil, userID: alice.id))
        let bobs = try await storage.createVariable(VariableRecord(name: "GREETING", value: "hello", userID: bob.id))
        try expectEqual(try await storage.variable(id: secret.id), secret, "variable(id:)")
        try expectEqual(try await storage.variable(name: "GREETING", userID: alice.id), greeting, "variable(name:userID:)")
        try expectEqual(try await storage.variable(name: "GREETING", userID: bob.id), bobs, "the same name for another user")
        try expectEqual(try await storage.variable(name: "MISSING", userID: alice.id), nil, "an unknown name")
        try expectEqual(try await storage.variables(userID: alice.id), [empty, greeting, secret], "a user's variables by name")
        try await expectError(.duplicate(field: "name"), "a name the user already uses") {
            try await storage.createVariable(VariableRecord(name: "GREETING", value: "x", userID: alice.id))
        }
        try await expectError(.notFound, "a variable of an unknown user") {
            try await storage.createVariable(VariableRecord(name: "X", value: "x", userID: UUID()))
        }

        var edited = greeting
        edited.value = "bonjour"
        edited.defaultFields = ["template"]
        edited.updatedAt = time(4)
        try expectEqual(try await storage.updateVariable(edited), edited, "updateVariable returns the variable")
        try expectEqual(try await storage.variable(id: greeting.id), edited, "an updated variable reads back")
        var clash = edited
        clash.name = "EMPTY"
        try await expectError(.duplicate(field: "name"), "renaming onto a used name") { try await storage.updateVariable(clash) }
        try await expectError(.notFound, "updating an unknown variable") {
            try await storage.updateVariable(VariableRecord(name: "X", value: nil, userID: alice.id))
        }
        try await storage.deleteVariable(id: greeting.id)
        try expectEqual(try await storage.variable(name: "GREETING", userID: alice.id), nil, "a deleted variable is gone")
        try await expectError(.notFound, "deleting it again") { try await storage.deleteVariable(id: greeting.id) }
        _ = try await storage.createVariable(VariableRecord(name: "GREETING", value: "again", userID: alice.id))
    }

    // MARK: - Run records

    private func messages(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let bob = try await storage.createUser(UserRecord(username: "bob", passwordHash: "b"))
        let flow = try await storage.createFlow(FlowRecord(name: "chat", userID: alice.id))
        let otherFlow = try await storage.createFlow(FlowRecord(name: "other", userID: alice.id))
        let bobsFlow = try await storage.createFlow(FlowRecord(name: "bob's", userID: bob.id))
        let question = MessageRecord(
            flowID: flow.id, sessionID: "s1", contextID: "ctx", sender: "User", senderName: "User", text: "hi ✨ \"there\"",
            files: ["a.png", "b/c.txt"], timestamp: time(1), properties: #"{"source":{"id":"ChatInput-1"},"state":"complete"}"#,
            category: "message", contentBlocks: #"[{"title":"t","contents":[]}]"#, error: false, edit: false
        )
        let answer = message(flow, "s1", sender: "Machine", text: "hello", at: 2)
        let same1 = message(flow, "s1", sender: "Machine", text: "same time, first", at: 3)
        let same2 = message(flow, "s1", sender: "User", text: "same time, second", at: 3)
        let otherSession = message(flow, "s2", text: "other session", at: 1.5)
        let otherFlowMessage = message(otherFlow, "s1", text: "other flow", at: 4)
        let bobs = message(bobsFlow, "s3", text: "bob's", at: 0.5)
        try await storage.recordRun(messages: [question, answer, same1])
        try await storage.recordRun(messages: [same2, otherSession, otherFlowMessage, bobs])

        func check(_ query: MessageQuery, _ expected: [MessageRecord], _ label: String) async throws {
            try expectEqual(try await storage.messages(query), expected.map { $0.normalized() }, label)
        }
        try expectEqual(try await storage.message(id: question.id), question, "every message field reads back")
        try expectEqual(try await storage.message(id: UUID()), nil, "an unknown message")
        try await check(MessageQuery(flowID: flow.id), [question, otherSession, answer, same1, same2], "a flow's messages, oldest first, ties in recording order")
        try await check(MessageQuery(flowID: flow.id, order: .newestFirst), [same2, same1, answer, otherSession, question], "newest first")
        try await check(MessageQuery(flowID: flow.id, sessionID: "s1"), [question, answer, same1, same2], "one session")
        try await check(MessageQuery(flowID: flow.id, sender: "Machine"), [answer, same1], "one sender")
        try await check(MessageQuery(senderName: "User", ownedBy: alice.id), [question, otherSession, same2, otherFlowMessage], "one sender name")
        try await check(MessageQuery(flowID: flow.id, pagination: Pagination(offset: 1, limit: 2)), [otherSession, answer], "a window")
        try await check(MessageQuery(sessionID: "s1", order: .newestFirst, pagination: Pagination(limit: 2)), [otherFlowMessage, same2], "the last two of a session")
        try await check(MessageQuery(ownedBy: alice.id), [question, otherSession, answer, same1, same2, otherFlowMessage], "a user's messages across flows")
        try await check(MessageQuery(flowID: flow.id, ownedBy: bob.id), [], "another user's flow shows nothing")
        try await check(MessageQuery(), [bobs, question, otherSession, answer, same1, same2, otherFlowMessage], "everything (superuser)")
        try await expectInvalid("a negative offset") { _ = try await storage.messages(MessageQuery(pagination: Pagination(offset: -1, limit: 1))) }

        try expectEqual(try await storage.messageSessions(flowID: flow.id, ownedBy: nil), ["s1", "s2"], "a flow's sessions")
        try expectEqual(try await storage.messageSessions(flowID: nil, ownedBy: alice.id), ["s1", "s2"], "a user's sessions")
        try expectEqual(try await storage.messageSessions(flowID: nil, ownedBy: nil), ["s1", "s2", "s3"], "all sessions")
        try expectEqual(try await storage.messageSessions(flowID: bobsFlow.id, ownedBy: alice.id), [], "another user's flow has no sessions for you")

        var edited = answer.normalized()
        edited.text = "hello, edited"
        edited.edit = true
        try expectEqual(try await storage.updateMessage(edited), edited, "updateMessage returns the message")
        try expectEqual(try await storage.message(id: answer.id), edited, "an edited message reads back")
        try await check(MessageQuery(flowID: flow.id, sessionID: "s1"), [question, edited, same1, same2], "an edit keeps the message's place")
        try await expectError(.notFound, "updating an unknown message") { try await storage.updateMessage(message(flow, "s1", at: 0)) }

        try expectEqual(try await storage.renameMessageSession(from: "s1", to: "renamed", ownedBy: bob.id), 0, "renaming another user's session")
        try expectEqual(try await storage.renameMessageSession(from: "s1", to: "renamed", ownedBy: alice.id), 5, "renaming a session across the user's flows")
        try expectEqual(try await storage.messageSessions(flowID: nil, ownedBy: nil), ["renamed", "s2", "s3"], "the session is renamed")

        try expectEqual(try await storage.deleteMessages(ids: [question.id, bobs.id, UUID()], ownedBy: alice.id), 1, "deleting by id keeps to the owner")
        try expectEqual(try await storage.message(id: bobs.id)?.text, "bob's", "another user's message stays")
        try expectEqual(try await storage.deleteMessages(sessionID: "renamed", flowID: otherFlow.id, ownedBy: nil), 1, "deleting a session of one flow")
        try expectEqual(try await storage.deleteMessages(sessionID: "renamed", flowID: nil, ownedBy: bob.id), 0, "deleting another user's session")
        try expectEqual(try await storage.deleteMessages(sessionID: "renamed", flowID: nil, ownedBy: alice.id), 3, "deleting a session")
        try await check(MessageQuery(ownedBy: alice.id), [otherSession], "what is left")
    }

    private func recordRunIsAllOrNothing(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let flow = try await storage.createFlow(FlowRecord(name: "f", userID: alice.id))
        let first = message(flow, "s", at: 1)
        try await storage.recordRun(messages: [first], transactions: [], vertexBuilds: [])
        try await storage.recordRun(messages: [], transactions: [], vertexBuilds: [])
        func expectUnchanged(_ label: String) async throws {
            try expectEqual(try await storage.messages(MessageQuery(flowID: flow.id)), [first.normalized()], "no message written \(label)")
            try expectEqual(try await storage.transactions(flowID: flow.id, pagination: nil).total, 0, "no transaction written \(label)")
            try expectEqual(try await storage.vertexBuilds(flowID: flow.id), [], "no vertex build written \(label)")
        }

        let builds = [build(flow), build(flow), build(flow)]
        try await expectError(.duplicate(field: "id"), "a duplicate id at the end of a batch") {
            try await storage.recordRun(
                messages: [message(flow, "s", at: 2), message(flow, "s", at: 3)],
                transactions: [transaction(flow), transaction(flow), transaction(flow)],
                vertexBuilds: builds + [builds[0]]
            )
        }
        try await expectUnchanged("after a duplicate id in the batch")
        try await expectError(.duplicate(field: "id"), "an id already stored") {
            try await storage.recordRun(messages: [message(flow, "s", at: 2), first], transactions: [transaction(flow)], vertexBuilds: [])
        }
        try await expectUnchanged("after an id already stored")
        let unknownFlow = FlowRecord(name: "never saved", userID: alice.id)
        try await expectError(.notFound, "a record of an unknown flow") {
            try await storage.recordRun(messages: [message(flow, "s", at: 2)], transactions: [transaction(flow), transaction(unknownFlow)], vertexBuilds: [build(flow)])
        }
        try await expectUnchanged("after a record of an unknown flow")

    }

    private func transactionsAndVertexBuilds(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let flow = try await storage.createFlow(FlowRecord(name: "f", userID: alice.id))
        let other = try await storage.createFlow(FlowRecord(name: "other", userID: alice.id))
        let runID = UUID()
        let full = TransactionRecord(
            flowID: flow.id, vertexID: "Prompt-1", targetID: "ChatOutput-1", inputs: #"{"template":"{x}"}"#, outputs: #"{"prompt":"hi"}"#,
            status: "error", error: "boom", timestamp: time(3), runID: runID
        )
        let transactions = [transaction(flow, at: 1), transaction(flow, at: 2), full, transaction(flow, at: 3), transaction(flow, at: 5)]
        try await storage.recordRun(messages: [], transactions: Array(transactions[2...]) + [transaction(other, at: 1)], vertexBuilds: [])
        try await storage.recordRun(messages: [], transactions: Array(transactions[..<2]), vertexBuilds: [])
        let expected = transactions.map { $0.normalized() }
        try expectEqual(try await storage.transactions(flowID: flow.id, pagination: nil), RecordPage(items: expected, total: 5), "a flow's transactions, oldest first")
        try expectEqual(
            try await storage.transactions(flowID: flow.id, pagination: .page(2, size: 2)),
            RecordPage(items: Array(expected[2..<4]), total: 5),
            "page 2 of size 2, ties in recording order"
        )
        try expectEqual(try await storage.transactions(flowID: UUID(), pagination: nil), RecordPage(items: [], total: 0), "an unknown flow has none")
        try await expectInvalid("a negative limit") { _ = try await storage.transactions(flowID: flow.id, pagination: Pagination(limit: -1)) }

        let fullBuild = VertexBuildRecord(
            flowID: flow.id, vertexID: "ChatInput-1", data: #"{"results":{}}"#, artifacts: #"{"message":"hi"}"#, params: "- Files: []",
            valid: true, timestamp: time(2), runID: runID
        )
        let builds = [build(flow, at: 1), fullBuild, build(flow, valid: false, at: 4)]
        try await storage.recordRun(messages: [], transactions: [], vertexBuilds: [builds[2], builds[0], builds[1], build(other, at: 1)])
        try expectEqual(try await storage.vertexBuilds(flowID: flow.id), builds.map { $0.normalized() }, "a flow's vertex builds, oldest first")
        try expectEqual(try await storage.deleteVertexBuilds(flowID: flow.id), 3, "deleteVertexBuilds")
        try expectEqual(try await storage.vertexBuilds(flowID: flow.id), [], "none left")
        try expectEqual(try await storage.vertexBuilds(flowID: other.id).count, 1, "other flows keep theirs")
    }

    private func runRecordRetention(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let flow = try await storage.createFlow(FlowRecord(name: "f", userID: alice.id))
        let other = try await storage.createFlow(FlowRecord(name: "other", userID: alice.id))
        let kept = message(flow, "s", at: 1)
        // Written out of order, with a tie at 4 s that the writing order breaks.
        let transactions = [transaction(flow, at: 5), transaction(flow, at: 1), transaction(flow, at: 4), transaction(flow, at: 4), transaction(flow, at: 2)]
        func build(_ flow: FlowRecord, _ vertex: String, at seconds: Double) -> VertexBuildRecord {
            VertexBuildRecord(flowID: flow.id, vertexID: vertex, data: "{}", artifacts: "{}", valid: true, timestamp: time(seconds))
        }
        let builds = [build(flow, "A", at: 1), build(flow, "A", at: 2), build(flow, "A", at: 3), build(flow, "B", at: 4), build(flow, "B", at: 5), build(flow, "C", at: 6)]
        try await storage.recordRun(
            messages: [kept], transactions: transactions + (1...3).map { transaction(other, at: Double($0)) },
            vertexBuilds: builds + [build(other, "A", at: 1), build(other, "A", at: 2)])

        try await expectInvalid("a negative count") {
            _ = try await storage.pruneRunRecords(flowIDs: nil, keeping: RunRecordRetention(transactionsPerFlow: -1))
        }
        try expectEqual(try await storage.pruneRunRecords(flowIDs: [flow.id], keeping: RunRecordRetention()), 0, "nothing beyond Langflow's defaults")
        let retention = RunRecordRetention(transactionsPerFlow: 2, vertexBuildsPerFlow: 4, vertexBuildsPerVertex: 2)
        // Flow: 3 transactions; the builds of A at 1 s (the 3rd of A) and at 2 s (the 5th of the flow).
        try expectEqual(try await storage.pruneRunRecords(flowIDs: [flow.id], keeping: retention), 5, "the oldest beyond the limits")
        try expectEqual(
            try await storage.transactions(flowID: flow.id, pagination: nil).items.map(\.id), [transactions[3], transactions[0]].map(\.id),
            "the newest two, of a tie the later written")
        try expectEqual(try await storage.vertexBuilds(flowID: flow.id).map(\.id), [builds[2], builds[3], builds[4], builds[5]].map(\.id), "the newest builds, two per vertex at most")
        try expectEqual(try await storage.transactions(flowID: other.id, pagination: nil).total, 3, "other flows are pruned only when named")
        try expectEqual(try await storage.messages(MessageQuery(flowID: flow.id)), [kept.normalized()], "messages are never pruned")

        try expectEqual(try await storage.pruneRunRecords(flowIDs: nil, keeping: RunRecordRetention(transactionsPerFlow: 1, vertexBuildsPerFlow: 0)), 1 + 2 + 4 + 2, "every flow")
        try expectEqual(try await storage.transactions(flowID: other.id, pagination: nil).items.map(\.timestamp), [time(3)], "the newest one")
        try expectEqual(try await storage.transactions(flowID: flow.id, pagination: nil).items.map(\.id), [transactions[0].id], "the newest one")
        try expectEqual(try await storage.vertexBuilds(flowID: other.id), [], "no builds kept")
    }

    // MARK: - Files

    private func files(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let bob = try await storage.createUser(UserRecord(username: "bob", passwordHash: "b"))
        let later = try await storage.createFile(FileRecord(userID: alice.id, name: "b.pdf", path: "alice/b.pdf", size: 5_000_000_000, createdAt: time(2)))
        let earlier = try await storage.createFile(FileRecord(userID: alice.id, name: "a.txt", path: "alice/a.txt", size: 0, createdAt: time(1)))
        let bobs = try await storage.createFile(FileRecord(userID: bob.id, name: "a.txt", path: "bob/a.txt", size: 1))
        try expectEqual(try await storage.file(id: later.id), later, "file(id:)")
        try expectEqual(try await storage.file(id: UUID()), nil, "an unknown file")
        try expectEqual(try await storage.files(userID: alice.id), [earlier, later], "a user's files in creation order")
        try expectEqual(try await storage.files(userID: bob.id), [bobs], "another user's files")
        try await expectError(.duplicate(field: "id"), "a taken file id") {
            try await storage.createFile(FileRecord(id: later.id, userID: alice.id, name: "x", path: "x", size: 1))
        }
        try await expectError(.notFound, "a file of an unknown user") { try await storage.createFile(FileRecord(userID: UUID(), name: "x", path: "x", size: 1)) }
        var renamed = later
        renamed.name = "renamed.pdf"
        renamed.updatedAt = time(9)
        try expectEqual(try await storage.updateFile(renamed), renamed, "updateFile returns the file")
        try expectEqual(try await storage.file(id: later.id), renamed, "an updated file reads back")
        try await expectError(.notFound, "updating an unknown file") { try await storage.updateFile(FileRecord(userID: alice.id, name: "x", path: "x", size: 1)) }
        try await storage.deleteFile(id: later.id)
        try expectEqual(try await storage.files(userID: alice.id), [earlier], "a deleted file is gone")
        try await expectError(.notFound, "deleting it again") { try await storage.deleteFile(id: later.id) }
    }

    // MARK: - Cross-cutting

    private func timestamps(_ storage: any StorageDriver) async throws {
        for date in [Date(), Date(timeIntervalSince1970: 1_234_567_890.123_456_7), Date(timeIntervalSince1970: -86_400.5), Date(timeIntervalSince1970: 4_102_444_800.25)] {
            let user = try await storage.createUser(UserRecord(username: "u\(date.timeIntervalSince1970)", passwordHash: "h", createdAt: date, lastLoginAt: date))
            try expect(abs(user.createdAt.timeIntervalSince(date)) <= 0.000_001, "createUser keeps \(date) to the microsecond (got \(user.createdAt))")
            try expectEqual(try await storage.user(id: user.id), user, "a date read back equals the one createUser returned")
        }
        let user = try await storage.createUser(UserRecord(username: "now", passwordHash: "h"))
        let flow = try await storage.createFlow(FlowRecord(name: "f", userID: user.id))
        let now = Date()
        try await storage.recordRun(messages: [message(flow, "s", at: 0)].map { message in
            var message = message
            message.timestamp = now
            return message
        })
        try expectEqual(try await storage.messages(MessageQuery(flowID: flow.id)).first?.timestamp, StorageTimestamp.normalized(now), "run records keep microseconds")
    }

    private func concurrentRuns(_ storage: any StorageDriver) async throws {
        let alice = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        let flow = try await storage.createFlow(FlowRecord(name: "f", userID: alice.id))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for run in 0..<16 {
                group.addTask {
                    try await storage.recordRun(
                        messages: [message(flow, "s\(run)", at: 1), message(flow, "s\(run)", at: 2)],
                        transactions: [transaction(flow), transaction(flow), transaction(flow)],
                        vertexBuilds: [build(flow), build(flow), build(flow)]
                    )
                }
                group.addTask { _ = try await storage.messages(MessageQuery(flowID: flow.id, sessionID: "s\(run)")) }
            }
            try await group.waitForAll()
        }
        try expectEqual(try await storage.messages(MessageQuery(flowID: flow.id)).count, 32, "every concurrent run's messages")
        try expectEqual(try await storage.transactions(flowID: flow.id, pagination: Pagination(limit: 0)).total, 48, "every concurrent run's transactions")
        try expectEqual(try await storage.vertexBuilds(flowID: flow.id).count, 48, "every concurrent run's vertex builds")
        try expectEqual(try await storage.messageSessions(flowID: flow.id, ownedBy: nil).count, 16, "one session per run")
    }

    private func closing(_ storage: any StorageDriver) async throws {
        let user = try await storage.createUser(UserRecord(username: "alice", passwordHash: "a"))
        try await storage.close()
        try await storage.close()
        try await expectBackendError("a read after close") { _ = try await storage.user(id: user.id) }
        try await expectBackendError("a write after close") { try await storage.createUser(UserRecord(username: "bob", passwordHash: "b")) }
        try await expectBackendError("a run record after close") { try await storage.recordRun(messages: [], transactions: [], vertexBuilds: []) }
    }

    private func persistence(_ storage: any StorageDriver) async throws {
        guard let reopen else { return }
        let alice = try await storage.createUser(
            UserRecord(username: "alice", passwordHash: "pbkdf2$600000$salt$hash", isActive: true, isSuperuser: true, profileImage: "p.svg", createdAt: Date(), lastLoginAt: Date())
        )
        let folder = try await storage.createFolder(FolderRecord(name: "Starter Project", description: "d", userID: alice.id))
        let sub = try await storage.createFolder(FolderRecord(name: "Sub", parentID: folder.id, userID: alice.id))
        let examples = try await storage.createFolder(FolderRecord(name: "Starter Projects", userID: nil))
        var flow = try await storage.createFlow(
            FlowRecord(
                name: "Echo", description: "echo", icon: "Bot", iconBgColor: "#000", gradient: "1", data: #"{"nodes":[],"edges":[]}"#,
                webhook: true, endpointName: "echo", tags: ["a"], mcpEnabled: true, actionName: "echo", actionDescription: "echoes",
                userID: alice.id, folderID: sub.id, lastModifiedBy: alice.id
            )
        )
        flow.data = #"{"nodes":[{"id":"x"}],"edges":[]}"#
        flow = try await storage.updateFlow(flow, expectedVersionToken: flow.versionToken)
        let example = try await storage.createFlow(FlowRecord(name: "Example", data: "{}", isComponent: true, userID: nil, folderID: examples.id))
        var key = try await storage.createAPIKey(APIKeyRecord(name: "k", hashedKey: "h", maskedKey: "sk-***", userID: alice.id, expiresAt: Date()))
        key = try await storage.recordAPIKeyUse(id: key.id, at: Date())
        let variable = try await storage.createVariable(VariableRecord(name: "KEY", value: "cipher", type: VariableRecord.credential, defaultFields: ["api_key"], userID: alice.id))
        let file = try await storage.createFile(FileRecord(userID: alice.id, name: "f", path: "u/f", size: 42))
        let messages = [message(flow, "s", text: "question", at: 1), message(flow, "s", sender: "Machine", text: "answer", at: 2)]
        let transactions = [transaction(flow, at: 1), transaction(flow, at: 2)]
        let builds = [build(flow, at: 1)]
        try await storage.recordRun(messages: messages, transactions: transactions, vertexBuilds: builds)

        let reopened = try await reopen(storage)
        do {
            try expectEqual(try await reopened.user(username: "alice"), alice, "the user persists")
            try expectEqual(try await reopened.folders(userID: alice.id), [folder, sub], "the folders persist")
            try expectEqual(try await reopened.folders(userID: nil), [examples], "the ownerless folder persists")
            try expectEqual(try await reopened.flow(endpointName: "echo", userID: alice.id), flow, "the flow persists, version token included")
            try expectEqual(try await reopened.flow(id: example.id), example, "the example flow persists")
            try expectEqual(try await reopened.apiKey(hashedKey: "h"), key, "the API key persists with its use")
            try expectEqual(try await reopened.variable(name: "KEY", userID: alice.id), variable, "the variable persists")
            try expectEqual(try await reopened.file(id: file.id), file, "the file record persists")
            try expectEqual(try await reopened.messages(MessageQuery(flowID: flow.id)), messages.map { $0.normalized() }, "the messages persist")
            try expectEqual(
                try await reopened.transactions(flowID: flow.id, pagination: nil),
                RecordPage(items: transactions.map { $0.normalized() }, total: 2),
                "the transactions persist"
            )
            try expectEqual(try await reopened.vertexBuilds(flowID: flow.id), builds.map { $0.normalized() }, "the vertex builds persist")
            try await expectError(.duplicate(field: "username"), "uniqueness survives reopening") {
                try await reopened.createUser(UserRecord(username: "alice", passwordHash: "x"))
            }
            try await reopened.deleteUser(id: alice.id)
            try expectEqual(try await reopened.messages(MessageQuery()), [], "cascades survive reopening")
            try await reopened.close()
        } catch {
            try? await reopened.close()
            throw error
        }
    }

    // MARK: - Fixtures

    /// A fixed instant `seconds` after a base date (exact at storage precision for multiples of 0.5).
    private func time(_ seconds: Double) -> Date {
        Date(timeIntervalSince1970: 1_750_000_000 + seconds)
    }

    private func message(_ flow: FlowRecord, _ session: String, sender: String = "User", text: String = "text", at seconds: Double = 0) -> MessageRecord {
        MessageRecord(flowID: flow.id, sessionID: session, sender: sender, senderName: sender, text: text, timestamp: time(seconds))
    }

    private func transaction(_ flow: FlowRecord, at seconds: Double = 0) -> TransactionRecord {
        TransactionRecord(flowID: flow.id, vertexID: "ChatInput-1", inputs: "{}", outputs: "{}", status: "success", timestamp: time(seconds))
    }

    private func build(_ flow: FlowRecord, valid: Bool = true, at seconds: Double = 0) -> VertexBuildRecord {
        VertexBuildRecord(flowID: flow.id, vertexID: "ChatInput-1", data: "{}", artifacts: "{}", valid: valid, timestamp: time(seconds))
    }

    // MARK: - Checks

    private func expect(_ condition: Bool, _ label: @autoclosure () -> String, line: UInt = #line) throws {
        if !condition { throw Failure(description: "StorageDriverConformance.swift:\(line): \(label())") }
    }

    private func expectEqual<Value: Equatable>(_ actual: Value, _ expected: Value, _ label: @autoclosure () -> String, line: UInt = #line) throws {
        if actual != expected {
            throw Failure(description: "StorageDriverConformance.swift:\(line): \(label())\n  expected: \(expected)\n  actual:   \(actual)")
        }
    }

    private func expectError<Result>(_ expected: StorageError, _ label: String, line: UInt = #line, _ body: () async throws -> Result) async throws {
        do {
            _ = try await body()
        } catch let error as StorageError {
            try expectEqual(error, expected, "\(label): the error", line: line)
            return
        } catch {
            throw Failure(description: "StorageDriverConformance.swift:\(line): \(label): expected \(expected), got a \(type(of: error)): \(error)")
        }
        throw Failure(description: "StorageDriverConformance.swift:\(line): \(label): expected \(expected), nothing was thrown")
    }

    private func expectInvalid(_ label: String, line: UInt = #line, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch StorageError.invalid {
            return
        } catch {
            throw Failure(description: "StorageDriverConformance.swift:\(line): \(label): expected StorageError.invalid, got \(error)")
        }
        throw Failure(description: "StorageDriverConformance.swift:\(line): \(label): expected StorageError.invalid, nothing was thrown")
    }

    private func expectBackendError(_ label: String, line: UInt = #line, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch StorageError.backend {
            return
        } catch {
            throw Failure(description: "StorageDriverConformance.swift:\(line): \(label): expected StorageError.backend, got \(error)")
        }
        throw Failure(description: "StorageDriverConformance.swift:\(line): \(label): expected StorageError.backend, nothing was thrown")
    }
}
