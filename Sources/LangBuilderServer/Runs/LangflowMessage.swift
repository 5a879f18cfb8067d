import Foundation
import LangBuilderCore
import LangBuilderStorage

/// Langflow's shapes around chat messages: the `properties` and `content_blocks` a run's messages carry, the
/// error message of a failed run, and the message as `/monitor/messages` lists it.
enum LangflowMessage {
    /// The component types whose Message outputs are stored as chat messages, with the sender and sender
    /// name used when the message does not say.
    static let senders: [String: (sender: String, senderName: String)] = [
        "ChatInput": ("User", "User"), "ChatOutput": ("Machine", "AI"),
    ]

    /// `properties` of a message sent by vertex `sourceID`.
    static func properties(sourceID: String?, displayName: String?) -> JSONValue {
        [
            "source": source(sourceID, displayName), "state": "complete", "text_color": nil, "background_color": nil,
            "edited": false, "icon": nil, "allow_markdown": false, "positive_feedback": nil, "targets": [], "usage": nil,
            "build_duration": nil,
        ]
    }

    /// ``properties(sourceID:displayName:)`` as JSON text, as a run's messages store it: written around the
    /// one varying member, without building the object (two of these per chat run).
    static func propertiesText(sourceID: String?, displayName: String?) -> String {
        #"{"source":"# + source(sourceID, displayName).serialized()
            + #","state":"complete","text_color":null,"background_color":null,"edited":false,"icon":null,"allow_markdown":false,"#
            + #""positive_feedback":null,"targets":[],"usage":null,"build_duration":null}"#
    }

    /// `properties` of the error message of a failed run (Langflow's `ErrorMessage`).
    static func errorProperties(sourceID: String?, displayName: String?) -> JSONValue {
        [
            "source": source(sourceID, displayName), "state": "complete", "text_color": "red", "background_color": "red",
            "edited": false, "icon": "error", "allow_markdown": false, "positive_feedback": nil, "targets": [], "usage": nil,
            "build_duration": nil,
        ]
    }

    /// `content_blocks` of the error message of a failed run.
    static func errorContentBlocks(component: String?, reason: String) -> JSONValue {
        [[
            "title": "Error", "allow_markdown": true, "media_url": nil,
            "contents": [[
                "type": "error", "component": .text(component), "field": nil, "reason": .string(reason), "solution": nil,
                "traceback": nil,
            ]],
        ]]
    }

    /// The error message of a failed build as its `error` event carries it (Langflow's `ErrorMessage`).
    static func errorMessage(reason: String, vertexID: String?, component: String?, sessionID: String, flowID: UUID) -> JSONObject {
        var message = JSONObject()
        message["text"] = .string(reason)
        message["sender"] = .string(component ?? "Machine")
        message["sender_name"] = .string(component ?? "AI")
        message["session_id"] = .string(sessionID)
        message["context_id"] = ""
        message["flow_id"] = .id(flowID)
        message["timestamp"] = .string(timestamp(Date()))
        message["files"] = []
        message["error"] = true
        message["edit"] = false
        message["category"] = "error"
        message["properties"] = errorProperties(sourceID: vertexID, displayName: component)
        message["content_blocks"] = errorContentBlocks(component: component, reason: reason)
        return message
    }

    /// A chat message of a build as its `add_message` event carries it: the component's message with the
    /// fields Langflow's messages have.
    static func chatMessage(_ data: JSONValue, sessionID: String, flowID: UUID) -> JSONValue {
        guard var message = data.objectValue else { return data }
        if message["session_id"] == nil { message["session_id"] = .string(sessionID) }
        if message["flow_id"] == nil { message["flow_id"] = .id(flowID) }
        if message["timestamp"] == nil { message["timestamp"] = .string(timestamp(Date())) }
        if message["files"] == nil { message["files"] = [] }
        if message["error"] == nil { message["error"] = false }
        if message["edit"] == nil { message["edit"] = false }
        if message["category"] == nil { message["category"] = "message" }
        return .object(message)
    }

    private static func source(_ id: String?, _ displayName: String?) -> JSONValue {
        guard id != nil || displayName != nil else { return .null }
        return ["id": .text(id), "display_name": .text(displayName), "source": .text(displayName)]
    }

    /// Why a run failed, and the vertex to blame when there is one.
    static func failure(_ error: RunError) -> (vertexID: String?, reason: String) {
        switch error {
        case .vertexFailed(let id, _, let message): return (id, message)
        case .vertexTimedOut(let id, _, _), .loopLimitExceeded(let id, _, _, _), .missingVariable(let id, _, _): return (id, error.description)
        case .deadlineExceeded, .cancelled: return (nil, error.description)
        }
    }

    /// Langflow's message timestamp: `2026-11-21 23:45:16.887643 UTC`.
    static func timestamp(_ date: Date) -> String {
        var text = ServerTimestamp.format(date)
        text = text.replacingOccurrences(of: "T", with: " ")
        if text.hasSuffix("Z") { text.removeLast() }
        return text + " UTC"
    }

    /// A stored message as `/monitor/messages` answers it (Langflow's `MessageResponse`: `files` as JSON text);
    /// `asRead` gives the `MessageRead` shape of `PUT /monitor/messages/{id}` (`files` a list, plus `error`).
    static func render(_ message: MessageRecord, asRead: Bool = false) -> JSONValue {
        var object = JSONObject()
        object["id"] = .id(message.id)
        object["flow_id"] = .id(message.flowID)
        object["timestamp"] = .string(timestamp(message.timestamp))
        object["sender"] = .string(message.sender)
        object["sender_name"] = .string(message.senderName)
        object["session_id"] = .string(message.sessionID)
        object["context_id"] = .text(message.contextID)
        object["text"] = .string(message.text)
        let files = JSONValue.array(message.files.map(JSONValue.string))
        object["files"] = asRead ? files : .string(files.serialized())
        if asRead { object["error"] = .bool(message.error) }
        object["edit"] = .bool(message.edit)
        object["duration"] = .null
        object["properties"] = (try? JSONValue(parsing: message.properties)) ?? .object(JSONObject())
        object["category"] = .string(message.category)
        object["content_blocks"] = (try? JSONValue(parsing: message.contentBlocks)) ?? .array([])
        object["session_metadata"] = .null
        return .object(object)
    }
}
