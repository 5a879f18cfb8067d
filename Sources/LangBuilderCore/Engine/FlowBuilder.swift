/// Builds flows: validates them against the registry (collecting every problem at once) and plans them.
///
/// ```swift
/// let plan = try FlowBuilder(registry: registry).build(flow, tweaks: ["Prompt-1": ["template": "Hi {name}"]])
/// plan.layerIDs   // [["ChatInput-1"], ["Prompt-1"], ["ChatOutput-1"]]
/// ```
public struct FlowBuilder: Sendable {
    public let registry: ComponentRegistry

    /// Component types whose `input_value` receives a run's input, by input type.
    static let chatInputTypes: Set<String> = ["ChatInput"]
    static let textInputTypes: Set<String> = ["TextInput"]
    /// Component types whose results are a run's outputs (Langflow's output vertices).
    static let outputTypes: Set<String> = ["ChatOutput", "TextOutput"]

    public init(registry: ComponentRegistry) {
        self.registry = registry
    }

    /// The component types the flow uses that no loaded bundle provides, sorted.
    public func missingComponentTypes(in flow: Flow) -> [String] {
        Set(flow.nodes.map(\.componentType).filter { registry.component(named: $0) == nil }).sorted()
    }

    /// The plan of a run with `inputValue`, made from `template`, the same flow built by this builder's registry
    /// without an input value or tweaks: the input components (`inputType` decides which, as in
    /// ``build(_:tweaks:inputValue:inputType:)``) get the value in their `input_value`, every other vertex is
    /// shared. Equal to building the flow with the input; nil when that cannot be shown here (the input does not
    /// fit the port), and the caller builds afresh.
    ///
    /// A server keeps one template per stored flow version, so a run does not validate and plan its flow again.
    public static func plan(_ template: ExecutionPlan, withInput inputValue: String, inputType: String = "chat") -> ExecutionPlan? {
        var vertices = template.vertices
        var changed = false
        for (index, vertex) in template.vertices.enumerated() {
            let type = vertex.node.componentType
            let receives = (inputType != "text" && chatInputTypes.contains(type)) || (inputType != "chat" && textInputTypes.contains(type))
            guard receives else { continue }
            let ports = vertex.component.descriptor.inputs
            // Without a declared input_value, build would have added a field that only extra inputs read.
            guard let position = ports.firstIndex(where: { $0.name == "input_value" }), position < vertex.inputs.count else { return nil }
            var node = vertex.node
            node.setField("input_value", to: .string(inputValue))
            var inputs = vertex.inputs
            if case .edges = inputs[position] {
                // An edge into input_value wins over the field, as in build.
            } else {
                guard let value = Self.value(of: .string(inputValue), port: ports[position]) else { return nil }
                inputs[position] = .value(value)
            }
            let replaced = ExecutionPlan.Vertex(
                index: vertex.index, id: vertex.id, node: node, component: vertex.component, inputs: inputs,
                extraInputNames: vertex.extraInputNames, successors: vertex.successors, predecessors: vertex.predecessors,
                layer: vertex.layer, isOutput: vertex.isOutput, loop: vertex.loop, loopOwner: vertex.loopOwner)
            replaced.nextIDs = vertex.nextIDs
            vertices[index] = replaced
            changed = true
        }
        guard changed else { return template }
        return ExecutionPlan(flow: template.flow, vertices: vertices, types: template.types, layers: template.layers)
    }

