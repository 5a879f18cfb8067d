import Crypto
import Foundation
import LangBuilderAuth
import Testing

/// The persisted server secret (issue 4, "Auth" and "variables": a secret generated on first start, stored 0600).
@Suite struct SecretStoreTests {
    @Test func firstStartWritesA0600SecretIntoANew0700Directory() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let dataDirectory = temporary.file("data/nested")

        let store = try SecretStore(dataDirectory: dataDirectory)

        #expect(store.wasCreated)
        #expect(store.filePath == dataDirectory + "/secret_key")
        #expect(try TemporaryDirectory.permissions(of: store.filePath) == 0o600)
        #expect(try TemporaryDirectory.permissions(of: dataDirectory) == 0o700)
        let contents = try String(contentsOfFile: store.filePath, encoding: .utf8)
        #expect(contents.wholeMatch(of: /[A-Za-z0-9_-]{43}\n/) != nil, "contents: \(contents)")
        // Written through a temporary file that does not stay behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dataDirectory) == ["secret_key"])
    }

    @Test func laterStartsReuseTheSecret() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let first = try SecretStore(dataDirectory: temporary.path)
        let contents = try String(contentsOfFile: first.filePath, encoding: .utf8)

        let second = try SecretStore(dataDirectory: temporary.path)

        #expect(!second.wasCreated)
        #expect(bytes(second.jwtSigningKey) == bytes(first.jwtSigningKey))
        #expect(bytes(second.credentialKey) == bytes(first.credentialKey))
        #expect(try String(contentsOfFile: first.filePath, encoding: .utf8) == contents)
    }

    @Test func anExistingDirectoryKeepsItsPermissions() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        try TemporaryDirectory.setPermissions(0o755, of: temporary.path)
        _ = try SecretStore(dataDirectory: temporary.path)
        #expect(try TemporaryDirectory.permissions(of: temporary.path) == 0o755)
    }

    @Test func derivesDistinctHKDFSubkeysFromTheSecret() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        // The secret 00 01 … 1f; expected values from Python's hmac (RFC 5869, empty salt).
        try writeSecretFile("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", in: temporary)

        let store = try SecretStore(dataDirectory: temporary.path)

        #expect(!store.wasCreated)
        #expect(hex(store.jwtSigningKey) == "433f9dd36f044faad1fedd4cf6e60002aa05a60bb3578a92563fc492e7cd90cc")
        #expect(hex(store.credentialKey) == "8e86a080a3ce497c975468c5f21e8fce7b0ba53875fa1af14dc0764a11a08655")
    }

    @Test func refusesASecretFileOthersCanRead() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let path = try writeSecretFile("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", in: temporary, mode: 0o644)

        let error = #expect(throws: SecretStoreError.self) { try SecretStore(dataDirectory: temporary.path) }

        #expect(error?.reason == .insecurePermissions)
        #expect(
            error?.description
                == "\(path): permissions too open (mode 0644): group or others have access; run chmod 600 \(path)")
        // Refused, not repaired or replaced.
        #expect(try TemporaryDirectory.permissions(of: path) == 0o644)
    }

    @Test(arguments: [0o640, 0o604, 0o620, 0o660])
    func refusesAnyGroupOrOtherAccess(mode: Int) throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        try writeSecretFile("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", in: temporary, mode: mode)
        let error = #expect(throws: SecretStoreError.self) { try SecretStore(dataDirectory: temporary.path) }
        #expect(error?.reason == .insecurePermissions)
    }

    @Test(arguments: [
        ("abc\n", "found 3 characters"),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8AAAA\n", "found 47 characters"),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+\n", "found 43 characters"),
        ("", "found 0 characters"),
        (String(repeating: "A", count: 300), "found more than 255 bytes"),
    ])
    func refusesASecretFileOfTheWrongLengthOrAlphabet(contents: String, found: String) throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let path = try writeSecretFile(contents, in: temporary)

        let error = #expect(throws: SecretStoreError.self) { try SecretStore(dataDirectory: temporary.path) }

        #expect(error?.reason == .invalidContents)
        #expect(
            error?.description
                == "\(path): expected 43 characters of URL-safe base64 (a 32-byte secret), \(found)")
    }

    @Test func refusesADirectoryInPlaceOfTheSecretFile() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        try FileManager.default.createDirectory(atPath: temporary.file("secret_key"), withIntermediateDirectories: false)
        let error = #expect(throws: SecretStoreError.self) { try SecretStore(dataDirectory: temporary.path) }
        #expect(error?.reason == .notARegularFile)
    }

    @Test func refusesADataDirectoryThatIsAFile() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let path = temporary.file("not-a-directory")
        try Data().write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SecretStoreError.self) { try SecretStore(dataDirectory: path) }
        #expect(error?.reason == .cannotCreateDirectory)
        #expect(error?.description == "\(path): exists and is not a directory")
    }

    @Test func concurrentFirstStartsAgreeOnOneSecret() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let dataDirectory = temporary.file("data")

        let stores = try await withThrowingTaskGroup(of: SecretStore.self) { group in
            for _ in 0..<8 {
                group.addTask { try SecretStore(dataDirectory: dataDirectory) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(Set(stores.map { bytes($0.jwtSigningKey) }).count == 1)
        #expect(stores.filter(\.wasCreated).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dataDirectory) == ["secret_key"])
    }

    // MARK: - Helpers

    @discardableResult
    private func writeSecretFile(_ contents: String, in directory: TemporaryDirectory, mode: Int = 0o600) throws -> String {
        let path = directory.file("secret_key")
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        try TemporaryDirectory.setPermissions(mode, of: path)
        return path
    }

    private func bytes(_ key: SymmetricKey) -> [UInt8] {
        key.withUnsafeBytes { [UInt8]($0) }
    }

    private func hex(_ key: SymmetricKey) -> String {
        bytes(key).map { String(format: "%02x", $0) }.joined()
    }
}
