public import LangBuilderBundleSDK

extension ComponentDefinition {
    /// The same component, also answering to `aliases` (Langflow's legacy registry keys, ABI 1.1).
    public func aliased(_ aliases: String...) -> ComponentDefinition {
        var copy = self
        copy.aliases += aliases
        return copy
    }

    /// The same component, marked legacy (Langflow's `legacy = True`).
    public func legacy() -> ComponentDefinition {
        var copy = self
        copy.isLegacy = true
        return copy
    }

    /// The same component, marked beta (Langflow's `beta = True`).
    public func beta() -> ComponentDefinition {
        var copy = self
        copy.isBeta = true
        return copy
    }

    /// The same component, taking fields beyond its declared inputs (a prompt's `{variables}`).
    public func acceptingExtraInputs() -> ComponentDefinition {
        var copy = self
        copy.acceptsExtraInputs = true
        return copy
    }
}

/// Limits that keep one run's inputs from exhausting the host: a too large input fails with a message that
/// names the input and the limit, instead of running for minutes or allocating gigabytes.
public enum InputLimits {
    /// The largest template (prompt or parser pattern), in bytes.
    public static let templateBytes = 1 << 20
    /// The largest JSON or text document a component parses, in bytes.
    public static let documentBytes = 16 << 20

    /// Fails when `text` is larger than `limit` bytes.
    public static func check(_ text: String, limit: Int, input: String, component: String) throws {
        let size = text.utf8.count
        guard size <= limit else {
            throw ComponentFailure("\(component): input '\(input)' is \(size) bytes, more than the limit of \(limit) bytes")
        }
    }
}
