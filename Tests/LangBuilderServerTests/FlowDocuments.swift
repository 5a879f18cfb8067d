import LangBuilderCore

/// Flow graphs (`data` of a Langflow flow) against the engine test bundle.
enum FlowDocuments {
    static func node(_ id: String, _ type: String, fields: [(String, JSONValue)] = [], variables: [(String, String)] = []) -> JSONValue {
        var template = JSONObject()
        template["_type"] = "Component"
        for (field, value) in fields {
            template[field] = ["type": "str", "value": value, "show": true, "load_from_db": false, "input_types": []]
        }
        for (field, variable) in variables {
            template[field] = ["type": "str", "value": .string(variable), "show": true, "load_from_db": true, "input_types": []]
        }
        return [
            "id": .string(id), "type": "genericNode", "position": ["x": 0, "y": 0],
            "data": ["id": .string(id), "type": .string(type), "node": ["template": .object(template)]],
        ]
    }

    static func edge(_ source: String, _ sourceType: String, to target: String, _ field: String = "input_value") -> JSONValue {
        [
            "id": .string("edge-\(source)-\(target)"), "source": .string(source), "target": .string(target),
            "data": [
                "sourceHandle": ["dataType": .string(sourceType), "id": .string(source), "name": "message", "output_types": ["Message"]],
                "targetHandle": ["fieldName": .string(field), "id": .string(target), "inputTypes": ["Message"], "type": "str"],
            ],
        ]
    }

    /// ChatInput → Upper → ChatOutput: answers the input in capitals.
    static let shout: JSONValue = [
        "nodes": [node("ChatInput-1", "ChatInput"), node("Upper-1", "Upper"), node("ChatOutput-1", "ChatOutput")],
        "edges": [edge("ChatInput-1", "ChatInput", to: "Upper-1"), edge("Upper-1", "Upper", to: "ChatOutput-1")],
        "viewport": ["x": 0, "y": 0, "zoom": 1],
    ]

    /// ChatInput (its input from the variable GREETING) → Upper → ChatOutput.
    static let greeting: JSONValue = [
        "nodes": [node("ChatInput-1", "ChatInput", variables: [("input_value", "GREETING")]), node("Upper-1", "Upper"), node("ChatOutput-1", "ChatOutput")],
        "edges": [edge("ChatInput-1", "ChatInput", to: "Upper-1"), edge("Upper-1", "Upper", to: "ChatOutput-1")],
    ]

    /// ChatInput → Sleep (60 s, polling cancellation) → ChatOutput.
    static let sleepy: JSONValue = [
        "nodes": [node("ChatInput-1", "ChatInput"), node("Sleep-1", "Sleep", fields: [("milliseconds", 60000)]), node("ChatOutput-1", "ChatOutput")],
        "edges": [edge("ChatInput-1", "ChatInput", to: "Sleep-1"), edge("Sleep-1", "Sleep", to: "ChatOutput-1")],
    ]

    /// ChatInput → Fail → ChatOutput: builds, then fails at run time.
    static let failing: JSONValue = [
        "nodes": [node("ChatInput-1", "ChatInput"), node("Fail-1", "Fail"), node("ChatOutput-1", "ChatOutput")],
        "edges": [edge("ChatInput-1", "ChatInput", to: "Fail-1"), edge("Fail-1", "Fail", to: "ChatOutput-1")],
    ]

    /// Two problems: an unknown component and an edge to a node that does not exist.
    static let invalid: JSONValue = [
        "nodes": [node("ChatInput-1", "ChatInput"), node("Nope-1", "NoSuchComponent")],
        "edges": [edge("ChatInput-1", "ChatInput", to: "Missing-1")],
    ]
}
