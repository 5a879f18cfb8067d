/// Why the server secret could not be created or was refused. Every error names the file or directory involved.
///
/// The description reads like `/srv/lb/secret_key: permissions too open (mode 0644): group or others have access;
/// run chmod 600 /srv/lb/secret_key`.
public struct SecretStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; callers and tests switch over it.
    public enum Reason: String, Sendable, Equatable {
        /// The data directory did not exist and could not be created.
        case cannotCreateDirectory
        /// A new secret file could not be written.
        case cannotWriteFile
        /// The existing secret file could not be opened or read.
        case cannotReadFile
        /// The path exists but is not a regular file.
        case notARegularFile
        /// The file's mode grants access to its group or to others.
        case insecurePermissions
        /// The file does not hold exactly 43 characters of URL-safe base64 (32 bytes).
        case invalidContents
    }

    public var reason: Reason
    /// The file or directory involved.
    public var path: String
    /// What is wrong, in a sentence fragment.
    public var detail: String

    public init(_ reason: Reason, path: String, detail: String) {
        self.reason = reason
        self.path = path
        self.detail = detail
    }

    public var description: String { "\(path): \(detail)" }
}
