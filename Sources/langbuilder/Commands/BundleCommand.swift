import ArgumentParser

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "List, inspect, validate and scaffold bundles.",
        subcommands: [BundleListCommand.self, BundleInspectCommand.self, BundleValidateCommand.self, BundleNewCommand.self]
    )
}
