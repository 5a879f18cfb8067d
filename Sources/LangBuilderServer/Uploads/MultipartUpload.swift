import Foundation
import HTTPTypes
import Hummingbird
import MultipartKit

/// One file received from a `multipart/form-data` body: Langflow's `UploadFile`.
struct UploadedFile {
    /// The `filename` the client gave in the part's `Content-Disposition`, unchecked; nil when absent.
    var filename: String?
    /// The part's `Content-Type`, if any.
    var contentType: String?
    /// The number of bytes received.
    var size: Int
    /// The bytes, when the upload was received into memory.
    var data: Data
    /// The temporary file holding the bytes, when the upload was received into a file.
    var location: URL?
}

/// Reads the one file field of a `multipart/form-data` request body with multipart-kit's streaming parser,
/// into memory or straight into a temporary file, and stops at `limit` bytes with 413.
///
/// ```swift
/// let upload = try await MultipartUpload(field: "file", limit: 10 << 20).receive(request, into: temporaryURL)
/// ```
struct MultipartUpload {
    /// The form field that carries the file (`file` everywhere in Langflow's API).
    var field: String
    /// The largest file accepted, in bytes.
    var limit: Int
    /// The message of the 413 answer.
    var tooLargeMessage: String

    init(field: String = "file", limit: Int, tooLargeMessage: String? = nil) {
        self.field = field
        self.limit = limit
        self.tooLargeMessage = tooLargeMessage ?? "File size is larger than the maximum file size \(limit / (1024 * 1024))MB."
    }

    /// How many bytes of a form may surround the file: boundaries, part headers, small fields.
    static let framingAllowance = 1024 * 1024

    /// Why a body could not be read as a form with the file.
    enum Failure: Error {
        /// The body is not `multipart/form-data` or has no part named `field`.
        case missingFile
        /// The body is malformed multipart.
        case malformed(String)
    }

    /// Receives the file part into memory.
    func receive(_ request: Request) async throws -> UploadedFile {
        try await receive(request, sink: MemorySink())
    }

    /// Receives the file part into a new file at `location`, which is removed again when the upload fails.
    func receive(_ request: Request, into location: URL) async throws -> UploadedFile {
        guard FileManager.default.createFile(atPath: location.path, contents: nil), let handle = FileHandle(forWritingAtPath: location.path) else {
            throw APIError(.internalServerError, "Could not create a temporary file for the upload")
        }
        do {
            var file = try await receive(request, sink: FileSink(handle: handle))
            try handle.close()
            file.location = location
            return file
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: location)
            throw error
        }
    }

    private func receive(_ request: Request, sink: some UploadSink) async throws -> UploadedFile {
        guard let boundary = Self.boundary(request.headers[.contentType]) else { throw Failure.missingFile }
        let collector = PartCollector(field: field, limit: limit, sink: sink)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.header(name, value) }
        parser.onBody = { buffer in collector.body(&buffer) }
        parser.onPartComplete = { collector.partComplete() }
        // Parts other than the file are skipped, not stored; the whole body is still bounded.
        let bodyLimit = limit + Self.framingAllowance
        var received = 0
        for try await chunk in request.body {
            received += chunk.readableBytes
            if received > bodyLimit { throw APIError(.contentTooLarge, tooLargeMessage) }
            do {
                try parser.execute(chunk)
            } catch {
                throw Failure.malformed("the multipart body is malformed")
            }
            if collector.tooLarge { throw APIError(.contentTooLarge, tooLargeMessage) }
            if let failure = collector.failure { throw APIError(.internalServerError, "Could not store the upload: \(failure)") }
            if collector.finished { break }
        }
        guard collector.finished else {
            throw collector.started ? Failure.malformed("the multipart body ends inside the file part") : Failure.missingFile
        }
        return UploadedFile(
            filename: collector.filename, contentType: collector.contentType, size: collector.size, data: sink.collected, location: nil)
    }

    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parameters = HeaderParameters(contentType)
        guard parameters.value.lowercased() == "multipart/form-data", let boundary = parameters["boundary"], !boundary.isEmpty else { return nil }
        return boundary
    }
}

/// Where the bytes of the file part go.
private protocol UploadSink: AnyObject {
    func write(_ buffer: ByteBuffer) throws
    var collected: Data { get }
}

private final class MemorySink: UploadSink {
    var collected = Data()
    func write(_ buffer: ByteBuffer) throws { collected.append(contentsOf: buffer.readableBytesView) }
}

private final class FileSink: UploadSink {
    let handle: FileHandle
    var collected: Data { Data() }
    init(handle: FileHandle) { self.handle = handle }
    func write(_ buffer: ByteBuffer) throws { try handle.write(contentsOf: Data(buffer.readableBytesView)) }
}

/// The parser's callbacks, which cannot throw: the state of the part being read and the first problem met.
private final class PartCollector<Sink: UploadSink> {
    let field: String
    let limit: Int
    let sink: Sink
    private var headers: [(name: String, value: String)] = []
    private var inFilePart = false
    private var decided = false
    private(set) var started = false
    private(set) var finished = false
    private(set) var tooLarge = false
    private(set) var failure: (any Error)?
    private(set) var size = 0
    private(set) var filename: String?
    private(set) var contentType: String?

    init(field: String, limit: Int, sink: Sink) {
        self.field = field
        self.limit = limit
        self.sink = sink
    }

    func header(_ name: String, _ value: String) {
        headers.append((name.lowercased(), value))
    }

    func body(_ buffer: inout ByteBuffer) {
        if !decided { decide() }
        guard inFilePart, !tooLarge, failure == nil else { return }
        size += buffer.readableBytes
        guard size <= limit else {
            tooLarge = true
            return
        }
        do { try sink.write(buffer) } catch { failure = error }
    }

    func partComplete() {
        if !decided { decide() }
        if inFilePart { finished = true }
        inFilePart = false
        decided = false
        headers = []
    }

    /// Decides from the part's headers whether it is the file field (the first part named `field`).
    private func decide() {
        decided = true
        guard !started, let disposition = headers.last(where: { $0.name == "content-disposition" }).map({ HeaderParameters($0.value) }),
            disposition["name"] == field
        else { return }
        inFilePart = true
        started = true
        filename = disposition.filename
        contentType = headers.last { $0.name == "content-type" }?.value
    }
}
