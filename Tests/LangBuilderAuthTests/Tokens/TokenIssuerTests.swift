import Crypto
import Foundation
import LangBuilderAuth
import Testing

/// JWT access and refresh tokens (issue 4, "Auth": HS256, access 1 h, refresh 7 d, signed with the persisted secret).
@Suite struct TokenIssuerTests {
    let userID = UUID(uuidString: "6F1C1B0E-2F7A-4C1E-9D55-0C3F1D2B8A91")!
    let key = SymmetricKey(data: [UInt8](repeating: 7, count: 32))

    @Test func accessAndRefreshTokensRoundTrip() async throws {
        let issuer = await TokenIssuer(signingKey: key)
        let now = Date(timeIntervalSince1970: 1_800_000_000.75)
        let pair = try await issuer.issuePair(for: userID, now: now)

        let access = try await issuer.verify(pair.accessToken, expecting: .access, now: now)
        #expect(access.userID == userID)
        #expect(access.type == .access)
        #expect(access.issuedAt == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(access.expiresAt == Date(timeIntervalSince1970: 1_800_003_600))

        let refresh = try await issuer.verify(pair.refreshToken, expecting: .refresh, now: now)
        #expect(refresh.userID == userID)
        #expect(refresh.expiresAt.timeIntervalSince(refresh.issuedAt) == 7 * 24 * 3600)
        #expect(refresh.tokenID != access.tokenID)
    }

    @Test func tokensCarryLangflowsClaimsAsWholeSeconds() async throws {
        let issuer = await TokenIssuer(signingKey: key)
        let token = try await issuer.issue(.access, for: userID, now: Date(timeIntervalSince1970: 1_800_000_000.5))
        let parts = token.split(separator: ".")
        try #require(parts.count == 3)

        let header = try json(parts[0])
        #expect(header["alg"] as? String == "HS256")
        let claims = try json(parts[1])
        #expect(Set(claims.keys) == ["sub", "type", "exp", "iat", "jti"])
        #expect(claims["sub"] as? String == "6f1c1b0e-2f7a-4c1e-9d55-0c3f1d2b8a91")
        #expect(claims["type"] as? String == "access")
        // Integers, not 1800003600.0: python-jose and PyJWT clients read them as such.
        let payloadText = String(decoding: base64URL(parts[1]), as: UTF8.self)
        #expect(payloadText.contains("\"exp\":1800003600"), "\(payloadText)")
        #expect(payloadText.contains("\"iat\":1800000000"), "\(payloadText)")
    }

    @Test func acceptsAStandardHS256TokenMadeElsewhere() async throws {
        // Made with Python's hmac and the key 07…07: exp 2100-01-01.
        let token =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI2ZjFjMWIwZS0yZjdhLTRjMWUtOWQ1NS0wYzNmMWQyYjhhOTEiLCJ0eXBl"
            + "IjoiYWNjZXNzIiwiZXhwIjo0MTAyNDQ0ODAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IngxIn0."
            + "QD-aCfdAoPwbAZT1EN7atJS61-j-y_GoYy6A4eC9-D0"
        let claims = try await TokenIssuer(signingKey: key).verify(token, expecting: .access)
        #expect(claims.userID == userID)
        #expect(claims.tokenID == "x1")
        #expect(claims.expiresAt == Date(timeIntervalSince1970: 4_102_444_800))
    }

    @Test func refusesAnExpiredToken() async throws {
        let issuer = await TokenIssuer(signingKey: key)
        let token = try await issuer.issue(.access, for: userID, now: Date().addingTimeInterval(-7200))

        let error = await #expect(throws: TokenError.self) { try await issuer.verify(token, expecting: .access) }

        #expect(error == .expired)
        #expect(error?.detail == "Token has expired.")
    }

