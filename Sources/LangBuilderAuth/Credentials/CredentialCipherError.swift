/// Why a sealed credential could not be opened.
public enum CredentialCipherError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value is not of the form `v1:<base64>` with room for a nonce and a tag.
    case malformed(reason: String)
    /// The value was sealed by a newer format this build does not know.
    case unsupportedVersion(String)
    /// Authentication failed: the value was altered, or was sealed for another user or variable, or under another
    /// server secret.
    case authenticationFailed

    public var description: String {
        switch self {
        case .malformed(let reason):
            "malformed sealed credential: \(reason)"
        case .unsupportedVersion(let version):
            "sealed credential has unsupported version \"\(version)\", expected \"\(CredentialCipher.version)\""
        case .authenticationFailed:
            "sealed credential failed authentication: it was altered, or sealed for another user or variable, "
                + "or under another server secret"
        }
    }
}
