/// Langflow's `safe_convert`: how Parser's Stringify mode and Chat Output write each kind of value as text.
public enum Stringify {
    public static func convert(_ value: LangflowValue, clean: Bool) -> String {
        switch value {
        case .message(let message): Python.str(message["text"] ?? .string(""))
        case .data(let data), .dict(let data): cleanString("```json\n" + JSON.object(data).serialized(indent: 2) + "\n```")
        case .dataFrame(let rows): Markdown.table(rows, clean: clean)
        case .text(let text): cleanString(text)
        case .list, .scalar: cleanString(value.text)
        }
    }

    /// `clean_string`: blank lines emptied, runs of three or more newlines cut to two.
    public static func cleanString(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.allSatisfy(\.isWhitespace) ? "" : String(line)
        }
        var output = lines.joined(separator: "\n")
        while output.contains("\n\n\n") { output = output.replacing("\n\n\n", with: "\n\n") }
        return output
    }
}
