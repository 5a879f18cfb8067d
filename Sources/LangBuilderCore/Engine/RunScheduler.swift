public import Foundation
import Synchronization

/// The state machine of one run: which vertices wait, which are ready, what they produced.
///
/// All mutable state is guarded by `lock`. Workers (Dispatch threads) take ready vertices, call their
/// components with the lock released, then record the outcome and release their dependents. A worker keeps
/// taking ready vertices until there are none, so a chain runs on one thread without hand-offs.
final class RunScheduler: @unchecked Sendable {
    enum Status { case waiting, ready, running, done, inactive }

    let plan: ExecutionPlan
    let options: RunOptions
    let context: RunContext
    private let events: RunEventStream
    private let types: TypeRegistry
    private let lock = NSLock()
    private let started = DispatchTime.now()

    // Guarded by `lock`.
    private var status: [Status]
    private var remaining: [Int]
    private var dependents: [[Int]]
    private var outputs: [[Value?]?]
    private var ready: [Int] = []
    private var readyHead = 0
    private var workers = 0
    private var spawnPending = false
    /// Extra workers start only when ready vertices have waited this long with no vertex finishing: a
    /// burst of cheap vertices drains faster on one thread than handed between threads, while slow branches
    /// (blocked workers) still get their own worker almost at once.
    private static let spawnDelay = DispatchTimeInterval.microseconds(100)
    private var resolvedCount = 0
    private var finished = false
    private var outcome: Result<RunResult, RunError>?
    private var waiters: [@Sendable (Result<RunResult, RunError>) -> Void] = []
    private var results: [VertexResult?]
    private var inactiveIDs: [String] = []
    // Each instance is used only by the worker running its vertex (loop bodies by the loop's worker).
    private var instances: [ComponentInstance?]

    init(plan: ExecutionPlan, options: RunOptions, flowID: String, events: RunEventStream) {
        self.plan = plan
        self.options = options
        self.events = events
        self.types = plan.types
        let count = plan.vertices.count
        status = Array(repeating: .waiting, count: count)
        outputs = Array(repeating: nil, count: count)
        instances = Array(repeating: nil, count: count)
        results = Array(repeating: nil, count: count)
        remaining = plan.waitCounts
        dependents = plan.dependents
        let events = self.events
        context = RunContext(
            runID: options.runID, flowID: flowID, sessionID: options.sessionID, userID: options.userID, logger: options.logger,
            variables: options.variables, services: options.services, runsOnCaller: plan.runsOnCaller,
            onEvent: { event in
                var payload = event.object
                if payload["id"] == nil { payload["id"] = .string(event.vertexID) }
                events.yield(RunEvent(event: event.name, data: .object(payload)))
            })
    }

    // MARK: - Lifecycle

    func start() {
        let roots = plan.vertices.filter { remaining[$0.index] == 0 && $0.loopOwner == nil }.map(\.index)
        events.yield(RunEvent(event: "vertices_sorted", data: ["ids": .array(roots.map { .string(plan.vertices[$0].id) }), "to_run": .array(plan.vertices.map { .string($0.id) })]))
        events.yield(RunEvent(event: "build_start", data: [:]))
        if let deadline = options.deadline {
            DispatchQueue.global().asyncAfter(deadline: .now() + deadline) { [weak self] in self?.fail(.deadlineExceeded(seconds: deadline)) }
        }
        lock.lock()
        for root in roots { activate(root) }
        let spawn = spawnCount()
        let done = checkCompletion()
        lock.unlock()
        if plan.runsOnCaller && spawn > 0 {
            // Every component is non-blocking: the caller is the run's one worker, and the run has ended when
            // start returns.
            work()
        } else {
            spawnWorkers(spawn)
        }
        if let done { finish(done) }
    }

    /// How the run ended, if it has.
    var outcomeIfEnded: Result<RunResult, RunError>? {
        lock.lock()
        defer { lock.unlock() }
        return outcome
    }

