import ArgumentParser

@main
struct LangBuilderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "langbuilder",
        abstract: "LangBuilder: build and run AI flows from components shipped in bundles.",
        version: "0.1.0",
        subcommands: [ServeCommand.self, RunCommand.self, BundleCommand.self, StoreCommand.self]
    )
}
