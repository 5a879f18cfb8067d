import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests and benchmarks of outbound HTTP: one thread per connection,
/// keep-alive, `Content-Length` request bodies, plain and chunked responses, and a count of the connections
/// it accepted (how a test sees whether a client reused one).
///
/// ```swift
/// let server = try LoopbackHTTPServer { request, responder in
///     responder.respond(status: 200, text: "hello \(request.path)")
/// }
/// defer { server.stop() }
/// // GET http://127.0.0.1:\(server.port)/x
/// ```
public final class LoopbackHTTPServer: @unchecked Sendable {
    /// A request as received.
    public struct Request: Sendable {
        public var method: String
        /// The request target: path and query, e.g. `/echo?x=1`.
        public var target: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        /// The path without the query.
        public var path: String { String(target.prefix { $0 != "?" }) }

        /// The value of the first header named `name` (ASCII case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    public typealias Handler = @Sendable (Request, Responder) -> Void

    /// The port the server listens on.
    public let port: Int
    private let listener: Int32
    private let handler: Handler
    private let accepted = Atomic<Int>(0)
    private let served = Atomic<Int>(0)
    private let state = Mutex<(stopped: Bool, connections: Set<Int32>)>((false, []))

    /// Starts listening on an ephemeral port of 127.0.0.1 and serving every request with `handler`.
    public init(handler: @escaping Handler) throws {
        self.handler = handler
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ServerError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            close(descriptor)
            throw ServerError("bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "loopback-http-accept"
        thread.start()
    }

    /// `http://127.0.0.1:<port>` followed by `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Connections accepted so far.
    public var connectionsAccepted: Int { accepted.load(ordering: .acquiring) }

    /// Requests answered (or being answered) so far.
    public var requestsServed: Int { served.load(ordering: .acquiring) }

    /// Stops accepting and closes every open connection; handlers still streaming see their writes fail.
    public func stop() {
        let connections = state.withLock { state -> Set<Int32> in
            guard !state.stopped else { return [] }
            state.stopped = true
            return state.connections
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for connection in connections { shutdown(connection, Int32(SHUT_RDWR)) }
    }

    var isStopped: Bool { state.withLock { $0.stopped } }

    deinit {
        stop()
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let admitted = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.connections.insert(connection)
                return true
            }
            guard admitted else {
                close(connection)
                return
            }
            accepted.add(1, ordering: .releasing)
            var yes: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(connection) }
            thread.name = "loopback-http-connection"
            thread.start()
        }
    }

    /// Serves requests on one connection until the peer closes it, a response asks to close, or the server stops.
    private func serve(_ connection: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(connection) }
            close(connection)
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        func fill() -> Bool {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        while !isStopped {
            var headEnd: Int?
            while headEnd == nil {
                headEnd = Self.find([13, 10, 13, 10], in: buffer)
                if headEnd == nil { guard fill() else { return } }
            }
            let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
            buffer.removeFirst(headEnd! + 4)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            guard requestLine.count >= 2 else { return }
            var headers: [(name: String, value: String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
            while buffer.count < length { guard fill() else { return } }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            let request = Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
            served.add(1, ordering: .releasing)
            let responder = Responder(connection: connection, server: self)
            handler(request, responder)
            if !responder.keepAlive || request.header("connection")?.lowercased() == "close" { return }
        }
    }

    private static func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if Array(bytes[start..<start + pattern.count]) == pattern { return start }
        }
        return nil
    }

    /// Writes the response to one request.
    public final class Responder: @unchecked Sendable {
        private let connection: Int32
        private let server: LoopbackHTTPServer
        /// False once the response asked to close the connection (or a write failed).
        public private(set) var keepAlive = true

        init(connection: Int32, server: LoopbackHTTPServer) {
            self.connection = connection
            self.server = server
        }

        /// A complete response with a `Content-Length` body.
        public func respond(status: Int, headers: [(String, String)] = [], body: [UInt8]) {
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nContent-Length: \(body.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            _ = write(Array((head + "\r\n").utf8) + body)
        }

        public func respond(status: Int, headers: [(String, String)] = [], text: String) {
            respond(status: status, headers: headers, body: Array(text.utf8))
        }

        /// Starts a chunked response; follow with ``sendChunk(_:)`` and ``endChunks()``.
        @discardableResult
        public func beginChunks(status: Int = 200, headers: [(String, String)] = []) -> Bool {
            var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nTransfer-Encoding: chunked\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            return write(Array((head + "\r\n").utf8))
        }

        /// Sends one chunk; false when the client is gone or the server stopped.
        @discardableResult
        public func sendChunk(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            guard !bytes.isEmpty else { return true }
            return write(Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [13, 10])
        }

        public func endChunks() { _ = write(Array("0\r\n\r\n".utf8)) }

        /// Closes the connection after this response instead of keeping it alive.
        public func closeAfterResponse() { keepAlive = false }

        private func write(_ bytes: [UInt8]) -> Bool {
            guard !server.isStopped else {
                keepAlive = false
                return false
            }
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else {
                    keepAlive = false
                    return false
                }
                offset += sent
            }
            return true
        }

        private static func reason(_ status: Int) -> String {
            switch status {
            case 200: "OK"
            case 201: "Created"
            case 204: "No Content"
            case 301: "Moved Permanently"
            case 302: "Found"
            case 400: "Bad Request"
            case 404: "Not Found"
            case 500: "Internal Server Error"
            default: "Status"
            }
        }
    }

    public struct ServerError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
