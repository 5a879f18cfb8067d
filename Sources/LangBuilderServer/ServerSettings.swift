/// What the HTTP layer needs to know about its deployment.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body accepted, in bytes; larger bodies get 413.
    public var maxBodySize: Int
    /// The version string reported by `/api/v1/version`.
    public var version: String
    /// How long a finished build keeps its unread events for `GET /api/v1/build/{job_id}/events`.
    public var buildRetention: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 7860, maxBodySize: Int = 100 * 1024 * 1024, version: String = "0.1.0",
        buildRetention: Duration = .seconds(300)
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.version = version
        self.buildRetention = buildRetention
    }
}