    @Test func expiresExactlyAtExp() async throws {
        let issuer = await TokenIssuer(signingKey: key, accessTokenLifetime: .seconds(60))
        let issued = Date(timeIntervalSince1970: 1_800_000_000)
        let token = try await issuer.issue(.access, for: userID, now: issued)

        _ = try await issuer.verify(token, expecting: .access, now: issued.addingTimeInterval(59.9))
        await #expect(throws: TokenError.expired) {
            try await issuer.verify(token, expecting: .access, now: issued.addingTimeInterval(60))
        }
    }

    @Test(arguments: [(TokenType.refresh, TokenType.access), (.access, .refresh)])
    func refusesATokenOfTheOtherType(issued: TokenType, expected: TokenType) async throws {
        let issuer = await TokenIssuer(signingKey: key)
        let token = try await issuer.issue(issued, for: userID)

        let error = await #expect(throws: TokenError.self) { try await issuer.verify(token, expecting: expected) }

        #expect(error == .wrongType(expected: expected, found: issued.rawValue))
        #expect(error?.detail == "Token is invalid.")
    }

    @Test func refusesATamperedSignature() async throws {
        let issuer = await TokenIssuer(signingKey: key)
        let token = try await issuer.issue(.access, for: userID)
        var parts = token.split(separator: ".").map(String.init)
        // The first character of the signature carries six whole bits of it.
        parts[2] = (parts[2].first == "A" ? "B" : "A") + parts[2].dropFirst()

        let error = await #expect(throws: TokenError.self) {
            try await issuer.verify(parts.joined(separator: "."), expecting: .access)
        }

        #expect(error == .invalid(reason: "signature does not match"))
        #expect(error?.detail == "Could not validate credentials")
    }

    @Test func refusesATamperedPayload() async throws {
        let issuer = await TokenIssuer(signingKey: key)
        let token = try await issuer.issue(.refresh, for: userID)
        var parts = token.split(separator: ".").map(String.init)
        let payload = String(decoding: base64URL(parts[1]), as: UTF8.self)
            .replacingOccurrences(of: "\"refresh\"", with: "\"access\"")
        parts[1] = base64URLEncoded(Array(payload.utf8))

        await #expect(throws: TokenError.invalid(reason: "signature does not match")) {
            try await issuer.verify(parts.joined(separator: "."), expecting: .access)
        }
    }

    @Test func refusesATokenSignedWithAnotherSecret() async throws {
        let other = await TokenIssuer(signingKey: SymmetricKey(size: .bits256))
        let token = try await other.issue(.access, for: userID)

        await #expect(throws: TokenError.invalid(reason: "signature does not match")) {
            try await TokenIssuer(signingKey: key).verify(token, expecting: .access)
        }
    }

    @Test func refusesAnUnsignedToken() async throws {
        let header = base64URLEncoded(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = base64URLEncoded(
            Array(#"{"sub":"6f1c1b0e-2f7a-4c1e-9d55-0c3f1d2b8a91","type":"access","exp":4102444800,"iat":1,"jti":"x"}"#.utf8))
        let error = await #expect(throws: TokenError.self) {
            try await TokenIssuer(signingKey: key).verify("\(header).\(payload).", expecting: .access)
        }
        guard case .invalid = error else {
            Issue.record("expected .invalid, got \(String(describing: error))")
            return
        }
    }

    @Test(arguments: ["", "abc", "a.b.c", "a.b"])
    func refusesGarbage(token: String) async throws {
        let error = await #expect(throws: TokenError.self) {
            try await TokenIssuer(signingKey: key).verify(token, expecting: .access)
        }
        guard case .invalid = error else {
            Issue.record("expected .invalid, got \(String(describing: error))")
            return
        }
    }

    // MARK: - Helpers

    private func json(_ part: Substring) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(base64URL(part))) as? [String: Any])
    }

    private func base64URL(_ text: some StringProtocol) -> [UInt8] {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return [UInt8](Data(base64Encoded: standard) ?? Data())
    }

    private func base64URLEncoded(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
