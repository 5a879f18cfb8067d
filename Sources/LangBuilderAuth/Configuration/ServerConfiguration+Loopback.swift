#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ServerConfiguration {
    /// Whether `host` names the loopback interface only: `localhost`, an IPv4 address in 127.0.0.0/8, `::1`, or an
    /// IPv4-mapped `::ffff:127.x.y.z`; brackets and an IPv6 zone (`%lo`) are ignored.
    ///
    /// Wildcards such as `0.0.0.0` and `::` are not loopback: they listen on every interface.
    public static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if let zone = name.firstIndex(of: "%") { name = String(name[..<zone]) }
        if name.hasSuffix(".") { name.removeLast() }
        if name == "localhost" { return true }

        var ipv4 = in_addr()
        if inet_pton(AF_INET, name, &ipv4) == 1 {
            return withUnsafeBytes(of: ipv4) { $0[0] } == 127
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, name, &ipv6) == 1 {
            let bytes = withUnsafeBytes(of: ipv6) { [UInt8]($0) }
            let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
            return bytes == loopback || (bytes.prefix(12).elementsEqual(mappedPrefix) && bytes[12] == 127)
        }
        return false
    }
}