    func whenFinished(_ waiter: @escaping @Sendable (Result<RunResult, RunError>) -> Void) {
        lock.lock()
        if let outcome {
            lock.unlock()
            waiter(outcome)
            return
        }
        waiters.append(waiter)
        lock.unlock()
    }

    /// Ends the run with an error (first failure wins) and tells components to stop.
    func fail(_ error: RunError) {
        lock.lock()
        guard !finished else {
            lock.unlock()
            return
        }
        finished = true
        lock.unlock()
        context.cancel()
        events.yield(RunEvent(event: "error", data: ["error": .string(error.description)]))
        finish(.failure(error))
    }

    private func finish(_ result: Result<RunResult, RunError>) {
        lock.lock()
        finished = true
        guard outcome == nil else {
            lock.unlock()
            return
        }
        outcome = result
        let waiting = waiters
        waiters = []
        lock.unlock()
        if case .success(let value) = result {
            events.yield(RunEvent(end: value))
        }
        events.finish()
        for waiter in waiting { waiter(result) }
    }

    // MARK: - Scheduling (call with the lock held)

    private func activate(_ index: Int) {
        let vertex = plan.vertices[index]
        if vertex.loopOwner != nil { return }
        if hasEdgeInputs(vertex) && !hasActiveInput(vertex) {
            status[index] = .inactive
            inactiveIDs.append(vertex.id)
            resolve(index)
        } else {
            status[index] = .ready
            ready.append(index)
        }
    }

    private func resolve(_ index: Int) {
        resolvedCount += 1
        for dependent in dependents[index] {
            remaining[dependent] -= 1
            if remaining[dependent] == 0 && status[dependent] == .waiting { activate(dependent) }
        }
    }

    private func hasEdgeInputs(_ vertex: ExecutionPlan.Vertex) -> Bool { vertex.hasEdgeInputs }

    private func hasActiveInput(_ vertex: ExecutionPlan.Vertex) -> Bool {
        for source in vertex.inputs {
            guard case .edges(let edges, _, _) = source else { continue }
            for edge in edges where outputs[edge.vertex]?[edge.output] != nil { return true }
        }
        return false
    }

    private func checkCompletion() -> Result<RunResult, RunError>? {
        guard !finished, resolvedCount == plan.vertices.count else { return nil }
        finished = true
        let duration = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return .success(
            RunResult(
                runID: context.runID, flowID: context.flowID, sessionID: context.sessionID, inputValue: options.inputValue,
                vertices: results.compactMap { $0 }, inactiveVertices: inactiveIDs, duration: duration))
    }

    /// How many workers to start now: one if none runs; more only through a delayed check, and only when more
    /// vertices are ready than the one the next (or calling) worker takes. A run on the caller's thread never
    /// gets more workers.
    private func spawnCount() -> Int {
        let waiting = ready.count - readyHead
        guard waiting > 0 else { return 0 }
        var spawn = 0
        if workers == 0 {
            workers = 1
            spawn = 1
        }
        if waiting > 1 && workers < options.concurrency && !plan.runsOnCaller { scheduleDelayedSpawn() }
        return spawn
    }

    private func scheduleDelayedSpawn() {
        guard !spawnPending else { return }
        spawnPending = true
        let progressAtSchedule = resolvedCount
        DispatchQueue.global(qos: .userInitiated).asyncAfter(deadline: .now() + Self.spawnDelay) { [weak self] in
            guard let self else { return }
            self.lock.lock()
            self.spawnPending = false
            let waiting = self.ready.count - self.readyHead
            var extra = 0
            if !self.finished && waiting > 0 {
                if self.resolvedCount > progressAtSchedule {
                    // The workers are getting through the queue: more threads would only contend. Look again later.
                    self.scheduleDelayedSpawn()
                } else {
                    // No vertex finished for a while and work is waiting: the workers are blocked in slow
                    // components, so independent ready vertices get their own threads.
                    extra = max(0, min(self.options.concurrency, self.workers + waiting) - self.workers)
                    self.workers += extra
                }
            }
            self.lock.unlock()
            self.spawnWorkers(extra)
        }
    }

