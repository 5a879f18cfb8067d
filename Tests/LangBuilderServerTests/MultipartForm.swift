import Foundation
import HTTPTypes
import Hummingbird

/// A `multipart/form-data` request body with one file field, as browsers and `requests` send it.
struct MultipartForm {
    static let boundary = "----LangBuilderTestBoundary7MA4YWxkTrZu0gW"

    var parts: [(headers: String, body: Data)] = []

    /// A form whose `field` part is `content`, named `filename` (no `filename` parameter when nil).
    static func file(_ content: Data, filename: String?, field: String = "file", contentType: String = "application/octet-stream") -> MultipartForm {
        var form = MultipartForm()
        form.add(field: field, filename: filename, contentType: contentType, content)
        return form
    }

    mutating func add(field: String, filename: String?, contentType: String? = nil, _ content: Data) {
        var headers = "Content-Disposition: form-data; name=\"\(field)\""
        if let filename { headers += "; filename=\"\(filename.replacingOccurrences(of: "\"", with: "\\\""))\"" }
        if let contentType { headers += "\r\nContent-Type: \(contentType)" }
        parts.append((headers, content))
    }

    var headers: HTTPFields { [.contentType: "multipart/form-data; boundary=\(Self.boundary)"] }

    var body: ByteBuffer {
        var data = Data()
        for part in parts {
            data.append(Data("--\(Self.boundary)\r\n\(part.headers)\r\n\r\n".utf8))
            data.append(part.body)
            data.append(Data("\r\n".utf8))
        }
        data.append(Data("--\(Self.boundary)--\r\n".utf8))
        return ByteBuffer(bytes: data)
    }
}
