public import Foundation
import Synchronization

extension UUID {
    /// A random (version 4) UUID from the system's secure generator (`getrandom`).
    ///
    /// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every UUID (about 3.5 µs here,
    /// and a file-table lock under load); a run makes several ids, so the run path uses this one, whose bytes
    /// come from ``RandomPool`` (one `getrandom` call per 256 ids).
    public static func random() -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            let (high, low) = RandomPool.shared.next()
            raw.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
        }
        bytes.6 = (bytes.6 & 0x0F) | 0x40  // version 4
        bytes.8 = (bytes.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: bytes)
    }

    /// A time-ordered (version 7, RFC 9562) UUID: 48 bits of Unix milliseconds, then 74 random bits.
    ///
    /// Records that a run writes (messages, transactions, vertex builds) take these ids: their primary-key
    /// index then grows at its end instead of at a random page per insert, so a batch of records dirties a few
    /// pages instead of one per record (SQLite writes each dirty page whole at every commit).
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            let (random, low) = RandomPool.shared.next()
            raw.storeBytes(of: (milliseconds << 16).bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
            raw[6] = UInt8(truncatingIfNeeded: random)
            raw[7] = UInt8(truncatingIfNeeded: random >> 8)
        }
        bytes.6 = (bytes.6 & 0x0F) | 0x70  // version 7
        bytes.8 = (bytes.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: bytes)
    }

    /// The lowercase text form Langflow and our storage use (`0f9c…-…`), written directly: `uuidString`
    /// formats with `sprintf` and is then lowercased, five times slower.
    public var lowercasedString: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { output in
                digits.withUTF8Buffer { hex in
                    var position = 0
                    for index in 0..<16 {
                        if index == 4 || index == 6 || index == 8 || index == 10 {
                            output[position] = UInt8(ascii: "-")
                            position += 1
                        }
                        output[position] = hex[Int(bytes[index] >> 4)]
                        output[position + 1] = hex[Int(bytes[index] & 0x0F)]
                        position += 2
                    }
                }
                return 36
            }
        }
    }

    /// Reads the text form (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, either case), as `UUID(uuidString:)` does
    /// without its `sscanf`: nil for anything else.
    public static func parsing(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8 { bytes -> UUID? in
            guard bytes.count == 36, bytes[8] == 0x2D, bytes[13] == 0x2D, bytes[18] == 0x2D, bytes[23] == 0x2D else { return nil }
            func nibble(_ byte: UInt8) -> UInt8? {
                switch byte {
                case 0x30...0x39: byte - 0x30
                case 0x61...0x66: byte - 0x61 + 10
                case 0x41...0x46: byte - 0x41 + 10
                default: nil
                }
            }
            var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let complete = withUnsafeMutableBytes(of: &value) { output -> Bool in
                var position = 0
                for index in 0..<16 {
                    if position == 8 || position == 13 || position == 18 || position == 23 { position += 1 }
                    guard let high = nibble(bytes[position]), let low = nibble(bytes[position + 1]) else { return false }
                    output[index] = high << 4 | low
                    position += 2
                }
                return true
            }
            return complete ? UUID(uuid: value) : nil
        }
    }
}

/// Random bytes from the system's secure generator, fetched 4 KiB at a time.
///
/// `SystemRandomNumberGenerator` makes one `getrandom` system call per 8 bytes; a run makes several ids of 16
/// bytes each, so those calls were a measurable part of a short run. The bytes are the same kind (the
/// kernel's CSPRNG); they are only fetched in bulk, handed out once each, and never shared with a child
/// process (the server never forks). Ids only: keys and tokens take their bytes from their own generators.
final class RandomPool: Sendable {
    static let shared = RandomPool()
    private static let size = 4096

    private struct Buffer: ~Copyable {
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: RandomPool.size, alignment: 8)
        var used = RandomPool.size
    }
    private let buffer = Mutex(Buffer())

    /// 16 fresh random bytes, as two words.
    func next() -> (UInt64, UInt64) {
        buffer.withLock { buffer in
            if buffer.used == Self.size {
                Self.fill(buffer.bytes)
                buffer.used = 0
            }
            defer { buffer.used += 16 }
            return (
                buffer.bytes.load(fromByteOffset: buffer.used, as: UInt64.self),
                buffer.bytes.load(fromByteOffset: buffer.used + 8, as: UInt64.self)
            )
        }
    }

    /// `arc4random_buf` is the system's secure generator in one call: `getrandom(2)` in glibc ≥ 2.36.
    private static func fill(_ bytes: UnsafeMutableRawBufferPointer) {
        arc4random_buf(bytes.baseAddress!, bytes.count)
    }
}
