public import LangBuilderCore

/// A semver range, as dependencies and revocations name versions: `*`, `1.2.3` (exact), `^1.2.3`, `~1.2.3`,
/// comparators `>=1.0.0 <2.0.0` (all must hold) and alternatives joined by `||`.
///
/// Pre-releases match only comparators that name a pre-release of the same `MAJOR.MINOR.PATCH` (npm's rule), so
/// `^1.0.0` never picks `1.1.0-beta`.
///
/// ```swift
/// let range = try VersionRange(parsing: "^1.2.0")
/// range.contains(SemanticVersion("1.4.1")!)   // true
/// ```
public struct VersionRange: Sendable, Hashable, CustomStringConvertible {
    enum Operator: String, Sendable, Hashable {
        case equal = "="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    struct Comparator: Sendable, Hashable {
        var op: Operator
        var version: SemanticVersion

        func matches(_ candidate: SemanticVersion) -> Bool {
            switch op {
            case .equal: return candidate == version || (candidate.build != nil && candidate.withoutBuild == version.withoutBuild)
            case .less: return candidate < version
            case .lessOrEqual: return candidate <= version
            case .greater: return candidate > version
            case .greaterOrEqual: return candidate >= version
            }
        }
    }

    /// Alternatives (`||`), each a conjunction of comparators; an empty conjunction matches everything.
    let alternatives: [[Comparator]]
    /// The text the range was parsed from.
    public let description: String

    /// Parses a range; throws ``ComponentStoreError/Reason/invalidIndex`` naming the text when it is malformed.
    public init(parsing text: String) throws(ComponentStoreError) {
        description = text
        var alternatives: [[Comparator]] = []
        for part in text.split(separator: "|", omittingEmptySubsequences: true) {
            var conjunction: [Comparator] = []
            for token in part.split(separator: " ") where !token.isEmpty {
                conjunction += try Self.comparators(String(token), in: text)
            }
            alternatives.append(conjunction)
        }
        if text.contains("|") && !text.contains("||") {
            throw ComponentStoreError(.invalidIndex, subject: "version range \"\(text)\"", detail: "alternatives are joined by ||")
        }
        guard !alternatives.isEmpty else {
            throw ComponentStoreError(.invalidIndex, subject: "version range \"\(text)\"", detail: "the range is empty (use * for any version)")
        }
        self.alternatives = alternatives
    }

    /// Whether `version` is in the range.
    public func contains(_ version: SemanticVersion) -> Bool {
        alternatives.contains { conjunction in
            guard conjunction.allSatisfy({ $0.matches(version) }) else { return false }
            if version.prerelease.isEmpty { return true }
            // A pre-release only matches when a comparator names a pre-release of the same release.
            return conjunction.contains {
                !$0.version.prerelease.isEmpty
                    && ($0.version.major, $0.version.minor, $0.version.patch) == (version.major, version.minor, version.patch)
            }
        }
    }

    private static func comparators(_ token: String, in text: String) throws(ComponentStoreError) -> [Comparator] {
        if token == "*" || token == "x" { return [] }
        func version(_ body: Substring) throws(ComponentStoreError) -> SemanticVersion {
            guard let parsed = SemanticVersion(String(body)) else {
                throw ComponentStoreError(
                    .invalidIndex, subject: "version range \"\(text)\"", expected: "MAJOR.MINOR.PATCH in \"\(token)\"", actual: String(body))
            }
            return parsed
        }
        if token.hasPrefix("^") {
            let lower = try version(token.dropFirst())
            let upper: SemanticVersion
            if lower.major > 0 {
                upper = SemanticVersion(major: lower.major + 1, minor: 0, patch: 0)
            } else if lower.minor > 0 {
                upper = SemanticVersion(major: 0, minor: lower.minor + 1, patch: 0)
            } else {
                upper = SemanticVersion(major: 0, minor: 0, patch: lower.patch + 1)
            }
            return [Comparator(op: .greaterOrEqual, version: lower), Comparator(op: .less, version: upper)]
        }
        if token.hasPrefix("~") {
            let lower = try version(token.dropFirst())
            return [
                Comparator(op: .greaterOrEqual, version: lower),
                Comparator(op: .less, version: SemanticVersion(major: lower.major, minor: lower.minor + 1, patch: 0)),
            ]
        }
        for op in [Operator.greaterOrEqual, .lessOrEqual, .greater, .less, .equal] where token.hasPrefix(op.rawValue) {
            return [Comparator(op: op, version: try version(token.dropFirst(op.rawValue.count)))]
        }
        return [Comparator(op: .equal, version: try version(Substring(token)))]
    }
}

extension SemanticVersion {
    init(major: Int, minor: Int, patch: Int) {
        // A plain MAJOR.MINOR.PATCH always parses.
        self = SemanticVersion("\(major).\(minor).\(patch)") ?? SemanticVersion("0.0.0")!
    }

    var withoutBuild: SemanticVersion {
        var copy = self
        copy.build = nil
        return copy
    }
}