    /// Starts `count` workers. Each gets its own serial queue: those run on libdispatch's overcommit pool, which
    /// adds a thread whenever none is idle, whereas the global concurrent queues run no more blocks at once than
    /// there are cores (on Linux), which would cap `concurrency` at the core count while components block.
    private func spawnWorkers(_ count: Int) {
        for _ in 0..<count {
            DispatchQueue(label: "langbuilder.run.worker", qos: .userInitiated).async { self.work() }
        }
    }

    // MARK: - Workers

    private func work() {
        lock.lock()
        while !finished && readyHead < ready.count {
            let index = ready[readyHead]
            readyHead += 1
            if readyHead > 1024 && readyHead * 2 > ready.count {
                ready.removeFirst(readyHead)
                readyHead = 0
            }
            status[index] = .running
            let vertex = plan.vertices[index]
            let inputs: [Value?]
            switch gatherInputs(vertex, outputsOf: { self.outputs[$0] }) {
            case .success(let gathered): inputs = gathered
            case .failure(let error):
                lock.unlock()
                fail(error)
                lock.lock()
                continue
            }
            let instance = instances[index]
            lock.unlock()

            let watchdog = startWatchdog(vertex)
            let begin = DispatchTime.now()
            let outcome: Result<[Value?], RunError>
            var bodyResults: [(Int, [Value?]?, Double)] = []
            if let loop = vertex.loop {
                outcome = runLoop(vertex, loop: loop, inputs: inputs, bodyResults: &bodyResults)
            } else {
                outcome = call(vertex, instance: instance, inputs: inputs)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin.uptimeNanoseconds) / 1e9
            watchdog?.cancel()

            switch outcome {
            case .failure(let error):
                fail(error)
                lock.lock()
            case .success(let made):
                let (produced, parsed) = vertex.emitsMessages ? Self.identified(made) : (made, nil)
                for case let (member, memberOutputs?, memberSeconds) in bodyResults {
                    emitEnd(plan.vertices[member], outputs: memberOutputs, parsed: nil, seconds: memberSeconds)
                }
                emitEnd(vertex, outputs: produced, parsed: parsed, seconds: seconds)
                lock.lock()
                guard !finished else { continue }
                outputs[index] = produced
                status[index] = .done
                results[index] = result(vertex, produced, seconds, parsed: parsed)
                // Body vertices resolve with their last iteration's outputs before the loop releases its dependents.
                for (member, memberOutputs, memberSeconds) in bodyResults {
                    outputs[member] = memberOutputs
                    status[member] = memberOutputs == nil ? .inactive : .done
                    if let memberOutputs {
                        results[member] = result(plan.vertices[member], memberOutputs, memberSeconds)
                    } else {
                        // Did not run in the last iteration (an empty list, or a branch not taken).
                        inactiveIDs.append(plan.vertices[member].id)
                    }
                    resolve(member)
                }
                resolve(index)
                let spawn = spawnCount()
                if let done = checkCompletion() {
                    workers -= 1
                    lock.unlock()
                    finish(done)
                    return
                }
                if spawn > 0 {
                    lock.unlock()
                    spawnWorkers(spawn)
                    lock.lock()
                }
            }
        }
        workers -= 1
        lock.unlock()
    }

    private func result(_ vertex: ExecutionPlan.Vertex, _ produced: [Value?], _ seconds: Double, parsed: [JSONValue?]? = nil) -> VertexResult {
        let names = vertex.outputNames
        let aligned = produced.count == names.count
        let values = aligned ? produced : (0..<names.count).map { $0 < produced.count ? produced[$0] : nil }
        return VertexResult(
            id: vertex.id, componentType: vertex.componentType, displayName: vertex.displayName, outputOrder: names,
            outputValues: values, duration: seconds, isOutput: vertex.isOutput, parsedOutputs: aligned ? parsed : nil)
    }

