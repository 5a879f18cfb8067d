import Foundation
import LangBuilderComponentStore
import LangBuilderCore
import Testing

@Suite struct SigningTests {
    let store = "file:///stores/test"

    func index(version: Int = 1, expires: Date = Date().addingTimeInterval(3600)) -> StoreIndex {
        StoreIndex(version: version, expires: expires)
    }

    @Test func aSignedIndexVerifiesWithTheTrustedKey() throws {
        let key = StoreSigningKey()
        let signed = try SignedIndex(signing: index(version: 7), with: [key])
        let decoded = try SignedIndex.decode(try signed.encoded(), store: store)
        let verified = try decoded.verified(by: TrustedKeys([key.publicKey]), store: store)
        #expect(verified.version == 7)
    }

    @Test func anUnsignedIndexIsRefused() throws {
        let key = StoreSigningKey()
        var signed = try SignedIndex(signing: index(), with: [key])
        signed.signatures = []
        #expect(storeError { _ = try signed.verified(by: TrustedKeys([key.publicKey]), store: store) }?.reason == .unsignedIndex)
    }

    @Test func aTamperedIndexIsRefused() throws {
        let key = StoreSigningKey()
        var signed = try SignedIndex(signing: index(version: 3), with: [key])
        // Change the payload after signing: raise the version, keep the signature.
        let payload = try #require(Data(base64Encoded: signed.payload))
        let text = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\"version\" : 3", with: "\"version\" : 4")
        #expect(text != String(decoding: payload, as: UTF8.self))
        signed.payload = Data(text.utf8).base64EncodedString()
        let error = storeError { _ = try signed.verified(by: TrustedKeys([key.publicKey]), store: store) }
        #expect(error?.reason == .badSignature)
        #expect(error?.description.contains("index.json") == true)
    }

    @Test func anIndexSignedByAnotherKeyIsRefused() throws {
        let signed = try SignedIndex(signing: index(), with: [StoreSigningKey()])
        let error = storeError { _ = try signed.verified(by: TrustedKeys([StoreSigningKey().publicKey]), store: store) }
        #expect(error?.reason == .untrustedKey)
    }

    @Test func aSignatureClaimingATrustedKeyIDButMadeByAnotherKeyIsRefused() throws {
        let trusted = StoreSigningKey(), attacker = StoreSigningKey()
        var signed = try SignedIndex(signing: index(), with: [attacker])
        signed.signatures[0].keyID = trusted.publicKey.keyID
        #expect(storeError { _ = try signed.verified(by: TrustedKeys([trusted.publicKey]), store: store) }?.reason == .badSignature)
    }

    @Test func rotationAcceptsAnIndexSignedByOldAndNewKeys() throws {
        let old = StoreSigningKey(), new = StoreSigningKey()
        let signed = try SignedIndex(signing: index(version: 9), with: [old, new])
        #expect(try signed.verified(by: TrustedKeys([old.publicKey]), store: store).version == 9)
        #expect(try signed.verified(by: TrustedKeys([new.publicKey]), store: store).version == 9)
        // After the rotation the old key alone no longer signs what hosts trusting only the new key accept.
        let afterRotation = try SignedIndex(signing: index(version: 10), with: [new])
        #expect(storeError { _ = try afterRotation.verified(by: TrustedKeys([old.publicKey]), store: store) }?.reason == .untrustedKey)
    }

    @Test func anExpiredIndexIsRefused() throws {
        let expired = index(expires: Date().addingTimeInterval(-60))
        let error = storeError { try IndexFreshness.check(expired, payloadSHA256: "a", last: nil, store: store) }
        #expect(error?.reason == .indexExpired)
    }

    @Test func anOlderIndexVersionIsRefused() throws {
        let last = IndexFreshness(version: 5, payloadSHA256: "a")
        #expect(storeError { try IndexFreshness.check(index(version: 4), payloadSHA256: "b", last: last, store: store) }?.reason == .indexRollback)
        #expect(storeError { try IndexFreshness.check(index(version: 5), payloadSHA256: "b", last: last, store: store) }?.reason == .indexRollback)
        try IndexFreshness.check(index(version: 5), payloadSHA256: "a", last: last, store: store)
        try IndexFreshness.check(index(version: 6), payloadSHA256: "c", last: last, store: store)
    }

    @Test func keyFilesRoundTripAndTrustFilesParse() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("langbuilder-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let key = StoreSigningKey()
        let file = folder.appendingPathComponent("store.key")
        try key.write(to: file)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try StoreSigningKey(contentsOf: file).publicKey == key.publicKey)
        #expect(storeError { try key.write(to: file) }?.reason == .io)
        let trust = try TrustedKeys(parsing: "# store keys\n\(key.publicKey)  # current\n\n", source: "trusted-keys")
        #expect(trust.keys == [key.publicKey])
        let bad = storeError { _ = try TrustedKeys(parsing: "ed25519:nope", source: "trusted-keys") }
        #expect(bad?.reason == .invalidConfiguration)
        #expect(bad?.subject == "trusted-keys:1")
    }
}

@Suite struct VersionRangeTests {
    func contains(_ range: String, _ version: String) throws -> Bool {
        try VersionRange(parsing: range).contains(try #require(SemanticVersion(version)))
    }

    @Test func caretTildeComparatorsAndAlternatives() throws {
        #expect(try contains("^1.2.0", "1.9.3"))
        #expect(try !contains("^1.2.0", "2.0.0"))
        #expect(try !contains("^1.2.0", "1.1.9"))
        #expect(try contains("^0.2.1", "0.2.5"))
        #expect(try !contains("^0.2.1", "0.3.0"))
        #expect(try contains("~1.2.0", "1.2.9"))
        #expect(try !contains("~1.2.0", "1.3.0"))
        #expect(try contains(">=1.0.0 <2.0.0", "1.5.0"))
        #expect(try !contains(">=1.0.0 <2.0.0", "2.0.0"))
        #expect(try contains("1.0.0 || >=3.0.0", "3.1.0"))
        #expect(try !contains("1.0.0 || >=3.0.0", "2.0.0"))
        #expect(try contains("*", "7.0.0"))
        #expect(try contains("=1.2.3", "1.2.3"))
        #expect(try !contains("^1.0.0", "1.1.0-beta.1"))
        #expect(try contains(">=1.1.0-beta.1", "1.1.0-beta.2"))
    }

    @Test func malformedRangesAreRefused() {
        for text in ["", "^1.2", ">=banana", "1.0.0 | 2.0.0"] {
            #expect(storeError { _ = try VersionRange(parsing: text) }?.reason == .invalidIndex, "\(text)")
        }
    }
}
