// The baseline for the HTTP benchmark (Benchmarks/http-benchmark.sh): a plain Hummingbird application with one
// hello-world route, configured like `langbuilder serve` (same framework version, same machine, same build).
import Hummingbird

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8080 : 8080
let router = Router()
router.get("/") { _, _ in "Hello, world!" }
router.post("/") { _, _ in "Hello, world!" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
