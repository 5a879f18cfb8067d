#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RunContext {
    /// Completes a message a component of this run appends into a Langflow Message: `sender` defaults to
    /// `Machine`, `sender_name` to `AI`, `session_id` to the run's session; `id`, `timestamp` and `flow_id` are
    /// set by the host; other members are kept. Fails when a member has the wrong type.
    public func completeMessage(_ input: JSONObject) throws(MessageFormatError) -> JSONObject {
        func text(_ key: String, default value: String) throws(MessageFormatError) -> JSONValue {
            switch input[key] {
            case nil, .null?: return .string(value)
            case .string(let string)?: return .string(string)
            default: throw MessageFormatError("\"\(key)\" must be a string")
            }
        }
        var message = JSONObject()
        message["text"] = try text("text", default: "")
        message["sender"] = try text("sender", default: "Machine")
        message["sender_name"] = try text("sender_name", default: "AI")
        message["session_id"] = try text("session_id", default: sessionID)
        message["context_id"] = try text("context_id", default: "")
        message["files"] = input["files"] ?? .array([])
        message["error"] = input["error"] ?? .bool(false)
        message["edit"] = input["edit"] ?? .bool(false)
        message["category"] = try text("category", default: "message")
        message["content_blocks"] = input["content_blocks"] ?? .array([])
        message["id"] = .string(UUID.timeOrdered().lowercasedString)
        message["flow_id"] = flowID.isEmpty ? .null : .string(flowID)
        message["timestamp"] = .string(Self.langflowTimestamp())
        message["properties"] = input["properties"] ?? .object(JSONObject())
        for (key, value) in input where message[key] == nil { message[key] = value }
        return message
    }

    /// Now, as Langflow stamps messages: `2026-11-21 23:45:16.887643 UTC`.
    static func langflowTimestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2)) \(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1000), 6)) UTC"
    }
}

/// Why a message a component appends cannot be stored.
public struct MessageFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
