import Crypto
public import Foundation

/// An Ed25519 key pair that signs a store's index; kept in a key file (JSON, mode 0600) by `store keygen`.
///
/// Hosts trust the public half, written as `ed25519:BASE64` (see ``TrustedKeys``).
public struct StoreSigningKey: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init() {
        privateKey = Curve25519.Signing.PrivateKey()
    }

    /// Reads a key file written by ``write(to:)``.
    public init(contentsOf url: URL) throws(ComponentStoreError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ComponentStoreError(.invalidConfiguration, subject: url.path, detail: "cannot read the key file (\(error.localizedDescription))")
        }
        guard let file = try? JSONDecoder().decode(KeyFile.self, from: data) else {
            throw ComponentStoreError(.invalidConfiguration, subject: url.path, detail: "not a store key file (expected JSON with algorithm and private_key)")
        }
        guard file.algorithm == "ed25519" else {
            throw ComponentStoreError(.invalidConfiguration, subject: url.path, field: "algorithm", expected: "ed25519", actual: file.algorithm)
        }
        guard let raw = Data(base64Encoded: file.private_key),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else {
            throw ComponentStoreError(.invalidConfiguration, subject: url.path, field: "private_key", expected: "32 bytes of base64", actual: "\(file.private_key.count) characters")
        }
        privateKey = key
    }

    /// The public key that hosts trust.
    public var publicKey: StorePublicKey { StorePublicKey(key: privateKey.publicKey) }

    /// Writes the key file with mode 0600, refusing to overwrite an existing one.
    public func write(to url: URL) throws(ComponentStoreError) {
        let file = KeyFile(algorithm: "ed25519", private_key: privateKey.rawRepresentation.base64EncodedString(), public_key: publicKey.description)
        guard !FileSystem.exists(url.path) else {
            throw ComponentStoreError(.io, subject: url.path, detail: "the key file exists; refusing to overwrite a signing key")
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(file)
            guard FileManager.default.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw ComponentStoreError(.io, subject: url.path, detail: "cannot create the key file")
            }
        } catch let error as ComponentStoreError {
            throw error
        } catch {
            throw ComponentStoreError(.io, subject: url.path, detail: "\(error)")
        }
    }

    /// Signs `payload` as it is: the exact bytes, no re-encoding.
    public func signature(for payload: Data) throws(ComponentStoreError) -> IndexSignature {
        do {
            return IndexSignature(keyID: publicKey.keyID, signature: try privateKey.signature(for: payload).base64EncodedString())
        } catch {
            throw ComponentStoreError(.io, subject: "key \(publicKey.keyID)", detail: "signing failed (\(error))")
        }
    }

    struct KeyFile: Codable {
        var algorithm: String
        var private_key: String
        var public_key: String
    }
}

/// A trusted public key: `ed25519:BASE64` in configuration, with a short id (`keyID`) that signatures name.
public struct StorePublicKey: Sendable, Hashable, CustomStringConvertible {
    let key: Curve25519.Signing.PublicKey

    init(key: Curve25519.Signing.PublicKey) {
        self.key = key
    }

    /// Parses `ed25519:BASE64`.
    public init(parsing text: String) throws(ComponentStoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("ed25519:"), let raw = Data(base64Encoded: String(trimmed.dropFirst("ed25519:".count))),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else {
            throw ComponentStoreError(.invalidConfiguration, subject: "trusted key \"\(trimmed)\"", expected: "ed25519:<base64 of 32 bytes>", actual: trimmed)
        }
        self.key = key
    }

    /// `ed25519:BASE64`.
    public var description: String { "ed25519:" + key.rawRepresentation.base64EncodedString() }

    /// The first 16 hex digits of the SHA-256 of the raw key.
    public var keyID: String {
        SHA256.hash(data: key.rawRepresentation).prefix(8).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    func isValidSignature(_ signature: Data, for payload: Data) -> Bool {
        key.isValidSignature(signature, for: payload)
    }

    public static func == (lhs: StorePublicKey, rhs: StorePublicKey) -> Bool { lhs.key.rawRepresentation == rhs.key.rawRepresentation }
    public func hash(into hasher: inout Hasher) { hasher.combine(key.rawRepresentation) }
}

/// The public keys a host trusts to sign store indexes.
///
/// Rotation: the publisher signs with the old and the new key for a while (`store publish --key OLD --key NEW`);
/// hosts add the new key to their trust file; once every host has it, the publisher stops signing with the old
/// key and hosts drop it. An index is accepted when one signature by a trusted key is valid.
public struct TrustedKeys: Sendable, Equatable {
    public var keys: [StorePublicKey]

    public init(_ keys: [StorePublicKey]) {
        self.keys = keys
    }

    /// Parses a trust file: one `ed25519:BASE64` per line; blank lines and `#` comments are ignored.
    public init(parsing text: String, source: String) throws(ComponentStoreError) {
        var keys: [StorePublicKey] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = content.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                keys.append(try StorePublicKey(parsing: trimmed))
            } catch {
                throw ComponentStoreError(.invalidConfiguration, subject: "\(source):\(number + 1)", expected: "ed25519:<base64 of 32 bytes>", actual: trimmed)
            }
        }
        self.keys = keys
    }

    func key(withID id: String) -> StorePublicKey? { keys.first { $0.keyID == id } }
}
