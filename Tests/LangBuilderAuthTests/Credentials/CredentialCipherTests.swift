import Crypto
import Foundation
import LangBuilderAuth
import Testing

/// Credential variables encrypted at rest (issue 4, "variables": AES-GCM with a key derived from the secret).
@Suite struct CredentialCipherTests {
    let cipher = CredentialCipher(key: SymmetricKey(data: [UInt8](repeating: 9, count: 32)))
    let alice = UUID(uuidString: "00000000-0000-4000-8000-00000000000A")!
    let bob = UUID(uuidString: "00000000-0000-4000-8000-00000000000B")!

    @Test(arguments: ["sk-openai-1234567890", "", "päss wörd ✓ \n\"quoted\"", String(repeating: "x", count: 10_000)])
    func roundTrips(plaintext: String) throws {
        let sealed = try cipher.seal(plaintext, userID: alice, variableName: "OPENAI_API_KEY")

        #expect(sealed.hasPrefix("v1:"))
        #expect(!sealed.contains(plaintext) || plaintext.isEmpty)
        #expect(CredentialCipher.isSealed(sealed))
        #expect(try cipher.open(sealed, userID: alice, variableName: "OPENAI_API_KEY") == plaintext)
    }

    @Test func sealsWithAFreshNonceEachTime() throws {
        let first = try cipher.seal("same", userID: alice, variableName: "KEY")
        let second = try cipher.seal("same", userID: alice, variableName: "KEY")
        #expect(first != second)
        // 12-byte nonce + 4 bytes of ciphertext + 16-byte tag.
        #expect(Data(base64Encoded: String(first.dropFirst(3)))?.count == 32)
    }

    @Test func detectsTamperingAnywhereInTheValue() throws {
        let sealed = try cipher.seal("secret", userID: alice, variableName: "KEY")
        let combined = [UInt8](Data(base64Encoded: String(sealed.dropFirst(3)))!)
        for index in combined.indices {
            var altered = combined
            altered[index] ^= 0x80
            let tampered = "v1:" + Data(altered).base64EncodedString()
            #expect(throws: CredentialCipherError.authenticationFailed) {
                try cipher.open(tampered, userID: alice, variableName: "KEY")
            }
        }
    }

    @Test func refusesAValueSealedForAnotherUserOrVariable() throws {
        let sealed = try cipher.seal("secret", userID: alice, variableName: "KEY")

        #expect(throws: CredentialCipherError.authenticationFailed) {
            try cipher.open(sealed, userID: bob, variableName: "KEY")
        }
        #expect(throws: CredentialCipherError.authenticationFailed) {
            try cipher.open(sealed, userID: alice, variableName: "KEY2")
        }
        let error = #expect(throws: CredentialCipherError.self) {
            try cipher.open(sealed, userID: alice, variableName: "key")
        }
        #expect(
            error?.description
                == "sealed credential failed authentication: it was altered, or sealed for another user or variable, "
                + "or under another server secret")
    }

    @Test func refusesAValueSealedUnderAnotherKey() throws {
        let other = CredentialCipher(key: SymmetricKey(size: .bits256))
        let sealed = try other.seal("secret", userID: alice, variableName: "KEY")
        #expect(throws: CredentialCipherError.authenticationFailed) {
            try cipher.open(sealed, userID: alice, variableName: "KEY")
        }
    }

    @Test(arguments: [
        ("plain text", CredentialCipherError.malformed(reason: "missing version prefix")),
        ("http://example.com", .malformed(reason: "missing version prefix")),
        ("v2:AAAA", .unsupportedVersion("v2")),
        ("v1:not base64!", .malformed(reason: "not base64 after \"v1:\"")),
        ("v1:" + String(repeating: "A", count: 32), .malformed(reason: "24 bytes is too short for a nonce and a tag")),
    ])
    func refusesMalformedValues(value: String, expected: CredentialCipherError) {
        #expect(throws: expected) { try cipher.open(value, userID: alice, variableName: "KEY") }
    }

    @Test func tellsSealedValuesFromClearOnes() {
        #expect(CredentialCipher.isSealed("v1:AAAA"))
        #expect(CredentialCipher.isSealed("v12:AAAA"))
        #expect(!CredentialCipher.isSealed("v:AAAA"))
        #expect(!CredentialCipher.isSealed("sk-abc"))
        #expect(!CredentialCipher.isSealed("https://example.com"))
    }
}
