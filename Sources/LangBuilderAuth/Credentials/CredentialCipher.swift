public import Crypto
public import Foundation

/// Encrypts the values of Credential variables for storage, with AES-256-GCM under the
/// ``SecretStore/credentialKey``.
///
/// Each value is bound to its owner and name: the user id and variable name are authenticated as associated data, so
/// a sealed value copied to another user's row, or to another variable, fails to open instead of leaking. Renaming a
/// variable therefore means opening it under the old name and sealing it under the new one.
///
/// A sealed value reads `v1:<base64 of nonce ‖ ciphertext ‖ tag>`; the version prefix leaves room for key rotation.
///
/// ```swift
/// let cipher = CredentialCipher(key: secrets.credentialKey)
/// let stored = try cipher.seal("sk-openai-…", userID: user.id, variableName: "OPENAI_API_KEY")
/// let value = try cipher.open(stored, userID: user.id, variableName: "OPENAI_API_KEY")
/// ```
public struct CredentialCipher: Sendable {
    /// The format version written by ``seal(_:userID:variableName:)``.
    public static let version = "v1"
    private static let nonceByteCount = 12
    private static let tagByteCount = 16

    private let key: SymmetricKey

    /// A cipher using `key`, which must be 256 bits.
    public init(key: SymmetricKey) {
        precondition(key.bitCount == 256, "CredentialCipher needs a 256-bit key")
        self.key = key
    }

    /// Whether `value` looks like the output of ``seal(_:userID:variableName:)`` (of any version), as opposed to a
    /// value stored in clear.
    public static func isSealed(_ value: String) -> Bool {
        guard let colon = value.firstIndex(of: ":") else { return false }
        let digits = value[..<colon].dropFirst()
        return value.first == "v" && !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `plaintext` encrypted for the variable `variableName` of user `userID`, with a fresh random nonce.
    public func seal(_ plaintext: String, userID: UUID, variableName: String) throws(CredentialCipherError) -> String {
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(
                Array(plaintext.utf8), using: key,
                authenticating: Self.associatedData(userID: userID, variableName: variableName))
        } catch {
            // Only reachable with a key or nonce of the wrong size, which init and AES.GCM.Nonce() rule out.
            preconditionFailure("AES-GCM sealing failed: \(error)")
        }
        // A sealed box made with the default 12-byte nonce always has a combined representation.
        return Self.version + ":" + box.combined!.base64EncodedString()
    }

    /// The plaintext of `sealed`, which must have been sealed for the same user and variable under the same key.
    public func open(_ sealed: String, userID: UUID, variableName: String) throws(CredentialCipherError) -> String {
        guard let colon = sealed.firstIndex(of: ":") else {
            throw .malformed(reason: "missing version prefix")
        }
        let version = String(sealed[..<colon])
        guard version == Self.version else {
            if Self.isSealed(sealed) { throw .unsupportedVersion(version) }
            throw .malformed(reason: "missing version prefix")
        }
        guard let combined = Data(base64Encoded: String(sealed[sealed.index(after: colon)...])) else {
            throw .malformed(reason: "not base64 after \"\(Self.version):\"")
        }
        guard combined.count >= Self.nonceByteCount + Self.tagByteCount else {
            throw .malformed(reason: "\(combined.count) bytes is too short for a nonce and a tag")
        }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            plaintext = try AES.GCM.open(
                box, using: key, authenticating: Self.associatedData(userID: userID, variableName: variableName))
        } catch {
            throw .authenticationFailed
        }
        guard let text = String(data: plaintext, encoding: .utf8) else {
            throw .malformed(reason: "plaintext is not UTF-8")
        }
        return text
    }

    /// The 16 raw bytes of the user id, then the name's UTF-8: the id's fixed length keeps the pair unambiguous.
    private static func associatedData(userID: UUID, variableName: String) -> [UInt8] {
        withUnsafeBytes(of: userID.uuid) { [UInt8]($0) } + Array(variableName.utf8)
    }
}
