public import Crypto
public import LangBuilderAuth

/// What the server needs to authenticate requests: the token issuer, the password hasher and the auto-login
/// policy. `langbuilder serve` builds it from the ``SecretStore`` and the ``ServerConfiguration``; tests build
/// it with a fast hasher.
///
/// ```swift
/// let auth = await AuthServices(secrets: try SecretStore(dataDirectory: dir), configuration: configuration)
/// ```
public struct AuthServices: Sendable {
    public let tokens: TokenIssuer
    public let passwords: PasswordHasher
    /// Whether `GET /api/v1/auto_login` hands out the superuser's tokens.
    public var autoLogin: Bool
    /// The superuser auto-login signs in as.
    public var superuserName: String
    /// Encrypts `Credential` variables at rest.
    public let credentials: CredentialCipher
    /// Whether users who sign up with `POST /users/` can log in before the superuser activates them.
    public var newUserIsActive: Bool = false
    /// Recently verified tokens and API keys, and the API key uses not yet written.
    public let credentialCache = CredentialCache()

    /// - Parameter credentials: the cipher for credential variables; the default key lives only as long as the process
    ///   (for tests), a server passes the one derived from its ``SecretStore``.
    public init(
        tokens: TokenIssuer, passwords: PasswordHasher = PasswordHasher(), autoLogin: Bool, superuserName: String,
        credentials: CredentialCipher = CredentialCipher(key: SymmetricKey(size: .bits256))
    ) {
        self.tokens = tokens
        self.credentials = credentials
        self.passwords = passwords
        self.autoLogin = autoLogin
        self.superuserName = superuserName
    }

    /// The services of a configured server: tokens signed with the persisted secret, lifetimes and auto-login
    /// from the configuration.
    public init(secrets: SecretStore, configuration: ServerConfiguration) async {
        let tokens = await TokenIssuer(
            signingKey: secrets.jwtSigningKey, accessTokenLifetime: configuration.accessTokenLifetime,
            refreshTokenLifetime: configuration.refreshTokenLifetime)
        self.init(
            tokens: tokens, autoLogin: configuration.autoLogin, superuserName: configuration.superuserName,
            credentials: CredentialCipher(key: secrets.credentialKey))
        self.newUserIsActive = configuration.newUserIsActive
    }
}
