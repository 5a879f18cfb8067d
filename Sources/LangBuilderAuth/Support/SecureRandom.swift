import Crypto

/// `count` bytes from the cryptographic random generator swift-crypto uses for its own keys.
func secureRandomBytes(count: Int) -> [UInt8] {
    SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { [UInt8]($0) }
}
