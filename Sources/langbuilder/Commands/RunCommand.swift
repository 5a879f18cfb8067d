import ArgumentParser
import Foundation
import LangBuilderCore

/// `langbuilder run FLOW.json`: runs a flow file against the loaded bundles (cf. Langflow's `lfx run`).
///
/// Exit codes: 0 success, 1 the run failed, 2 the flow is invalid (or cannot be read).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a flow file (a Langflow export or a bare {nodes, edges} graph) and print its chat output.",
        discussion: "Exit codes: 0 success, 1 the run failed, 2 the flow is invalid."
    )

    @Argument(help: "The flow file (JSON).")
    var flow: String

    @Option(help: "The input text, given to the chat input components.")
    var input: String?

    @Option(name: .customLong("input-type"), help: "Which input components receive --input: chat, text or any.")
    var inputType: String = "chat"

    @Option(help: "Per-run field overrides as JSON, or @FILE: {\"<node id or display name>\": {\"<field>\": value}}.")
    var tweaks: String?

    @Option(name: .customLong("session-id"), help: "The chat session (default: the flow's id).")
    var sessionID: String?

    @Option(help: "Seconds the whole run may take.")
    var timeout: Double?

    @Option(name: .customLong("vertex-timeout"), help: "Seconds one component may take.")
    var vertexTimeout: Double?

    @Option(help: "How many components may run at once.")
    var concurrency: Int?

    @Flag(help: "Print tokens and vertex events as they happen.")
    var stream = false

    @Flag(help: "Print the whole result (Langflow's run response) as JSON; with --stream, every event as JSON.")
    var json = false

    @OptionGroup var bundles: BundleOptions

    func run() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: flow))
        } catch {
            fail("\(flow): cannot read the flow file (\(error.localizedDescription))", code: 2)
        }
        let parsed: Flow
        do {
            parsed = try Flow(parsing: data)
        } catch {
            fail("\(flow): \(error)", code: 2)
        }
        var tweakValue: JSONValue?
        if let tweaks {
            let text: String
            if tweaks.hasPrefix("@") {
                guard let contents = try? String(contentsOfFile: String(tweaks.dropFirst()), encoding: .utf8) else {
                    fail("--tweaks: cannot read \(tweaks.dropFirst())", code: 2)
                }
                text = contents
            } else {
                text = tweaks
            }
            do {
                tweakValue = try JSONValue(parsing: text)
            } catch {
                fail("--tweaks: \(error)", code: 2)
            }
        }

        do {
            try HostServices.bootstrapForCommandLine()
        } catch {
            fail("\(error)", code: 2)
        }
        let registry = ComponentRegistry(scan: BundleLoader().scan(directories: bundles.searchPath))
        let plan: ExecutionPlan
        do {
            plan = try FlowBuilder(registry: registry).build(parsed, tweaks: tweakValue, inputValue: input, inputType: inputType)
        } catch {
            var message = "\(flow): \(error)"
            if !registry.refused.isEmpty {
                message += "\nbundles refused while loading:\n" + registry.refused.map { "  - \($0)" }.joined(separator: "\n")
            }
            fail(message, code: 2)
        }

        let environment = ProcessInfo.processInfo.environment
        let options = RunOptions(
            concurrency: concurrency, vertexTimeout: vertexTimeout, deadline: timeout, flowID: parsed.id,
            sessionID: sessionID, inputValue: input,
            variables: { name in environment["LANGBUILDER_VARIABLE_\(name)"] ?? environment[name] })
        let run = FlowRunner().start(plan, options: options)
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT)
        interrupt.setEventHandler { run.cancel() }
        interrupt.resume()

        for await event in run.events where stream {
            if json {
                print(event.langflowLine, terminator: "")
            } else {
                switch event.event {
                case "token": print(event.data["chunk"]?.stringValue ?? "", terminator: "")
                case "end_vertex":
                    let id = event.data["build_data"]?["id"]?.stringValue ?? "?"
                    let type = event.data["output_meta"]?["vertex_type"]?.stringValue ?? "?"
                    let duration = event.data["build_data"]?["data"]?["duration"]?.stringValue ?? ""
                    FileHandle.standardError.write(Data("✓ \(id) (\(type)) \(duration)\n".utf8))
                case "error": FileHandle.standardError.write(Data("✗ \(event.data["error"]?.stringValue ?? "")\n".utf8))
                default: break
                }
                fflush(nil)
            }
        }
        do {
            let result = try await run.result()
            if json && !stream {
                print(result.langflowResponse().serialized(pretty: true))
            } else if !json {
                if stream { print("") }
                print(result.outputText ?? "")
            }
        } catch {
            fail("\(flow): \(error)", code: 1)
        }
    }

    private func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(code)
    }
}
