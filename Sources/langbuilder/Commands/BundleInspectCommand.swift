import ArgumentParser
import Foundation
import LangBuilderCore

struct BundleInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a bundle's descriptor, components and ports, or the exact reason it is refused."
    )

    @Argument(help: "The bundle file (.so).")
    var file: String

    @Flag(help: "Print the descriptor as JSON (the body of manifest.json).")
    var json = false

    func run() throws {
        let bundle: LoadedBundle
        do {
            bundle = try BundleLoader().load(file: file)
        } catch {
            throw CLIError("refused: \(error)")
        }
        if json {
            print(String(decoding: try BundleManifest(describing: bundle).encoded(), as: UTF8.self))
            return
        }
        print(BundleReport.text(bundle))
    }
}

/// A human-readable rendering of a loaded bundle.
enum BundleReport {
    static func text(_ bundle: LoadedBundle) -> String {
        let descriptor = bundle.descriptor
        var lines = [
            "\(descriptor.displayName) (\(descriptor.id) \(descriptor.version))",
            "  file:        \(bundle.file)",
            "  ABI:         \(descriptor.abiVersion) (host \(ABIVersion.host))",
            "  built with:  \(descriptor.fingerprint.language.rawValue)"
                + (descriptor.fingerprint.swiftCompilerVersion.map { " (Swift \($0))" } ?? ""),
        ]
        if !descriptor.description.isEmpty { lines.append("  description: \(descriptor.description)") }
        if let license = descriptor.license { lines.append("  license:     \(license)") }
        if let homepage = descriptor.homepage { lines.append("  homepage:    \(homepage)") }
        lines.append("  components:  \(descriptor.components.count)")
        for component in descriptor.components {
            var header = "  - \(component.typeName) \"\(component.displayName)\" [\(component.category)]"
            if let signature = component.signature { header += " C function \(signature)" }
            if component.isThreadSafe { header += " thread-safe" }
            if component.isNonBlocking { header += " non-blocking" }
            lines.append(header)
            if !component.description.isEmpty { lines.append("      \(component.description)") }
            if !component.aliases.isEmpty { lines.append("      also named: \(component.aliases.joined(separator: ", "))") }
            for input in component.inputs {
                var line = "      in  \(input.name): \(input.fieldType)"
                if !input.acceptedTypes.isEmpty { line += " <- \(input.acceptedTypes.joined(separator: "|"))" }
                if input.isRequired { line += " required" }
                if let value = input.defaultValue { line += " default \(value.serialized())" }
                if let options = input.options { line += " options \(options)" }
                lines.append(line)
            }
            for output in component.outputs {
                lines.append("      out \(output.name): \(output.types.joined(separator: "|"))")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// An error the CLI prints as is and exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
