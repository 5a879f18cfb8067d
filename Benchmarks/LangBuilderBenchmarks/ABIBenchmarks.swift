// The costs of the bundle ABI: loading, calling through the table, libffi, strings and JSON across it.
import CLangBuilderABI
import CLangBuilderFFI
import Foundation
import LangBuilderCore

#if canImport(Glibc)
import Glibc
#endif

func runABIBenchmarks(bundleDirectory: String) {
let loader = BundleLoader()
print("## Bundle ABI (bundles from \(bundleDirectory); median per operation)\n")

// MARK: - dlopen + register

/// Copies a bundle to `count` distinct files (dlopen caches by path and inode) and loads each once; with
/// `dlopenOnly`, measures just dlopen + dlsym (the floor the loader adds its checks to).
func loadCost(_ library: String, count: Int, dlopenOnly: Bool = false) -> Double {
    let directory = NSTemporaryDirectory() + "lb-bench-\(getpid())-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var paths: [String] = []
    for index in 0..<count {
        let path = "\(directory)/copy\(index).so"
        try! FileManager.default.copyItem(atPath: library, toPath: path)
        paths.append(path)
    }
    var samples: [Double] = []
    for path in paths {
        let start = now()
        if dlopenOnly {
            _ = dlsym(dlopen(path, RTLD_NOW | RTLD_LOCAL | Int32(RTLD_NODELETE)), LB_ENTRY_SYMBOL)
        } else {
            _ = try! loader.load(file: path)
        }
        samples.append(Double(now() - start))
    }
    samples.sort()
    return samples[samples.count / 2]
}

report("dlopen + dlsym only, C bundle (std-text)", loadCost(bundleDirectory + "/libstd-text.so", count: 200, dlopenOnly: true))
report("dlopen + dlsym only, Swift bundle (std-math)", loadCost(bundleDirectory + "/libstd-math.so", count: 200, dlopenOnly: true))
report("dlopen + register, C bundle (std-text)", loadCost(bundleDirectory + "/libstd-text.so", count: 200))
report("dlopen + register, Swift bundle (std-math)", loadCost(bundleDirectory + "/libstd-math.so", count: 200))
report("dlopen + register, libffi bundle (std-cmath, 12 cifs)", loadCost(bundleDirectory + "/libstd-cmath.so", count: 200))

// "load" alone stops here (e.g. to profile loading under valgrind).
if sections == ["load"] { return }

// MARK: - Calls

let registry = ComponentRegistry(scan: loader.scan(directories: [bundleDirectory]))
guard registry.component(named: "TextLength") != nil, registry.component(named: "Power") != nil, registry.component(named: "Add") != nil else {
    print("first-party bundles not found in \(bundleDirectory): \(registry.refused)")
    exit(1)
}
let run = RunContext(flowID: "bench")
let call = CallContext(run: run, vertexID: "bench-1", componentType: "bench")

// The raw cost of a call through the table: the C run function of a component, called directly.
let textLength = registry.component(named: "TextLength")!

var emptyValue = lb_value()
emptyValue.struct_size = UInt32(MemoryLayout<lb_value>.size)
let trivial: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<lb_value>?, Int, UnsafeMutablePointer<lb_value>?, Int) -> Int32 = { _, _, _, _, _, _ in 0 }
let table = UnsafeMutablePointer<lb_component>.allocate(capacity: 1)
table.initialize(to: lb_component())
table.pointee.run = trivial
var sink: Int32 = 0
let valuePointer = UnsafeMutablePointer<lb_value>.allocate(capacity: 1)
valuePointer.initialize(to: emptyValue)
let runFunction = table.pointee.run!
// 1,000 calls per closure call, so the harness's own closure call is amortized away.
report("call through the table, trivial body (raw)", measure(perBatch: 100) { _ in
    for _ in 0..<1000 { sink &+= runFunction(nil, nil, valuePointer, 1, nil, 0) }
} / 1000)

// libffi with a prepared call interface, raw.
let powInterface = "dd".withCString { lb_ffi_prepare(CChar(UInt8(ascii: "d")), $0, 2, UnsafeMutablePointer<Int32>.allocate(capacity: 1)) }!
let powFunction = unsafeBitCast(dlsym(dlopen(nil, RTLD_NOW), "pow")!, to: (@convention(c) () -> Void).self)
let slots = UnsafeMutablePointer<Double>.allocate(capacity: 4)
slots.initialize(repeating: 0, count: 4)
slots[0] = 2
slots[1] = 10
let argumentPointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 2)
argumentPointers[0] = UnsafeMutableRawPointer(slots)
argumentPointers[1] = UnsafeMutableRawPointer(slots + 1)
report("libffi call, prepared interface (raw, pow)", measure(perBatch: 100) { _ in
    for _ in 0..<1000 { lb_ffi_call(powInterface, powFunction, slots + 2, argumentPointers) }
} / 1000)

// Through the host's Swift wrapper (values converted both ways, errors checked).
let power = try! registry.component(named: "Power")!.instantiate(config: [], context: call)
report("host call of a libffi component (Power, two doubles)", measure(perBatch: 20_000) { call in
    _ = try! power.run(inputs: [.double(2), .double(10)], context: call)
})
let add = try! registry.component(named: "Add")!.instantiate(config: [], context: call)
report("host call of a Swift SDK component (Add, two doubles)", measure(perBatch: 20_000) { call in
    _ = try! add.run(inputs: [.double(2), .double(10)], context: call)
})
let length = try! textLength.instantiate(config: [], context: call)
report("host call of a C component (TextLength, 5-byte string)", measure(perBatch: 20_000) { call in
    _ = try! length.run(inputs: [.string("hello")], context: call)
})
let kilobyte = String(repeating: "abcdefgh", count: 128)
report("host call of a C component (TextLength, 1 KiB string)", measure(perBatch: 20_000) { call in
    _ = try! length.run(inputs: [.string(kilobyte)], context: call)
})
let message = Value.json(type: "Message", text: #"{"text":"hello world","sender":"User","sender_name":"User","session_id":"s1","files":[]}"#)
report("host call of a C component (TextLength, Message JSON)", measure(perBatch: 20_000) { call in
    _ = try! length.run(inputs: [message], context: call)
})
let upper = try! registry.component(named: "UpperCase")!.instantiate(config: [], context: call)
report("host call of a C component (UpperCase, 1 KiB string in and out)", measure(perBatch: 20_000) { call in
    _ = try! upper.run(inputs: [.string(kilobyte)], context: call)
})
let statistics = try! registry.component(named: "Statistics")!.instantiate(config: [], context: call)
report("host call of a Swift component (Statistics, JSON list of 10)", measure(perBatch: 5_000) { call in
    _ = try! statistics.run(inputs: [.json(type: "list", text: "[1,2,3,4,5,6,7,8,9,10]")], context: call)
})
_ = sink
}
