/// Reading web pages without a browser: the text a reader sees (scripts, styles and markup dropped, entities
/// decoded, block elements on their own lines), the title, and the links to follow.
enum HTML {
    /// Elements whose content is never text.
    static let hidden: Set<String> = ["script", "style", "noscript", "template", "svg"]
    /// Elements that start a new line.
    static let blocks: Set<String> = [
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
        "footer", "nav", "blockquote", "pre", "hr", "dd", "dt", "title", "main", "aside", "form",
    ]

    struct Page {
        var title = ""
        var text = ""
        var links: [String] = []
    }

    /// Parses `html` once: its text, title and the `href` of its `<a>` elements (as written).
    static func read(_ html: String) -> Page {
        var page = Page()
        var text = ""
        var title = ""
        var inTitle = false
        var skipping: String?
        let scalars = Array(html.unicodeScalars)
        var index = 0
        var pending = ""
        func flush(into target: inout String) {
            guard !pending.isEmpty else { return }
            // Line breaks of the source are spaces; block elements make the lines.
            target += decode(pending).replacing("\n", with: " ").replacing("\r", with: " ")
            pending = ""
        }
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "<" else {
                if skipping == nil { pending.unicodeScalars.append(scalar) }
                index += 1
                continue
            }
            // A comment.
            if index + 3 < scalars.count, scalars[index + 1] == "!", scalars[index + 2] == "-", scalars[index + 3] == "-" {
                var end = index + 4
                while end + 2 < scalars.count, !(scalars[end] == "-" && scalars[end + 1] == "-" && scalars[end + 2] == ">") { end += 1 }
                index = end + 3
                continue
            }
            var end = index + 1
            var quote: Unicode.Scalar?
            while end < scalars.count {
                let next = scalars[end]
                if let open = quote {
                    if next == open { quote = nil }
                } else if next == "\"" || next == "'" {
                    quote = next
                } else if next == ">" {
                    break
                }
                end += 1
            }
            guard end < scalars.count else {
                if skipping == nil { pending.unicodeScalars.append(contentsOf: scalars[index...]) }
                break
            }
            let tag = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
            index = end + 1
            let closing = tag.hasPrefix("/")
            let name = String((closing ? tag.dropFirst() : Substring(tag)).prefix { $0.isLetter || $0.isNumber }).lowercased()
            if let skipped = skipping {
                if closing && name == skipped { skipping = nil }
                continue
            }
            if inTitle { flush(into: &title) } else { flush(into: &text) }
            if name == "title" {
                inTitle = !closing
                if closing { page.title = collapse(title) }
                continue
            }
            if !closing && hidden.contains(name) && !tag.hasSuffix("/") {
                skipping = name
                continue
            }
            if blocks.contains(name) { text += "\n" } else if name == "td" || name == "th" { text += " " }
            if !closing && name == "a", let href = attribute("href", in: tag) { page.links.append(href) }
        }
        if inTitle { flush(into: &title); page.title = collapse(title) } else { flush(into: &text) }
        page.text = text.split(separator: "\n").map { collapse(String($0)) }.filter { !$0.isEmpty }.joined(separator: "\n")
        return page
    }

    /// The value of attribute `name` in a tag's source (`a href="x" class=y`), entities decoded.
    static func attribute(_ name: String, in tag: String) -> String? {
        let characters = Array(tag)
        var index = 0
        let lowered = Array(tag.lowercased())
        let target = Array(name)
        while index + target.count < characters.count {
            let before = index == 0 ? " " : characters[index - 1]
            if (before == " " || before == "\t" || before == "\n") && Array(lowered[index..<(index + target.count)]) == target {
                var cursor = index + target.count
                while cursor < characters.count && characters[cursor] == " " { cursor += 1 }
                if cursor < characters.count && characters[cursor] == "=" {
                    cursor += 1
                    while cursor < characters.count && characters[cursor] == " " { cursor += 1 }
                    guard cursor < characters.count else { return nil }
                    var value = ""
                    if characters[cursor] == "\"" || characters[cursor] == "'" {
                        let quote = characters[cursor]
                        cursor += 1
                        while cursor < characters.count && characters[cursor] != quote { value.append(characters[cursor]); cursor += 1 }
                    } else {
                        while cursor < characters.count && characters[cursor] != " " && characters[cursor] != ">" { value.append(characters[cursor]); cursor += 1 }
                    }
                    return decode(value)
                }
            }
            index += 1
        }
        return nil
    }

    /// Runs of spaces, tabs and line breaks become one space; the ends are trimmed.
    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{A0}" }).joined(separator: " ")
    }

    static let entities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "copy": "©", "reg": "®", "mdash": "—", "ndash": "–",
        "hellip": "…", "laquo": "«", "raquo": "»", "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“", "euro": "€", "middot": "·",
    ]

    /// Decodes `&amp;`, `&#39;`, `&#x27;` and the common named entities; anything else stays as written.
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            let after = rest[rest.index(after: ampersand)...]
            guard let semicolon = after.prefix(12).firstIndex(of: ";") else {
                output += "&"
                rest = after
                continue
            }
            let name = after[..<semicolon]
            var replacement: String?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else if name.hasPrefix("#") {
                replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
            } else {
                replacement = entities[String(name)]
            }
            if let replacement {
                output += replacement
                rest = after[after.index(after: semicolon)...]
            } else {
                output += "&"
                rest = after
            }
        }
        return output + rest
    }
}

