import LangBuilderCore

extension Flow {
    /// The part of the flow a build up to `stop` runs: `stop` and everything it depends on (Langflow's
    /// `stop_component_id`).
    func subflow(stoppingAt stop: String) -> Flow {
        keeping(ancestors(of: [stop]).union([stop]))
    }

    /// The part of the flow a build from `start` runs: `start`, everything downstream of it, and what those
    /// depend on (Langflow's `start_component_id`). Upstream vertices run again: there are no cached results
    /// of an earlier build to start from.
    func subflow(startingAt start: String) -> Flow {
        var downstream: Set<String> = [start]
        var stack = [start]
        while let next = stack.popLast() {
            for edge in edges where edge.source == next && edge.targetOutput == nil && downstream.insert(edge.target).inserted {
                stack.append(edge.target)
            }
        }
        return keeping(downstream.union(ancestors(of: downstream)))
    }

    /// The ids of the nodes the given nodes depend on, through edges (loop feedback edges excluded).
    private func ancestors(of ids: Set<String>) -> Set<String> {
        var found: Set<String> = []
        var stack = Array(ids)
        while let next = stack.popLast() {
            for edge in edges where edge.target == next && edge.targetOutput == nil && !ids.contains(edge.source) && found.insert(edge.source).inserted {
                stack.append(edge.source)
            }
        }
        return found
    }

    private func keeping(_ ids: Set<String>) -> Flow {
        var flow = self
        flow.nodes = nodes.filter { ids.contains($0.id) }
        flow.edges = edges.filter { ids.contains($0.source) && ids.contains($0.target) }
        return flow
    }
}
