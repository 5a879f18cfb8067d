import Foundation
import LangBuilderCore
import LangBuilderTesting
import Testing

/// `langbuilder-bundle-tool package` writes `<name>.lbbundle/`, and `langbuilder bundle validate` checks the
/// package's manifest against the library it holds.
@Suite struct BundlePackagingTests {
    /// Packages the built std-text bundle into a fresh folder and returns the package folder; the caller
    /// removes the package's parent folder.
    private static func packageText(_ label: String) throws -> URL {
        let output = try BundleFixtures.temporaryDirectory(label)
        let result = try BuiltProducts.bundleTool(["package", BuiltProducts.path("libstd-text.so"), "--output", output.path])
        try #require(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Packaged dev.langbuilder.std-text 1.0.0 (7 components"), "\(result.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["std-text.lbbundle"], "no staging folder is left behind")
        return output.appendingPathComponent("std-text.lbbundle")
    }

    @Test func packageWritesTheLibraryAndItsManifest() throws {
        let package = try Self.packageText("package")
        defer { try? FileManager.default.removeItem(at: package.deletingLastPathComponent()) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: package.path).sorted() == ["libstd-text.so", "manifest.json"])
        let original = try Data(contentsOf: BuiltProducts.directory.appendingPathComponent("libstd-text.so"))
        let copy = try Data(contentsOf: package.appendingPathComponent("libstd-text.so"))
        #expect(copy == original)

        let data = try Data(contentsOf: package.appendingPathComponent("manifest.json"))
        let json = try JSONValue(parsing: String(decoding: data, as: UTF8.self))
        #expect(json["format_version"] == 1)
        #expect(json["file"] == "libstd-text.so")
        #expect(json["size"]?.numberValue == Double(original.count))
        let digest = try #require(json["sha256"]?.stringValue)
        #expect(digest.count == 64 && digest.allSatisfy { "0123456789abcdef".contains($0) }, "\(digest)")
        let sha256sum = try BuiltProducts.tool("sha256sum", [package.appendingPathComponent("libstd-text.so").path])
        #expect(sha256sum.output.hasPrefix(digest + " "), "the manifest's digest is the file's (sha256sum: \(sha256sum.output))")
        let bundle = try #require(json["bundle"])
        #expect(bundle["id"] == "dev.langbuilder.std-text")
        #expect(bundle["version"] == "1.0.0")
        #expect(bundle["abi_version"] == "1.4")
        #expect(bundle["fingerprint"]?["language"] == "c")
        #expect(bundle["components"]?.arrayValue?.map { $0["type_name"]?.stringValue } == BuiltProducts.components(of: "dev.langbuilder.std-text"))

        // The manifest decodes into the same descriptor the loader reads from the library itself.
        let manifest = try BundleManifest.decode(data)
        let live = try BundleLoader().load(file: package.appendingPathComponent("libstd-text.so").path)
        #expect(manifest.bundle == live.descriptor)
        #expect(manifest.formatVersion == BundleManifest.currentFormatVersion)
    }

    @Test func validateAcceptsTheUntouchedPackage() throws {
        let package = try Self.packageText("package-valid")
        defer { try? FileManager.default.removeItem(at: package.deletingLastPathComponent()) }
        let result = try BuiltProducts.langbuilder(["bundle", "validate", package.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output == "ok: \(package.path): dev.langbuilder.std-text 1.0.0, 7 components\n")
        let tool = try BuiltProducts.bundleTool(["validate", package.path])
        #expect(tool.status == 0, "\(tool.output)")
    }

    @Test func validateFindsPackagesInsideABundlesFolder() throws {
        let package = try Self.packageText("package-in-folder")
        defer { try? FileManager.default.removeItem(at: package.deletingLastPathComponent()) }
        let result = try BuiltProducts.langbuilder(["bundle", "validate", package.deletingLastPathComponent().path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("ok: \(package.path): dev.langbuilder.std-text 1.0.0, 7 components"), "\(result.output)")
    }

    /// Ways to tamper with a package, each with the problems validation must name.
    enum Tampering: String, CaseIterable, Sendable {
        case appendByteToLibrary, editManifestVersion, removeManifest, pointManifestOutside

        func apply(to package: URL) throws {
            let manifest = package.appendingPathComponent("manifest.json")
            switch self {
            case .appendByteToLibrary:
                let handle = try FileHandle(forWritingTo: package.appendingPathComponent("libstd-text.so"))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data([0]))
                try handle.close()
            case .editManifestVersion:
                try Self.edit(manifest, #""version" : "1.0.0""#, #""version" : "1.0.1""#)
            case .removeManifest:
                try FileManager.default.removeItem(at: manifest)
            case .pointManifestOutside:
                try Self.edit(manifest, #""file" : "libstd-text.so""#, #""file" : "../libstd-text.so""#)
            }
        }

        private static func edit(_ file: URL, _ old: String, _ new: String) throws {
            let text = try String(contentsOf: file, encoding: .utf8)
            let parts = text.components(separatedBy: old)
            guard parts.count == 2 else { throw BundleFixtures.FixtureError("\(old) occurs \(parts.count - 1) times in \(file.path)") }
            try parts.joined(separator: new).write(to: file, atomically: true, encoding: .utf8)
        }

        func problems(_ manifest: String) -> [String] {
            switch self {
            case .appendByteToLibrary: ["invalid: \(manifest): sha256: manifest says ", "invalid: \(manifest): size: manifest says "]
            case .editManifestVersion: ["invalid: \(manifest): version: manifest says 1.0.1, the bundle says 1.0.0"]
            case .removeManifest: ["invalid: \(manifest): missing"]
            case .pointManifestOutside: ["invalid: \(manifest): file must be a .so name inside the folder, found ../libstd-text.so"]
            }
        }
    }

    @Test(arguments: Tampering.allCases)
    func validateFailsOnATamperedPackageNamingTheProblem(tampering: Tampering) throws {
        let package = try Self.packageText("package-\(tampering.rawValue)")
        defer { try? FileManager.default.removeItem(at: package.deletingLastPathComponent()) }
        try tampering.apply(to: package)
        let result = try BuiltProducts.langbuilder(["bundle", "validate", package.path])
        #expect(result.status == 1, "\(result.output)")
        for problem in tampering.problems(package.appendingPathComponent("manifest.json").path) {
            #expect(result.output.contains(problem), "\(result.output)")
        }
        #expect(!result.output.contains("ok:"), "\(result.output)")
        let tool = try BuiltProducts.bundleTool(["validate", package.path])
        #expect(tool.status == 1, "\(tool.output)")
    }

    @Test func packageRefusesANonBundleAndWritesNothing() throws {
        let folder = try BundleFixtures.temporaryDirectory("package-refused")
        defer { try? FileManager.default.removeItem(at: folder) }
        let notes = folder.appendingPathComponent("libnotes.so")
        try Data("notes".utf8).write(to: notes)
        let output = folder.appendingPathComponent("dist")
        let result = try BuiltProducts.bundleTool(["package", notes.path, "--output", output.path])
        #expect(result.status != 0)
        #expect(result.output.contains("refused: \(notes.path)"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
