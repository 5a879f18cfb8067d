/// What Langflow's Python does to values and templates, for output that reads the same: `str()` and `repr()`
/// of JSON values, `str.format` templates and Langflow's restricted mustache templates.
public enum Python {
    /// `str(value)`: strings as they are, `True`/`False`/`None`, numbers as Python prints them, containers
    /// as their `repr`.
    public static func str(_ value: JSON) -> String {
        switch value {
        case .string(let text): text
        default: repr(value)
        }
    }

    /// `repr(value)`: `'text'`, `{'a': 1, 'b': [True, None]}`.
    public static func repr(_ value: JSON) -> String {
        switch value {
        case .null: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .int(let integer): String(integer)
        case .double(let number): number.isFinite ? JSON.format(number) : (number.isNaN ? "nan" : (number < 0 ? "-inf" : "inf"))
        case .string(let text): quote(text)
        case .array(let elements): "[" + elements.map(repr).joined(separator: ", ") + "]"
        case .object(let object): "{" + object.members.map { "\(quote($0.key)): \(repr($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// A string's `repr`: single quotes unless the text has a single quote and no double quote.
    static func quote(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var result = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where Character(scalar) == quote: result += "\\" + String(quote)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let digits = String(scalar.value, radix: 16)
                result += "\\x" + (digits.count == 1 ? "0" : "") + digits
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + String(quote)
    }

    // MARK: - str.format

    /// A piece of a `str.format` template.
    public enum FormatPiece: Sendable, Equatable {
        case literal(String)
        case field(String)
    }

    /// Why a template cannot be formatted; the message reads like Python's.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Splits a `str.format` template into literal text and `{name}` fields; `{{` and `}}` are literal braces.
    /// Fields with a conversion (`!r`), a format spec (`:>10`), attribute access or indexing, and positional
    /// fields (`{}`, `{0}`) are refused with a message naming them.
    public static func parseFormat(_ template: String) throws(FormatError) -> [FormatPiece] {
        var pieces: [FormatPiece] = []
        var literal = ""
        var iterator = Array(template.unicodeScalars)[...]
        while let scalar = iterator.popFirst() {
            if scalar == "{" {
                if iterator.first == "{" {
                    iterator.removeFirst()
                    literal += "{"
                    continue
                }
                var name = ""
                var closed = false
                while let next = iterator.popFirst() {
                    if next == "}" {
                        closed = true
                        break
                    }
                    if next == "{" { throw FormatError(message: "unexpected '{' in field name") }
                    name.unicodeScalars.append(next)
                }
                guard closed else { throw FormatError(message: "expected '}' before end of string") }
                if !literal.isEmpty {
                    pieces.append(.literal(literal))
                    literal = ""
                }
                pieces.append(.field(try fieldName(name)))
            } else if scalar == "}" {
                guard iterator.first == "}" else { throw FormatError(message: "Single '}' encountered in format string") }
                iterator.removeFirst()
                literal += "}"
            } else {
                literal.unicodeScalars.append(scalar)
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    private static func fieldName(_ raw: String) throws(FormatError) -> String {
        if raw.isEmpty || raw.allSatisfy(\.isNumber) {
            throw FormatError(message: "positional field {\(raw)} is not supported: name the variable, as in {name}")
        }
        if let mark = raw.firstIndex(where: { $0 == "!" || $0 == ":" }) {
            let kind = raw[mark] == "!" ? "conversion" : "format spec"
            throw FormatError(message: "the \(kind) in {\(raw)} is not supported: use {\(raw[..<mark])}")
        }
        if raw.contains(".") || raw.contains("[") {
            throw FormatError(message: "{\(raw)}: variable names cannot contain attribute access (.) or indexing ([])")
        }
        return raw
    }

    /// The field names of a template, in order of first use.
    public static func fieldNames(_ pieces: [FormatPiece]) -> [String] {
        var names: [String] = []
        for case .field(let name) in pieces where !names.contains(name) { names.append(name) }
        return names
    }

    /// Formats parsed pieces; `value` answers each field, nil meaning "no such key" (Python's KeyError).
    public static func format(_ pieces: [FormatPiece], value: (String) throws -> String?) throws -> String {
        var output = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): output += text
            case .field(let name):
                guard let text = try value(name) else { throw FormatError(message: "KeyError: \(quote(name))") }
                output += text
            }
        }
        return output
    }

    // MARK: - Mustache (Langflow's safe subset)

    /// Checks a `{{variable}}` template as Langflow's `validate_mustache_template` does: only simple variables,
    /// no sections, partials, comments or triple braces.
    public static func validateMustache(_ template: String) throws(FormatError) {
        for marker in ["{{{", "{{#", "{{/", "{{^", "{{&", "{{>", "{{!", "{{."] where template.contains(marker) {
            throw FormatError(message: "Complex mustache syntax is not allowed. Only simple variable substitution like {{variable}} is permitted.")
        }
        var rest = template[...]
        while let open = rest.firstRange(of: "{{") {
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { break }
            let tag = rest[open.lowerBound..<close.upperBound]
            let name = rest[open.upperBound..<close.lowerBound]
            if name.contains("}") {
                // `{{a}b}}`: Python's `\{\{[^}]*\}\}` finds no tag here; nothing to validate.
                rest = rest[open.upperBound...]
                continue
            }
            guard isSimpleVariable(name) else {
                throw FormatError(message: "Invalid mustache variable: \(tag). Only simple variable names like {{variable}} are allowed.")
            }
            rest = rest[close.upperBound...]
        }
    }

    /// The variables of a mustache template, in order of first use.
    public static func mustacheVariables(_ template: String) -> [String] {
        var names: [String] = []
        forEachMustacheVariable(template) { name, _ in
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Replaces every `{{variable}}` once (values are never re-scanned), as Langflow's `safe_mustache_render`.
    public static func renderMustache(_ template: String, value: (String) throws -> String) rethrows -> String {
        var output = ""
        var last = template.startIndex
        for (name, range) in mustacheVariableRanges(template) {
            output += template[last..<range.lowerBound]
            output += try value(name)
            last = range.upperBound
        }
        output += template[last...]
        return output
    }

    private static func mustacheVariableRanges(_ template: String) -> [(String, Range<String.Index>)] {
        var found: [(String, Range<String.Index>)] = []
        forEachMustacheVariable(template) { found.append(($0, $1)) }
        return found
    }

    private static func forEachMustacheVariable(_ template: String, _ body: (String, Range<String.Index>) -> Void) {
        var search = template.startIndex
        while let open = template[search...].firstRange(of: "{{") {
            guard let close = template[open.upperBound...].firstRange(of: "}}") else { return }
            let name = template[open.upperBound..<close.lowerBound]
            if isSimpleVariable(name) {
                body(String(name), open.lowerBound..<close.upperBound)
                search = close.upperBound
            } else {
                search = template.index(after: open.lowerBound)
            }
        }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`.
    static func isSimpleVariable(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0 == "_" || ("0"..."9").contains($0) }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
