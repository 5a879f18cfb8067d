public import Foundation

/// What the HTTP layer needs to know about its deployment.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body accepted, in bytes; larger bodies get 413.
    public var maxBodySize: Int
    /// The version string reported by `/api/v1/version`.
    public var version: String
    /// The largest uploaded file (flow files, project archives, `/files`), in MiB: Langflow's
    /// `max_file_size_upload`, reported by `/api/v1/config`. Larger uploads get 413.
    public var maxFileSizeUpload: Int
    /// Where uploaded files are kept (under `files/`); nil serves no file routes (they answer 503).
    public var dataDirectory: URL?

    /// Whether `POST /api/v1/webhook/{flow}` needs credentials (an API key, as `/run`). When false, a webhook
    /// runs the flow as its owner without any (Langflow's `WEBHOOK_AUTH_ENABLE=false`); `langbuilder serve`
    /// reads it from `LANGBUILDER_WEBHOOK_AUTH_ENABLE`.
    public var webhookAuthEnabled: Bool
    /// How long a finished build keeps its unread events for `GET /api/v1/build/{job_id}/events`.
    public var buildRetention: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 7860, maxBodySize: Int = 100 * 1024 * 1024, version: String = "0.1.0",
        maxFileSizeUpload: Int? = nil, dataDirectory: URL? = nil,
        webhookAuthEnabled: Bool = true, buildRetention: Duration = .seconds(300)
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.version = version
        self.maxFileSizeUpload = maxFileSizeUpload ?? max(1, maxBodySize / (1024 * 1024))
        self.dataDirectory = dataDirectory
        self.webhookAuthEnabled = webhookAuthEnabled
        self.buildRetention = buildRetention
    }

    /// ``maxFileSizeUpload`` in bytes.
    var maxFileSizeUploadBytes: Int { maxFileSizeUpload * 1024 * 1024 }

    /// Langflow's 413 detail for an upload over the limit.
    var fileTooLargeMessage: String { "File size is larger than the maximum file size \(maxFileSizeUpload)MB." }
}
