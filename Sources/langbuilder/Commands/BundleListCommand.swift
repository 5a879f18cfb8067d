import ArgumentParser
import Foundation
import LangBuilderCore

struct BundleListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the bundles that load from the bundle directories, and those refused with the reason."
    )

    @OptionGroup var bundles: BundleOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let directories = bundles.searchPath
        let registry = ComponentRegistry(scan: BundleLoader().scan(directories: directories))
        if json {
            let loaded: [JSONValue] = registry.bundles.map { bundle in
                [
                    "id": .string(bundle.descriptor.id), "version": .string(bundle.descriptor.version),
                    "file": .string(bundle.file), "abi_version": .string(bundle.descriptor.abiVersion.description),
                    "language": .string(bundle.descriptor.fingerprint.language.rawValue),
                    "components": .array(bundle.descriptor.components.map { .string($0.typeName) }),
                ]
            }
            let refused: [JSONValue] = registry.refused.map { error in
                ["file": .string(error.file), "reason": .string(error.reason.rawValue), "message": .string(error.description)]
            }
            let output: JSONValue = [
                "search_path": .array(directories.map(JSONValue.string)), "loaded": .array(loaded), "refused": .array(refused),
            ]
            print(output.serialized(pretty: true))
            return
        }
        print("Bundle directories: \(directories.joined(separator: ", "))")
        if registry.bundles.isEmpty { print("No bundles loaded.") }
        for bundle in registry.bundles {
            let descriptor = bundle.descriptor
            print("\(descriptor.id) \(descriptor.version)  [\(descriptor.fingerprint.language.rawValue), ABI \(descriptor.abiVersion)]  \(bundle.file)")
            print("    " + descriptor.components.map(\.typeName).joined(separator: ", "))
        }
        if !registry.refused.isEmpty {
            print("Refused:")
            for refusal in registry.refused { print("  \(refusal)") }
        }
    }
}