    /// Validates and plans a flow.
    /// - Parameters:
    ///   - tweaks: per-run field overrides, `{"<node id or display name>": {"<field>": value}}`.
    ///   - inputValue: the run's input, given to the `input_value` of chat (or text) input components.
    ///   - inputType: `chat`, `text` or `any`: which input components receive `inputValue`.
    public func build(_ flow: Flow, tweaks: JSONValue? = nil, inputValue: String? = nil, inputType: String = "chat") throws(FlowValidationError) -> ExecutionPlan {
        var issues: [FlowIssue] = []
        var nodes = flow.nodes

        // Node ids and components.
        var indexByID: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            if indexByID[node.id] != nil {
                issues.append(FlowIssue(.duplicateNodeID, nodeID: node.id, componentType: node.componentType, message: "another node has the same id"))
            } else {
                indexByID[node.id] = index
            }
        }
        let components: [RegisteredComponent?] = nodes.map { registry.component(named: $0.componentType) }
        for (index, node) in nodes.enumerated() where components[index] == nil {
            let suggestions = registry.suggestions(for: node.componentType)
            let hint = suggestions.isEmpty ? "" : "; did you mean \(suggestions.map { "\"\($0)\"" }.joined(separator: ", "))?"
            issues.append(FlowIssue(.unknownComponent, nodeID: node.id, componentType: node.componentType, message: "no loaded bundle provides component type \"\(node.componentType)\"\(hint)"))
        }

        // The run's input, then tweaks, override field values.
        if let inputValue {
            for index in nodes.indices {
                let type = nodes[index].componentType
                let receives = (inputType != "text" && Self.chatInputTypes.contains(type)) || (inputType != "chat" && Self.textInputTypes.contains(type))
                if receives { nodes[index].setField("input_value", to: .string(inputValue)) }
            }
        }
        if let tweaks {
            issues += apply(tweaks, to: &nodes, components: components, indexByID: indexByID)
        }

        // Edges.
        var incoming: [[(edge: Edge, source: Int)]] = Array(repeating: [], count: nodes.count)
        var feedback: [Int: (edge: Edge, source: Int)] = [:]
        for edge in flow.edges {
            guard let source = indexByID[edge.source] else {
                issues.append(FlowIssue(.unknownNode, nodeID: edge.target, componentType: indexByID[edge.target].map { nodes[$0].componentType }, field: edge.targetField, message: "an edge comes from node \"\(edge.source)\", which is not in the flow"))
                continue
            }
            guard let target = indexByID[edge.target] else {
                issues.append(FlowIssue(.unknownNode, nodeID: edge.source, componentType: nodes[source].componentType, message: "an edge goes to node \"\(edge.target)\", which is not in the flow"))
                continue
            }
            guard let sourceComponent = components[source], let targetComponent = components[target] else { continue }
            guard let output = sourceComponent.descriptor.output(named: edge.sourceOutput) else {
                let known = sourceComponent.descriptor.outputs.map(\.name).joined(separator: ", ")
                issues.append(FlowIssue(.unknownOutput, nodeID: edge.source, componentType: sourceComponent.typeName, field: edge.sourceOutput, message: "\(sourceComponent.typeName) has no output \"\(edge.sourceOutput)\" (outputs: \(known)); the edge to \(edge.target) cannot start there"))
                continue
            }
            if let loopOutput = edge.targetOutput {
                guard let port = targetComponent.descriptor.output(named: loopOutput), port.allowsLoop else {
                    issues.append(FlowIssue(.invalidLoopEdge, nodeID: edge.target, componentType: targetComponent.typeName, field: loopOutput, message: "an edge from \(edge.source) feeds back into output \"\(loopOutput)\", which is not a loop output"))
                    continue
                }
                feedback[target] = (edge, source)
                continue
            }
            let fieldName = edge.targetField!
            let acceptedTypes: [String]
            if let port = targetComponent.descriptor.input(named: fieldName) {
                acceptedTypes = port.acceptedTypes
            } else if targetComponent.descriptor.acceptsExtraInputs {
                acceptedTypes = nodes[target].field(fieldName)?.inputTypes.nilIfEmpty ?? ["Message", "Text", "str"]
            } else {
                let known = targetComponent.descriptor.inputs.map(\.name).joined(separator: ", ")
                issues.append(FlowIssue(.unknownField, nodeID: edge.target, componentType: targetComponent.typeName, field: fieldName, message: "\(targetComponent.typeName) has no input \"\(fieldName)\" (inputs: \(known)); the edge from \(edge.source) cannot end there"))
                continue
            }
            guard registry.types.canConnect(outputTypes: output.types, to: acceptedTypes) else {
                let accepted = acceptedTypes.isEmpty ? "no edges (it takes a value only)" : acceptedTypes.joined(separator: ", ")
                issues.append(FlowIssue(.incompatibleTypes, nodeID: edge.target, componentType: targetComponent.typeName, field: fieldName, message: "output \"\(edge.sourceOutput)\" of \(edge.source) produces \(output.types.joined(separator: ", ")), but the input accepts \(accepted)"))
                continue
            }
            incoming[target].append((edge, source))
        }

        // Fields an edge points at, accepted or not: a rejected edge is reported once, not again as a missing input.
        var fieldsWithEdges: [Set<String>] = Array(repeating: [], count: nodes.count)
        for edge in flow.edges {
            if let target = indexByID[edge.target], let field = edge.targetField { fieldsWithEdges[target].insert(field) }
        }

        // Inputs of every vertex.
        var vertexInputs: [[ExecutionPlan.InputSource]] = Array(repeating: [], count: nodes.count)
        var extraNames: [[String]] = Array(repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            guard let component = components[index] else { continue }
            var sources: [ExecutionPlan.InputSource] = []
            for port in component.descriptor.inputs {
                let edges = incoming[index].filter { $0.edge.targetField == port.name }
                if !edges.isEmpty {
                    if edges.count > 1 && !port.isList {
                        issues.append(FlowIssue(.tooManyEdges, nodeID: node.id, componentType: component.typeName, field: port.name, message: "\(edges.count) edges end at this input, which takes one value"))
                    }
                    sources.append(.edges(edges.map { edgeSource($0, components) }, acceptedTypes: port.acceptedTypes, isList: port.isList))
                    continue
                }
                let field = node.field(port.name)
                if let field, field.loadFromVariable, case .string(let name)? = field.value, !name.isEmpty {
                    sources.append(.variable(name))
                    continue
                }
                let value = Self.value(of: field?.value ?? port.defaultValue, port: port)
                if port.isRequired && value == nil && !fieldsWithEdges[index].contains(port.name) {
                    issues.append(FlowIssue(.missingRequiredInput, nodeID: node.id, componentType: component.typeName, field: port.name, message: "required input \"\(port.displayName)\" has neither a value nor an edge"))
                }
                sources.append(.value(value))
            }
            if component.descriptor.acceptsExtraInputs {
                let declared = Set(component.descriptor.inputs.map(\.name))
                var names = node.fields.map(\.name).filter { !declared.contains($0) }
                for edge in incoming[index] where !declared.contains(edge.edge.targetField!) && !names.contains(edge.edge.targetField!) {
                    names.append(edge.edge.targetField!)
                }
                for name in names {
                    let edges = incoming[index].filter { $0.edge.targetField == name }
                    if edges.isEmpty {
                        sources.append(.value(node.field(name)?.value.flatMap { Self.value(of: $0, port: nil) }))
                    } else {
                        let accepted = node.field(name)?.inputTypes.nilIfEmpty ?? ["Message", "Text", "str"]
                        sources.append(.edges(edges.map { edgeSource($0, components) }, acceptedTypes: accepted, isList: false))
                    }
                }
                extraNames[index] = names
            }
            vertexInputs[index] = sources
        }

        // Order: Kahn's algorithm over the edges (loop feedback excluded); what is left is on a cycle.
        var successors: [[Int]] = Array(repeating: [], count: nodes.count)
        var predecessors: [[Int]] = Array(repeating: [], count: nodes.count)
        for (target, edges) in incoming.enumerated() {
            for (_, source) in edges {
                if !successors[source].contains(target) { successors[source].append(target) }
                if !predecessors[target].contains(source) { predecessors[target].append(source) }
            }
        }
        var remaining = predecessors.map(\.count)
        var layerOf = Array(repeating: 0, count: nodes.count)
        var queue = (0..<nodes.count).filter { remaining[$0] == 0 }
        var order: [Int] = []
        while !queue.isEmpty {
            let next = queue.removeFirst()
            order.append(next)
            for successor in successors[next] {
                layerOf[successor] = max(layerOf[successor], layerOf[next] + 1)
                remaining[successor] -= 1
                if remaining[successor] == 0 { queue.append(successor) }
            }
        }
        if order.count < nodes.count {
            // Left over are the nodes on a cycle and those downstream of one; peel off the latter.
            var onCycle = Set((0..<nodes.count).filter { remaining[$0] > 0 })
            while let downstream = onCycle.first(where: { !successors[$0].contains(where: onCycle.contains) }) {
                onCycle.remove(downstream)
            }
            let cyclic = onCycle.sorted()
            let names = cyclic.map { nodes[$0].id }.joined(separator: ", ")
            issues.append(
                FlowIssue(
                    .cycle, nodeID: cyclic.first.map { nodes[$0].id }, componentType: cyclic.first.map { nodes[$0].componentType },
                    message: "these nodes form a cycle that does not pass through a loop component's feedback input: \(names)"))
        }
        if nodes.isEmpty {
            issues.append(FlowIssue(.noVertices, message: "the flow has no component nodes"))
        }
        guard issues.isEmpty else { throw FlowValidationError(issues: issues) }

        // Loops: the body runs once per item, between the loop's item output and the feedback edge.
        var loops: [Int: ExecutionPlan.Loop] = [:]
        var loopOwner: [Int: Int] = [:]
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for (loopIndex, back) in feedback {
            let component = components[loopIndex]!
            let itemOutput = component.descriptor.outputs.firstIndex { $0.name == back.edge.targetOutput }!
            let doneOutput = component.descriptor.outputs.firstIndex { !$0.allowsLoop }
            let itemName = component.descriptor.outputs[itemOutput].name
            var forward = Set<Int>()
            var stack = incoming.indices.filter { target in incoming[target].contains { $0.source == loopIndex && $0.edge.sourceOutput == itemName } }
            while let next = stack.popLast() {
                guard forward.insert(next).inserted else { continue }
                for successor in successors[next] where successor != loopIndex { stack.append(successor) }
            }
            var backward = Set<Int>([back.source])
            stack = [back.source]
            while let next = stack.popLast() {
                for predecessor in predecessors[next] where !backward.contains(predecessor) && predecessor != loopIndex {
                    backward.insert(predecessor)
                    stack.append(predecessor)
                }
            }
            let body = forward.intersection(backward).sorted { position[$0]! < position[$1]! }
            guard body.contains(back.source) else {
                throw FlowValidationError(issues: [FlowIssue(.invalidLoopEdge, nodeID: nodes[loopIndex].id, componentType: component.typeName, field: itemName, message: "the feedback edge from \(back.edge.source) is not reachable from the loop's \"\(itemName)\" output")])
            }
            let outputIndex = components[back.source]!.descriptor.outputs.firstIndex { $0.name == back.edge.sourceOutput }!
            loops[loopIndex] = ExecutionPlan.Loop(itemOutput: itemOutput, doneOutput: doneOutput, body: body, feedback: .init(vertex: back.source, output: outputIndex))
            for member in body { loopOwner[member] = loopIndex }
        }

        // Outputs: chat/text output components, else the leaves.
        var isOutput = nodes.map { Self.outputTypes.contains($0.componentType) }
        if !isOutput.contains(true) {
            isOutput = nodes.indices.map { successors[$0].isEmpty && loopOwner[$0] == nil }
        }

        var vertices: [ExecutionPlan.Vertex] = []
        vertices.reserveCapacity(nodes.count)
        for (index, node) in nodes.enumerated() {
            vertices.append(
                ExecutionPlan.Vertex(
                    index: index, id: node.id, node: node, component: components[index]!, inputs: vertexInputs[index],
                    extraInputNames: extraNames[index], successors: successors[index], predecessors: predecessors[index],
                    layer: layerOf[index], isOutput: isOutput[index], loop: loops[index], loopOwner: loopOwner[index]))
        }
        for vertex in vertices { vertex.nextIDs = vertex.successors.map { vertices[$0].id } }
        let depth = (layerOf.max() ?? -1) + 1
        var layers: [[Int]] = Array(repeating: [], count: depth)
        for index in order { layers[layerOf[index]].append(index) }
        var built = flow
        built.nodes = nodes
        return ExecutionPlan(flow: built, vertices: vertices, types: registry.types, layers: layers)
    }

    private func edgeSource(_ incoming: (edge: Edge, source: Int), _ components: [RegisteredComponent?]) -> ExecutionPlan.EdgeSource {
        let output = components[incoming.source]!.descriptor.outputs.firstIndex { $0.name == incoming.edge.sourceOutput }!
        return ExecutionPlan.EdgeSource(vertex: incoming.source, output: output)
    }

    /// A field's value as a run value; empty strings and null count as "no value".
    static func value(of json: JSONValue?, port: InputPort?) -> Value? {
        guard let json else { return nil }
        switch json {
        case .null: return nil
        case .string(let text) where text.isEmpty: return nil
        case .object, .array:
            return .json(type: port?.fieldType == "dict" ? "dict" : (json.arrayValue != nil ? "list" : "dict"), text: json.serialized())
        case .number(let number) where port?.fieldType == "float": return .double(number)
        default: return Value(json: json)
        }
    }

    /// Applies tweaks to the nodes: `{"<node id or display name>": {"<field>": value}}`.
    private func apply(_ tweaks: JSONValue, to nodes: inout [Node], components: [RegisteredComponent?], indexByID: [String: Int]) -> [FlowIssue] {
        guard let object = tweaks.objectValue else {
            return [FlowIssue(.invalidTweak, message: "tweaks must be a JSON object keyed by node id or display name")]
        }
        var issues: [FlowIssue] = []
        for (key, value) in object {
            let targets: [Int]
            if let index = indexByID[key] {
                targets = [index]
            } else {
                targets = nodes.indices.filter { index in
                    (nodes[index].displayName ?? components[index]?.descriptor.displayName) == key
                }
            }
            guard !targets.isEmpty else {
                issues.append(FlowIssue(.unknownTweakTarget, nodeID: key, message: "a tweak names \"\(key)\", which is neither a node id nor a node's display name"))
                continue
            }
            guard let fields = value.objectValue else {
                issues.append(FlowIssue(.invalidTweak, nodeID: key, message: "the tweak for \"\(key)\" must be an object of field values"))
                continue
            }
            for index in targets {
                guard let component = components[index] else { continue }
                for (field, fieldValue) in fields {
                    let known = component.descriptor.input(named: field) != nil || component.descriptor.acceptsExtraInputs
                    guard known else {
                        issues.append(FlowIssue(.unknownField, nodeID: nodes[index].id, componentType: component.typeName, field: field, message: "a tweak sets \"\(field)\", which \(component.typeName) does not have (inputs: \(component.descriptor.inputs.map(\.name).joined(separator: ", ")))"))
                        continue
                    }
                    nodes[index].setField(field, to: fieldValue)
                }
            }
        }
        return issues
    }
}

extension Node {
    /// Sets a field's value (adding the field when the node's template lacks it).
    mutating func setField(_ name: String, to value: JSONValue) {
        if let index = fields.firstIndex(where: { $0.name == name }) {
            fields[index].value = value
            fields[index].loadFromVariable = false
        } else {
            fields.append(Field(name: name, value: value))
        }
    }
}

extension Array {
    var nilIfEmpty: Self? { isEmpty ? nil : self }
}
