import Foundation
import Testing

@testable import LangBuilderAuth

/// Password hashing (issue 4, "Auth": passwords with PBKDF2 at ≥ 600k iterations).
@Suite struct PasswordHasherTests {
    // MARK: - PBKDF2-HMAC-SHA256

    @Test(arguments: [
        // RFC 7914 §11.
        (
            "passwd", "salt", 1, 64,
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        ),
        (
            "Password", "NaCl", 80000, 64,
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
        ),
        // The RFC 6070 inputs with SHA-256 (as published for PBKDF2-HMAC-SHA256, and Python's hashlib).
        ("password", "salt", 4096, 32, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
    ])
    func derivesKnownPBKDF2Vectors(password: String, salt: String, iterations: Int, length: Int, expected: String) {
        let derived = PasswordHasher.deriveKey(
            password: Array(password.utf8), salt: Array(salt.utf8), iterations: iterations, byteCount: length)
        #expect(hex(derived) == expected)
    }

    @Test func encodesAKnownHashSelfDescribingly() {
        // Expected value from Python: hashlib.pbkdf2_hmac("sha256", password, bytes(range(16)), 600000, 32).
        let encoded = PasswordHasher().hash("correct horse battery staple", salt: Array(0..<16))
        #expect(encoded == "pbkdf2-sha256$600000$AAECAwQFBgcICQoLDA0ODw==$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY=")
    }

    // MARK: - Hash and verify

    @Test func verifiesTheRightPasswordAndRejectsOthers() throws {
        let hasher = PasswordHasher()
        let encoded = hasher.hash("s3cret pässword")

        #expect(encoded.wholeMatch(of: /pbkdf2-sha256\$600000\$[A-Za-z0-9+\/]{22}==\$[A-Za-z0-9+\/]{43}=/) != nil)
        #expect(try hasher.verify("s3cret pässword", against: encoded))
        #expect(try !hasher.verify("s3cret password", against: encoded))
        #expect(!hasher.needsRehash(encoded))
    }

    @Test func saltsEveryHash() {
        let hasher = PasswordHasher(testOnly_iterations: 1000)
        #expect(hasher.hash("same") != hasher.hash("same"))
    }

    @Test func rejectsTheRightPasswordAgainstATamperedHash() throws {
        let hasher = PasswordHasher(testOnly_iterations: 1000)
        let encoded = hasher.hash("password")
        var fields = encoded.split(separator: "$").map(String.init)
        #expect(try hasher.verify("password", against: fields.joined(separator: "$")))

        var otherIterations = fields
        otherIterations[1] = "1001"
        #expect(try !hasher.verify("password", against: otherIterations.joined(separator: "$")))

        var otherSalt = fields
        otherSalt[2] = Data(repeating: 0, count: 16).base64EncodedString()
        #expect(try !hasher.verify("password", against: otherSalt.joined(separator: "$")))

        let hash = [UInt8](Data(base64Encoded: fields[3])!)
        for index in [0, 15, 31] {
            var altered = hash
            altered[index] ^= 0x01
            fields[3] = Data(altered).base64EncodedString()
            #expect(try !hasher.verify("password", against: fields.joined(separator: "$")), "byte \(index)")
        }
    }

    @Test(arguments: [
        ("", "expected 4 fields separated by \"$\", found 1"),
        ("pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==", "expected 4 fields separated by \"$\", found 3"),
        (
            "bcrypt$1000$AAECAwQFBgcICQoLDA0ODw==$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY=",
            "unknown scheme \"bcrypt\", expected \"pbkdf2-sha256\""
        ),
        (
            "pbkdf2-sha256$-1$AAECAwQFBgcICQoLDA0ODw==$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY=",
            "iteration count must be a whole number from 1 to 100000000"
        ),
        (
            "pbkdf2-sha256$999999999$AAECAwQFBgcICQoLDA0ODw==$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY=",
            "iteration count must be a whole number from 1 to 100000000"
        ),
        (
            "pbkdf2-sha256$1000$not base64$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY=",
            "salt must be 8 to 64 bytes of base64"
        ),
        ("pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$AAAA", "hash must be 32 bytes of base64"),
    ])
    func refusesAMalformedEncoding(encoded: String, detail: String) {
        let error = #expect(throws: PasswordHashError.self) {
            try PasswordHasher(testOnly_iterations: 1000).verify("password", against: encoded)
        }
        #expect(error?.description == "malformed password hash: \(detail)")
        #expect(PasswordHasher().needsRehash(encoded))
    }

    @Test func asksForARehashOfHashesWithFewerIterations() throws {
        let old = PasswordHasher(testOnly_iterations: 1000).hash("password")
        let current = PasswordHasher()

        #expect(current.needsRehash(old))
        // Old hashes keep working until they are replaced.
        #expect(try current.verify("password", against: old))
        #expect(!PasswordHasher(testOnly_iterations: 1000).needsRehash(old))
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