    private func startWatchdog(_ vertex: ExecutionPlan.Vertex) -> DispatchWorkItem? {
        guard let timeout = options.vertexTimeout else { return nil }
        let item = DispatchWorkItem { [weak self] in
            self?.fail(.vertexTimedOut(vertexID: vertex.id, componentType: vertex.componentType, seconds: timeout))
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: item)
        return item
    }

    /// The input values of a vertex: field values, variables, and edge values converted to what it accepts.
    private func gatherInputs(_ vertex: ExecutionPlan.Vertex, outputsOf: (Int) -> [Value?]?) -> Result<[Value?], RunError> {
        var values: [Value?] = []
        values.reserveCapacity(vertex.inputs.count)
        for source in vertex.inputs {
            switch source {
            case .value(let value):
                values.append(value)
            case .variable(let name):
                guard let value = context.variable(named: name) else {
                    return .failure(.missingVariable(vertexID: vertex.id, componentType: vertex.componentType, variable: name))
                }
                values.append(.string(value))
            case .edges(let edges, let accepted, let isList):
                var brought: [Value] = []
                for edge in edges {
                    if let value = outputsOf(edge.vertex)?[edge.output] { brought.append(types.convert(value, toAccepted: accepted)) }
                }
                if brought.isEmpty {
                    values.append(nil)
                } else if isList && edges.count > 1 && brought.allSatisfy({ if case .object = $0 { true } else { false } }) {
                    // Objects cannot go into a JSON list: several handles arrive as one host-made `list` object.
                    values.append(.object(ObjectList.handle(brought.compactMap { if case .object(let handle) = $0 { handle } else { nil } })))
                } else if isList && (edges.count > 1 || brought.count > 1) {
                    values.append(.json(type: "list", text: JSONValue.array(brought.map(\.jsonValue)).serialized()))
                } else {
                    values.append(brought[0])
                }
            }
        }
        return .success(values)
    }

    /// Calls the vertex's component on this thread, creating its instance on first use.
    private func call(_ vertex: ExecutionPlan.Vertex, instance existing: ComponentInstance?, inputs: [Value?]) -> Result<[Value?], RunError> {
        let call = CallContext(run: context, vertexID: vertex.id, componentType: vertex.componentType)
        do {
            let instance: ComponentInstance
            if let existing {
                instance = existing
            } else {
                let config = vertex.inputs.enumerated().map { position, source -> Value? in
                    switch source {
                    case .value(let value): value
                    case .variable: inputs[position]
                    case .edges: nil
                    }
                }
                instance = try vertex.component.instantiate(config: config, inputNames: vertex.inputNames, context: call)
                lock.lock()
                instances[vertex.index] = instance
                lock.unlock()
            }
            return .success(try instance.run(inputs: inputs, context: call))
        } catch {
            if context.isCancelled { return .failure(.cancelled) }
            return .failure(.vertexFailed(vertexID: vertex.id, componentType: vertex.componentType, message: error.message))
        }
    }

    // MARK: - Loops

