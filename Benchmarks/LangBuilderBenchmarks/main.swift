// Reproducible micro-benchmarks of the bundle ABI: loading, calling through the table, libffi, and the cost
// of passing strings and JSON across the boundary, the engine, storage's run path, the run recorder and the host's HTTP client.
// Run: swift run -c release langbuilder-benchmarks [abi] [engine] [storage] [recorder] [http]
// Each number is the median over many batches; the machine is printed with the results.
import CLangBuilderABI
import CLangBuilderFFI
import Foundation
import LangBuilderCore

#if canImport(Glibc)
import Glibc
#endif

func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// Median nanoseconds per operation over `batches` batches of `perBatch` operations. Each batch is one run
/// (a fresh RunContext), so the run arena is freed between batches as it is between real runs.
func measure(batches: Int = 200, perBatch: Int, _ body: (CallContext) -> Void) -> Double {
    func batch() -> Double {
        let call = CallContext(run: RunContext(flowID: "bench"), vertexID: "bench-1", componentType: "bench")
        let start = now()
        for _ in 0..<perBatch { body(call) }
        return Double(now() - start) / Double(perBatch)
    }
    _ = batch()
    var samples: [Double] = []
    samples.reserveCapacity(batches)
    for _ in 0..<batches { samples.append(batch()) }
    samples.sort()
    return samples[samples.count / 2]
}

func report(_ name: String, _ nanoseconds: Double) {
    let text = nanoseconds >= 10_000 ? String(format: "%10.1f µs", nanoseconds / 1000) : String(format: "%10.1f ns", nanoseconds)
    print("\(name.padding(toLength: 58, withPad: " ", startingAt: 0)) \(text)")
}

let arguments = Array(CommandLine.arguments.dropFirst())
let sections = arguments.filter { !$0.hasPrefix("/") && !$0.hasPrefix(".") }
let bundleDirectory = arguments.first { $0.hasPrefix("/") || $0.hasPrefix(".") }
    ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let machine = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
print("LangBuilder benchmarks — \(ProcessInfo.processInfo.activeProcessorCount) cores, \(machine)\n")
if sections.isEmpty || sections.contains("abi") || sections == ["load"] { runABIBenchmarks(bundleDirectory: bundleDirectory) }
if sections.isEmpty || sections.contains("engine") || sections == ["chain"] { runEngineBenchmarks() }
if sections.isEmpty || sections.contains("storage") { runStorageBenchmarks() }
if sections.isEmpty || sections.contains("recorder") { runRecorderBenchmarks() }
if sections.isEmpty || sections.contains("http") { runHTTPBenchmarks() }
if sections.isEmpty || sections.contains("models") { runModelBenchmarks(bundleDirectory: bundleDirectory) }
