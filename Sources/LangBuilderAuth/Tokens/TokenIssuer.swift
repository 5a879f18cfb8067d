public import Crypto
public import Foundation
import JWTKit

/// Issues and verifies the server's JWTs: HS256 over the ``SecretStore/jwtSigningKey``, with Langflow's claims
/// `{"sub": "<user uuid>", "type": "access"|"refresh", "exp": …}` plus `iat` and a random `jti`.
///
/// Verification checks, in order, the signature, the claims' shape, the expiry and the type, and throws the first
/// failure as a ``TokenError`` so the server can answer 401 with the right `detail`.
///
/// ```swift
/// let issuer = await TokenIssuer(signingKey: secrets.jwtSigningKey)
/// let pair = try await issuer.issuePair(for: user.id)
/// let claims = try await issuer.verify(bearer, expecting: .access)
/// ```
public struct TokenIssuer: Sendable {
    /// Langflow's `ACCESS_TOKEN_EXPIRE_SECONDS`.
    public static let defaultAccessTokenLifetime: Duration = .seconds(3600)
    /// Langflow's `REFRESH_TOKEN_EXPIRE_SECONDS` (seven days).
    public static let defaultRefreshTokenLifetime: Duration = .seconds(7 * 24 * 3600)

    public let accessTokenLifetime: Duration
    public let refreshTokenLifetime: Duration
    private let keys: JWTKeyCollection

    /// An issuer signing with `signingKey` (at least 32 bytes).
    public init(
        signingKey: SymmetricKey,
        accessTokenLifetime: Duration = TokenIssuer.defaultAccessTokenLifetime,
        refreshTokenLifetime: Duration = TokenIssuer.defaultRefreshTokenLifetime
    ) async {
        precondition(signingKey.bitCount >= 256, "an HS256 signing key needs at least 32 bytes")
        precondition(accessTokenLifetime > .zero && refreshTokenLifetime > .zero, "token lifetimes must be positive")
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        // Whole seconds, as Langflow (python-jose) writes and every JWT library reads them.
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .integerSecondsSince1970
        self.keys = await JWTKeyCollection().add(
            hmac: HMACKey(key: signingKey), digestAlgorithm: .sha256,
            serializer: DefaultJWTSerializer(jsonEncoder: encoder))
    }

    /// The lifetime of tokens of `type`.
    public func lifetime(of type: TokenType) -> Duration {
        switch type {
        case .access: accessTokenLifetime
        case .refresh: refreshTokenLifetime
        }
    }

    /// A signed token of `type` for `userID`, valid from `now` for ``lifetime(of:)``.
    ///
    /// - Parameter now: The issue time; tests pass a past date to obtain an expired token.
    public func issue(_ type: TokenType, for userID: UUID, now: Date = Date()) async throws -> String {
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let payload = Payload(
            sub: SubjectClaim(value: userID.uuidString.lowercased()),
            type: type.rawValue,
            exp: ExpirationClaim(value: issuedAt.addingTimeInterval(Self.seconds(lifetime(of: type)))),
            iat: IssuedAtClaim(value: issuedAt),
            jti: IDClaim(value: UUID().uuidString.lowercased()))
        return try await keys.sign(payload)
    }

    /// A fresh access token and refresh token for `userID`.
    public func issuePair(for userID: UUID, now: Date = Date()) async throws -> TokenPair {
        TokenPair(
            accessToken: try await issue(.access, for: userID, now: now),
            refreshToken: try await issue(.refresh, for: userID, now: now))
    }

    /// The claims of `token` if it is ours, unexpired at `now`, and of type `expected`.
    public func verify(
        _ token: String, expecting expected: TokenType, now: Date = Date()
    ) async throws(TokenError) -> TokenClaims {
        let payload: Payload
        do {
            payload = try await keys.verify(token, as: Payload.self)
        } catch let error as JWTError {
            throw .invalid(reason: Self.reason(for: error))
        } catch {
            throw .invalid(reason: "\(error)")
        }
        guard let userID = UUID(uuidString: payload.sub.value) else {
            throw .invalid(reason: "sub is not a user id")
        }
        guard now < payload.exp.value else {
            throw .expired
        }
        guard let type = TokenType(rawValue: payload.type), type == expected else {
            throw .wrongType(expected: expected, found: payload.type)
        }
        return TokenClaims(
            userID: userID, type: type, issuedAt: payload.iat.value, expiresAt: payload.exp.value,
            tokenID: payload.jti.value)
    }

    private static func reason(for error: JWTError) -> String {
        switch error.errorType {
        case .signatureVerificationFailed: "signature does not match"
        case .malformedToken: "malformed token"
        default: error.reason ?? "\(error.errorType)"
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    /// The claims as they travel; `type` stays a string so an unknown type is reported as such.
    private struct Payload: JWTPayload {
        var sub: SubjectClaim
        var type: String
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        var jti: IDClaim

        // Expiry is checked by the issuer against its `now`, after the signature, so tests control the clock.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }
}
