/// An access token and a refresh token issued together, as `POST /api/v1/login` returns them.
public struct TokenPair: Sendable, Hashable {
    public var accessToken: String
    public var refreshToken: String

    public init(accessToken: String, refreshToken: String) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
    }
}
