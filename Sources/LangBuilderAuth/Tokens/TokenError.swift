/// Why a token was not accepted. Each case maps to a 401 with its own ``detail``.
public enum TokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The signature is valid but the expiry time has passed.
    case expired
    /// The token is not one of ours: malformed, signed with another key, or with claims missing or of the wrong shape.
    case invalid(reason: String)
    /// A valid token of the other type, e.g. a refresh token sent as a bearer token.
    case wrongType(expected: TokenType, found: String)

    /// The text Langflow answers with in the 401's `{"detail": …}` for this case.
    public var detail: String {
        switch self {
        case .expired: "Token has expired."
        case .invalid: "Could not validate credentials"
        case .wrongType: "Token is invalid."
        }
    }

    public var description: String {
        switch self {
        case .expired: "token expired"
        case .invalid(let reason): "invalid token: \(reason)"
        case .wrongType(let expected, let found): "wrong token type: expected \(expected.rawValue), found \"\(found)\""
        }
    }
}
