import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import LangBuilderAuth
import LangBuilderCore
import LangBuilderServer
import LangBuilderStorage
import LangBuilderTesting
import Testing

/// A server over a given storage with a superuser `langflow` / `secret-password` (and an active user `bob` /
/// `bob-password`), a fast password hasher and the engine test bundle loaded.
struct TestServer {
    static let superuser = "langflow"
    static let superuserPassword = "secret-password"
    static let signingKey = SymmetricKey(data: [UInt8](repeating: 7, count: 32))

    let storage: any StorageDriver
    let auth: AuthServices
    let registry: RegistryHolder
    var settings = ServerSettings(maxBodySize: 1024 * 1024, version: "9.9.9")

    static let sharedRegistry: Result<ComponentRegistry, any Error> = Result {
        var registry = ComponentRegistry()
        try registry.add(try BundleLoader().load(file: try BundleFixtures.engineTestBundle()))
        return registry
    }

    init(storage: any StorageDriver = MemoryStorageDriver(), autoLogin: Bool = true) async throws {
        self.storage = storage
        let tokens = await TokenIssuer(signingKey: Self.signingKey)
        self.auth = AuthServices(tokens: tokens, passwords: PasswordHasher(testOnly_iterations: 1000), autoLogin: autoLogin, superuserName: Self.superuser)
        self.registry = RegistryHolder(try Self.sharedRegistry.get())
        _ = try await SuperuserBootstrap.run(storage: storage, name: Self.superuser, password: Self.superuserPassword, hasher: auth.passwords)
        if try await storage.user(username: "bob") == nil {
            try await storage.createUser(UserRecord(username: "bob", passwordHash: auth.passwords.hash("bob-password"), isActive: true))
        }
    }

    func app() -> some ApplicationProtocol {
        buildApplication(settings: settings, storage: storage, registry: registry, auth: auth)
    }

    func accessToken(for username: String) async throws -> String {
        let user = try #require(try await storage.user(username: username))
        return try await auth.tokens.issue(.access, for: user.id)
    }
}


extension ByteBuffer {
    func json() -> JSONValue { (try? JSONValue(parsing: String(buffer: self))) ?? .string("<not JSON: \(String(buffer: self))>") }
}

extension HTTPFields {
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
    static func apiKey(_ key: String) -> HTTPFields { [HTTPField.Name("x-api-key")!: key] }
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    static let json: HTTPFields = [.contentType: "application/json"]
}

extension HTTPFields {
    static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var fields = lhs
        fields.append(contentsOf: rhs)
        return fields
    }
}

extension JSONValue {
    subscript(_ index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
