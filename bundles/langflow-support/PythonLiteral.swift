extension Python {
    /// Reads a Python literal as `ast.literal_eval` does for the JSON-like subset: numbers, `'single'` or
    /// `"double"` quoted strings, `True`/`False`/`None`, lists, tuples (as lists) and dicts with string, number
    /// or boolean keys (written as their `str`). Anything else (names, calls, operators but a leading minus)
    /// is refused, so no code is ever run.
    public static func literal(_ text: String) throws(FormatError) -> JSON {
        var reader = LiteralReader(scalars: Array(text.unicodeScalars))
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.atEnd else { throw FormatError(message: "malformed node or string: unexpected text after the literal") }
        return value
    }
}

private struct LiteralReader {
    let scalars: [Unicode.Scalar]
    var index = 0

    var atEnd: Bool { index >= scalars.count }

    private func fail(_ message: String) -> Python.FormatError { Python.FormatError(message: "malformed node or string: \(message)") }

    mutating func skipSpace() {
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" || scalars[index] == "\n" || scalars[index] == "\r" {
            index += 1
        }
    }

    mutating func value(depth: Int) throws(Python.FormatError) -> JSON {
        guard depth < JSON.maximumDepth else { throw fail("nested too deeply") }
        guard index < scalars.count else { throw fail("unexpected end") }
        let scalar = scalars[index]
        switch scalar {
        case "[": return .array(try sequence(close: "]", depth: depth))
        case "(": return .array(try sequence(close: ")", depth: depth))
        case "{": return try dictionary(depth: depth)
        case "'", "\"": return .string(try string())
        case "-", "+", ".", "0"..."9": return try number()
        default:
            var word = ""
            while index < scalars.count, scalars[index].properties.isAlphabetic || scalars[index] == "_" || ("0"..."9").contains(scalars[index]) {
                word.unicodeScalars.append(scalars[index])
                index += 1
            }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .null
            case "": throw fail("unexpected character '\(scalar)'")
            default: throw fail("'\(word)' is not a literal")
            }
        }
    }

    private mutating func sequence(close: Unicode.Scalar, depth: Int) throws(Python.FormatError) -> [JSON] {
        index += 1
        var elements: [JSON] = []
        while true {
            skipSpace()
            if index < scalars.count, scalars[index] == close {
                index += 1
                return elements
            }
            elements.append(try value(depth: depth + 1))
            skipSpace()
            guard index < scalars.count else { throw fail("unclosed '\(close == "]" ? "[" : "(")'") }
            if scalars[index] == "," {
                index += 1
                continue
            }
            guard scalars[index] == close else { throw fail("expected ',' or '\(close)'") }
            index += 1
            return elements
        }
    }

    private mutating func dictionary(depth: Int) throws(Python.FormatError) -> JSON {
        index += 1
        var object = JSONObject()
        while true {
            skipSpace()
            if index < scalars.count, scalars[index] == "}" {
                index += 1
                return .object(object)
            }
            let key = try value(depth: depth + 1)
            switch key {
            case .array, .object: throw fail("a dict key must be a string, number or boolean")
            default: break
            }
            skipSpace()
            guard index < scalars.count, scalars[index] == ":" else { throw fail("expected ':' after a dict key") }
            index += 1
            skipSpace()
            object[Python.str(key)] = try value(depth: depth + 1)
            skipSpace()
            guard index < scalars.count else { throw fail("unclosed '{'") }
            if scalars[index] == "," {
                index += 1
                continue
            }
            guard scalars[index] == "}" else { throw fail("expected ',' or '}'") }
            index += 1
            return .object(object)
        }
    }

    private mutating func string() throws(Python.FormatError) -> String {
        let quote = scalars[index]
        index += 1
        var text = ""
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == quote { return text }
            if scalar == "\n" { throw fail("unterminated string") }
            guard scalar == "\\", index < scalars.count else {
                text.unicodeScalars.append(scalar)
                continue
            }
            let escape = scalars[index]
            index += 1
            switch escape {
            case "n": text += "\n"
            case "t": text += "\t"
            case "r": text += "\r"
            case "0": text += "\0"
            case "\\", "'", "\"": text.unicodeScalars.append(escape)
            case "x", "u", "U":
                let count = escape == "x" ? 2 : (escape == "u" ? 4 : 8)
                guard index + count <= scalars.count,
                    let code = UInt32(String(String.UnicodeScalarView(scalars[index..<index + count])), radix: 16),
                    let decoded = Unicode.Scalar(code)
                else { throw fail("truncated \\\(escape) escape") }
                index += count
                text.unicodeScalars.append(decoded)
            default:
                text += "\\"
                text.unicodeScalars.append(escape)
            }
        }
        throw fail("unterminated string")
    }

    private mutating func number() throws(Python.FormatError) -> JSON {
        var text = ""
        if scalars[index] == "-" || scalars[index] == "+" {
            text.unicodeScalars.append(scalars[index])
            index += 1
            skipSpace()
        }
        while index < scalars.count, ("0"..."9").contains(scalars[index]) || [".", "e", "E", "_"].contains(scalars[index])
            || ((scalars[index] == "-" || scalars[index] == "+") && (text.last == "e" || text.last == "E"))
        {
            if scalars[index] != "_" { text.unicodeScalars.append(scalars[index]) }
            index += 1
        }
        if let integer = Int64(text) { return .int(integer) }
        if let number = Double(text), number.isFinite, text.contains(where: \.isNumber) { return .double(number) }
        throw fail("'\(text)' is not a number")
    }
}
