public import Foundation
public import LangBuilderCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a store is read from: a `file://` URL (or plain path: a local folder, a USB copy) or an `http(s)://`
/// URL fetched through the host's HTTP client (libcurl in the `langbuilder` executable).
///
/// ```swift
/// let source = try StoreSource(url: "http://127.0.0.1:8700", http: try CurlHTTPClient())
/// let fetch = try source.fetchIndex(etag: nil)
/// ```
public struct StoreSource: Sendable {
    enum Location: Sendable, Equatable {
        case folder(String)
        case http(String)
    }

    /// The store URL as given, without a trailing slash.
    public let url: String
    let location: Location
    let http: (any HostHTTPClient)?
    /// The most bytes an index may have.
    public var maxIndexBytes = 64 << 20

    public init(url: String, http: (any HostHTTPClient)?) throws(ComponentStoreError) {
        var trimmed = url
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.url = trimmed
        self.http = http
        if trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://") {
            guard http != nil else {
                throw ComponentStoreError(.invalidConfiguration, subject: trimmed, detail: "an HTTP store needs an HTTP client")
            }
            location = .http(trimmed)
        } else if trimmed.hasPrefix("file://") {
            location = .folder(String(trimmed.dropFirst("file://".count)))
        } else if trimmed.contains("://") {
            throw ComponentStoreError(.invalidConfiguration, subject: trimmed, expected: "a file://, http:// or https:// URL or a folder", actual: trimmed)
        } else {
            location = .folder(trimmed)
        }
    }

    /// The outcome of fetching `index.json`.
    public enum IndexFetch: Sendable, Equatable {
        /// The store answered 304 for the entity tag given.
        case notModified
        case fetched(Data, etag: String?)
    }

    /// Fetches `index.json`, conditionally on `etag` (HTTP `If-None-Match`; for a folder, the tag is the file's
    /// SHA-256).
    public func fetchIndex(etag: String?) throws(ComponentStoreError) -> IndexFetch {
        switch location {
        case .folder(let folder):
            let path = folder + "/index.json"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ComponentStoreError(.transport, subject: path, detail: "no index.json in the store folder")
            }
            let tag = "\"" + BundleManifest.sha256(of: data) + "\""
            if tag == etag { return .notModified }
            return .fetched(data, etag: tag)
        case .http(let base):
            var headers: [HostHTTPHeader] = []
            if let etag { headers.append(HostHTTPHeader(name: "If-None-Match", value: etag)) }
            let request = HostHTTPRequest(url: base + "/index.json", headers: headers, timeout: .seconds(60), maxRedirects: 3, maxResponseBytes: maxIndexBytes)
            let response = try perform(request)
            if response.status == 304 { return .notModified }
            guard response.status == 200 else {
                throw ComponentStoreError(.transport, subject: base + "/index.json", expected: "HTTP 200", actual: "HTTP \(response.status)")
            }
            return .fetched(Data(response.body), etag: response.header("ETag"))
        }
    }

    /// Downloads `artifact` into `partial`, resuming from what `partial` already holds (HTTP `Range`), and checks
    /// size and SHA-256. A transfer that would exceed the index's size stops at once
    /// (``ComponentStoreError/Reason/artifactTooLarge``); a wrong digest deletes the partial file
    /// (``ComponentStoreError/Reason/checksumMismatch``).
    ///
    /// `progress` receives (bytes so far, total bytes).
    public func download(
        _ artifact: StoreArtifact, to partial: URL, subject: String, progress: @escaping (Int, Int) -> Void = { _, _ in }
    ) throws(ComponentStoreError) {
        guard ArtifactArchive.isRelativeStorePath(artifact.path) else {
            throw ComponentStoreError(.invalidIndex, subject: subject, field: "artifacts.path", expected: "a relative path inside the store", actual: artifact.path)
        }
        var existing = FileSystem.size(of: partial.path) ?? 0
        if existing > artifact.size {
            FileSystem.remove(partial.path)
            existing = 0
        }
        if existing < artifact.size {
            switch location {
            case .folder(let folder):
                try copy(from: folder + "/" + artifact.path, to: partial, offset: existing, total: artifact.size, subject: subject, progress: progress)
            case .http(let base):
                try fetch(base + "/" + artifact.path, to: partial, offset: existing, total: artifact.size, subject: subject, progress: progress)
            }
        }
        let (digest, size) = try ArtifactArchive.digest(of: partial)
        guard size == artifact.size else {
            throw ComponentStoreError(.sizeMismatch, subject: subject, field: "size", expected: "\(artifact.size) bytes", actual: "\(size) bytes")
        }
        guard digest == artifact.sha256 else {
            FileSystem.remove(partial.path)
            throw ComponentStoreError(
                .checksumMismatch, subject: subject, field: "sha256", expected: artifact.sha256, actual: digest,
                detail: "the artifact differs from the one the signed index names")
        }
    }

    private func copy(
        from path: String, to partial: URL, offset: Int, total: Int, subject: String, progress: (Int, Int) -> Void
    ) throws(ComponentStoreError) {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw ComponentStoreError(.transport, subject: path, detail: "the artifact is missing from the store folder")
        }
        defer { try? input.close() }
        let output = try appendHandle(partial, truncate: false)
        defer { try? output.close() }
        var received = offset
        do {
            try input.seek(toOffset: UInt64(offset))
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                received += chunk.count
                guard received <= total else {
                    FileSystem.remove(partial.path)
                    throw ComponentStoreError(
                        .artifactTooLarge, subject: subject, field: "size", expected: "\(total) bytes", actual: "more", detail: "the store sends more than the index says")
                }
                try output.write(contentsOf: chunk)
                progress(received, total)
            }
        } catch let error as ComponentStoreError {
            throw error
        } catch {
            throw ComponentStoreError(.io, subject: path, detail: "\(error)")
        }
    }

    private func fetch(
        _ url: String, to partial: URL, offset: Int, total: Int, subject: String, progress: @escaping (Int, Int) -> Void
    ) throws(ComponentStoreError) {
        var start = offset
        for attempt in 0..<2 {
            let output = try appendHandle(partial, truncate: start == 0)
            let sink = DownloadSink(handle: output, received: start, total: total, progress: progress)
            var headers: [HostHTTPHeader] = []
            if start > 0 { headers.append(HostHTTPHeader(name: "Range", value: "bytes=\(start)-")) }
            let request = HostHTTPRequest(
                url: url, headers: headers, timeout: .seconds(3600), maxRedirects: 3,
                onChunk: { buffer in sink.write(buffer) })
            let response: HostHTTPResponse
            do {
                response = try perform(request)
            } catch {
                try? output.close()
                throw error
            }
            try? output.close()
            if let failure = sink.failure { throw ComponentStoreError(.io, subject: partial.path, detail: failure) }
            switch response.status {
            case 206 where start > 0, 200 where start == 0:
                if sink.overflowed {
                    FileSystem.remove(partial.path)
                    throw ComponentStoreError(
                        .artifactTooLarge, subject: subject, field: "size", expected: "\(total) bytes", actual: "more",
                        detail: "the store sends more than the index says")
                }
                return
            case 200, 416:
                // The server ignored the range (its whole body followed the partial bytes) or refused it: start over.
                guard attempt == 0 else { break }
                FileSystem.remove(partial.path)
                start = 0
                continue
            default:
                break
            }
            // An error page is not artifact bytes: keep only what was there before this request.
            truncate(partial.path, off_t(start))
            throw ComponentStoreError(.transport, subject: url, expected: start > 0 ? "HTTP 206" : "HTTP 200", actual: "HTTP \(response.status)")
        }
        throw ComponentStoreError(.transport, subject: url, detail: "the server does not serve the artifact consistently")
    }

    private func appendHandle(_ url: URL, truncate: Bool) throws(ComponentStoreError) -> FileHandle {
        if truncate || !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw ComponentStoreError(.io, subject: url.path, detail: "cannot create the partial download")
            }
        }
        guard let handle = try? FileHandle(forWritingTo: url) else {
            throw ComponentStoreError(.io, subject: url.path, detail: "cannot open the partial download")
        }
        do {
            try handle.seekToEnd()
        } catch {
            throw ComponentStoreError(.io, subject: url.path, detail: "\(error)")
        }
        return handle
    }

    private func perform(_ request: HostHTTPRequest) throws(ComponentStoreError) -> HostHTTPResponse {
        guard let http else { throw ComponentStoreError(.invalidConfiguration, subject: url, detail: "no HTTP client") }
        let call = CallContext(run: RunContext(flowID: "component-store"), vertexID: "store", componentType: "store")
        do {
            return try http.perform(request, for: call)
        } catch {
            throw ComponentStoreError(.transport, subject: request.redactedURL, detail: error.message)
        }
    }
}

/// Receives a download's chunks on the transfer's thread.
private final class DownloadSink: @unchecked Sendable {
    let handle: FileHandle
    var received: Int
    let total: Int
    let progress: (Int, Int) -> Void
    var overflowed = false
    var failure: String?

    init(handle: FileHandle, received: Int, total: Int, progress: @escaping (Int, Int) -> Void) {
        self.handle = handle
        self.received = received
        self.total = total
        self.progress = progress
    }

    func write(_ buffer: UnsafeRawBufferPointer) -> Bool {
        received += buffer.count
        guard received <= total else {
            overflowed = true
            return false
        }
        do {
            try handle.write(contentsOf: Data(buffer))
        } catch {
            failure = "\(error)"
            return false
        }
        progress(received, total)
        return true
    }
}

extension ArtifactArchive {
    /// A relative path under the store root: no leading slash, no `.` or `..` components, no backslashes.
    static func isRelativeStorePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
