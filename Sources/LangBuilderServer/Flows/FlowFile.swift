import Foundation
import HTTPTypes
import LangBuilderCore
import LangBuilderStorage

/// Langflow's flow file: the JSON a flow is exported to and imported from.
///
/// In files, every `code` field's value (`data.nodes[].data.node.template.<field>.value` where the field's
/// `type` is `"code"`) is a list of source lines, which diffs well; in storage and over the API it is one string.
/// Exports also drop what changes between instances (owner, folder, dates, access type, gradient) and the
/// canvas state of nodes, and sort keys, as Langflow's `normalize_flow_for_export`.
enum FlowFile {
    /// The fields an export leaves out.
    static let volatileFields: Set<String> = ["updated_at", "created_at", "user_id", "folder_id", "access_type", "gradient"]
    /// The per-node canvas state an export leaves out.
    static let nodeUIFields: Set<String> = ["positionAbsolute", "dragging", "selected"]

    /// `data` with every code field given as a list of lines joined into one string.
    static func joiningCodeLines(_ data: JSONValue) -> JSONValue {
        mapCodeValues(data) { value in
            guard case .array(let lines) = value, lines.allSatisfy({ $0.stringValue != nil }) else { return value }
            return .string(lines.compactMap(\.stringValue).joined(separator: "\n"))
        }
    }

    /// `data` with every code string split into its lines (`"\n".join` of them gives the string back).
    static func splittingCodeLines(_ data: JSONValue) -> JSONValue {
        mapCodeValues(data) { value in
            guard case .string(let text) = value else { return value }
            return .array(text.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) })
        }
    }

    private static func mapCodeValues(_ data: JSONValue, _ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .object(var graph) = data, case .array(var nodes)? = graph["nodes"] else { return data }
        for index in nodes.indices {
            guard case .object(var node) = nodes[index], case .object(var nodeData)? = node["data"],
                case .object(var component)? = nodeData["node"], case .object(var template)? = component["template"]
            else { continue }
            var changed = false
            for (key, field) in template {
                guard case .object(var fieldObject) = field, fieldObject["type"]?.stringValue == "code", let value = fieldObject["value"] else { continue }
                fieldObject["value"] = transform(value)
                template[key] = .object(fieldObject)
                changed = true
            }
            guard changed else { continue }
            component["template"] = .object(template)
            nodeData["node"] = .object(component)
            node["data"] = .object(nodeData)
            nodes[index] = .object(node)
        }
        graph["nodes"] = .array(nodes)
        return .object(graph)
    }

    /// The export form of a flow: its `FlowRead` without the volatile fields, nodes without canvas state, code
    /// as lines, keys sorted.
    static func export(_ flow: FlowRecord) -> JSONValue {
        guard case .object(var object) = FlowController.render(flow) else { return FlowController.render(flow) }
        for key in volatileFields { object[key] = nil }
        if case .object(var graph)? = object["data"] {
            if case .array(let nodes)? = graph["nodes"] {
                graph["nodes"] = .array(nodes.map { node in
                    guard case .object(var fields) = node else { return node }
                    for key in nodeUIFields { fields[key] = nil }
                    return .object(fields)
                })
            }
            object["data"] = splittingCodeLines(.object(graph))
        }
        return sortingKeys(.object(object))
    }

    /// The value with the keys of every object in sorted order (Python's `sort_keys`).
    static func sortingKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(sortingKeys))
        case .object(let object):
            var sorted = JSONObject()
            for key in object.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                sorted[key] = sortingKeys(object[key]!)
            }
            return .object(sorted)
        default: return value
        }
    }

    /// The export's bytes: indented JSON.
    static func exportData(_ flow: FlowRecord) -> Data {
        Data(export(flow).serialized(pretty: true).utf8)
    }

    /// A file name for a flow: no path separators, NUL or `..`, and not a Windows device name, as Langflow's
    /// `_sanitize_flow_filename`; `fallback` when nothing is left.
    static func safeFileName(_ name: String, fallback: String) -> String {
        var safe = name.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\\", with: "_")
        safe = safe.replacingOccurrences(of: "\0", with: "").replacingOccurrences(of: "..", with: "_")
        safe = String(safe.unicodeScalars.filter { $0.properties.generalCategory != .control }).trimmingCharacters(in: .whitespaces)
        let stem = safe.split(separator: ".", maxSplits: 1).first.map { $0.uppercased() } ?? ""
        let devices: Set<String> = ["CON", "PRN", "AUX", "NUL"]
        if devices.contains(stem) || (stem.count == 4 && ["COM", "LPT"].contains(String(stem.prefix(3))) && ("1"..."9").contains(String(stem.suffix(1)))) {
            safe = "_" + safe
        }
        return safe.isEmpty ? fallback : safe
    }

    /// One `<name>.json` per flow, names made unique by a ` (n)` suffix.
    static func archiveEntries(_ flows: [FlowRecord]) -> [(name: String, data: Data)] {
        var used: Set<String> = []
        return flows.map { flow in
            let base = safeFileName(flow.name, fallback: flow.id.lowercasedString)
            var name = base + ".json"
            var number = 1
            while used.contains(name.lowercased()) {
                name = "\(base) (\(number)).json"
                number += 1
            }
            used.insert(name.lowercased())
            return (name, exportData(flow))
        }
    }

    /// The flow objects of an uploaded file: one flow, `{"flows": [...]}`, or a ZIP of `.json` files holding
    /// either. Refusals carry the 4xx to answer.
    static func documents(inUpload data: Data, limits: ZipArchive.Limits = ZipArchive.Limits()) throws -> [JSONObject] {
        guard !data.isEmpty else { throw APIError(.badRequest, "The uploaded file is empty") }
        if ZipArchive.isZip(data) {
            let files: [(path: String, data: Data)]
            do {
                files = try ZipArchive.jsonFiles(in: data, limits: limits)
            } catch {
                throw APIError(.badRequest, error.description)
            }
            var documents: [JSONObject] = []
            for file in files {
                let value: JSONValue
                do {
                    value = try JSONValue(parsing: file.data)
                } catch {
                    throw APIError(.badRequest, "The ZIP entry \"\(file.path.prefix(200))\" is not valid JSON: \(error.underlying)")
                }
                documents += try flows(in: value, source: "The ZIP entry \"\(file.path.prefix(200))\"")
            }
            guard !documents.isEmpty else { throw APIError(.badRequest, "No valid flow JSON files found in the ZIP") }
            return documents
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: data)
        } catch {
            throw APIError(.badRequest, "Invalid JSON file: \(error.underlying)")
        }
        return try flows(in: value, source: "The file")
    }

    /// The flow objects of one JSON document.
    private static func flows(in value: JSONValue, source: String) throws -> [JSONObject] {
        guard case .object(let object) = value else {
            throw APIError(.unprocessableContent, "\(source) must hold a JSON object with 'flows' or a single flow object")
        }
        guard let list = object["flows"] else { return [object] }
        guard case .array(let items) = list else { throw APIError(.unprocessableContent, "\(source): 'flows' must be a list of flow objects") }
        return try items.enumerated().map { index, item in
            guard case .object(let flow) = item else { throw APIError(.unprocessableContent, "\(source): flows[\(index)] is not an object") }
            return flow
        }
    }
}
