import LangBuilderAuth
import Testing

/// API keys (issue 4, "Auth": shown once at creation, stored as hashes, masked after).
@Suite struct APIKeysTests {
    @Test func generatesSkPlus43URLSafeCharacters() {
        let keys = (0..<200).map { _ in APIKeys.generate() }
        for generated in keys {
            #expect(generated.key.wholeMatch(of: /sk-[A-Za-z0-9_-]{43}/) != nil, "\(generated.key)")
            #expect(APIKeys.isWellFormed(generated.key))
            #expect(generated.hash == APIKeys.hash(generated.key))
            #expect(generated.mask == APIKeys.mask(generated.key))
        }
        #expect(Set(keys.map(\.key)).count == keys.count)
    }

    @Test func hashIsTheStableSHA256HexOfTheKey() {
        let key = "sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE"
        // Expected value from Python: hashlib.sha256(key.encode()).hexdigest().
        #expect(APIKeys.hash(key) == "b1c1b7a4fbd1eb57ace3df843f93becbc17ef57a550c84b1b2b6a8c2bd27307a")
        #expect(APIKeys.hash(key) == APIKeys.hash(key))
        #expect(APIKeys.hash(key) != APIKeys.hash(key + "F"))
    }

    @Test func maskKeepsSkAndFiveCharactersAndTheLength() {
        let key = "sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE"
        #expect(APIKeys.mask(key) == "sk-AbCdE" + String(repeating: "*", count: 38))
        #expect(APIKeys.mask(key).count == key.count)
        #expect(APIKeys.mask("short") == "*****")
    }

    @Test(arguments: [
        "",
        "sk-",
        "sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd",
        "sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEF",
        "sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE",
        "pk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE",
        "sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdé",
    ])
    func recognisesMalformedKeys(key: String) {
        #expect(!APIKeys.isWellFormed(key))
    }
}
