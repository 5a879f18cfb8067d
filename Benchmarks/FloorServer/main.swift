// The floor for the HTTP benchmark (Benchmarks/http-benchmark.sh): the least work any server must do to answer
// `POST /api/v1/run/{id}` for the benchmark's ChatInput -> ChatOutput flow as Langflow does, with nothing else.
//
// Per request it reads the body, parses it as JSON, answers with a response of the same size as the real one,
// and queues the run's four rows (two messages, two transactions, the same sizes and the same indexes as the
// real tables) for a writer thread that inserts everything queued in one SQLite transaction every 5 ms (WAL,
// synchronous NORMAL, prepared statements bound column by column). No authentication, no flow lookup, no
// engine, no component call, and one middleware only: the event loops are Swift's global executor and each handler
// prefers the loop it runs on, as in `langbuilder serve` (without it, every suspension hops to another thread). Where this floor stands against the hello-world route bounds what
// any implementation of the run route can reach on this machine.
//
//   langbuilder-floor-bench PORT DATABASE-FILE
import Foundation
import GRDBSQLite
import Hummingbird
import LangBuilderCore
import NIOCore
import NIOPosix
import Synchronization

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8080 : 8080
let path =
    CommandLine.arguments.count > 2
    ? CommandLine.arguments[2] : NSTemporaryDirectory() + "floor-\(getpid()).db"

/// One run's rows: two messages and two transactions, as the real run writes them.
struct Rows: Sendable {
    var messages: [[String]]
    var transactions: [[String]]
}

final class Writer: Sendable {
    private let pending = Mutex<[Rows]>([])

    func enqueue(_ rows: Rows) { pending.withLock { $0.append(rows) } }

    func start(path: String) {
        Thread { self.run(path: path) }.start()
    }

    private func run(path: String) -> Never {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { fatalError("cannot open \(path)") }
        func exec(_ sql: String) {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
                fatalError(String(cString: sqlite3_errmsg(db)))
            }
        }
        exec("PRAGMA journal_mode = WAL")
        exec("PRAGMA synchronous = NORMAL")
        exec(
            """
            CREATE TABLE IF NOT EXISTS message (id TEXT PRIMARY KEY NOT NULL, flow_id TEXT NOT NULL, session_id TEXT NOT NULL,
              context_id TEXT, sender TEXT NOT NULL, sender_name TEXT NOT NULL, text TEXT NOT NULL, files TEXT NOT NULL,
              timestamp INTEGER NOT NULL, properties TEXT NOT NULL, category TEXT NOT NULL, content_blocks TEXT NOT NULL,
              error INTEGER NOT NULL, edit INTEGER NOT NULL) STRICT;
            CREATE INDEX IF NOT EXISTS message_flow ON message(flow_id, session_id, timestamp);
            CREATE TABLE IF NOT EXISTS "transaction" (id TEXT PRIMARY KEY NOT NULL, flow_id TEXT NOT NULL, vertex_id TEXT NOT NULL,
              target_id TEXT, inputs TEXT, outputs TEXT, status TEXT NOT NULL, error TEXT, timestamp INTEGER NOT NULL, run_id TEXT) STRICT;
            CREATE INDEX IF NOT EXISTS transaction_flow ON "transaction"(flow_id, timestamp);
            """)
        func prepare(_ sql: String) -> OpaquePointer {
            var statement: OpaquePointer?
            guard
                sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
                    == SQLITE_OK, let statement
            else {
                fatalError(String(cString: sqlite3_errmsg(db)))
            }
            return statement
        }
        let message = prepare(
            "INSERT INTO message VALUES (?, ?, ?, NULL, ?, ?, ?, '[]', ?, ?, 'message', '[]', 0, 0)")
        let transaction = prepare(
            "INSERT INTO \"transaction\" VALUES (?, ?, ?, NULL, ?, ?, 'success', NULL, ?, ?)")
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func insert(_ statement: OpaquePointer, _ columns: [String], integerAt: Int32) {
            for (offset, column) in columns.enumerated() {
                let index = Int32(offset + 1)
                if index == integerAt {
                    sqlite3_bind_int64(statement, index, Int64(column) ?? 0)
                } else {
                    sqlite3_bind_text(statement, index, column, -1, transient)
                }
            }
            guard sqlite3_step(statement) == SQLITE_DONE else {
                fatalError(String(cString: sqlite3_errmsg(db)))
            }
            sqlite3_reset(statement)
        }
        while true {
            usleep(5000)
            let batch = self.pending.withLock { rows in
                defer { rows.removeAll(keepingCapacity: true) }
                return rows
            }
            guard !batch.isEmpty else { continue }
            exec("BEGIN IMMEDIATE")
            for rows in batch {
                for row in rows.messages { insert(message, row, integerAt: 7) }
                for row in rows.transactions { insert(transaction, row, integerAt: 6) }
            }
            exec("COMMIT")
        }
    }
}