/// A URL split into the parts link resolution needs.
struct WebAddress: Equatable {
    var scheme: String
    var host: String
    var path: String

    init?(_ text: String) {
        let lowered = text.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") { scheme = "https" } else if lowered.hasPrefix("http://") { scheme = "http" } else { return nil }
        let rest = text.dropFirst(scheme.count + 3)
        let hostEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let host = rest[..<hostEnd]
        guard !host.isEmpty, !host.contains(" ") else { return nil }
        self.scheme = scheme
        self.host = host.lowercased()
        var path = String(rest[hostEnd...])
        if let fragment = path.firstIndex(of: "#") { path = String(path[..<fragment]) }
        self.path = path.isEmpty ? "/" : (path.hasPrefix("/") ? path : "/" + path)
    }

    var text: String { "\(scheme)://\(host)\(path)" }

    /// `link` as found on this page, made absolute; nil for links that are not web pages (mailto:, javascript:).
    func resolve(_ link: String) -> WebAddress? {
        let trimmed = HTML.collapse(link)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { return WebAddress(trimmed) }
        if trimmed.hasPrefix("//") { return WebAddress(scheme + ":" + trimmed) }
        if lowered.contains(":") && !lowered.hasPrefix("/") {
            let colon = lowered.firstIndex(of: ":")!
            if !lowered[..<colon].contains("/") && !lowered[..<colon].contains("?") { return nil }  // another scheme
        }
        if trimmed.hasPrefix("/") { return WebAddress("\(scheme)://\(host)\(trimmed)") }
        let query = path.firstIndex(of: "?") ?? path.endIndex
        let directory = path[..<query].lastIndex(of: "/").map { String(path[...$0]) } ?? "/"
        return WebAddress("\(scheme)://\(host)\(directory)\(trimmed)").map { $0.normalized }
    }

    /// `.` and `..` segments removed.
    var normalized: WebAddress {
        let query = path.firstIndex(of: "?") ?? path.endIndex
        var segments: [Substring] = []
        let parts = path[..<query].split(separator: "/", omittingEmptySubsequences: false)
        for part in parts.dropFirst() {
            if part == "." { continue }
            if part == ".." { if !segments.isEmpty { segments.removeLast() }; continue }
            segments.append(part)
        }
        var copy = self
        copy.path = "/" + segments.joined(separator: "/") + path[query...]
        return copy
    }
}
