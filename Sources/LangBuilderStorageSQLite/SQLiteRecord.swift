import Foundation
import GRDB
import LangBuilderStorage

/// A record type that reads and writes one table. Each record's file lists its columns once; reading
/// (`init(row:)`) and writing (`arguments`) follow that order.
protocol SQLiteRecord: Sendable {
    static var statements: SQLiteStatements { get }
    init(row: Row) throws
    /// The values of ``SQLiteStatements/columns``, in order; the id comes first.
    var arguments: StatementArguments { get }
}

extension SQLiteRecord {
    /// Inserts the record with a cached (prepared once per connection) statement.
    func insert(_ db: Database) throws {
        try db.cachedStatement(sql: Self.statements.insert).execute(arguments: arguments)
    }

    /// Overwrites the row with the record's id; returns false when there is no such row.
    func update(_ db: Database) throws -> Bool {
        try db.cachedStatement(sql: Self.statements.update).execute(arguments: arguments)
        return db.changesCount > 0
    }

    static func fetchOne(_ db: Database, _ tail: String, _ arguments: StatementArguments = []) throws -> Self? {
        let statement = try db.cachedStatement(sql: statements.select(tail))
        return try Row.fetchOne(statement, arguments: arguments).map(Self.init(row:))
    }

    static func fetchAll(_ db: Database, _ tail: String, _ arguments: StatementArguments = [], selection: String? = nil) throws -> [Self] {
        let statement = try db.cachedStatement(sql: statements.select(tail, selection: selection))
        return try Row.fetchAll(statement, arguments: arguments).map(Self.init(row:))
    }
}

/// The SQL of one table, built once.
struct SQLiteStatements: Sendable {
    /// Quoted when the name is an SQL keyword (`"user"`, `"transaction"`).
    let table: String
    let columns: [String]
    /// `id, name, ...`
    let selection: String
    let insert: String
    /// Numbered parameters (`?1` is the id), so inserts and updates take the same arguments.
    let update: String

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
        selection = columns.joined(separator: ", ")
        insert = "INSERT INTO \(table) (\(selection)) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        let assignments = columns.enumerated().dropFirst().map { "\($0.element) = ?\($0.offset + 1)" }
        update = "UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE id = ?1"
    }

    func select(_ tail: String, selection: String? = nil) -> String {
        "SELECT \(selection ?? self.selection) FROM \(table) \(tail)"
    }
}

/// Reads a row's columns in order, converting them from their storage form.
struct RowReader {
    private let row: Row
    private var index = 0

    init(_ row: Row) {
        self.row = row
    }

    mutating func string() throws -> String {
        defer { index += 1 }
        return try row.decode(String.self, atIndex: index)
    }

    mutating func optionalString() throws -> String? {
        defer { index += 1 }
        return try row.decode(String?.self, atIndex: index)
    }

    mutating func bool() throws -> Bool {
        defer { index += 1 }
        return try row.decode(Bool.self, atIndex: index)
    }

    mutating func int() throws -> Int {
        defer { index += 1 }
        return try row.decode(Int.self, atIndex: index)
    }

    mutating func int64() throws -> Int64 {
        defer { index += 1 }
        return try row.decode(Int64.self, atIndex: index)
    }

    mutating func uuid() throws -> UUID {
        try parseUUID(string())
    }

    mutating func optionalUUID() throws -> UUID? {
        try optionalString().map(parseUUID)
    }

    mutating func date() throws -> Date {
        try StorageTimestamp.date(microseconds: int64())
    }

    mutating func optionalDate() throws -> Date? {
        defer { index += 1 }
        return try row.decode(Int64?.self, atIndex: index).map(StorageTimestamp.date(microseconds:))
    }

    /// A JSON array of strings.
    mutating func stringList() throws -> [String] {
        let text = try string()
        if text == "[]" { return [] }
        guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw StorageError.backend("column \(row.columnNames.dropFirst(index - 1).first ?? "?") holds \(text), not a JSON list of strings")
        }
        return list
    }

    private func parseUUID(_ text: String) throws -> UUID {
        guard let uuid = UUID(uuidString: text) else { throw StorageError.backend("\(text) is not a UUID") }
        return uuid
    }
}

extension UUID {
    /// The storage form: lowercase text, written digit by digit (`uuidString` formats with `snprintf` and is
    /// then lowercased: a measurable part of writing a run's records).
    var sql: String {
        String(unsafeUninitializedCapacity: 36) { text in
            writeSQL(into: text)
            return 36
        }
    }

    /// Writes the 36 bytes of ``sql`` into `text`.
    func writeSQL(into text: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeBytes(of: uuid) { bytes in
            var position = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                text[position] = Self.lowercaseHex[Int(byte >> 4)]
                text[position + 1] = Self.lowercaseHex[Int(byte & 0x0F)]
                position += 2
            }
        }
    }

    private static let lowercaseHex = Array("0123456789abcdef".utf8)
}

extension Optional where Wrapped == UUID {
    var sql: String? { self?.sql }
}

extension Date {
    /// The storage form: microseconds since 1970.
    var sql: Int64 { StorageTimestamp.microseconds(self) }
}

extension Optional where Wrapped == Date {
    var sql: Int64? { self?.sql }
}

extension Array where Element == String {
    /// The storage form: a JSON array.
    var sql: String {
        if isEmpty { return "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}
