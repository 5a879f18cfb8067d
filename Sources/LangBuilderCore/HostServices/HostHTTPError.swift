/// Why a ``HostHTTPClient`` got no response: the message becomes the component's error
/// (`http_request: connect to 127.0.0.1:1 failed: ...`), so it never contains secrets.
public struct HostHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No response: connection, TLS, timeout, redirects, size limit, bad URL. `http_request` answers `LB_ERROR`.
        case failed
        /// The run was cancelled during the transfer. `http_request` answers `LB_CANCELLED`.
        case cancelled
    }

    public var kind: Kind
    /// What went wrong, starting with `http_request: `.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