    /// Runs a loop vertex: its component once (it hands over the list on its item output), then the body once
    /// per item; the feedback values are gathered into the done output.
    private func runLoop(_ vertex: ExecutionPlan.Vertex, loop: ExecutionPlan.Loop, inputs: [Value?], bodyResults: inout [(Int, [Value?]?, Double)]) -> Result<[Value?], RunError> {
        lock.lock()
        let instance = instances[vertex.index]
        lock.unlock()
        var produced: [Value?]
        switch call(vertex, instance: instance, inputs: inputs) {
        case .failure(let error): return .failure(error)
        case .success(let values): produced = values
        }
        let items = Self.items(of: loop.itemOutput < produced.count ? produced[loop.itemOutput] : nil)
        guard items.count <= options.maxLoopIterations else {
            return .failure(.loopLimitExceeded(vertexID: vertex.id, componentType: vertex.componentType, items: items.count, limit: options.maxLoopIterations))
        }
        var iterationOutputs: [Int: [Value?]] = [:]
        var durations: [Int: Double] = [:]
        var gathered: [JSONValue] = []
        lock.lock()
        let outside = outputs
        lock.unlock()
        for item in items {
            iterationOutputs = [:]
            for member in loop.body {
                if context.isCancelled { return .failure(.cancelled) }
                let body = plan.vertices[member]
                var loopOutputs = produced
                loopOutputs[loop.itemOutput] = item
                let lookup: (Int) -> [Value?]? = { source in
                    if source == vertex.index { return loopOutputs }
                    if let current = iterationOutputs[source] { return current }
                    return self.plan.vertices[source].loopOwner == vertex.index ? nil : outside[source]
                }
                if hasEdgeInputs(body) && !body.inputs.contains(where: { source in
                    guard case .edges(let edges, _, _) = source else { return false }
                    return edges.contains { lookup($0.vertex)?[$0.output] != nil }
                }) {
                    continue
                }
                let memberInputs: [Value?]
                switch gatherInputs(body, outputsOf: lookup) {
                case .success(let values): memberInputs = values
                case .failure(let error): return .failure(error)
                }
                lock.lock()
                let memberInstance = instances[member]
                lock.unlock()
                let begin = DispatchTime.now()
                switch call(body, instance: memberInstance, inputs: memberInputs) {
                case .failure(let error): return .failure(error)
                case .success(let values): iterationOutputs[member] = values
                }
                durations[member, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - begin.uptimeNanoseconds) / 1e9
            }
            if let value = iterationOutputs[loop.feedback.vertex]?[loop.feedback.output] {
                gathered.append(value.jsonValue)
            }
        }
        for member in loop.body {
            bodyResults.append((member, iterationOutputs[member], durations[member] ?? 0))
        }
        produced[loop.itemOutput] = nil
        if let done = loop.doneOutput, done < produced.count {
            produced[done] = .json(type: "DataFrame", text: JSONValue.array(gathered).serialized())
        }
        return .success(produced)
    }

    /// The items of a loop's list: the elements of a JSON array (objects as Data), or the value itself.
    static func items(of value: Value?) -> [Value] {
        guard let value else { return [] }
        guard case .json(_, let text) = value, case .array(let elements)? = try? JSONValue(parsing: text) else { return [value] }
        return elements.map { element in
            switch element {
            case .object: .json(type: "Data", text: element.serialized())
            case .array: .json(type: "list", text: element.serialized())
            default: Value(json: element)
            }
        }
    }

    // MARK: - Events

    /// A chat component's Messages get their id when made (Langflow's messages carry one), so the `add_message`
    /// event, the run's result and the stored message share it.
    /// Also returns each Message as parsed (nil for other values), so that the events and records of the run
    /// read it without parsing it again.
    static func identified(_ values: [Value?]) -> (values: [Value?], parsed: [JSONValue?]) {
        var identified = values
        var parsed: [JSONValue?] = Array(repeating: nil, count: values.count)
        for (position, value) in values.enumerated() {
            guard case .json("Message", let text)? = value, var object = (try? JSONValue(parsing: text))?.objectValue else { continue }
            if object["id"] == nil {
                let id = UUID.timeOrdered().lowercasedString
                // Spliced in after the object's opening brace rather than writing the whole message again.
                let member = "\"id\":\"\(id)\""
                let brace = text.utf8.firstIndex(of: UInt8(ascii: "{"))!
                let rest = text[text.utf8.index(after: brace)...]
                identified[position] = .json(type: "Message", text: "{" + member + (object.count == 0 ? "}" : "," + rest))
                object["id"] = .string(id)
            }
            parsed[position] = .object(object)
        }
        return (identified, parsed)
    }

