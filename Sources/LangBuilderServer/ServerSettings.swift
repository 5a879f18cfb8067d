/// What the HTTP layer needs to know about its deployment.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The largest request body accepted, in bytes; larger bodies get 413.
    public var maxBodySize: Int
    /// The version string reported by `/api/v1/version`.
    public var version: String
    /// Whether `POST /api/v1/webhook/{flow}` needs credentials (an API key, as `/run`). When false, a webhook
    /// runs the flow as its owner without any (Langflow's `WEBHOOK_AUTH_ENABLE=false`); `langbuilder serve`
    /// reads it from `LANGBUILDER_WEBHOOK_AUTH_ENABLE`.
    public var webhookAuthEnabled: Bool
    /// How long a finished build keeps its unread events for `GET /api/v1/build/{job_id}/events`.
    public var buildRetention: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 7860, maxBodySize: Int = 100 * 1024 * 1024, version: String = "0.1.0",
        webhookAuthEnabled: Bool = true, buildRetention: Duration = .seconds(300)
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.version = version
        self.webhookAuthEnabled = webhookAuthEnabled
        self.buildRetention = buildRetention
    }
}
