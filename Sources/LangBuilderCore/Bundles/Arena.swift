#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The per-run memory that values crossing the ABI live in (`lb_host_api.alloc`); freed when the run ends.
///
/// A bump allocator over 64 KiB chunks; larger requests get their own block. Thread-safe, since the
/// independent branches of a run call components in parallel.
final class Arena: Sendable {
    private struct State {
        var blocks: [UnsafeMutableRawPointer] = []
        var cursor: UnsafeMutableRawPointer?
        var remaining = 0
        var allocated = 0
    }

    private static let chunkSize = 64 * 1024
    private static let alignment = 16
    private let state = Mutex(State())

    init() {}

    /// Returns `size` bytes aligned to 16, or nil when out of memory.
    func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        let rounded = max(Self.alignment, (size + Self.alignment - 1) & ~(Self.alignment - 1))
        return state.withLock { state -> UnsafeMutableRawPointer? in
            if rounded > Self.chunkSize / 4 {
                guard let block = malloc(rounded) else { return nil }
                state.blocks.append(block)
                state.allocated += rounded
                return block
            }
            if rounded > state.remaining {
                guard let chunk = malloc(Self.chunkSize) else { return nil }
                state.blocks.append(chunk)
                state.cursor = chunk
                state.remaining = Self.chunkSize
                state.allocated += Self.chunkSize
            }
            let result = state.cursor!
            state.cursor = result + rounded
            state.remaining -= rounded
            return result
        }
    }

    /// Copies bytes into the arena, adding a NUL terminator after them.
    func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeMutablePointer<CChar>? {
        guard let target = allocate(bytes.count + 1) else { return nil }
        if let base = bytes.baseAddress, bytes.count > 0 { target.copyMemory(from: base, byteCount: bytes.count) }
        target.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
        return target.assumingMemoryBound(to: CChar.self)
    }

    /// Copies a string into the arena as NUL-terminated UTF-8.
    func copy(_ string: String) -> (pointer: UnsafeMutablePointer<CChar>, count: Int)? {
        var string = string
        return string.withUTF8 { buffer in
            copy(UnsafeRawBufferPointer(buffer)).map { ($0, buffer.count) }
        }
    }

    var allocatedBytes: Int { state.withLock { $0.allocated } }

    deinit {
        state.withLock { state in
            for block in state.blocks { free(block) }
            state.blocks = []
        }
    }
}
