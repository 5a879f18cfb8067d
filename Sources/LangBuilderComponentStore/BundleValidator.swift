public import Foundation

/// Checks an unpacked bundle before it is installed. The installer never loads a new bundle into its own
/// process: a bundle that crashes on load must not take the installer (or the server) down with it.
public protocol BundleValidator: Sendable {
    /// Throws ``ComponentStoreError/Reason/validationFailed`` naming the folder and what the validator said.
    func validate(folder: URL) throws(ComponentStoreError)
}

/// Runs `langbuilder bundle validate FOLDER` in a child process; exit status 0 means valid.
public struct ProcessBundleValidator: BundleValidator {
    /// The `langbuilder` executable.
    public var executable: URL
    /// The arguments before the folder.
    public var arguments: [String]

    public init(executable: URL, arguments: [String] = ["bundle", "validate"]) {
        self.executable = executable
        self.arguments = arguments
    }

    /// Runs the validator on `folder`; its output becomes the error's detail.
    public func validate(folder: URL) throws(ComponentStoreError) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + [folder.path]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw ComponentStoreError(.validationFailed, subject: folder.path, detail: "cannot run \(executable.path) (\(error.localizedDescription))")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let how = process.terminationReason == .exit ? "exit status \(process.terminationStatus)" : "signal \(process.terminationStatus)"
            throw ComponentStoreError(.validationFailed, subject: folder.path, detail: "bundle validate refused it (\(how)): \(text)")
        }
    }
}
