import Crypto
import CryptoExtras
import Foundation

/// Hashes and verifies user passwords with PBKDF2-HMAC-SHA256.
///
/// A hash is stored self-describingly as `pbkdf2-sha256$<iterations>$<salt>$<hash>`, with a 16-byte random salt and a
/// 32-byte derived key in standard base64, so the iteration count can be raised later without invalidating existing
/// hashes: ``verify(_:against:)`` uses the count stored in the hash, and ``needsRehash(_:)`` tells the caller to
/// store a fresh hash after the next successful login.
///
/// Hashing is deliberately slow (hundreds of milliseconds at 600,000 iterations) and blocks the calling thread;
/// servers should call it off their event loops.
///
/// ```swift
/// let hasher = PasswordHasher()
/// let stored = hasher.hash("correct horse")
/// if try hasher.verify(attempt, against: stored), hasher.needsRehash(stored) {
///     user.passwordHash = hasher.hash(attempt)
/// }
/// ```
public struct PasswordHasher: Sendable {
    /// The scheme name at the start of every encoded hash.
    public static let scheme = "pbkdf2-sha256"
    /// The iteration count OWASP recommends for PBKDF2-HMAC-SHA256 (2023), and the lowest this type hashes with.
    public static let minimumIterations = 600_000
    /// Stored hashes claiming more iterations than this are refused as malformed rather than computed, so a
    /// tampered row cannot make a login take minutes.
    public static let maximumIterations = 100_000_000
    static let saltByteCount = 16
    static let hashByteCount = 32

    /// The iteration count new hashes are made with.
    public let iterations: Int

    /// A hasher producing hashes with `iterations` rounds (at least ``minimumIterations``).
    public init(iterations: Int = PasswordHasher.minimumIterations) {
        precondition(
            (Self.minimumIterations...Self.maximumIterations).contains(iterations),
            "PasswordHasher needs \(Self.minimumIterations)...\(Self.maximumIterations) iterations, not \(iterations)")
        self.iterations = iterations
    }

    init(testOnly_iterations iterations: Int) {
        self.iterations = iterations
    }

    /// A new self-describing hash of `password` with a fresh random salt.
    public func hash(_ password: String) -> String {
        hash(password, salt: secureRandomBytes(count: Self.saltByteCount))
    }

    func hash(_ password: String, salt: [UInt8]) -> String {
        let derived = Self.deriveKey(
            password: Array(password.utf8), salt: salt, iterations: iterations, byteCount: Self.hashByteCount)
        return [
            Self.scheme, String(iterations), Data(salt).base64EncodedString(), Data(derived).base64EncodedString(),
        ].joined(separator: "$")
    }

    /// Whether `password` matches the `encoded` hash; the comparison takes the same time wherever the hashes differ.
    ///
    /// - Throws: ``PasswordHashError`` if `encoded` is not a hash this type can read.
    public func verify(_ password: String, against encoded: String) throws(PasswordHashError) -> Bool {
        let stored = try Self.parse(encoded)
        let derived = Self.deriveKey(
            password: Array(password.utf8), salt: stored.salt, iterations: stored.iterations,
            byteCount: stored.hash.count)
        return constantTimeEquals(derived, stored.hash)
    }

    /// Spends as long as a verification would, for logins naming a user that does not exist, so response times do
    /// not reveal which user names are taken.
    public func performDummyVerification(_ password: String) {
        _ = Self.deriveKey(
            password: Array(password.utf8), salt: [UInt8](repeating: 0, count: Self.saltByteCount),
            iterations: iterations, byteCount: Self.hashByteCount)
    }

    /// Whether `encoded` should be replaced by a fresh ``hash(_:)``: it uses fewer iterations than this hasher (or
    /// cannot be read at all).
    public func needsRehash(_ encoded: String) -> Bool {
        guard let stored = try? Self.parse(encoded) else { return true }
        return stored.iterations < iterations || stored.salt.count < Self.saltByteCount
    }

    // MARK: - PBKDF2

    /// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) through swift-crypto, without its 210,000-round floor: the floor is
    /// enforced for new hashes by ``init(iterations:)``, and old hashes must stay verifiable.
    static func deriveKey(password: [UInt8], salt: [UInt8], iterations: Int, byteCount: Int) -> [UInt8] {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: password, salt: salt, using: .sha256, outputByteCount: byteCount,
                unsafeUncheckedRounds: iterations)
            return key.withUnsafeBytes { [UInt8]($0) }
        } catch {
            // BoringSSL's PKCS5_PBKDF2_HMAC fails only on allocation failure or out-of-range arguments, which
            // parse(_:) and init(iterations:) rule out.
            preconditionFailure("PBKDF2 failed: \(error)")
        }
    }

    // MARK: - Encoding

    private struct StoredHash {
        var iterations: Int
        var salt: [UInt8]
        var hash: [UInt8]
    }

    private static func parse(_ encoded: String) throws(PasswordHashError) -> StoredHash {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw PasswordHashError("expected 4 fields separated by \"$\", found \(parts.count)")
        }
        guard parts[0] == scheme else {
            throw PasswordHashError("unknown scheme \"\(parts[0].prefix(32))\", expected \"\(scheme)\"")
        }
        guard parts[1].utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let iterations = Int(parts[1]), (1...maximumIterations).contains(iterations)
        else {
            throw PasswordHashError("iteration count must be a whole number from 1 to \(maximumIterations)")
        }
        guard let salt = Data(base64Encoded: String(parts[2])), (8...64).contains(salt.count) else {
            throw PasswordHashError("salt must be 8 to 64 bytes of base64")
        }
        guard let hash = Data(base64Encoded: String(parts[3])), hash.count == hashByteCount else {
            throw PasswordHashError("hash must be \(hashByteCount) bytes of base64")
        }
        return StoredHash(iterations: iterations, salt: [UInt8](salt), hash: [UInt8](hash))
    }
}
