public import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's persistent secret and the keys derived from it.
///
/// On first start a 32-byte random secret is written to `<data dir>/secret_key` (mode 0600, the directory 0700 if it
/// has to be created) as 43 characters of URL-safe base64, the same shape as Langflow's `secret_key`; later starts
/// read it back. A file that its group or others may read, or whose contents are not exactly such a secret, is
/// refused with a ``SecretStoreError`` naming the file rather than silently replaced: replacing it would log every
/// user out and make every stored credential unreadable.
///
/// The secret itself never leaves this type. Each use gets its own subkey, derived with HKDF-SHA256 under a distinct
/// `info` label, so a key recovered from one use says nothing about the others.
///
/// ```swift
/// let secrets = try SecretStore(dataDirectory: configuration.dataDirectory)
/// let tokens = await TokenIssuer(signingKey: secrets.jwtSigningKey)
/// let cipher = CredentialCipher(key: secrets.credentialKey)
/// ```
public struct SecretStore: Sendable {
    /// The secret file's name inside the data directory.
    public static let fileName = "secret_key"
    /// The size of the secret in bytes.
    public static let secretByteCount = 32

    /// The secret file that was read or created.
    public let filePath: String
    /// Whether this instance generated the secret (a first start) rather than reading an existing one.
    public let wasCreated: Bool
    /// The HMAC key for JWT signatures (HKDF info `"jwt"`).
    public let jwtSigningKey: SymmetricKey
    /// The AES-256-GCM key for credential variables (HKDF info `"credentials"`).
    public let credentialKey: SymmetricKey

    /// Reads `<dataDirectory>/secret_key`, or creates it (and the directory) when it does not exist yet.
    ///
    /// Creation is atomic: the secret is written to a temporary file in the same directory, flushed, then linked into
    /// place without replacing a file that a concurrently starting process may have created first; in that case the
    /// other process's secret is read and used.
    public init(dataDirectory: String) throws(SecretStoreError) {
        let filePath = (dataDirectory as NSString).appendingPathComponent(Self.fileName)
        let secret: [UInt8]
        var created = false
        if let existing = try Self.readSecret(at: filePath) {
            secret = existing
        } else {
            try Self.createDirectoryIfMissing(dataDirectory)
            let generated = secureRandomBytes(count: Self.secretByteCount)
            if try Self.writeNewSecret(generated, to: filePath, directory: dataDirectory) {
                secret = generated
                created = true
            } else if let existing = try Self.readSecret(at: filePath) {
                secret = existing
            } else {
                throw SecretStoreError(
                    .cannotReadFile, path: filePath, detail: "disappeared right after it was created")
            }
        }
        self.init(secret: secret, filePath: filePath, wasCreated: created)
    }

    private init(secret: [UInt8], filePath: String, wasCreated: Bool) {
        let master = SymmetricKey(data: secret)
        self.filePath = filePath
        self.wasCreated = wasCreated
        self.jwtSigningKey = Self.deriveSubkey(from: master, info: "jwt")
        self.credentialKey = Self.deriveSubkey(from: master, info: "credentials")
    }

    static func deriveSubkey(from master: SymmetricKey, info: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Array(info.utf8), outputByteCount: 32)
    }

    // MARK: - Reading

    /// The secret in `path`, `nil` if there is no such file, or an error if it is unreadable or unsafe.
    private static func readSecret(at path: String) throws(SecretStoreError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            // ENOTDIR: the data directory is a file, which creating the directory reports by name.
            if code == ENOENT || code == ENOTDIR { return nil }
            throw SecretStoreError(.cannotReadFile, path: path, detail: "cannot open: \(errorText(code))")
        }
        defer { close(descriptor) }

        // fstat on the open descriptor: the checks apply to the very file that is read.
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw SecretStoreError(.cannotReadFile, path: path, detail: "cannot stat: \(errorText(errno))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw SecretStoreError(.notARegularFile, path: path, detail: "is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw SecretStoreError(
                .insecurePermissions, path: path,
                detail: "permissions too open (mode \(octal(permissions))): group or others have access; "
                    + "run chmod 600 \(path)")
        }

        // Enough for the secret, a line ending and stray whitespace; anything longer is not a secret file.
        var buffer = [UInt8](repeating: 0, count: 256)
        var length = 0
        while length < buffer.count {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + length, $0.count - length) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SecretStoreError(.cannotReadFile, path: path, detail: "cannot read: \(errorText(errno))")
            }
            if count == 0 { break }
            length += count
        }
        let text = String(decoding: buffer[..<length], as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let expected = "expected 43 characters of URL-safe base64 (a 32-byte secret)"
        guard text.utf8.count == 43, let secret = Base64URL.decode(text), secret.count == secretByteCount else {
            let found = length == buffer.count ? "more than \(buffer.count - 1) bytes" : "\(text.utf8.count) characters"
            throw SecretStoreError(.invalidContents, path: path, detail: "\(expected), found \(found)")
        }
        return secret
    }

    // MARK: - Creating

    private static func createDirectoryIfMissing(_ directory: String) throws(SecretStoreError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw SecretStoreError(.cannotCreateDirectory, path: directory, detail: "exists and is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            // Another process starting at the same moment may have created it in between.
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw SecretStoreError(
                    .cannotCreateDirectory, path: directory, detail: "cannot create: \(error.localizedDescription)")
            }
            return
        }
        // The umask may have narrowed the mode further, never widened it; set it exactly.
        _ = chmod(directory, 0o700)
    }

    /// Writes `secret` to `path` through a temporary file. Returns `false` if another process created `path` first.
    private static func writeNewSecret(
        _ secret: [UInt8], to path: String, directory: String
    ) throws(SecretStoreError) -> Bool {
        let temporaryPath = path + ".tmp-\(Base64URL.encode(secureRandomBytes(count: 6)))"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SecretStoreError(.cannotWriteFile, path: temporaryPath, detail: "cannot create: \(errorText(errno))")
        }
        defer { unlink(temporaryPath) }
        let contents = Array((Base64URL.encode(secret) + "\n").utf8)
        var written = 0
        var failure: String?
        if fchmod(descriptor, 0o600) != 0 { failure = "cannot chmod: \(errorText(errno))" }
        while failure == nil, written < contents.count {
            let count = contents.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = "cannot write: \(errorText(errno))"
            } else {
                written += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = "cannot flush: \(errorText(errno))" }
        close(descriptor)
        if let failure {
            throw SecretStoreError(.cannotWriteFile, path: temporaryPath, detail: failure)
        }

        // link() fails with EEXIST instead of replacing a secret another process has just put in place.
        if link(temporaryPath, path) != 0 {
            let code = errno
            if code == EEXIST { return false }
            // Some file systems have no hard links; rename is still atomic, it just cannot refuse to replace.
            guard rename(temporaryPath, path) == 0 else {
                throw SecretStoreError(
                    .cannotWriteFile, path: path, detail: "cannot move into place: \(errorText(errno))")
            }
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return true
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
