import LangflowBundleSupport

/// The path subset of jq that Data Operations' "Path Selection" and "JQ Expression" accept: `.`, `.key`,
/// `."quoted key"`, `.["key"]`, `.[0]`, `.[-1]`, `.[]` and chains of them (`.items[0].name`, `.items[].id`).
/// Anything else (pipes, filters, functions) is refused with a message; no jq program is ever run.
struct JQPath {
    enum Step: Equatable {
        case key(String)
        case index(Int)
        case each
    }

    let steps: [Step]

    struct ParseError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    init(_ expression: String) throws(ParseError) {
        let text = Array(expression.trimmingPythonWhitespace().unicodeScalars)
        func unsupported() -> ParseError {
            ParseError(message: "unsupported jq expression '\(expression)': only paths like .key, .items[0].name and .items[] are supported")
        }
        guard text.first == "." else { throw unsupported() }
        var steps: [Step] = []
        var index = 0
        func identifier() -> String {
            var name = ""
            while index < text.count, text[index].properties.isAlphabetic || text[index] == "_" || ("0"..."9").contains(text[index]) {
                name.unicodeScalars.append(text[index])
                index += 1
            }
            return name
        }
        func quoted() throws(ParseError) -> String {
            index += 1
            var name = ""
            while index < text.count, text[index] != "\"" {
                if text[index] == "\\", index + 1 < text.count { index += 1 }
                name.unicodeScalars.append(text[index])
                index += 1
            }
            guard index < text.count else { throw unsupported() }
            index += 1
            return name
        }
        while index < text.count {
            if text[index] == "." {
                index += 1
                if index < text.count, text[index] == "\"" {
                    steps.append(.key(try quoted()))
                } else if index < text.count, text[index] != "[" {
                    let name = identifier()
                    guard !name.isEmpty else { throw unsupported() }
                    steps.append(.key(name))
                }
            } else if text[index] == "[" {
                index += 1
                if index < text.count, text[index] == "]" {
                    index += 1
                    steps.append(.each)
                    continue
                }
                if index < text.count, text[index] == "\"" {
                    steps.append(.key(try quoted()))
                } else {
                    var digits = ""
                    while index < text.count, text[index] == "-" || ("0"..."9").contains(text[index]) {
                        digits.unicodeScalars.append(text[index])
                        index += 1
                    }
                    guard let position = Int(digits) else { throw unsupported() }
                    steps.append(.index(position))
                }
                guard index < text.count, text[index] == "]" else { throw unsupported() }
                index += 1
            } else {
                throw unsupported()
            }
        }
        self.steps = steps
    }

    /// Every result of the path on `input`, as jq gives them; a missing key or index gives null, a key of a
    /// value that is not an object fails as in jq.
    func evaluate(_ input: JSON) throws(ParseError) -> [JSON] {
        var current = [input]
        for step in steps {
            var next: [JSON] = []
            for value in current {
                switch (step, value) {
                case (.key(let key), .object(let object)): next.append(object[key] ?? .null)
                case (.key, .null), (.index, .null): next.append(.null)
                case (.index(let position), .array(let elements)):
                    let resolved = position < 0 ? elements.count + position : position
                    next.append(elements.indices.contains(resolved) ? elements[resolved] : .null)
                case (.each, .array(let elements)): next += elements
                case (.each, .object(let object)): next += object.members.map(\.value)
                case (.key(let key), _): throw ParseError(message: "Cannot index \(Self.typeName(value)) with \"\(key)\"")
                case (.index, _): throw ParseError(message: "Cannot index \(Self.typeName(value)) with number")
                case (.each, _): throw ParseError(message: "Cannot iterate over \(Self.typeName(value))")
                }
            }
            current = next
        }
        return current
    }

    private static func typeName(_ value: JSON) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
