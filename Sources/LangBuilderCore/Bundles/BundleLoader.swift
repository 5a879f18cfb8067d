#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import CLangBuilderABI

/// Loads bundle files: one file in, one validated ``LoadedBundle`` (or one exact ``BundleLoadError``) out.
///
/// Loading is kept apart from the ``ComponentRegistry`` (which resolves duplicates across bundles), so that
/// scanning can move into a child process without touching callers. Libraries are never unloaded.
///
/// ```swift
/// let scan = BundleLoader().scan(directories: ["/var/lib/langbuilder/bundles"])
/// for refusal in scan.refused { print(refusal) }
/// let registry = ComponentRegistry(scan: scan)
/// ```
public struct BundleLoader: Sendable {
    /// The entry function type, for bundles linked into the process (`loadStatic`).
    public typealias EntryFunction = lb_bundle_entry_fn

    public init() {}

    /// Loads and validates one bundle file.
    public func load(file path: String) throws(BundleLoadError) -> LoadedBundle {
        try checkFile(path)
        let library: DynamicLibrary
        switch DynamicLibrary.open(path) {
        case .success(let opened): library = opened
        case .failure(let failure): throw BundleLoadError(.dlopenFailed, file: path, detail: failure.message)
        }
        guard let symbol = library.symbol(LB_ENTRY_SYMBOL) else {
            throw BundleLoadError(
                .noEntrySymbol, file: path, symbol: LB_ENTRY_SYMBOL,
                detail: "no entry symbol: a bundle must export lb_bundle_entry (see langbuilder.h)")
        }
        let entry = unsafeBitCast(symbol, to: lb_bundle_entry_fn.self)
        return try register(entry: entry, file: path)
    }

    /// Registers a bundle whose entry function is linked into the process, with the same validation as
    /// ``load(file:)`` but without `dlopen` (cf. `gst_plugin_register_static`).
    public func loadStatic(entry: EntryFunction, label: String) throws(BundleLoadError) -> LoadedBundle {
        try register(entry: entry, file: "static:\(label)")
    }

    private func register(entry: lb_bundle_entry_fn, file: String) throws(BundleLoadError) -> LoadedBundle {
        guard let descriptor = entry(ABIVersion.host.packed, HostAPITable.pointer) else {
            throw BundleLoadError(
                .entryReturnedNull, file: file, symbol: LB_ENTRY_SYMBOL,
                detail: "the bundle refused this host (lb_bundle_entry returned NULL for host ABI \(ABIVersion.host))")
        }
        let (bundle, implementations) = try DescriptorReader(file: file).read(descriptor)
        let provenance = Provenance(bundleID: bundle.id, bundleVersion: bundle.version, file: file)
        let components = zip(bundle.components, implementations).map { descriptor, implementation in
            RegisteredComponent(descriptor: descriptor, provenance: provenance, implementation: implementation)
        }
        return LoadedBundle(file: file, descriptor: bundle, components: components)
    }

    /// Refuses what is plainly not a shared library before handing it to dlopen, with a precise reason.
    private func checkFile(_ path: String) throws(BundleLoadError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw BundleLoadError(.fileNotFound, file: path, detail: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw BundleLoadError(.notARegularFile, file: path, detail: "not a regular file")
        }
        guard info.st_size > 0 else {
            throw BundleLoadError(.emptyFile, file: path, detail: "the file is empty")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw BundleLoadError(.fileNotFound, file: path, detail: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var magic: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let count = withUnsafeMutableBytes(of: &magic) { read(descriptor, $0.baseAddress, 4) }
        guard count == 4, magic == (0x7F, 0x45, 0x4C, 0x46) else {
            throw BundleLoadError(
                .notAnELFFile, file: path, expected: "an ELF shared object (\\x7fELF)",
                actual: count == 4 ? "a file starting with \(hex(magic))" : "a file of \(info.st_size) bytes")
        }
    }

    private func hex(_ bytes: (UInt8, UInt8, UInt8, UInt8)) -> String {
        [bytes.0, bytes.1, bytes.2, bytes.3].map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }

    // MARK: - Scanning

    /// The bundle files in `directories`, in a stable order: `*.so` files and the libraries inside
    /// packaged `*.lbbundle/` folders, sorted by name within each directory, directories in the given order.
    public static func candidates(in directories: [String]) -> [String] {
        var files: [String] = []
        var seen = Set<String>()
        for directory in directories {
            for name in listDirectory(directory).sorted() {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                if name.hasSuffix(".so") {
                    if seen.insert(path).inserted { files.append(path) }
                } else if name.hasSuffix(".lbbundle") {
                    for inner in listDirectory(path).sorted() where inner.hasSuffix(".so") {
                        let file = path + "/" + inner
                        if seen.insert(file).inserted { files.append(file) }
                    }
                }
            }
        }
        return files
    }

    /// Loads every candidate in `directories`; one broken bundle never stops the others.
    public func scan(directories: [String]) -> BundleScan {
        var scan = BundleScan()
        for file in Self.candidates(in: directories) {
            do {
                scan.loaded.append(try load(file: file))
            } catch {
                scan.refused.append(error)
            }
        }
        return scan
    }

    private static func listDirectory(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
