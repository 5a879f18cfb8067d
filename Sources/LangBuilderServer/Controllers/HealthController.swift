import Hummingbird
import LangBuilderCore
import LangBuilderStorage
import Logging

/// `/health`, `/health_check`, `/api/v1/version`, `/api/v1/config`: Langflow's unauthenticated probes.
struct HealthController<Context: RequestContext> {
    let settings: ServerSettings
    let storage: any StorageDriver

    func addRoutes(to router: Router<Context>) {
        router.get("/health") { _, _ in Response.json(["status": "ok"]) }
        // Readiness: the storage answers a query (Langflow's shape; 503 with "db": "error" when it does not).
        router.get("/health_check") { [storage] _, context in
            do {
                _ = try await storage.userCount()
                return Response.json(["status": "ok", "chat": "ok", "db": "ok"])
            } catch {
                context.logger.error("health check: the storage failed: \(error)")
                return Response.json(["status": "nok", "chat": "ok", "db": "error"], status: .serviceUnavailable)
            }
        }
        router.get("/api/v1/version") { _, _ in
            Response.json(["version": .string(settings.version), "main_version": .string(settings.version), "package": "LangBuilder"])
        }
        router.get("/api/v1/config") { _, _ in
            Response.json([
                "max_file_size_upload": .number(Double(settings.maxFileSizeUpload)),
                "event_delivery": "streaming",
                "feature_flags": [:],
                "frontend_timeout": 0,
                "auto_saving": true,
                "health_check_max_retries": 5,
            ])
        }
    }
}
