public import Foundation

/// A signature over an index payload.
public struct IndexSignature: Sendable, Equatable, Codable {
    /// ``StorePublicKey/keyID`` of the signing key.
    public var keyID: String
    /// Base64 Ed25519 signature over the exact payload bytes.
    public var signature: String

    public init(keyID: String, signature: String) {
        self.keyID = keyID
        self.signature = signature
    }

    /// `key_id` on the wire (the snake-case strategies map it through `keyId`).
    enum CodingKeys: String, CodingKey {
        case keyID = "keyId"
        case signature
    }
}

/// `index.json`: the index payload as base64 of its exact bytes, and the signatures over those bytes.
///
/// Signing the bytes themselves (not a re-encoding of the decoded JSON) means there is nothing to canonicalize:
/// what was signed is what is decoded.
///
/// ```json
/// {"payload": "eyJidW5kbGVzIjpb...", "signatures": [{"key_id": "3f2a9c01d4e5b6a7", "signature": "k1Vb..."}]}
/// ```
public struct SignedIndex: Sendable, Equatable, Codable {
    /// Base64 of the index JSON.
    public var payload: String
    public var signatures: [IndexSignature]

    public init(payload: String, signatures: [IndexSignature]) {
        self.payload = payload
        self.signatures = signatures
    }

    /// Signs `index` with every key (several during a key rotation).
    public init(signing index: StoreIndex, with keys: [StoreSigningKey]) throws(ComponentStoreError) {
        let bytes: Data
        do {
            bytes = try index.encoded()
        } catch {
            throw ComponentStoreError(.invalidIndex, subject: "index version \(index.version)", detail: "cannot encode (\(error))")
        }
        var signatures: [IndexSignature] = []
        for key in keys { signatures.append(try key.signature(for: bytes)) }
        self.init(payload: bytes.base64EncodedString(), signatures: signatures)
    }

    /// `index.json`'s bytes: sorted keys, snake_case.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    /// Parses `index.json` as fetched from `store`.
    public static func decode(_ data: Data, store: String) throws(ComponentStoreError) -> SignedIndex {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(SignedIndex.self, from: data)
        } catch {
            throw ComponentStoreError(.invalidIndex, subject: store + "/index.json", detail: "not a signed index (expected payload and signatures): \(error)")
        }
    }

    /// Verifies the signatures against `trusted` and decodes the payload.
    ///
    /// - no signature: ``ComponentStoreError/Reason/unsignedIndex``;
    /// - a signature names a trusted key but does not verify, and none does: ``ComponentStoreError/Reason/badSignature``;
    /// - signatures by untrusted keys only: ``ComponentStoreError/Reason/untrustedKey``.
    public func verified(by trusted: TrustedKeys, store: String) throws(ComponentStoreError) -> StoreIndex {
        let subject = store + "/index.json"
        guard !signatures.isEmpty else {
            throw ComponentStoreError(.unsignedIndex, subject: subject, field: "signatures", detail: "the index is not signed")
        }
        guard let bytes = Data(base64Encoded: payload) else {
            throw ComponentStoreError(.invalidIndex, subject: subject, field: "payload", expected: "base64", actual: "\(payload.prefix(24))…")
        }
        var failedKeys: [String] = []
        var verified = false
        for signature in signatures {
            guard let key = trusted.key(withID: signature.keyID) else { continue }
            if let raw = Data(base64Encoded: signature.signature), key.isValidSignature(raw, for: bytes) {
                verified = true
                break
            }
            failedKeys.append(signature.keyID)
        }
        if !verified {
            if !failedKeys.isEmpty {
                throw ComponentStoreError(
                    .badSignature, subject: subject, field: "signatures",
                    detail: "the signature by trusted key \(failedKeys.joined(separator: ", ")) does not match the payload: the index was changed after signing")
            }
            throw ComponentStoreError(
                .untrustedKey, subject: subject, field: "signatures", expected: "a signature by one of \(trusted.keys.map(\.keyID))",
                actual: "signatures by \(signatures.map(\.keyID))",
                detail: trusted.keys.isEmpty ? "this host trusts no store key (add one with --trusted-key or the trusted-keys file)" : nil)
        }
        return try StoreIndex.decode(bytes, store: store)
    }
}

/// The freshness rules a client applies after the signature: refuse an expired index (freeze attack) and an
/// index older than one already seen (rollback attack).
public struct IndexFreshness: Sendable, Equatable, Codable {
    /// The highest index version this client accepted from the store.
    public var version: Int
    /// SHA-256 of that version's payload: the same version with other content is refused too.
    public var payloadSHA256: String

    public init(version: Int, payloadSHA256: String) {
        self.version = version
        self.payloadSHA256 = payloadSHA256
    }

    enum CodingKeys: String, CodingKey {
        case version
        case payloadSHA256 = "payloadSha256"
    }

    /// Checks `index` (whose payload hashes to `payloadSHA256`) against the last accepted state and the clock.
    public static func check(
        _ index: StoreIndex, payloadSHA256: String, last: IndexFreshness?, now: Date = Date(), store: String
    ) throws(ComponentStoreError) {
        let subject = store + "/index.json"
        guard index.expires > now else {
            throw ComponentStoreError(
                .indexExpired, subject: subject, field: "expires", expected: "a time after \(now.formatted(.iso8601))",
                actual: index.expires.formatted(.iso8601), detail: "the index has expired; the store must re-sign it")
        }
        guard let last else { return }
        guard index.version >= last.version else {
            throw ComponentStoreError(
                .indexRollback, subject: subject, field: "version", expected: "\(last.version) or newer", actual: "\(index.version)",
                detail: "the store offers an older index than this host already saw")
        }
        if index.version == last.version && payloadSHA256 != last.payloadSHA256 {
            throw ComponentStoreError(
                .indexRollback, subject: subject, field: "version",
                detail: "index version \(index.version) has other content than the copy this host accepted")
        }
    }
}
