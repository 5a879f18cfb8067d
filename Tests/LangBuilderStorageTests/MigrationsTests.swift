import Foundation
import LangBuilderStorage
import Testing

@Suite struct MigrationsTests {
    /// Released migrations never change: their names and SQL are pinned here. A schema change is a new
    /// migration appended to the list (add its line below); editing or reordering one fails this test.
    static let released: [(name: String, fingerprint: UInt64)] = [
        ("0001_create_user", 2849529003963953150),
        ("0002_create_folder", 15780173616412810180),
        ("0003_create_flow", 14903475500230707575),
        ("0004_create_api_key", 1330596308837869877),
        ("0005_create_variable", 8677514459603259568),
        ("0006_create_message", 12070530434884321311),
        ("0007_create_transaction", 3148467580001008714),
        ("0008_create_vertex_build", 8088788963262568426),
        ("0009_create_file", 15771971034336095783),
        ("0010_drop_index_message_on_session_id", 13094069353478994922),
    ]

    @Test func releasedMigrationsAreUnchangedAndInOrder() {
        let current = Migrations.sqlite.map { (name: $0.name, fingerprint: fingerprint($0.sql)) }
        #expect(current.count >= Self.released.count, "a released migration was removed")
        for (index, released) in Self.released.enumerated() where index < current.count {
            #expect(current[index].name == released.name, "migration \(index) was renamed or moved")
            #expect(current[index].fingerprint == released.fingerprint, "released migration \(released.name) was edited (fingerprint \(current[index].fingerprint))")
        }
    }

    @Test func namesAreUniqueAndNumbered() throws {
        try Migrations.sqlite.validate()
        for (index, migration) in Migrations.sqlite.enumerated() {
            #expect(migration.name.hasPrefix(String(format: "%04d_", index + 1)), "\(migration.name) is not numbered \(index + 1)")
        }
    }

    @Test func validationRejectsRepeatedAndEmptyNames() {
        #expect(throws: StorageError.invalid("migration a is listed twice")) { try [Migration("a", sql: ""), Migration("a", sql: "")].validate() }
        #expect(throws: StorageError.invalid("a migration has an empty name")) { try [Migration("", sql: "")].validate() }
    }

    /// FNV-1a over the SQL's UTF-8 bytes: stable across runs and platforms, unlike `hashValue`.
    func fingerprint(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
