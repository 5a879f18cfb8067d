import Foundation
import HTTPTypes
import Hummingbird
import LangBuilderCore
import LangBuilderAuth
import LangBuilderStorage

/// Finds the user behind a request, as Langflow does: a JWT (`Authorization: Bearer …` or the `access_token_lf`
/// cookie) first, else an API key (`x-api-key` header or query parameter).
///
/// Answers: no credentials → 403 `No authentication credentials provided`; an unknown, inactive or expired API
/// key → 403 `Invalid or missing API key`; a bad or expired JWT → 401 with the token error's detail.
struct Authenticator: Sendable {
    static let accessCookie = "access_token_lf"
    static let refreshCookie = "refresh_token_lf"
    static let apiKeyName = "x-api-key"

    let storage: any StorageDriver
    let tokens: TokenIssuer
    var cache = CredentialCache()

    func user(for request: Request) async throws -> UserRecord {
        if let token = Self.bearerToken(request) ?? request.cookies[Self.accessCookie]?.value, !token.isEmpty {
            return try await user(accessToken: token)
        }
        if let key = Self.apiKey(request) {
            return try await user(apiKey: key)
        }
        throw APIError(.forbidden, "No authentication credentials provided")
    }

    func user(accessToken token: String) async throws -> UserRecord {
        if let entry = cache.entry("t:" + token) { return entry.user }
        let claims: TokenClaims
        do {
            claims = try await tokens.verify(token, expecting: .access)
        } catch {
            throw APIError(.unauthorized, detail: .string(error.detail), headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let user = try await storage.user(id: claims.userID), user.isActive else {
            throw APIError(.unauthorized, detail: "User not found or is inactive.", headers: [.wwwAuthenticate: "Bearer"])
        }
        cache.store("t:" + token, user: user, notAfter: claims.expiresAt)
        return user
    }

    func user(apiKey key: String) async throws -> UserRecord {
        if let entry = cache.entry("k:" + key), let keyID = entry.keyID {
            noteUse(of: keyID)
            return entry.user
        }
        let invalid = APIError(.forbidden, "Invalid or missing API key")
        guard APIKeys.isWellFormed(key), let record = try await storage.apiKey(hashedKey: APIKeys.hash(key)), record.isActive else {
            throw invalid
        }
        let now = Date()
        if let expiry = record.expiresAt, expiry <= now { throw invalid }
        guard let user = try await storage.user(id: record.userID), user.isActive else { throw invalid }
        cache.store("k:" + key, user: user, keyID: record.id, notAfter: record.expiresAt)
        noteUse(of: record.id)
        return user
    }

    /// Counts the use; every so often writes the counted uses in the background, off the request's path.
    private func noteUse(of keyID: UUID) {
        guard cache.noteUse(of: keyID, at: Date()) else { return }
        Task { [cache, storage] in await cache.flushUses(to: storage) }
    }

    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    static func apiKey(_ request: Request) -> String? {
        if let name = HTTPField.Name(apiKeyName), let header = request.headers[name], !header.isEmpty { return header }
        if let query = request.uri.queryParameters.get(apiKeyName), !query.isEmpty { return query }
        return nil
    }
}

/// Requires an authenticated user on the routes of its group and puts it in the context.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.user = try await authenticator.user(for: request)
        return try await next(request, context)
    }
}
