import Foundation

/// Validates a bundle the way the installer and `langbuilder bundle validate` do: a `.so` file is loaded and
/// checked; a packaged `<name>.lbbundle/` folder also has its `manifest.json` checked against the library.
public struct BundleValidation: Sendable {
    /// The outcome for one bundle.
    public struct Report: Sendable {
        public var path: String
        public var bundle: LoadedBundle?
        public var manifest: BundleManifest?
        /// Every problem found; empty when the bundle is valid.
        public var problems: [String]
        public var isValid: Bool { problems.isEmpty }
    }

    public let loader: BundleLoader

    public init(loader: BundleLoader = BundleLoader()) {
        self.loader = loader
    }

    /// Validates a `.so` file, a `.lbbundle` folder, or every bundle in a directory.
    public func validate(path: String) -> [Report] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return [Report(path: path, problems: ["\(path): no such file or directory"])]
        }
        if !isDirectory.boolValue { return [validateLibrary(path)] }
        if path.hasSuffix(".lbbundle") || FileManager.default.fileExists(atPath: path + "/manifest.json") {
            return [validatePackage(path)]
        }
        let candidates = BundleLoader.candidates(in: [path])
        guard !candidates.isEmpty else { return [Report(path: path, problems: ["\(path): no bundles (*.so or *.lbbundle) in this directory"])] }
        var reports: [Report] = []
        var seen: [String: String] = [:]
        for candidate in candidates {
            let packageFolder = (candidate as NSString).deletingLastPathComponent
            var report = packageFolder.hasSuffix(".lbbundle") ? validatePackage(packageFolder) : validateLibrary(candidate)
            if let id = report.bundle?.descriptor.id {
                if let first = seen[id] {
                    report.problems.append("\(candidate): bundle id \(id) is also in \(first)")
                } else {
                    seen[id] = candidate
                }
            }
            reports.append(report)
        }
        return reports
    }

    private func validateLibrary(_ path: String) -> Report {
        do {
            return Report(path: path, bundle: try loader.load(file: path), problems: [])
        } catch {
            return Report(path: path, problems: [error.description])
        }
    }

    private func validatePackage(_ folder: String) -> Report {
        let manifestPath = folder + "/manifest.json"
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            return Report(path: folder, problems: ["\(manifestPath): missing"])
        }
        let manifest: BundleManifest
        do {
            manifest = try BundleManifest.decode(data)
        } catch {
            return Report(path: folder, problems: ["\(manifestPath): not a valid manifest (\(error))"])
        }
        guard manifest.formatVersion <= BundleManifest.currentFormatVersion else {
            return Report(path: folder, manifest: manifest, problems: ["\(manifestPath): format_version \(manifest.formatVersion) is newer than this host's \(BundleManifest.currentFormatVersion)"])
        }
        guard !manifest.file.contains("/"), manifest.file.hasSuffix(".so") else {
            return Report(path: folder, manifest: manifest, problems: ["\(manifestPath): file must be a .so name inside the folder, found \(manifest.file)"])
        }
        let library = folder + "/" + manifest.file
        var report = validateLibrary(library)
        report.path = folder
        report.manifest = manifest
        if let bundle = report.bundle, let libraryData = FileManager.default.contents(atPath: library) {
            report.problems += manifest.mismatches(with: bundle, libraryData: libraryData).map { "\(manifestPath): \($0)" }
        }
        return report
    }
}
