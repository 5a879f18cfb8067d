import Foundation
import Testing

@testable import LangBuilderCore

/// A chat component's Messages get their id as they are made: spliced into the text (not written again), and
/// handed on parsed so that events and records do not parse them again.
@Suite struct MessageIdentityTests {
    @Test func aMessageWithoutIdGetsOneInItsTextAndItsParsedForm() throws {
        let (values, parsed) = RunScheduler.identified([.json(type: "Message", text: #" {"text":"hi","sender":"User"}"#)])
        guard case .json("Message", let text)? = values[0] else {
            Issue.record("expected a Message, got \(String(describing: values[0]))")
            return
        }
        let object = try #require(try JSONValue(parsing: text).objectValue)
        let id = try #require(object["id"]?.stringValue)
        #expect(UUID.parsing(id) != nil)
        #expect(object["text"] == "hi")
        #expect(object["sender"] == "User")
        #expect(parsed[0] == .object(object))
    }

    @Test func anEmptyMessageAndAMessageWithAnIdStayValid() throws {
        let (values, parsed) = RunScheduler.identified([
            .json(type: "Message", text: "{}"), .json(type: "Message", text: #"{"id":"kept","text":"x"}"#), .string("plain"), nil,
        ])
        guard case .json("Message", let empty)? = values[0] else {
            Issue.record("expected a Message")
            return
        }
        #expect(try JSONValue(parsing: empty).objectValue?.count == 1)
        #expect(values[1] == .json(type: "Message", text: #"{"id":"kept","text":"x"}"#))
        #expect(parsed[1]?["id"] == "kept")
        #expect(values[2] == .string("plain"))
        #expect(parsed[2] == nil)
        #expect(values[3] == nil)
    }
}
