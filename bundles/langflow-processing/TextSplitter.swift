/// LangChain's `CharacterTextSplitter` and `RecursiveCharacterTextSplitter`, as Langflow's Split Text uses
/// them: lengths count Unicode code points (Python's `len`), chunks are stripped and empty ones dropped.
struct TextSplitter {
    enum KeepSeparator: Equatable {
        case no, start, end
    }

    var chunkSize: Int
    var chunkOverlap: Int
    var keepSeparator: KeepSeparator

    /// The most chunks one input may produce; more fails instead of exhausting memory.
    static let maximumChunks = 100_000

    private static func length(_ text: String) -> Int { text.unicodeScalars.count }

    /// `CharacterTextSplitter.split_text`.
    func splitCharacters(_ text: String, separator: String) -> [String] {
        let splits = Self.split(text, separator: separator, keep: keepSeparator)
        return merge(splits, separator: keepSeparator == .no ? separator : "")
    }

    /// `RecursiveCharacterTextSplitter.split_text`: the first separator found in the text splits it; pieces
    /// still too long are split again with the next separators.
    func splitRecursively(_ text: String, separators: [String]) -> [String] {
        var separator = separators.last ?? ""
        var remaining: [String] = []
        for (index, candidate) in separators.enumerated() {
            if candidate.isEmpty {
                separator = candidate
                break
            }
            if text.containsScalars(candidate) {
                separator = candidate
                remaining = Array(separators[(index + 1)...])
                break
            }
        }
        let splits = Self.split(text, separator: separator, keep: keepSeparator)
        let joiner = keepSeparator == .no ? separator : ""
        var chunks: [String] = []
        var good: [String] = []
        for piece in splits {
            if Self.length(piece) < chunkSize {
                good.append(piece)
                continue
            }
            if !good.isEmpty {
                chunks += merge(good, separator: joiner)
                good = []
            }
            if remaining.isEmpty {
                chunks.append(piece)
            } else {
                chunks += splitRecursively(piece, separators: remaining)
            }
        }
        if !good.isEmpty { chunks += merge(good, separator: joiner) }
        return chunks
    }

    /// `_split_text_with_regex` for a literal separator.
    static func split(_ text: String, separator: String, keep: KeepSeparator) -> [String] {
        guard !separator.isEmpty else { return text.unicodeScalars.map { String($0) } }
        let parts = text.splitScalars(separator)
        var splits: [String]
        switch keep {
        case .no:
            splits = parts
        case .start:
            splits = [parts[0]] + parts.dropFirst().map { separator + $0 }
        case .end:
            splits = parts.dropLast().map { $0 + separator } + [parts[parts.count - 1]]
        }
        return splits.filter { !$0.isEmpty }
    }

    /// `_merge_splits`: packs pieces into chunks of at most `chunkSize`, each starting with up to `chunkOverlap`
    /// of the previous chunk's tail.
    func merge(_ splits: [String], separator: String) -> [String] {
        let separatorLength = Self.length(separator)
        var chunks: [String] = []
        var current: [(text: String, length: Int)] = []
        var head = 0
        var total = 0
        func join() -> String? {
            let text = current[head...].map(\.text).joined(separator: separator).trimmingPythonWhitespace()
            return text.isEmpty ? nil : text
        }
        for piece in splits {
            let length = Self.length(piece)
            let count = current.count - head
            if total + length + (count > 0 ? separatorLength : 0) > chunkSize {
                if count > 0 {
                    if let chunk = join() { chunks.append(chunk) }
                    while total > chunkOverlap || (total + length + (current.count - head > 0 ? separatorLength : 0) > chunkSize && total > 0) {
                        total -= current[head].length + (current.count - head > 1 ? separatorLength : 0)
                        head += 1
                    }
                }
            }
            current.append((piece, length))
            total += length + (current.count - head > 1 ? separatorLength : 0)
        }
        if current.count > head, let chunk = join() { chunks.append(chunk) }
        return chunks
    }
}

extension String {
    /// Python's `text.split(separator)`: compares code points, so "\n" splits "\r\n" as Python does (Swift's
    /// `Character` comparison would see one grapheme).
    func splitScalars(_ separator: String) -> [String] {
        let text = Array(unicodeScalars)
        let needle = Array(separator.unicodeScalars)
        var parts: [String] = []
        var start = 0
        var index = 0
        while index + needle.count <= text.count {
            if text[index..<index + needle.count].elementsEqual(needle) {
                parts.append(String(String.UnicodeScalarView(text[start..<index])))
                index += needle.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(String(String.UnicodeScalarView(text[start...])))
        return parts
    }

    /// Python's `separator in text`, on code points.
    func containsScalars(_ needle: String) -> Bool {
        needle.isEmpty || splitScalars(needle).count > 1
    }

    /// Python's `str.strip()`: leading and trailing white space removed.
    func trimmingPythonWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
