/// The final response to a ``HostHTTPRequest`` (after the redirects it followed).
public struct HostHTTPResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The headers of the final response, in order, names as the server sent them.
    public var headers: [HostHTTPHeader]
    /// The body; empty when the request streamed it through ``HostHTTPRequest/onChunk``.
    public var body: [UInt8]

    public init(status: Int, headers: [HostHTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name`, compared without regard to ASCII case.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
