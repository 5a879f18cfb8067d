import Crypto

/// Generates API keys and computes what storage keeps of them: a SHA-256 hash to look keys up by, and a mask to
/// show in listings. The key itself is shown once, at creation, and never stored.
///
/// Keys look like Langflow's: `sk-` followed by 43 URL-safe base64 characters (32 random bytes).
///
/// ```swift
/// let created = APIKeys.generate()
/// try await storage.insertAPIKey(name: name, hash: created.hash, mask: created.mask, userID: user.id)
/// return created.key  // the only time it leaves the server
/// // later, for `x-api-key: sk-…`:
/// let row = try await storage.apiKey(hash: APIKeys.hash(header))
/// ```
public enum APIKeys {
    /// What every key starts with.
    public static let prefix = "sk-"
    /// The number of random characters after ``prefix``.
    public static let randomCharacterCount = 43
    /// How many characters after ``prefix`` a mask keeps visible.
    public static let visibleCharacterCount = 5

    /// A new random key with its hash and mask.
    public static func generate() -> GeneratedAPIKey {
        let key = prefix + Base64URL.encode(secureRandomBytes(count: 32))
        return GeneratedAPIKey(key: key, hash: hash(key), mask: mask(key))
    }

    /// The lowercase hex SHA-256 of the key's UTF-8 bytes: the value storage indexes keys by.
    ///
    /// Keys carry 256 bits of randomness, so a fast unsalted hash is enough: there is nothing to guess.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Array(key.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The key with everything after `sk-` and the next five characters replaced by `*`, keeping its length, as
    /// Langflow lists keys: `sk-Dl-M7**************************************`.
    public static func mask(_ key: String) -> String {
        let visible = prefix.count + visibleCharacterCount
        guard key.count > visible else { return String(repeating: "*", count: key.count) }
        return key.prefix(visible) + String(repeating: "*", count: key.count - visible)
    }

    /// Whether `key` has the shape of a key this server generates; anything else can be refused without a lookup.
    public static func isWellFormed(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        return bytes.count == prefix.utf8.count + randomCharacterCount
            && key.hasPrefix(prefix)
            && bytes.dropFirst(prefix.utf8.count).allSatisfy(Base64URL.isAlphabet)
    }
}

/// A freshly generated API key: ``key`` goes to the user once; ``hash`` and ``mask`` go to storage.
public struct GeneratedAPIKey: Sendable, Hashable {
    /// The full key, `sk-` + 43 characters.
    public var key: String
    /// ``APIKeys/hash(_:)`` of the key.
    public var hash: String
    /// ``APIKeys/mask(_:)`` of the key.
    public var mask: String

    public init(key: String, hash: String, mask: String) {
        self.key = key
        self.hash = hash
        self.mask = mask
    }
}
