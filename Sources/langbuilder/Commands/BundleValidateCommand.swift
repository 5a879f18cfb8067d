import ArgumentParser
import LangBuilderCore

struct BundleValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate a bundle file, a packaged .lbbundle folder (manifest included), or every bundle in a directory."
    )

    @Argument(help: "A .so file, a .lbbundle folder or a directory of bundles.")
    var path: String

    func run() throws {
        let reports = BundleValidation().validate(path: path)
        var failures = 0
        for report in reports {
            if report.isValid, let bundle = report.bundle {
                print("ok: \(report.path): \(bundle.descriptor.id) \(bundle.descriptor.version), \(bundle.descriptor.components.count) components")
            } else {
                failures += 1
                for problem in report.problems { print("invalid: \(problem)") }
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
