import Foundation
import Testing

@testable import LangBuilderCore

/// The byte-based JSON writer: escapes, layout, and agreement with Foundation's parser.
@Suite struct JSONWriterTests {
    @Test func escapesWhatJSONRequiresAndKeepsTheRest() throws {
        let text = "quote \" backslash \\ newline \n tab \t return \r bell \u{07} nul \u{00} slash / é 日本 🙂"
        let written = JSONValue.string(text).serialized()
        #expect(written == #""quote \" backslash \\ newline \n tab \t return \r bell \u0007 nul \u0000 slash / é 日本 🙂""#)
        let decoded = try JSONSerialization.jsonObject(with: Data(written.utf8), options: .fragmentsAllowed) as? String
        #expect(decoded == text)
    }

    @Test func writesEveryKindCompactAndPretty() throws {
        let value: JSONValue = ["a": 1, "b": [true, nil, .number(2.5), "x"], "c": .object(JSONObject()), "d": []]
        #expect(value.serialized() == #"{"a":1,"b":[true,null,2.5,"x"],"c":{},"d":[]}"#)
        #expect(value.serialized(pretty: true) == "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null,\n    2.5,\n    \"x\"\n  ],\n  \"c\": {},\n  \"d\": []\n}")
        #expect(try JSONValue(parsing: value.serialized(pretty: true)) == value)
        #expect(value.serializedUTF8() == Array(value.serialized().utf8))
    }
}

/// The run path's ids: random (v4) and time-ordered (v7) UUIDs and their lowercase text.
@Suite struct FastUUIDTests {
    @Test func lowercaseTextMatchesFoundations() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(id.lowercasedString == id.uuidString.lowercased())
        }
    }

    @Test func parsingReadsWhatFoundationReads() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(UUID.parsing(id.lowercasedString) == id)
            #expect(UUID.parsing(id.uuidString) == id)
        }
        for text in ["", "not-a-uuid", "0f9c3a2e-1b2c-4d5e-8f90-12345678901", "0f9c3a2e-1b2c-4d5e-8f90-1234567890123",
            "0f9c3a2e1b2c-4d5e-8f90-1234567890123", "0f9c3a2g-1b2c-4d5e-8f90-123456789012", "0f9c3a2e-1b2c-4d5e-8f90-12345678901é"]
        {
            #expect(UUID.parsing(text) == nil, "\(text)")
            #expect(UUID(uuidString: text) == nil, "\(text)")
        }
    }

    @Test func randomIdsAreVersion4AndDistinct() {
        let ids = (0..<10_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            #expect(id.uuid.6 >> 4 == 4)
            #expect(id.uuid.8 >> 6 == 0b10)
            #expect(UUID(uuidString: id.lowercasedString) == id)
        }
    }

    /// The bytes come from a shared pool refilled every 256 ids: threads drawing at once never get the same bytes.
    @Test func idsDrawnOnManyThreadsAtOnceAreDistinct() async {
        let ids = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<5_000).map { _ in UUID.random() } + (0..<5_000).map { _ in UUID.timeOrdered() } } }
            return await group.reduce(into: [UUID]()) { $0 += $1 }
        }
        #expect(ids.count == 40_000)
        #expect(Set(ids).count == ids.count)
        // Not the same 64 random bits twice either (a pool handing out a word twice would show here).
        let lows = ids.map { id in withUnsafeBytes(of: id.uuid) { $0.load(fromByteOffset: 8, as: UInt64.self) } }
        #expect(Set(lows).count == lows.count)
    }

    @Test func timeOrderedIdsAreVersion7AndSortByTheirMillisecond() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let ids = (0..<1_000).map { UUID.timeOrdered(at: start.addingTimeInterval(Double($0) / 500)) }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.uuid.6 >> 4 == 7)
            #expect(id.uuid.8 >> 6 == 0b10)
        }
        // Ids of different milliseconds sort as their times, as text too (what the storage index sees).
        let texts = ids.map(\.lowercasedString)
        for index in stride(from: 2, to: texts.count, by: 2) { #expect(texts[index - 2] < texts[index]) }
        let first = ids[0].uuid
        let milliseconds = [first.0, first.1, first.2, first.3, first.4, first.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_800_000_000_000)
    }
}