/// An event loop as a task executor, as `langbuilder serve` uses it.
final class LoopExecutor: TaskExecutor {
    let loop: any EventLoop
    private static let executors = Mutex<[ObjectIdentifier: LoopExecutor]>([:])

    private init(loop: any EventLoop) { self.loop = loop }

    static func executor(for loop: any EventLoop) -> LoopExecutor {
        executors.withLock { executors in
            if let existing = executors[ObjectIdentifier(loop)] { return existing }
            let made = LoopExecutor(loop: loop)
            executors[ObjectIdentifier(loop)] = made
            return made
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

struct LoopExecutorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return try await next(request, context) }
        return try await withTaskExecutorPreference(LoopExecutor.executor(for: loop)) { try await next(request, context) }
    }
}

guard NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() else {
    fatalError("cannot make the event loops Swift's global executor")
}
let writer = Writer()
writer.start(path: path)

let router = Router()
router.add(middleware: LoopExecutorMiddleware())
router.post("/api/v1/run/{flow_id}") { request, context -> Response in
    let body = try await request.body.collect(upTo: 1 << 20)
    guard case .object(let fields) = try JSONValue(parsing: String(buffer: body)) else {
        throw HTTPError(.unprocessableContent)
    }
    let flowID = try context.parameters.require("flow_id")
    var input = ""
    if case .string(let value)? = fields["input_value"] { input = value }
    var session = flowID
    if case .string(let value)? = fields["session_id"] { session = value }
    let run = UUID.timeOrdered().lowercasedString
    let userMessage = UUID.timeOrdered().lowercasedString
    let aiMessage = UUID.timeOrdered().lowercasedString
    let micros = String(Int(Date().timeIntervalSince1970 * 1_000_000))
    let stamp = "2026-12-07 23:29:03 UTC"
    func properties(_ id: String, _ name: String) -> String {
        #"{"source":{"id":"\#(id)","display_name":"\#(name)","source":"\#(name)"},"state":"complete","text_color":null,"background_color":null,"edited":false,"icon":null,"allow_markdown":false,"positive_feedback":null,"targets":[],"usage":null,"build_duration":null}"#
    }
    let userJSON =
        #"{"files":[],"text":"\#(input)","sender":"User","sender_name":"User","session_id":"\#(session)","context_id":"","flow_id":"\#(flowID)","timestamp":"\#(stamp)","error":false,"edit":false,"category":"message","id":"\#(userMessage)"}"#
    let outputs = #"{"message":{"message":"\#(input)","type":"text"}}"#
    writer.enqueue(
        Rows(
            messages: [
                [
                    userMessage, flowID, session, "User", "User", input, micros,
                    properties("ChatInput-1", "Chat Input"),
                ],
                [
                    aiMessage, flowID, session, "Machine", "AI", input, micros,
                    properties("ChatOutput-1", "Chat Output"),
                ],
            ],
            transactions: [
                [
                    UUID.timeOrdered().lowercasedString, flowID, "ChatInput-1",
                    #"{"input_value":"\#(input)","should_store_message":true,"sender":"User","sender_name":"User","session_id":null,"context_id":null,"files":null}"#,
                    outputs, micros, run,
                ],
                [
                    UUID.timeOrdered().lowercasedString, flowID, "ChatOutput-1",
                    #"{"input_value":\#(userJSON),"should_store_message":true,"sender":"Machine","sender_name":"AI","session_id":"","context_id":"","data_template":"{text}","clean_data":true}"#,
                    outputs, micros, run,
                ],
            ]
        )
    )
    let response =
        #"{"session_id":"\#(session)","outputs":[{"inputs":{"input_value":"\#(input)"},"outputs":[{"results":{"message":{"id":"\#(aiMessage)","files":[],"text":"\#(input)","sender":"Machine","sender_name":"AI","session_id":"\#(session)","context_id":"","flow_id":"\#(flowID)","timestamp":"\#(stamp)","error":false,"edit":false,"category":"message","run_id":"\#(run)","component_id":"ChatOutput-1"}},"artifacts":{"message":"\#(input)","sender":"Machine","sender_name":"AI","type":"object"},"outputs":\#(outputs),"logs":{"message":[]},"messages":[{"message":"\#(input)","sender":"Machine","sender_name":"AI","session_id":"\#(session)","component_id":"ChatOutput-1","files":[],"type":"text"}],"timedelta":2.7201e-05,"duration":"0 ms","component_display_name":"Chat Output","component_id":"ChatOutput-1","used_frozen_result":false}]}]}"#
    return Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: response)))
}
let app = Application(
    router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
