import Foundation
import Hummingbird
import LangBuilderAuth
import LangBuilderCore
import LangBuilderStorage

/// Langflow's sign-in routes: `POST /login` (form-encoded), `GET /auto_login`, `POST /refresh`, `POST /logout`.
///
/// Each answer with tokens is `{"access_token", "refresh_token", "token_type": "bearer"}` and sets the cookies
/// `access_token_lf` and `refresh_token_lf` (HttpOnly, SameSite=Lax).
struct AuthController {
    let storage: any StorageDriver
    let auth: AuthServices

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("api/v1")
        group.post("login", use: login)
        group.get("auto_login", use: autoLogin)
        group.post("refresh", use: refresh)
        group.post("logout", use: logout)
    }

    /// `username=…&password=…`, as FastAPI's `OAuth2PasswordRequestForm`.
    struct LoginForm {
        var username: String
        var password: String

        init(request: inout Request, context: AppRequestContext) async throws {
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            var fields: [String: String] = [:]
            if contentType.hasPrefix("application/x-www-form-urlencoded") {
                let body = String(buffer: try await request.collectBody(upTo: context.maxUploadSize))
                fields = Self.decode(body)
            }
            var missing: [JSONValue] = []
            for name in ["username", "password"] where fields[name] == nil {
                missing.append(["type": "missing", "loc": ["body", .string(name)], "msg": "Field required", "input": nil])
            }
            guard missing.isEmpty, let username = fields["username"], let password = fields["password"] else {
                throw APIError(.unprocessableContent, detail: .array(missing))
            }
            self.username = username
            self.password = password
        }

        static func decode(_ body: String) -> [String: String] {
            var fields: [String: String] = [:]
            for pair in body.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func unescape(_ text: Substring) -> String {
                    let spaced = text.replacingOccurrences(of: "+", with: " ")
                    return spaced.removingPercentEncoding ?? spaced
                }
                let name = unescape(parts[0])
                if fields[name] == nil { fields[name] = parts.count > 1 ? unescape(parts[1]) : "" }
            }
            return fields
        }
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await LoginForm(request: &request, context: context)
        let hasher = auth.passwords
        guard var user = try await storage.user(username: form.username) else {
            await Offload.run { hasher.performDummyVerification(form.password) }
            throw APIError(.unauthorized, detail: "Incorrect username or password", headers: [.wwwAuthenticate: "Bearer"])
        }
        let stored = user.passwordHash
        let matches = await Offload.run { (try? hasher.verify(form.password, against: stored)) ?? false }
        guard matches else {
            throw APIError(.unauthorized, detail: "Incorrect username or password", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard user.isActive else {
            throw APIError(.badRequest, user.lastLoginAt == nil ? "Waiting for approval" : "Inactive user")
        }
        user.lastLoginAt = Date()
        if hasher.needsRehash(stored) {
            let password = form.password
            user.passwordHash = await Offload.run { hasher.hash(password) }
        }
        try await storage.updateUser(user)
        return try await tokenResponse(for: user.id)
    }

    @Sendable func autoLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard auth.autoLogin else {
            throw APIError(.forbidden, detail: ["message": "Auto login is disabled.", "auto_login": false])
        }
        guard let user = try await storage.user(username: auth.superuserName), user.isActive else {
            throw APIError(.internalServerError, "The superuser \(auth.superuserName) does not exist")
        }
        return try await tokenResponse(for: user.id)
    }

    @Sendable func refresh(_ request: Request, context: AppRequestContext) async throws -> Response {
        let invalid = APIError(.unauthorized, detail: "Invalid refresh token", headers: [.wwwAuthenticate: "Bearer"])
        guard let token = request.cookies[Authenticator.refreshCookie]?.value ?? Authenticator.bearerToken(request), !token.isEmpty else {
            throw invalid
        }
        guard let claims = try? await auth.tokens.verify(token, expecting: .refresh),
            let user = try await storage.user(id: claims.userID), user.isActive
        else { throw invalid }
        return try await tokenResponse(for: user.id)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        var response = Response.json(["message": "Logout successful"])
        for name in [Authenticator.accessCookie, Authenticator.refreshCookie, "apikey_tkn_lflw"] {
            response.setCookie(Cookie(name: name, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }

    private func tokenResponse(for userID: UUID) async throws -> Response {
        let pair = try await auth.tokens.issuePair(for: userID)
        var response = Response.json([
            "access_token": .string(pair.accessToken), "refresh_token": .string(pair.refreshToken), "token_type": "bearer",
        ])
        response.setCookie(Cookie(
            name: Authenticator.accessCookie, value: pair.accessToken, maxAge: Self.seconds(auth.tokens.accessTokenLifetime),
            path: "/", httpOnly: true, sameSite: .lax))
        response.setCookie(Cookie(
            name: Authenticator.refreshCookie, value: pair.refreshToken, maxAge: Self.seconds(auth.tokens.refreshTokenLifetime),
            path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    private static func seconds(_ duration: Duration) -> Int { Int(duration.components.seconds) }
}
