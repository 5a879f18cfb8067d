extension MiniJSON {
    /// The raw texts of the elements of a JSON array (each a complete JSON value), or nil when `text` is not an
    /// array. Strings are skipped escape-aware and brackets counted, so nested values stay whole.
    static func elements(ofArray text: String) -> [String]? {
        let bytes = Array(text.utf8)
        var index = 0
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        func skipString() -> Bool {
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case 0x5C: index += 2
                case 0x22:
                    index += 1
                    return true
                default: index += 1
                }
            }
            return false
        }
        skipSpace()
        guard index < bytes.count, bytes[index] == 0x5B else { return nil }
        index += 1
        var elements: [String] = []
        var depth = 0
        var start: Int?
        while index < bytes.count {
            let byte = bytes[index]
            if start == nil {
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == 0x5D && elements.isEmpty { return [] }
                start = index
                continue
            }
            switch byte {
            case 0x22:
                guard skipString() else { return nil }
                continue
            case 0x7B, 0x5B:
                depth += 1
            case 0x7D:
                depth -= 1
            case 0x5D where depth > 0:
                depth -= 1
            case 0x2C where depth == 0, 0x5D where depth == 0:
                var end = index
                while end > start!, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
                elements.append(String(decoding: bytes[start!..<end], as: UTF8.self))
                start = nil
                if byte == 0x5D { return elements }
            default: break
            }
            index += 1
        }
        return nil
    }
}
