/// Why a bundle file was refused. Every refusal names the file, and where it applies the symbol, the field,
/// and the expected and actual values.
///
/// The description reads like `libfoo.so: lb_bundle_entry: descriptor.abi_version: expected major 1, found 2.0`.
public struct BundleLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal this is; tests and tools switch over it.
    public enum Reason: String, Sendable, Equatable, Codable {
        case fileNotFound
        case notARegularFile
        case emptyFile
        case notAnELFFile
        case dlopenFailed
        case noEntrySymbol
        case entryReturnedNull
        case majorVersionMismatch
        case newerMinorVersion
        case structTooSmall
        case fingerprintMismatch
        case invalidField
        case duplicateName
        case duplicateBundleID
        case duplicateComponent
        case invalidSignature
        case crashedWhileLoading
    }

    public var reason: Reason
    /// The file that was refused.
    public var file: String
    /// The symbol involved, e.g. `lb_bundle_entry`.
    public var symbol: String?
    /// The field involved, as a path from the descriptor: `components[2].inputs[0].name`.
    public var field: String?
    public var expected: String?
    public var actual: String?
    /// A sentence saying what is wrong when expected/actual do not say it all.
    public var detail: String?

    public init(
        _ reason: Reason,
        file: String,
        symbol: String? = nil,
        field: String? = nil,
        expected: String? = nil,
        actual: String? = nil,
        detail: String? = nil
    ) {
        self.reason = reason
        self.file = file
        self.symbol = symbol
        self.field = field
        self.expected = expected
        self.actual = actual
        self.detail = detail
    }

    public var description: String {
        var parts = [file]
        if let symbol { parts.append(symbol) }
        if let field { parts.append(field) }
        var message = parts.joined(separator: ": ")
        var tail: [String] = []
        if let detail { tail.append(detail) }
        if let expected, let actual {
            tail.append("expected \(expected), found \(actual)")
        } else if let expected {
            tail.append("expected \(expected)")
        } else if let actual {
            tail.append("found \(actual)")
        }
        if !tail.isEmpty { message += ": " + tail.joined(separator: "; ") }
        return message
    }
}
