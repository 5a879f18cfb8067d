/// An outbound HTTP request of a bundle, as the host read it from `lb_http_request`.
///
/// Not `Sendable`: it lives on the thread of the component call that made it, and ``onChunk`` calls back into
/// that call.
public struct HostHTTPRequest {
    /// `GET`, `POST`, ...
    public var method: String
    /// An absolute `http://` or `https://` URL.
    public var url: String
    /// The request headers, in order; never logged.
    public var headers: [HostHTTPHeader]
    public var body: [UInt8]
    /// The whole transfer; nil: the client's default.
    public var timeout: Duration?
    /// Establishing the connection (TCP and TLS); nil: the client's default.
    public var connectTimeout: Duration?
    /// How many redirects to follow; 0: none (a 3xx response is returned as it is).
    public var maxRedirects: Int
    /// The most body bytes to buffer; nil: the client's limit. The smaller of the two applies.
    public var maxResponseBytes: Int?
    /// Receives the body in chunks as they arrive (borrowed for the call); returning false stops the transfer.
    public var onChunk: ((UnsafeRawBufferPointer) -> Bool)?

    public init(
        method: String = "GET",
        url: String,
        headers: [HostHTTPHeader] = [],
        body: [UInt8] = [],
        timeout: Duration? = nil,
        connectTimeout: Duration? = nil,
        maxRedirects: Int = 0,
        maxResponseBytes: Int? = nil,
        onChunk: ((UnsafeRawBufferPointer) -> Bool)? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxRedirects = maxRedirects
        self.maxResponseBytes = maxResponseBytes
        self.onChunk = onChunk
    }

    /// The URL in the form that may be logged or shown in an error: scheme, host, port and path, with user
    /// information replaced by `***@`, a query string by `?***`, and the fragment dropped.
    public var redactedURL: String { Self.redacted(url) }

    /// The loggable form of any URL (see ``redactedURL``). Text that is not a URL is cut at its first `?`.
    ///
    /// ```swift
    /// HostHTTPRequest.redacted("https://me:pw@api.example.com/v1/x?key=s3cret#top")
    /// // "https://***@api.example.com/v1/x?***"
    /// ```
    public static func redacted(_ url: String) -> String {
        var rest = Substring(url)
        var result = ""
        if let schemeEnd = rest.firstRange(of: "://") {
            result += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                result += "***@" + authority[authority.index(after: at)...]
            } else {
                result += authority
            }
            rest = rest[authorityEnd...]
        }
        let pathEnd = rest.firstIndex { $0 == "?" || $0 == "#" } ?? rest.endIndex
        result += rest[..<pathEnd]
        if rest[pathEnd...].first == "?" { result += "?***" }
        return result
    }
}

/// One header of an HTTP request or response.
public struct HostHTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
