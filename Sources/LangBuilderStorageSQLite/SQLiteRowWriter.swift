import Foundation
import GRDB
import GRDBSQLite

/// Writes many rows through one prepared statement, binding each column straight onto SQLite's statement
/// handle.
///
/// The run path writes four rows per run, thousands of runs a second; going through `StatementArguments`
/// (an array of `DatabaseValue`s per row, and a statement-cache lookup that hashes the SQL per row) cost as
/// much as SQLite's own work. The statement comes from GRDB's cache, inside GRDB's write transaction, and
/// is left reset with its bindings cleared, as GRDB expects to find it.
struct SQLiteRowWriter {
    private let db: Database
    private let handle: OpaquePointer
    private let sql: String
    private var index: Int32 = 1

    init(_ db: Database, sql: String) throws {
        self.db = db
        self.sql = sql
        handle = try db.cachedStatement(sql: sql).sqliteStatement
    }

    /// Inserts `records` through one statement.
    static func insert<Record: SQLiteInsertable>(_ records: [Record], into db: Database) throws {
        guard !records.isEmpty else { return }
        var rows = try SQLiteRowWriter(db, sql: Record.statements.insert)
        for record in records { try rows.insert(record.bind) }
    }

    /// Inserts one row: `bind` binds every column, in order.
    mutating func insert(_ bind: (inout SQLiteRowWriter) -> Void) throws {
        index = 1
        bind(&self)
        let code = sqlite3_step(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        guard code == SQLITE_DONE else {
            let message = db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
            let extended = db.sqliteConnection.map { sqlite3_extended_errcode($0) } ?? code
            throw DatabaseError(resultCode: ResultCode(rawValue: extended), message: message, sql: sql)
        }
    }

    mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            if let start = bytes.baseAddress, !bytes.isEmpty {
                _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), Int32(bytes.count), SQLITE_TRANSIENT)
            } else {
                _ = sqlite3_bind_text(handle, index, "", 0, nil)
            }
        }
        index += 1
    }

    mutating func text(_ value: String?) {
        guard let value else { return null() }
        text(value)
    }

    /// The storage form of a UUID (lowercase text, as ``Foundation/UUID/sql``), without making a String.
    mutating func uuid(_ value: UUID) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { text in
            value.writeSQL(into: text)
            _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(text.baseAddress!).assumingMemoryBound(to: CChar.self), 36, SQLITE_TRANSIENT)
        }
        index += 1
    }

    mutating func uuid(_ value: UUID?) {
        guard let value else { return null() }
        uuid(value)
    }

    mutating func int64(_ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
        index += 1
    }

    mutating func bool(_ value: Bool) {
        int64(value ? 1 : 0)
    }

    mutating func null() {
        sqlite3_bind_null(handle, index)
        index += 1
    }
}

/// A record the run path inserts by the thousand: ``bind(_:)`` binds the values of
/// ``SQLiteRecord/arguments``, in the same order, straight onto the insert.
protocol SQLiteInsertable: SQLiteRecord {
    func bind(_ row: inout SQLiteRowWriter)
}

/// SQLite's "copy the bytes now" destructor, which the C macro spells as a cast of -1.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
