/// The two kinds of JWT the server issues, as written in the `type` claim.
public enum TokenType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Authenticates requests (`Authorization: Bearer …` or the `access_token_lf` cookie); lives an hour by default.
    case access
    /// Obtains a new token pair from `POST /api/v1/refresh`; lives seven days by default.
    case refresh
}
