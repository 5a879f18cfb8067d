/// Why a stored password hash could not be read. A wrong password is not an error:
/// ``PasswordHasher/verify(_:against:)`` returns `false` for it.
public struct PasswordHashError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the encoded hash, e.g. `unknown scheme "bcrypt"`.
    public var detail: String

    public init(_ detail: String) {
        self.detail = detail
    }

    public var description: String { "malformed password hash: \(detail)" }
}