    private func emitEnd(_ vertex: ExecutionPlan.Vertex, outputs produced: [Value?], parsed: [JSONValue?]?, seconds: Double) {
        if vertex.emitsMessages {
            for (position, value) in produced.enumerated() {
                guard case .json("Message", _)? = value else { continue }
                if let message = parsed?[position] ?? value?.jsonValue { events.yield(RunEvent(event: "add_message", data: message)) }
            }
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let info = EndVertexInfo(vertex: vertex, outputs: produced, parsed: parsed, seconds: seconds, time: now)
        events.yield(RunEvent(endVertex: info))
    }
}

/// What an `end_vertex` event reports, rendered into Langflow's shape only when read. The run's records read
/// it typed (``RunEvent/finishedVertex``), without rendering the whole event.
public final class EndVertexInfo: Sendable {
    let vertex: ExecutionPlan.Vertex
    let outputs: [Value?]
    let seconds: Double
    let time: timespec
    /// The outputs as JSON, parsed once when first needed (the scheduler hands over the Messages it parsed).
    private let parsed: Mutex<[JSONValue?]?>

    init(vertex: ExecutionPlan.Vertex, outputs: [Value?], parsed: [JSONValue?]? = nil, seconds: Double, time: timespec) {
        self.vertex = vertex
        self.outputs = outputs
        self.seconds = seconds
        self.time = time
        self.parsed = Mutex(parsed)
    }

    /// The vertex's id.
    public var vertexID: String { vertex.id }

    /// When the vertex ended.
    public var finishedAt: Date { Date(timeIntervalSince1970: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9) }

    /// Each output as JSON (nil: not produced), parsed once.
    private var outputsJSON: [JSONValue?] {
        parsed.withLock { parsed in
            if let parsed, parsed.count == outputs.count {
                return zip(parsed, outputs).map { json, value in json ?? value?.jsonValue }
            }
            let made = outputs.map { $0?.jsonValue }
            parsed = made
            return made
        }
    }

    /// Langflow's `results` of the vertex (each produced output's value by output name) and its `outputs`
    /// (`{"message": value, "type": type}` by output name).
    public func shaped() -> (results: JSONObject, outputs: JSONObject) {
        let names = vertex.outputNames
        let json = outputsJSON
        var results = JSONObject()
        var outputsObject = JSONObject()
        for (position, name) in names.enumerated() where position < outputs.count {
            guard let value = outputs[position], let parsed = json[position] else { continue }
            results[name] = parsed
            outputsObject[name] = ["message": value.isText ? .string(value.text(parsed: parsed)) : parsed, "type": .string(value.jsonTypeName)]
        }
        return (results, outputsObject)
    }

    func render() -> JSONValue {
        let id = vertex.id
        let (results, outputsJSON) = shaped()
        let next = JSONValue.array(vertex.nextIDs.map(JSONValue.string))
        return [
            "build_data": [
                "id": .string(id), "inactivated_vertices": .array([]), "next_vertices_ids": next,
                "top_level_vertices": next, "valid": true, "params": "",
                "data": [
                    "results": .object(results), "outputs": .object(outputsJSON), "logs": .object(JSONObject()),
                    "timedelta": .number(seconds), "duration": .string(VertexResult.format(seconds)), "used_frozen_result": false,
                ],
                "timestamp": .string(RunScheduler.timestamp(time)),
            ],
            "output_meta": [
                "component_id": .string(id), "display_name": .string(vertex.displayName), "vertex_type": .string(vertex.componentType),
                "is_output": .bool(vertex.isOutput), "output_types": .array(vertex.outputTypes.map(JSONValue.string)),
            ],
        ]
    }
}

extension RunScheduler {
    /// A UTC time as ISO 8601 with microseconds, as Langflow stamps events (formatter-free: cheap).
    static func timestamp(_ now: timespec) -> String {
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1000), 6))Z"
    }
}

extension Error {
    /// The message of a component error, else the error's description.
    var message: String { (self as? ComponentError)?.message ?? String(describing: self) }
}
