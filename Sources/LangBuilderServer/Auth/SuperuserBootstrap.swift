import Foundation
public import LangBuilderAuth
public import LangBuilderStorage

/// Creates the superuser on first start, as Langflow does with `LANGFLOW_SUPERUSER` / `_PASSWORD`.
public enum SuperuserBootstrap {
    /// What the bootstrap did.
    public enum Outcome: Sendable, Equatable {
        /// The superuser already existed; nothing changed.
        case existing
        /// Created with the configured password.
        case created
        /// Created with this generated password, which the caller prints once.
        case createdWithGeneratedPassword(String)
    }

    /// Ensures a user named `name` exists, creating an active superuser when it does not. Hashing runs off the
    /// caller's thread.
    public static func run(
        storage: some StorageDriver, name: String, password: String?, hasher: PasswordHasher
    ) async throws -> Outcome {
        if try await storage.user(username: name) != nil { return .existing }
        let chosen = password ?? generatePassword()
        let hash = await Offload.run { hasher.hash(chosen) }
        try await storage.createUser(UserRecord(username: name, passwordHash: hash, isActive: true, isSuperuser: true))
        return password == nil ? .createdWithGeneratedPassword(chosen) : .created
    }

    /// 24 random letters and digits.
    static func generatePassword() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
