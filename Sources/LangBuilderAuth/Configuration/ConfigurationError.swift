/// A configuration value that could not be used, naming the variable, its value and where it came from.
///
/// Descriptions read like `invalid LANGBUILDER_PORT=abc in the environment: expected a port number from 0 to 65535`,
/// or, for a line of the `.env` file that is not an assignment, `.env:4: expected KEY=VALUE`.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where a value came from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// The process environment.
        case environment
        /// A line of a `.env` file.
        case environmentFile(path: String, line: Int)
        /// ``ServerConfiguration/Overrides`` (command-line options).
        case override

        public var description: String {
            switch self {
            case .environment: "in the environment"
            case .environmentFile(let path, let line): "at \(path):\(line)"
            case .override: "in the overrides"
            }
        }
    }

    public var source: Source
    /// The variable (or, for overrides, the ``ServerConfiguration`` property); `nil` for `.env` syntax errors.
    public var variable: String?
    /// The offending value; `nil` for secrets and syntax errors.
    public var value: String?
    /// What was expected or what is wrong.
    public var detail: String

    public init(source: Source, variable: String? = nil, value: String? = nil, detail: String) {
        self.source = source
        self.variable = variable
        self.value = value
        self.detail = detail
    }

    public var description: String {
        guard let variable else {
            if case .environmentFile(let path, let line) = source {
                return line > 0 ? "\(path):\(line): \(detail)" : "\(path): \(detail)"
            }
            return "\(source): \(detail)"
        }
        let shown = value.map { $0.count > 60 ? String($0.prefix(60)) + "…" : $0 }
        return "invalid \(variable)\(shown.map { "=" + $0 } ?? "") \(source): \(detail)"
    }
}
