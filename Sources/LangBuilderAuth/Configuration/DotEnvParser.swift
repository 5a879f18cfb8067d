import Foundation

/// Reads `.env` files: `KEY=VALUE` lines with `#` comments, an optional `export ` prefix, and single- or
/// double-quoted values (which may span lines; double quotes understand `\n`, `\t`, `\r`, `\"` and `\\`).
///
/// Unquoted values end at the line's end or at a ` #` comment and are trimmed. A bare `KEY` line sets nothing, as
/// in python-dotenv. `${VAR}` is not expanded. Anything else is an error naming the file and line.
struct DotEnvParser {
    struct Entry: Equatable {
        var key: String
        var value: String
        var line: Int
    }

    let path: String
    private var characters: [Character]
    private var position = 0
    private var line = 1

    init(path: String, text: String) {
        self.path = path
        // CRLF first: "\r\n" is a single Character in Swift. A lone "\r" ends a line too.
        self.characters = Array(
            text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n"))
    }

    static func parse(_ text: String, path: String) throws(ConfigurationError) -> [Entry] {
        var parser = DotEnvParser(path: path, text: text)
        return try parser.entries()
    }

    private mutating func entries() throws(ConfigurationError) -> [Entry] {
        var entries: [Entry] = []
        while true {
            skip { $0 == " " || $0 == "\t" || $0 == "\n" }
            guard let first = peek() else { return entries }
            if first == "#" {
                skipToLineEnd()
                continue
            }
            let startLine = line
            var key = readKey()
            if key == "export", peek() == " " || peek() == "\t" {
                skip { $0 == " " || $0 == "\t" }
                key = readKey()
            }
            guard !key.isEmpty else {
                throw error("expected KEY=VALUE, found \"\(restOfLine().prefix(40))\"")
            }
            skip { $0 == " " || $0 == "\t" }
            guard let next = peek(), next != "\n", next != "#" else {
                // A bare KEY: nothing to set.
                skipToLineEnd()
                continue
            }
            guard next == "=" else {
                throw error("expected \"=\" after \(key), found \"\(restOfLine().prefix(40))\"")
            }
            position += 1
            skip { $0 == " " || $0 == "\t" }
            let value = try readValue()
            entries.append(Entry(key: key, value: value, line: startLine))
        }
    }

    private mutating func readKey() -> String {
        var key = ""
        while let character = peek(), character.isASCII,
            character.isLetter || character == "_" || (character.isNumber && !key.isEmpty)
        {
            key.append(character)
            position += 1
        }
        return key
    }

    private mutating func readValue() throws(ConfigurationError) -> String {
        switch peek() {
        case "\"", "'":
            let quote = peek()!
            let openedOnLine = line
            position += 1
            var value = ""
            while true {
                guard let character = peek() else {
                    throw ConfigurationError(
                        source: .environmentFile(path: path, line: openedOnLine),
                        detail: "unterminated \(quote == "\"" ? "double" : "single") quote")
                }
                position += 1
                if character == quote { break }
                if character == "\n" { line += 1 }
                if quote == "\"", character == "\\", let escaped = peek() {
                    position += 1
                    switch escaped {
                    case "n": value.append("\n")
                    case "t": value.append("\t")
                    case "r": value.append("\r")
                    case "\"", "\\": value.append(escaped)
                    default: value.append("\\"); value.append(escaped)
                    }
                    if escaped == "\n" { line += 1 }
                    continue
                }
                value.append(character)
            }
            skip { $0 == " " || $0 == "\t" }
            if let trailing = peek(), trailing != "\n", trailing != "#" {
                throw error("unexpected \"\(restOfLine().prefix(40))\" after the closing quote")
            }
            skipToLineEnd()
            return value
        default:
            var value = ""
            while let character = peek(), character != "\n" {
                if character == "#", value.isEmpty || value.last == " " || value.last == "\t" { break }
                value.append(character)
                position += 1
            }
            skipToLineEnd()
            while let last = value.last, last == " " || last == "\t" { value.removeLast() }
            return value
        }
    }

    private func peek() -> Character? {
        position < characters.count ? characters[position] : nil
    }

    private mutating func skip(while predicate: (Character) -> Bool) {
        while let character = peek(), predicate(character) {
            if character == "\n" { line += 1 }
            position += 1
        }
    }

    private mutating func skipToLineEnd() {
        while let character = peek(), character != "\n" { position += 1 }
    }

    private func restOfLine() -> String {
        var end = position
        while end < characters.count, characters[end] != "\n" { end += 1 }
        return String(characters[position..<end])
    }

    private func error(_ detail: String) -> ConfigurationError {
        ConfigurationError(source: .environmentFile(path: path, line: line), detail: detail)
    }
}
