/// Performs the outbound HTTP requests of bundles (`lb_host_api.http_request`).
///
/// The core speaks no HTTP itself: `LangBuilderHTTPClient` implements this role over libcurl, and tests may
/// use a stub. An implementation must:
///
/// - perform the request on the calling thread (a run's worker thread) and return when the response has ended;
/// - honour ``HostHTTPRequest/timeout``, ``HostHTTPRequest/connectTimeout`` and ``HostHTTPRequest/maxRedirects``,
///   and fail with a ``HostHTTPError`` when the buffered body would exceed ``HostHTTPRequest/maxResponseBytes``;
/// - stop promptly with ``HostHTTPError/Kind/cancelled`` when the run of `call` is cancelled, through
///   `call.run.withCancellationHandler(_:onCancel:)` and `call.run.isCancelled`;
/// - verify TLS certificates, and never log header values or a URL's query string or user information
///   (``HostHTTPRequest/redacted(_:)`` gives the loggable form of a URL).
public protocol HostHTTPClient: Sendable {
    /// Performs one request for the component call `call` and returns the final response (after redirects).
    ///
    /// With ``HostHTTPRequest/onChunk`` set, the body is handed over in chunks as it arrives and the returned
    /// response has an empty body; when the closure returns false the transfer stops and the response so far
    /// (status and headers) is returned.
    func perform(_ request: HostHTTPRequest, for call: CallContext) throws(HostHTTPError) -> HostHTTPResponse
}
