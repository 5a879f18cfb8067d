import Foundation
import LangBuilderStorage
import LangBuilderTesting
import Testing

@testable import LangBuilderStorageSQLite

@Suite struct SQLiteStorageDriverTests {
    @Test(arguments: StorageDriverConformance.Case.allCases)
    func conformance(_ testCase: StorageDriverConformance.Case) async throws {
        let directory = try BundleFixtures.temporaryDirectory("sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let suite = StorageDriverConformance(
            makeDriver: { try SQLiteStorageDriver(path: directory.appendingPathComponent("\(UUID()).sqlite").path) },
            reopen: { storage in
                let path = try #require(storage as? SQLiteStorageDriver).path
                try await storage.close()
                return try SQLiteStorageDriver(path: path)
            }
        )
        try await suite.run(testCase)
    }

    /// Flows read by id or endpoint name are cached; every way a flow can change or go is seen at once,
    /// cascades included, while run records leave the cache alone.
    @Test func idsAreStoredAsFoundationsLowercaseText() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(id.sql == id.uuidString.lowercased())
        }
    }

    @Test func cachedFlowsFollowEveryWrite() async throws {
        let directory = try BundleFixtures.temporaryDirectory("sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SQLiteStorageDriver(path: directory.appendingPathComponent("langbuilder.db").path)
        let user = try await storage.createUser(UserRecord(username: "ada", passwordHash: "x", isActive: true))
        let folder = try await storage.createFolder(FolderRecord(name: "Work", userID: user.id))
        var flow = try await storage.createFlow(FlowRecord(name: "Echo", data: #"{"nodes":[],"edges":[]}"#, endpointName: "echo", userID: user.id, folderID: folder.id))
        #expect(try await storage.flow(id: flow.id)?.name == "Echo")
        #expect(try await storage.flow(endpointName: "echo", userID: user.id)?.id == flow.id)

        try await storage.recordRun(messages: [], transactions: [], vertexBuilds: [])
        flow.name = "Renamed"
        flow.endpointName = "renamed"
        _ = try await storage.updateFlow(flow, expectedVersionToken: nil)
        #expect(try await storage.flow(id: flow.id)?.name == "Renamed")
        #expect(try await storage.flow(endpointName: "echo", userID: user.id) == nil)
        #expect(try await storage.flow(endpointName: "renamed", userID: user.id)?.id == flow.id)

        try await storage.testOnly_execute("UPDATE flow SET name = 'Behind the driver' WHERE id = '\(flow.id.uuidString.lowercased())'")
        #expect(try await storage.flow(id: flow.id)?.name == "Behind the driver")

        try await storage.deleteFolder(id: folder.id)
        #expect(try await storage.flow(id: flow.id) == nil, "the folder's deletion cascaded to its flow")
        #expect(try await storage.flow(endpointName: "renamed", userID: user.id) == nil)

        // A miss is remembered too (a run of an unknown flow answers without a read), until the next write.
        let unknown = UUID()
        #expect(try await storage.flow(id: unknown) == nil)
        #expect(try await storage.flow(endpointName: "later", userID: user.id) == nil)
        #expect(try await storage.flow(id: unknown) == nil)
        let later = try await storage.createFlow(FlowRecord(id: unknown, name: "Later", endpointName: "later", userID: user.id))
        #expect(try await storage.flow(id: unknown)?.name == "Later", "a flow created after a miss is found")
        #expect(try await storage.flow(endpointName: "later", userID: user.id)?.id == later.id)
        #expect(try await storage.deleteFlows(ids: [later.id], ownedBy: nil) == 1)
        #expect(try await storage.flow(id: unknown) == nil, "a deleted flow is not served from the cache")

        let second = try await storage.createFlow(FlowRecord(name: "Two", userID: user.id))
        #expect(try await storage.flow(id: second.id)?.name == "Two")
        try await storage.deleteUser(id: user.id)
        #expect(try await storage.flow(id: second.id) == nil, "the user's deletion cascaded to the flow")
        try await storage.close()
    }

    @Test func opensWithWALAndForeignKeysAndRecordsItsMigrations() async throws {
        let directory = try BundleFixtures.temporaryDirectory("sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/folder/langbuilder.db").path
        let storage = try SQLiteStorageDriver(path: path)
        #expect(try await storage.testOnly_strings("PRAGMA journal_mode") == ["wal"])
        #expect(try await storage.testOnly_strings("PRAGMA foreign_keys") == ["1"])
        #expect(try await storage.testOnly_strings("PRAGMA synchronous") == ["1"], "NORMAL")
        #expect(try await storage.appliedMigrations() == Migrations.sqlite.map(\.name))
        let tables = try await storage.testOnly_strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        #expect(tables == ["api_key", "file", "flow", "folder", "grdb_migrations", "message", "transaction", "user", "variable", "vertex_build"])
        try await storage.close()

        let reopened = try SQLiteStorageDriver(path: path)
        #expect(try await reopened.appliedMigrations() == Migrations.sqlite.map(\.name), "reopening applies nothing twice")
        try await reopened.close()
    }

    @Test func refusesADatabaseFromANewerVersion() async throws {
        let directory = try BundleFixtures.temporaryDirectory("sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("langbuilder.db").path
        let storage = try SQLiteStorageDriver(path: path)
        try await storage.testOnly_execute("INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')")
        try await storage.close()
        #expect {
            _ = try SQLiteStorageDriver(path: path)
        } throws: { error in
            guard case StorageError.backend(let reason) = error else { return false }
            return reason.contains("newer LangBuilder")
        }
    }

    @Test func refusesAFileThatIsNotADatabase() throws {
        let directory = try BundleFixtures.temporaryDirectory("sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("garbage.db").path
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteStorageDriver(path: path)
        } throws: { error in
            guard case StorageError.backend = error else { return false }
            return true
        }
    }

    @Test func indexesServeTheRunPathQueries() async throws {
        let directory = try BundleFixtures.temporaryDirectory("sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SQLiteStorageDriver(path: directory.appendingPathComponent("langbuilder.db").path)
        let plans = [
            ("SELECT * FROM message WHERE flow_id = 'f' AND session_id = 's' ORDER BY timestamp", "index_message_on_flow_id_session_id_timestamp"),
            (#"SELECT * FROM "transaction" WHERE flow_id = 'f' ORDER BY timestamp"#, "index_transaction_on_flow_id_timestamp"),
            ("SELECT * FROM vertex_build WHERE flow_id = 'f' ORDER BY timestamp", "index_vertex_build_on_flow_id_timestamp"),
            ("SELECT * FROM api_key WHERE hashed_key = 'h'", "sqlite_autoindex_api_key_2"),
            ("SELECT * FROM flow WHERE user_id = 'u' AND endpoint_name = 'e'", "index_flow_on_user_id_endpoint_name"),
            ("SELECT * FROM variable WHERE user_id = 'u' AND name = 'n'", "index_variable_on_user_id_name"),
        ]
        for (query, index) in plans {
            let plan = try await storage.testOnly_strings("EXPLAIN QUERY PLAN \(query)", column: 3).joined(separator: "; ")
            #expect(plan.contains(index), "\(query): \(plan)")
        }
        try await storage.close()
    }

    /// There is no index by session alone (migration 0010 dropped it: every run writes messages): a query by
    /// session without a flow, the superuser's or a user's, must still seek the message index flow by flow.
    @Test func sessionQueriesWithoutAFlowSeekTheMessageIndex() async throws {
        let directory = try BundleFixtures.temporaryDirectory("sqlite")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SQLiteStorageDriver(path: directory.appendingPathComponent("langbuilder.db").path)
        for owner in [nil, UUID()] {
            var filter = MessageFilter(flowID: nil, ownedBy: owner)
            filter.add(sessionID: "s")
            let clause = filter.sql.replacingOccurrences(of: "?", with: "'x'")
            for statement in ["SELECT * FROM message", "DELETE FROM message", "UPDATE message SET session_id = 't'"] {
                let plan = try await storage.testOnly_strings("EXPLAIN QUERY PLAN \(statement) \(clause)", column: 3).joined(separator: "; ")
                #expect(plan.contains("SEARCH message USING ") && plan.contains("INDEX index_message_on_flow_id_session_id_timestamp (flow_id=? AND session_id=?)"), "\(statement), owner \(owner as Any): \(plan)")
            }
        }
        let indexes = try await storage.testOnly_strings("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'message'")
        #expect(indexes.sorted() == ["index_message_on_flow_id_session_id_timestamp", "sqlite_autoindex_message_1"])
        try await storage.close()
    }
}
