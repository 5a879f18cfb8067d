import CLangBuilderCurl
import LangBuilderCore
import Logging

/// One request performed on one session: the options, the transfer loop, libcurl's callbacks, and the outcome.
///
/// Lives on the calling thread for the length of ``run()``; libcurl's callbacks reach it through an unretained
/// pointer.
final class CurlTransfer {
    private let request: HostHTTPRequest
    private let configuration: CurlHTTPClient.Configuration
    private let session: CurlSession
    private let call: CallContext
    /// The most body bytes buffered.
    private let limit: Int

    private var headers: [HostHTTPHeader] = []
    private var body: [UInt8] = []
    /// The request's `onChunk` returned false: a normal end, chosen by the reader.
    private var stoppedByReader = false
    private var overLimit = false
    private var cancelled = false
    /// Connections this transfer had to open (0: it reused one).
    private(set) var connectionsOpened = 0

    init(request: HostHTTPRequest, configuration: CurlHTTPClient.Configuration, session: CurlSession, call: CallContext) {
        self.request = request
        self.configuration = configuration
        self.session = session
        self.call = call
        self.limit = min(configuration.maxResponseBytes, request.maxResponseBytes ?? .max)
    }

    private var target: String { "\(request.method) \(request.redactedURL)" }

    /// Performs the request and logs its outcome (never a header value, never a query string).
    func run() -> Result<HostHTTPResponse, HostHTTPError> {
        let started = ContinuousClock.now
        let outcome = perform()
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var logger = call.run.logger
        logger[metadataKey: "vertex"] = "\(call.vertexID)"
        logger[metadataKey: "component"] = "\(call.componentType)"
        let timing = milliseconds < 10 ? String(Double(Int(milliseconds * 100)) / 100) : String(Int(milliseconds))
        switch outcome {
        case .success(let response):
            let size = request.onChunk == nil ? "\(response.body.count) bytes" : "streamed"
            let connection = connectionsOpened == 0 ? "reused connection" : "new connection"
            logger.debug("http_request \(target) -> \(response.status), \(size) in \(timing) ms (\(connection))")
        case .failure(let error):
            logger.debug("http_request \(target) failed after \(timing) ms: \(error.message)")
        }
        return outcome
    }

    private func perform() -> Result<HostHTTPResponse, HostHTTPError> {
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            guard !header.name.isEmpty, !header.name.contains(where: { $0 == ":" || $0.isNewline || $0 == " " }) else {
                return .failure(HostHTTPError(.failed, "http_request: invalid header name \"\(header.name)\""))
            }
            guard !header.value.contains(where: \.isNewline) else {
                return .failure(HostHTTPError(.failed, "http_request: the value of header \(header.name) contains a line break"))
            }
            // "Name;" is libcurl's way of sending a header with an empty value.
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            guard let appended = curl_slist_append(headerList, line) else { return .failure(outOfMemory) }
            headerList = appended
        }
        // Without this libcurl asks large uploads to wait for "100 Continue", a second lost with many servers.
        if !request.headers.contains(where: { $0.name.lowercased() == "expect" }) {
            guard let appended = curl_slist_append(headerList, "Expect:") else { return .failure(outOfMemory) }
            headerList = appended
        }
        if let problem = configure(headers: headerList) { return .failure(problem) }

