/// The values a component receives, by input name.
public struct Inputs: Sendable {
    /// The input names: the declared inputs in order, then the extra fields of a component that accepts them.
    public let names: [String]
    let values: [Value?]
    let typeName: String

    init(names: [String], values: [Value?], typeName: String) {
        self.names = names
        self.values = values
        self.typeName = typeName
    }

    /// The value of an input, or nil when it has none.
    public subscript(name: String) -> Value? {
        guard let index = names.firstIndex(of: name), index < values.count else { return nil }
        if case .null = values[index] { return nil }
        return values[index]
    }

    private func required(_ name: String) throws -> Value {
        guard names.contains(name) else { throw ComponentFailure("\(typeName) has no input named '\(name)'") }
        guard let value = self[name] else { throw ComponentFailure("\(typeName): input '\(name)' has no value") }
        return value
    }

    /// The text of an input: a string, a Message's or Data's text, or another value written as text.
    public func string(_ name: String) throws -> String { Self.text(of: try required(name)) }

    /// The text of an input, or `fallback` when it has no value.
    public func string(_ name: String, default fallback: String) -> String {
        self[name].map(Self.text(of:)) ?? fallback
    }

    /// The number of an input (int, float, bool or numeric text).
    public func number(_ name: String) throws -> Double {
        let value = try required(name)
        switch value {
        case .double(let number): return number
        case .int(let integer): return Double(integer)
        case .bool(let flag): return flag ? 1 : 0
        default:
            guard let number = Double(Self.text(of: value).trimmingSpaces()) else {
                throw ComponentFailure("\(typeName): input '\(name)' must be a number, found \(value.typeName) \"\(String(Self.text(of: value).prefix(40)))\"")
            }
            return number
        }
    }

    /// The integer of an input (int, integral float, or integer text).
    public func integer(_ name: String) throws -> Int64 {
        let value = try required(name)
        switch value {
        case .int(let integer): return integer
        case .double(let number):
            guard let integer = Int64(exactly: number) else {
                throw ComponentFailure("\(typeName): input '\(name)' must be an integer, found \(number)")
            }
            return integer
        default:
            guard let integer = Int64(Self.text(of: value).trimmingSpaces()) else {
                throw ComponentFailure("\(typeName): input '\(name)' must be an integer, found \(value.typeName) \"\(String(Self.text(of: value).prefix(40)))\"")
            }
            return integer
        }
    }

    /// The boolean of an input, or `fallback` when it has no value.
    public func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let value = self[name] else { return fallback }
        switch value {
        case .bool(let flag): return flag
        case .int(let integer): return integer != 0
        default:
            switch Self.text(of: value).lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no", "": return false
            default: throw ComponentFailure("\(typeName): input '\(name)' must be true or false")
            }
        }
    }

    static func text(of value: Value) -> String {
        if case .json(let type, let text) = value, type == "Message" || type == "Data" || type == "JSON" {
            return MiniJSON.stringField("text", in: text) ?? text
        }
        return value.description
    }
}

/// The values a component produces, by output name. An output left out is "not produced".
public struct Outputs: Sendable, ExpressibleByDictionaryLiteral {
    public var values: [String: Value]

    public init(_ values: [String: Value] = [:]) { self.values = values }
    public init(dictionaryLiteral elements: (String, Value)...) {
        values = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    public subscript(name: String) -> Value? {
        get { values[name] }
        set { values[name] = newValue }
    }
}

/// An error a component throws to fail its run with a message for the user.
public struct ComponentFailure: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// Just enough JSON reading to take the `text` string out of a Message without Foundation.
enum MiniJSON {
    static func stringField(_ key: String, in text: String) -> String? {
        let bytes = Array(text.utf8)
        var index = 0
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        func readString() -> String? {
            guard index < bytes.count, bytes[index] == 0x22 else { return nil }
            index += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw = [] }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x22 { index += 1; flush(); return String(scalars) }
                if byte == 0x5C {
                    guard index + 1 < bytes.count else { return nil }
                    let escape = bytes[index + 1]
                    index += 2
                    switch escape {
                    case 0x6E: raw.append(0x0A)
                    case 0x74: raw.append(0x09)
                    case 0x72: raw.append(0x0D)
                    case 0x62: raw.append(0x08)
                    case 0x66: raw.append(0x0C)
                    case 0x75:
                        guard index + 4 <= bytes.count, var code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else { return nil }
                        index += 4
                        if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75,
                            let low = UInt32(String(decoding: bytes[index + 2..<index + 6], as: UTF8.self), radix: 16), (0xDC00..<0xE000).contains(low)
                        {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            index += 6
                        }
                        flush()
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: raw.append(escape)
                    }
                    continue
                }
                raw.append(byte)
                index += 1
            }
            return nil
        }
        func skipValue() -> Bool {
            skipSpace()
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case 0x22: return readString() != nil
            case 0x7B, 0x5B:
                var depth = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == 0x22 { guard readString() != nil else { return false }; continue }
                    if byte == 0x7B || byte == 0x5B { depth += 1 }
                    if byte == 0x7D || byte == 0x5D { depth -= 1; if depth == 0 { index += 1; return true } }
                    index += 1
                }
                return false
            default:
                while index < bytes.count, ![0x2C, 0x7D, 0x5D].contains(bytes[index]) { index += 1 }
                return true
            }
        }
        skipSpace()
        guard index < bytes.count, bytes[index] == 0x7B else { return nil }
        index += 1
        while true {
            skipSpace()
            guard let name = readString() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x3A else { return nil }
            index += 1
            skipSpace()
            if name == key { return readString() }
            guard skipValue() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x2C else { return nil }
            index += 1
        }
    }
}
