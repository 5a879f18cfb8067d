import Foundation
import LangflowBundleSupport
import Testing

/// The bundles' JSON reader and writer (`bundles/langflow-support/JSON.swift`): escapes as Python's `json.dumps`
/// writes them, with and without `ensure_ascii`, and every string read back as written.
@Suite struct JSONTests {
    static let strings = [
        "", "plain", "é", "😀", "\u{7F}", "a\"b\\c/d\n\r\t\u{08}\u{0C}\u{01}", "mixed é and 😀 and \"quotes\"", String(repeating: "long ", count: 500),
    ]

    @Test func writesEscapesAsPython() {
        #expect(JSON.string("a\"b\\c/d\n\r\t\u{08}\u{0C}\u{01}").serialized() == #""a\"b\\c/d\n\r\t\b\f\u0001""#)
        #expect(JSON.string("é😀\u{7F}").serialized() == "\"é😀\u{7F}\"")
        // ensure_ascii: every scalar past 0x7E as \uXXXX, astral ones as a surrogate pair.
        #expect(JSON.string("é").serialized(indent: 0, asciiOnly: true) == #""\u00e9""#)
        #expect(JSON.string("😀").serialized(indent: 0, asciiOnly: true) == #""\ud83d\ude00""#)
        #expect(JSON.string("\u{7F}").serialized(indent: 0, asciiOnly: true) == #""\u007f""#)
        #expect(JSON.object(JSONObject([("k", .array([.int(1), .string("é")]))])).serialized(indent: 2, asciiOnly: true)
            == "{\n  \"k\": [\n    1,\n    \"\\u00e9\"\n  ]\n}")
    }

    @Test(arguments: strings)
    func readsBackWhatItWrites(text: String) throws {
        #expect(try JSON(parsing: JSON.string(text).serialized()) == .string(text))
        #expect(try JSON(parsing: JSON.string(text).serialized(indent: 2, asciiOnly: true)) == .string(text))
        // Foundation reads the same text.
        let foundation = try JSONSerialization.jsonObject(with: Data(JSON.string(text).serialized().utf8), options: .fragmentsAllowed)
        #expect(foundation as? String == text)
    }

    @Test func readsEscapesAndSurrogatePairs() throws {
        #expect(try JSON(parsing: #""a\"b\\c\/d\n\r\t\b\f\u0001\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\r\t\u{08}\u{0C}\u{01}é😀"))
        // A lone surrogate becomes U+FFFD, as Python's decoder would not allow it in UTF-8.
        #expect(try JSON(parsing: #""x\ud83dy""#) == .string("x\u{FFFD}y"))
        #expect(throws: JSONParseError.self) { try JSON(parsing: #""unterminated"#) }
        #expect(throws: JSONParseError.self) { try JSON(parsing: "\"raw\ncontrol\"") }
        #expect(throws: JSONParseError.self) { try JSON(parsing: #""bad \q escape""#) }
    }
}
