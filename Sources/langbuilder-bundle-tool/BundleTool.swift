import ArgumentParser
import Foundation
import LangBuilderCore

/// The tool behind the package plugins: describe, validate and package a bundle library.
@main
struct BundleTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "langbuilder-bundle-tool",
        abstract: "Describe, validate and package LangBuilder bundles (used by the PackageBundle plugin).",
        subcommands: [Package.self, Describe.self, Validate.self]
    )

    struct Package: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a bundle library and write <output>/<name>.lbbundle/ with the library and its manifest.json.")

        @Argument(help: "The bundle library (lib<name>.so).")
        var library: String

        @Option(help: "The folder to write the package into.")
        var output: String = "dist"

        func run() throws {
            let bundle: LoadedBundle
            do {
                bundle = try BundleLoader().load(file: library)
            } catch {
                throw ValidationError("refused: \(error)")
            }
            let manifest = try BundleManifest(describing: bundle)
            let fileName = URL(fileURLWithPath: library).lastPathComponent
            let baseName = fileName.hasPrefix("lib") ? String(fileName.dropFirst(3).dropLast(3)) : String(fileName.dropLast(3))
            let folder = URL(fileURLWithPath: output).appendingPathComponent("\(baseName).lbbundle")
            let fileManager = FileManager.default
            // Write beside the target, then swap it in, so a reader never sees a half-written package.
            let staging = URL(fileURLWithPath: output).appendingPathComponent(".\(baseName).lbbundle.partial")
            try? fileManager.removeItem(at: staging)
            try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
            try fileManager.copyItem(at: URL(fileURLWithPath: library), to: staging.appendingPathComponent(fileName))
            try manifest.encoded().write(to: staging.appendingPathComponent("manifest.json"))
            try? fileManager.removeItem(at: folder)
            try fileManager.moveItem(at: staging, to: folder)
            print("Packaged \(manifest.bundle.id) \(manifest.bundle.version) (\(manifest.bundle.components.count) components, sha256 \(manifest.sha256)) into \(folder.path)")
        }
    }

    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the manifest.json of a bundle library.")

        @Argument(help: "The bundle library.")
        var library: String

        func run() throws {
            do {
                let bundle = try BundleLoader().load(file: library)
                print(String(decoding: try BundleManifest(describing: bundle).encoded(), as: UTF8.self))
            } catch let error as BundleLoadError {
                throw ValidationError("refused: \(error)")
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a library, a .lbbundle folder or a directory of bundles.")

        @Argument(help: "The path to validate.")
        var path: String

        func run() throws {
            let reports = BundleValidation().validate(path: path)
            for report in reports {
                if report.isValid {
                    print("ok: \(report.path)")
                } else {
                    report.problems.forEach { print("invalid: \($0)") }
                }
            }
            if reports.contains(where: { !$0.isValid }) { throw ExitCode(1) }
        }
    }
}