        let code = transfer()
        var opened = 0
        _ = CLangBuilderCurl_easy_getinfo_long(session.easy, CURLINFO_NUM_CONNECTS, &opened)
        connectionsOpened = opened
        if cancelled || (code != CURLE_OK && call.run.isCancelled) {
            return .failure(HostHTTPError(.cancelled, "http_request: \(target) was cancelled with the run"))
        }
        guard let code else {
            return .failure(HostHTTPError(.failed, "http_request: \(target) failed: libcurl's multi interface failed"))
        }
        if code == CURLE_OK || (code == CURLE_WRITE_ERROR && stoppedByReader) {
            var status = 0
            _ = CLangBuilderCurl_easy_getinfo_long(session.easy, CURLINFO_RESPONSE_CODE, &status)
            return .success(HostHTTPResponse(status: status, headers: headers, body: body))
        }
        return .failure(error(for: code))
    }

    private var outOfMemory: HostHTTPError { HostHTTPError(.failed, "http_request: out of memory") }

    /// Sets every option of the request on the (reset) easy handle; returns what went wrong, if anything.
    private func configure(headers headerList: UnsafeMutablePointer<curl_slist>?) -> HostHTTPError? {
        let easy = session.easy
        // Reset forgets the previous request's options but keeps the open connections and caches.
        curl_easy_reset(easy)
        session.errorBuffer[0] = 0
        var failed: String?
        func set(_ code: CURLcode, _ option: String) {
            if code != CURLE_OK && failed == nil { failed = "\(option): \(String(cString: curl_easy_strerror(code)))" }
        }
        set(CLangBuilderCurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, session.errorBuffer), "CURLOPT_ERRORBUFFER")
        set(CLangBuilderCurl_easy_setopt_string(easy, CURLOPT_URL, request.url), "the URL")
        set(CLangBuilderCurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        set(CLangBuilderCurl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "CURLOPT_REDIR_PROTOCOLS_STR")
        set(CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        set(CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1), "CURLOPT_SSL_VERIFYPEER")
        set(CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2), "CURLOPT_SSL_VERIFYHOST")
        if let path = configuration.caBundlePath {
            set(CLangBuilderCurl_easy_setopt_string(easy, CURLOPT_CAINFO, path), "CURLOPT_CAINFO")
        }
        set(CLangBuilderCurl_easy_setopt_share(easy, CLangBuilderCurl_shared()), "CURLOPT_SHARE")
        set(CLangBuilderCurl_easy_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent), "CURLOPT_USERAGENT")
        set(CLangBuilderCurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), "CURLOPT_HTTPHEADER")
        set(CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout ?? configuration.timeout)), "CURLOPT_TIMEOUT_MS")
        set(
            CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout ?? configuration.connectTimeout)),
            "CURLOPT_CONNECTTIMEOUT_MS")
        set(CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, request.maxRedirects > 0 ? 1 : 0), "CURLOPT_FOLLOWLOCATION")
        set(CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, max(0, request.maxRedirects)), "CURLOPT_MAXREDIRS")
        if request.onChunk == nil {
            // A declared Content-Length over the limit fails before any byte is read.
            set(CLangBuilderCurl_easy_setopt_offset(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limit)), "CURLOPT_MAXFILESIZE_LARGE")
        }

        let method = request.method.uppercased()
        if method == "GET" && request.body.isEmpty {
            set(CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1), "CURLOPT_HTTPGET")
        } else if method == "HEAD" {
            set(CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1), "CURLOPT_NOBODY")
        } else {
            set(CLangBuilderCurl_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
            // COPYPOSTFIELDS copies the body, so it need not outlive this call.
            request.body.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress, bytes.count > 0 {
                    set(CLangBuilderCurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base)), "CURLOPT_COPYPOSTFIELDS")
                } else {
                    set(CLangBuilderCurl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, ""), "CURLOPT_COPYPOSTFIELDS")
                }
            }
            if method != "POST" {
                set(CLangBuilderCurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method), "CURLOPT_CUSTOMREQUEST")
            }
        }

        let me = Unmanaged.passUnretained(self).toOpaque()
        set(CLangBuilderCurl_easy_setopt_write_function(easy, CURLOPT_WRITEFUNCTION, Self.writeCallback), "CURLOPT_WRITEFUNCTION")
        set(CLangBuilderCurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, me), "CURLOPT_WRITEDATA")
        set(CLangBuilderCurl_easy_setopt_write_function(easy, CURLOPT_HEADERFUNCTION, Self.headerCallback), "CURLOPT_HEADERFUNCTION")
        set(CLangBuilderCurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, me), "CURLOPT_HEADERDATA")
        set(CLangBuilderCurl_easy_setopt_xferinfo_function(easy, Self.progressCallback), "CURLOPT_XFERINFOFUNCTION")
        set(CLangBuilderCurl_easy_setopt_pointer(easy, CURLOPT_XFERINFODATA, me), "CURLOPT_XFERINFODATA")
        set(CLangBuilderCurl_easy_setopt_long(easy, CURLOPT_NOPROGRESS, 0), "CURLOPT_NOPROGRESS")
        guard let failed else { return nil }
        return HostHTTPError(.failed, "http_request: \(target): cannot set \(failed)")
    }

    /// Runs the transfer on the session's multi handle until it ends; a cancelled run wakes the wait up at once.
    /// Returns libcurl's result, or nil when the multi interface itself failed or the run was cancelled.
    private func transfer() -> CURLcode? {
        let session = self.session
        guard curl_multi_add_handle(session.multi, session.easy) == CURLM_OK else { return nil }
        // Removing a handle whose transfer did not finish closes its connection instead of keeping it.
        defer { curl_multi_remove_handle(session.multi, session.easy) }
        let run = call.run
        return run.withCancellationHandler({ () -> CURLcode? in
            var running: Int32 = 1
            while true {
                guard curl_multi_perform(session.multi, &running) == CURLM_OK else { return nil }
                if running == 0 { break }
                if run.isCancelled {
                    cancelled = true
                    return nil
                }
                // libcurl shortens the wait to its own next timeout; a cancelled run cuts it short.
                _ = curl_multi_poll(session.multi, nil, 0, 1000, nil)
            }
            var queued: Int32 = 0
            while let message = curl_multi_info_read(session.multi, &queued) {
                if message.pointee.msg == CURLMSG_DONE { return CLangBuilderCurl_message_result(message) }
            }
            return nil
        }, onCancel: { session.wakeUp() })
    }

    // MARK: - Errors

    /// The message of a failed transfer: what failed and where (host and port, or the redacted URL), with
    /// libcurl's detail, from which anything secret in the request is removed.
    private func error(for code: CURLcode) -> HostHTTPError {
        let detail = scrub(session.errorBuffer[0] != 0 ? String(cString: session.errorBuffer) : String(cString: curl_easy_strerror(code)))
        let message: String
        switch code {
        case CURLE_COULDNT_CONNECT:
            message = "connect to \(hostAndPort) failed: \(detail)"
        case CURLE_COULDNT_RESOLVE_HOST:
            message = "cannot resolve the host of \(request.redactedURL): \(detail)"
        case CURLE_COULDNT_RESOLVE_PROXY:
            message = "cannot resolve the proxy (from the environment): \(detail)"
        case CURLE_OPERATION_TIMEDOUT:
            message = "\(target) timed out: \(detail)"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            message = "TLS verification of \(hostAndPort) failed: \(detail)"
        case CURLE_TOO_MANY_REDIRECTS:
            message = "\(target) was redirected more than \(request.maxRedirects) times"
        case CURLE_FILESIZE_EXCEEDED:
            message = "the response to \(target) is larger than the limit of \(limit) bytes"
        case CURLE_WRITE_ERROR where overLimit:
            message = "the response to \(target) is larger than the limit of \(limit) bytes"
        case CURLE_UNSUPPORTED_PROTOCOL:
            message = "\(request.redactedURL): only http and https URLs are allowed (\(detail))"
        case CURLE_URL_MALFORMAT:
            message = "malformed URL \(request.redactedURL)"
        case CURLE_ABORTED_BY_CALLBACK:
            return HostHTTPError(.cancelled, "http_request: \(target) was cancelled with the run")
        default:
            message = "\(target) failed: \(detail)"
        }
        return HostHTTPError(.failed, "http_request: \(message)")
    }

    /// `host:port` of the request's URL, as libcurl parses it (default ports filled in).
    private var hostAndPort: String {
        guard let handle = curl_url() else { return request.redactedURL }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, request.url, 0) == CURLUE_OK else { return request.redactedURL }
        var host: UnsafeMutablePointer<CChar>?
        var port: UnsafeMutablePointer<CChar>?
        defer {
            curl_free(host)
            curl_free(port)
        }
        guard curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK, let host else { return request.redactedURL }
        guard curl_url_get(handle, CURLUPART_PORT, &port, UInt32(CURLU_DEFAULT_PORT)) == CURLUE_OK, let port else {
            return String(cString: host)
        }
        return "\(String(cString: host)):\(String(cString: port))"
    }

    /// Removes from libcurl's text what must never be shown: the URL's query and user information, and header
    /// values.
    private func scrub(_ text: String) -> String {
        var secrets: [Substring] = []
        let url = Substring(request.url)
        if let query = url.firstIndex(of: "?") { secrets.append(url[url.index(after: query)...]) }
        if let scheme = url.firstRange(of: "://") {
            let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if let at = authority.lastIndex(of: "@") { secrets.append(authority[..<at]) }
        }
        secrets += request.headers.map { Substring($0.value) }.filter { $0.count >= 4 }
        var result = text
        for secret in secrets where !secret.isEmpty { result = result.replacing(secret, with: "***") }
        return result
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let components = duration.components
        return max(1, Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000))
    }

    // MARK: - libcurl callbacks

    private static func from(_ pointer: UnsafeMutableRawPointer?) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// Body bytes: to the reader's `onChunk`, or into the buffer up to the limit. Returning less than it was
    /// given makes libcurl stop with `CURLE_WRITE_ERROR`.
    private static let writeCallback: curl_write_callback = { buffer, size, count, user in
        let transfer = from(user)
        let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
        if let onChunk = transfer.request.onChunk {
            guard onChunk(bytes) else {
                transfer.stoppedByReader = true
                return 0
            }
            return bytes.count
        }
        guard transfer.body.count + bytes.count <= transfer.limit else {
            transfer.overLimit = true
            return 0
        }
        transfer.body.append(contentsOf: bytes)
        return bytes.count
    }

    /// One header line. A status line starts a new response (after a redirect or a `100 Continue`), so only
    /// the final response's headers are kept.
    private static let headerCallback: curl_write_callback = { buffer, size, count, user in
        let transfer = from(user)
        let length = size * count
        var line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
        while let last = line.last, last == "\r\n" || last == "\n" || last == "\r" { line.removeLast() }
        if line.hasPrefix("HTTP/") {
            transfer.headers.removeAll(keepingCapacity: true)
        } else if let first = line.first, first == " " || first == "\t", !transfer.headers.isEmpty {
            transfer.headers[transfer.headers.count - 1].value += " " + line.trimmingSpaces
        } else if let colon = line.firstIndex(of: ":") {
            transfer.headers.append(
                HostHTTPHeader(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).trimmingSpaces))
        }
        return length
    }

    /// Called while the transfer runs (at least once a second): a non-zero answer aborts it.
    private static let progressCallback: curl_xferinfo_callback = { user, _, _, _, _ in
        from(user).call.run.isCancelled ? 1 : 0
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
