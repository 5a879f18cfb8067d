/// A DataFrame as pandas' `to_markdown(index=False)` writes it (tabulate's "pipe" format): one column per key
/// (in order of first appearance), numbers right-aligned, text left-aligned, missing cells empty.
public enum Markdown {
    public static func table(_ rows: [JSONObject], clean: Bool = false) -> String {
        var rows = rows
        if clean { rows = rows.filter { row in row.contains { !isMissing($0.value) } } }
        var columns: [String] = []
        for row in rows {
            for key in row.keys where !columns.contains(key) { columns.append(key) }
        }
        guard !columns.isEmpty else { return "" }
        let raw: [[String]] = rows.map { row in columns.map { cell(row[$0], clean: clean) } }
        let numeric: [Bool] = columns.indices.map { column in
            let values = rows.map { $0[columns[column]] }.filter { $0.map { !isMissing($0) } ?? false }
            return !values.isEmpty && values.allSatisfy { value in
                if case .bool? = value { return false }
                return value?.isNumber == true || Double(Python.str(value ?? .null)) != nil
            }
        }
        // tabulate's "decimal" alignment: numbers padded on the right so their decimal points line up.
        var cells = raw
        for column in columns.indices where numeric[column] {
            let decimals = raw.map { afterPoint($0[column]) }
            let most = decimals.max() ?? -1
            for row in cells.indices where !raw[row][column].isEmpty {
                cells[row][column] += String(repeating: " ", count: most - decimals[row])
            }
        }
        let widths: [Int] = columns.indices.map { column in
            max(columns[column].count + 2, cells.map { $0[column].count }.max() ?? 0)
        }
        func pad(_ text: String, _ column: Int) -> String {
            let fill = String(repeating: " ", count: max(0, widths[column] - text.count))
            return numeric[column] ? fill + text : text + fill
        }
        var lines: [String] = []
        lines.append("| " + columns.indices.map { pad(columns[$0], $0) }.joined(separator: " | ") + " |")
        lines.append("|" + columns.indices.map { column in
            let dashes = String(repeating: "-", count: widths[column] + 1)
            return numeric[column] ? dashes + ":" : ":" + dashes
        }.joined(separator: "|") + "|")
        for row in cells {
            lines.append("| " + columns.indices.map { pad(row[$0], $0) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// tabulate's `_afterpoint`: digits after the decimal point (or exponent mark), -1 for an integer.
    private static func afterPoint(_ text: String) -> Int {
        guard !text.isEmpty, Int64(text) == nil else { return -1 }
        let lowered = Array(text.lowercased())
        guard let mark = lowered.lastIndex(of: ".") ?? lowered.lastIndex(of: "e") else { return -1 }
        return lowered.count - mark - 1
    }

    private static func isMissing(_ value: JSON) -> Bool {
        if case .null = value { return true }
        return false
    }

    /// One cell: missing values empty, numbers as tabulate's `g` format, line breaks as `<br/>`, pipes escaped.
    private static func cell(_ value: JSON?, clean: Bool) -> String {
        guard let value, !isMissing(value) else { return "" }
        var text: String
        switch value {
        case .double(let number) where number == number.rounded() && abs(number) < 1e16: text = String(Int64(number))
        default: text = Python.str(value)
        }
        text = text.replacing("\r\n", with: "\n").replacing("\r", with: "\n")
        if clean {
            text = text.split(separator: "\n", omittingEmptySubsequences: true).filter { !$0.allSatisfy(\.isWhitespace) }.joined(separator: "\n")
        }
        while text.hasPrefix("\n") { text.removeFirst() }
        while text.hasSuffix("\n") { text.removeLast() }
        return text.replacing("\n", with: "<br/>").replacing("|", with: "\\|")
    }
}
