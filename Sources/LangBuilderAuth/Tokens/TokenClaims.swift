public import Foundation

/// The verified contents of a token.
public struct TokenClaims: Sendable, Hashable {
    /// The user the token was issued to (the `sub` claim).
    public var userID: UUID
    /// Access or refresh (the `type` claim).
    public var type: TokenType
    /// When the token was issued (`iat`), to the second.
    public var issuedAt: Date
    /// When the token stops being accepted (`exp`), to the second.
    public var expiresAt: Date
    /// The token's unique id (`jti`), for revocation lists.
    public var tokenID: String

    public init(userID: UUID, type: TokenType, issuedAt: Date, expiresAt: Date, tokenID: String) {
        self.userID = userID
        self.type = type
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.tokenID = tokenID
    }
}
