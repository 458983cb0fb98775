import BinlogDecoding
import Foundation
import Logging
import MariaDBClient

/// The daemon's core. Every target has its own pipeline — a reader of the source's binlog from that target's
/// checkpoint, and an applier on its own thread behind a bounded queue — so a slow, failing or unreachable
/// target never holds up the others. Positions live only in the targets: a pipeline that restarts (after a lost
/// connection, or a restart of the daemon) reads from its target's checkpoint and skips what it already has.
public final class Replicator: Sendable {
    public struct Connections: Sendable {
        public var source: ConnectionOptions
        public var targets: [String: ConnectionOptions]

        public init(source: ConnectionOptions, targets: [String: ConnectionOptions]) {
            self.source = source
            self.targets = targets
        }
    }

    public let configuration: Configuration
    public let connections: Connections
    public let status: ReplicatorStatus
    public let metrics: ReplicatorMetrics
    public let logger = Logger(label: "tablemirror")
    /// Waits between reconnection attempts: doubling from the first, capped at the last.
    let backoff: (first: Double, maximum: Double)

    public init(configuration: Configuration, connections: Connections, status: ReplicatorStatus = ReplicatorStatus(),
                metrics: ReplicatorMetrics = ReplicatorMetrics(), backoffSeconds: (first: Double, maximum: Double) = (1, 30)) {
        self.configuration = configuration
        self.connections = connections
        self.status = status
        self.metrics = metrics
        backoff = backoffSeconds
    }

    /// Replicates until `stop` is signalled. Retryable failures (lost connections, deadlocks) are retried with
    /// backoff; a permanent failure stops that target only. Open target transactions are rolled back on the
    /// way out, so nothing is left half-applied. Throws only when nothing can start (bad plan).
    public func run(until stop: StopSignal) throws {
        let plan = try ReplicationPlan.resolve(configuration, source: try MariaDBConnection(connections.source))
        for mapping in plan.unmatchedMappings {
            logger.warning("mapping \(mapping.source) matches no table on the source: nothing is replicated for it until such a table is created, and then from its CREATE TABLE on")
        }
        for table in plan.tablesWithoutKey {
            logger.warning("\(table) has no primary key: its replicas match rows on every column, one row at a time (slower), and cannot be guarded against TRUNCATE")
        }
        var threads: [Thread] = []
        let finished = DispatchGroup()
        let monitor = AlertMonitor(alerts: configuration.alerts, audit: configuration.audit, connections: connections, status: status,
                                   logger: logger)
        let monitorStop = StopSignal()
        let monitorThread = Thread { monitor.run(until: monitorStop) }
        monitorThread.name = "tablemirror-alerts"
        monitorThread.start()
        defer { monitorStop.stop() }
        for targetPlan in plan.targets {
            guard let options = connections.targets[targetPlan.target.name] else {
                throw EngineError.invalidArgument("no connection for target \(targetPlan.target.name)")
            }
            finished.enter()
            let thread = Thread { [self] in
                self.supervise(targetPlan, options: options, stop: stop)
                finished.leave()
            }
            thread.name = "tablemirror-read-\(targetPlan.target.name)"
            threads.append(thread)
            thread.start()
        }
        finished.wait()
        // Targets that stopped on an error wait for the operator: the daemon stays up (alerts repeat, status
        // answers) until told to stop.
        stop.wait()
    }

    /// Runs one target's pipeline again and again until stopped or permanently failed. What to do after a
    /// failure is `RetryPolicy`'s decision; this only carries it out.
    private func supervise(_ plan: ReplicationPlan.TargetPlan, options: ConnectionOptions, stop: StopSignal) {
        let name = plan.target.name
        let current = CurrentStream()
        stop.onStop { current.interrupt() }
        var policy = RetryPolicy(firstWait: backoff.first, maximumWait: backoff.maximum)
        var carefulUntil: BinlogPosition?
        while !stop.isStopped {
            do {
                try runPipeline(plan, options: options, stop: stop, current: current, carefulUntil: carefulUntil)
                if stop.isStopped { break }
            } catch where stop.isStopped {
                break
            } catch {
                let underlying = (error as? ApplyFailure)?.underlying ?? (error as? SourceFailure)?.underlying ?? error
                let failureClass = FailureClass.of(underlying, fromSource: error is SourceFailure)
                let applied = error as? ApplyFailure
                let decision = policy.decide(failureClass, checkpoint: status.snapshot()[name]?.checkpoint?.position,
                                             failedAt: applied?.position, wasCareful: applied?.wasCareful ?? false,
                                             carefulUntil: carefulUntil, now: ProcessInfo.processInfo.systemUptime)
                switch decision {
                case let .applyCarefully(until):
                    // A refused change somewhere in a group: run that stretch again carefully, change by change,
                    // to dead-letter it or to stop right at its transaction.
                    logger.warning("target \(name): \(underlying); applying up to \(until) change by change")
                    carefulUntil = until
                case let .retry(wait, attempt):
                    metrics.count("tablemirror_errors_total", [("target", name), ("kind", failureClass.failure.rawValue)])
                    metrics.count("tablemirror_retries_total", [("target", name)])
                    logger.warning("target \(name): \(underlying); retrying in \(wait) s (attempt \(attempt))")
                    status.update(name) {
                        $0.state = .retrying(attempt: attempt, error: "\(underlying)")
                        $0.failure = failureClass.failure
                        $0.lastError = "\(underlying)"
                    }
                    stop.wait(seconds: wait)
                case let .stop(alert):
                    metrics.count("tablemirror_errors_total", [("target", name), ("kind", alert.rawValue)])
                    let reason = "\(underlying)" + (alert.remedy(target: name).map { "; \($0)" } ?? "")
                    logger.error("target \(name) stopped (\(alert.rawValue)): \(reason)")
                    status.update(name) {
                        $0.state = .stopped(error: reason)
                        $0.failure = alert
                        $0.lastError = reason
                    }
                    // Stopped until an operator acts: a resync or reseed asked for after the stop starts it again.
                    guard waitForCopyRequest(target: name, options: options, stop: stop) else { break }
                    logger.info("target \(name): a copy was requested; starting again")
                    carefulUntil = nil
                    policy = RetryPolicy(firstWait: backoff.first, maximumWait: backoff.maximum)
                }
            }
        }
        status.update(name) { $0.state = .finished }
    }

    /// Waits (polling the target) for a copy requested after now; false when told to stop first.
    private func waitForCopyRequest(target name: String, options: ConnectionOptions, stop: StopSignal) -> Bool {
        var since: Double?
        while !stop.isStopped {
            if let connection = try? MariaDBConnection(options) {
                if since == nil { since = (try? connection.query("SELECT UNIX_TIMESTAMP(NOW(6))").string(0, 0)).flatMap { $0.flatMap(Double.init) } }
                let requests = (try? CopyProgressStore.unfinished(target: name, on: connection)) ?? []
                if let since, requests.contains(where: { $0.state == .requested && (Double($0.generation) ?? 0) > since }) { return true }
            }
            stop.wait(seconds: 2)
        }
        return false
    }

    private func runPipeline(_ plan: ReplicationPlan.TargetPlan, options: ConnectionOptions, stop: StopSignal,
                             current: CurrentStream, carefulUntil: BinlogPosition?) throws {
        let name = plan.target.name
        status.update(name) { $0.state = .starting }
        let applier = try TargetApplier(plan: plan, options: options, status: status, logger: logger, metrics: metrics)
        applier.carefulUntil = carefulUntil
        status.update(name) { $0.targetEncryption = ReplicatorStatus.ConnectionEncryption(cipher: applier.tlsCipher) }
        try applier.prepare(onCopy: { status.update(name) { $0.state = .copying } }) {
            try MariaDBConnection(connections.source)
        }
        guard let start = applier.checkpoint?.position, !stop.isStopped else { return }
        let schema: MariaDBConnection, source: RemoteEventSource
        do {
            schema = try MariaDBConnection(connections.source)
            source = try RemoteEventSource(connections.source, request: BinlogStreamRequest(
                start: .position(file: start.file, offset: start.offset), serverID: streamServerID(for: name),
                heartbeatSeconds: 1))
        } catch {
            throw SourceFailure(underlying: error)
        }
        current.set(source.stream.interrupter)
        defer { current.set(nil) }
        if stop.isStopped { return }
        status.update(name) {
            $0.state = .streaming
            $0.failure = nil
            $0.sourceEncryption = ReplicatorStatus.ConnectionEncryption(cipher: source.stream.connection.tlsCipher)
        }

        // The reader decodes with the structures the replicated tables had at the checkpoint (the schema history),
        // not with the source's structures of today.
        let routeFor = { (table: QualifiedTableName) in ReplicationPlan.route(for: table, target: plan.target, in: self.configuration) }
        let structures = try applier.structuresAtCheckpoint(routeFor: routeFor)
        let session = DecodeSession()
        for (table, structure) in structures { try session.setSchemaHint(structure, for: table) }
        var routedPlan = plan
        routedPlan.routes = applier.routesToRead
        let copier = try OnlineCopyDriver(plan: routedPlan, source: connections.source, target: options, status: status, logger: logger)
        let lane = ApplierLane(applier: applier)
        let planner = SchemaChangePlanner(routeFor: routeFor) { database in
            let result = try schema.query("""
                SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA
                WHERE SCHEMA_NAME = \(SQLLiteral.quotedString(database))
                """)
            guard let charset = result.string(0, 0), let collation = result.string(0, 1) else { return nil }
            return "CHARACTER SET \(charset) COLLATE \(collation)"
        }
        let router = ChangeRouter(target: name, lane: lane, copier: copier, routes: routedPlan.routes, planner: planner,
                                  position: start, logger: logger) { table, structure in try session.setSchemaHint(structure, for: table) }
        var readError: (any Error)?
        var reported = (events: 0, at: Date.distantPast)
        // The reader's progress goes to the status and metrics at most twice a second (and at each heartbeat).
        func report(_ position: BinlogPosition, readingSince: UInt32?, force: Bool = false) {
            let now = Date()
            guard force || now.timeIntervalSince(reported.at) >= 0.5 else { return }
            metrics.count("tablemirror_reader_events_total", [("target", name)], by: session.eventCount - reported.events)
            reported = (session.eventCount, now)
            status.update(name) {
                $0.readPosition = position
                $0.readingSince = readingSince
                $0.queueDepth = lane.queueDepth
            }
        }
        do {
            try session.run(source, idle: {
                if stop.isStopped { throw StopRequested() }
                try router.idle()
                report(router.readPosition, readingSince: nil, force: true)
            }) { change in
                if stop.isStopped { throw StopRequested() }
                try router.route(change)
                if case let .commit(commit) = change { report(router.readPosition, readingSince: commit.timestamp) }
            }
        } catch is StopRequested {
        } catch {
            readError = error
        }
        lane.finish()
        // The applier's own failure explains a failed send better than the send does.
        if let applyError = lane.waitUntilDone() {
            throw ApplyFailure(underlying: applyError, position: applier.lastSeen, wasCareful: applier.isCareful)
        }
        if let readError, !stop.isStopped { throw SourceFailure(underlying: readError) }
    }

    /// Each pipeline is its own replica connection to the source and needs its own server id.
    private func streamServerID(for target: String) -> UInt32 {
        let index = configuration.targets.firstIndex { $0.name == target } ?? 0
        return configuration.source.serverID &+ UInt32(index)
    }
}

/// The stream a pipeline is reading now, so a stop can interrupt a blocked read — and only a live stream's
/// socket (cleared before the stream closes, so a reused descriptor is never shut down).
private final class CurrentStream: @unchecked Sendable {
    private let lock = NSLock()
    private var interrupter: StreamInterrupter?

    func set(_ interrupter: StreamInterrupter?) {
        lock.lock()
        self.interrupter = interrupter
        lock.unlock()
    }

    func interrupt() {
        lock.lock()
        defer { lock.unlock() }
        interrupter?.interrupt()
    }
}

private struct StopRequested: Error {}

/// The applier thread ended with an error; the pipeline reports that error (see `waitUntilDone`).
private struct ApplierStopped: Error {}

/// Reading the source failed: it is unreachable, its binlog is gone, or an event is corrupt.
private struct SourceFailure: Error, CustomStringConvertible {
    var underlying: any Error
    var description: String { "\(underlying)" }
}

/// The applier failed; where it had got, and whether it was applying carefully then.
private struct ApplyFailure: Error, CustomStringConvertible {
    var underlying: any Error
    var position: BinlogPosition?
    var wasCareful: Bool
    var description: String { "\(underlying)" }
}

/// Sends the target the parts of each source transaction that concern it, and the online copies' chunks at
/// their places between transactions.
private final class ChangeRouter {
    let target: String
    let lane: ApplierLane
    let copier: OnlineCopyDriver
    /// Source tables this target replicates, as of the reader's position.
    private var routes: [QualifiedTableName: ReplicationPlan.Route]
    private let planner: SchemaChangePlanner
    private let logger: Logger
    /// Tells the decoder a table's structure from here on (nil: forget it).
    private let setStructure: (QualifiedTableName, TableSchemaHint?) throws -> Void
    private var pending: [RowChangeMessage] = []
    private var pendingSize = QueueBudget(items: MemoryBudget.batchRows, bytes: MemoryBudget.batchBytes)
    private var begun = false
    private var start: TransactionStart?
    /// Where the reader stands: after the last complete transaction (or statement) it read.
    private var position: BinlogPosition
    var readPosition: BinlogPosition { position }

    init(target: String, lane: ApplierLane, copier: OnlineCopyDriver, routes: [QualifiedTableName: ReplicationPlan.Route],
         planner: SchemaChangePlanner, position: BinlogPosition, logger: Logger,
         setStructure: @escaping (QualifiedTableName, TableSchemaHint?) throws -> Void) {
        self.target = target
        self.logger = logger
        self.lane = lane
        self.copier = copier
        self.routes = routes
        self.planner = planner
        self.position = position
        self.setStructure = setStructure
    }

    func route(_ change: Change) throws {
        switch change {
        case let .begin(transaction):
            try copier.deliver(before: transaction.position, to: send)
            start = transaction
        case let .row(row):
            let table = QualifiedTableName(database: row.database, table: row.table)
            guard routes[table] != nil, !copier.suspended.contains(table) else { return }
            if !begun, let start {
                try lane.send(.begin(start))
                begun = true
            }
            pending.append(row)
            pendingSize.add(row.footprint)
            if pendingSize.isFull { try flush() }
        case let .commit(commit):
            if begun {
                try flush()
                try lane.send(.commit(commit))
                begun = false
                unsentPassed = nil
            } else {
                unsentPassed = commit
                try sendPassedIfDue()
            }
            start = nil
            position = commit.endPosition
            try copier.deliver(atBoundary: position, to: send)
        case let .ddl(ddl):
            try routeSchemaChange(ddl)
        }
    }

    /// A statement that changes replicated tables is applied at its place: the reader waits until the target has
    /// run it, then decodes what follows with the tables' new structures.
    private func routeSchemaChange(_ ddl: DDLMessage) throws {
        let position = BinlogPosition(file: ddl.file, offset: ddl.startOffset)
        let text = SecretRedaction.redact(ddl.statement)
        let plan: SchemaChangePlan?
        do {
            plan = try planner.plan(SchemaStatement.parse(ddl.statement, database: ddl.database, session: ddl.session), routes: routes,
                                    suspended: copier.suspended)
        } catch let error as SchemaStatement.ParseError {
            // Only a statement that may be about a table this target replicates (or could) stops it.
            guard mayConcernThisTarget(ddl, table: error.table) else {
                logger.warning("target \(target): statement at \(position) ignored, it cannot be understood and names no mapped table: \(error)")
                return
            }
            throw EngineError.schemaChange(target: target, position: position, sourceStatement: text, statement: text,
                                           reason: "cannot be understood: \(error)")
        } catch let error as SchemaChangePlanner.Refused {
            throw EngineError.schemaChange(target: target, position: position, sourceStatement: text, statement: text, reason: "\(error)")
        }
        guard let plan else { return }
        if begun {
            throw EngineError.schemaChange(target: target, position: position, sourceStatement: text, statement: text,
                                           reason: "it comes inside a transaction after row changes, where a target cannot run it")
        }
        let work = SchemaChangeWork(plan: plan, statement: text, position: position,
                                    end: BinlogPosition(file: ddl.file, offset: ddl.endOffset), gtid: ddl.gtid, timestamp: ddl.timestamp,
                                    session: ddl.session, inTransaction: start != nil, reply: SchemaChangeReply())
        try lane.send(.schemaChange(work))
        let outcome = try work.reply.wait { lane.hasFailed }
        routes = outcome.routes
        for (table, structure) in outcome.structures { try setStructure(table, structure) }
        try copier.update(routes: routes, removed: plan.removed, recreated: plan.recreated)
    }

    /// Whether a statement that could not be parsed may concern this target: the table it was found to name is
    /// mapped, or — when it got no table — one of its words is the name of a mapped table.
    private func mayConcernThisTarget(_ ddl: DDLMessage, table: QualifiedTableName?) -> Bool {
        let candidates = table.map { [$0] } ?? ddl.statement.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "$") }
            .map { QualifiedTableName(database: ddl.database, table: String($0)) }
        let routedNames = Set(routes.keys.map(\.table))
        return candidates.contains { routes[$0] != nil || planner.routeFor($0) != nil || (table == nil && routedNames.contains($0.table)) }
    }

    /// The source had nothing new: a quiet moment for the copies and the checkpoint.
    func idle() throws {
        // An applier that failed while the source is quiet would otherwise go unnoticed until the next change.
        if lane.hasFailed { throw ApplierStopped() }
        guard start == nil else { return }
        try copier.deliver(atBoundary: position, to: send)
        if let commit = unsentPassed {
            try lane.send(.passed(commit))
            unsentPassed = nil
            lastPassedSent = Date()
        }
    }

    /// The last transaction that did not concern the target, not yet told to the applier.
    private var unsentPassed: TransactionCommit?
    private var lastPassedSent = Date.distantPast
    /// Transactions of other tables move the checkpoint at most this often (each move is a target write).
    static let passedInterval: TimeInterval = 0.5

    private func sendPassedIfDue() throws {
        guard let commit = unsentPassed, Date().timeIntervalSince(lastPassedSent) >= Self.passedInterval else { return }
        try lane.send(.passed(commit))
        unsentPassed = nil
        lastPassedSent = Date()
    }

    private func send(_ chunk: TableChunk) throws {
        // A rebuilt replica's events after the chunk are decoded with the structure the chunk was read with.
        if let recreated = chunk.recreated { try setStructure(chunk.source, recreated.structure) }
        try lane.send(.copyChunk(chunk))
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        // Sized as the rows came in: the queue need not go over them again.
        try lane.send(.rows(pending), size: pendingSize.heldBytes + fixedFootprint)
        pending.removeAll(keepingCapacity: true)
        pendingSize.removeAll()
    }
}

/// One target's applier on its own thread, fed through a queue bounded in items and bytes.
private final class ApplierLane: @unchecked Sendable {
    /// Source transactions grouped into one target transaction at most.
    static let groupLimit = 500

    private let applier: TargetApplier
    private let queue = BoundedQueue<ApplyItem>(capacity: MemoryBudget.queueItems, bytes: MemoryBudget.queueBytes)
    private let done = NSCondition()
    private var finished = false
    private var failure: (any Error)?

    init(applier: TargetApplier) {
        self.applier = applier
        let thread = Thread { [self] in self.loop() }
        thread.name = "tablemirror-apply-\(applier.name)"
        thread.start()
    }

    func send(_ item: ApplyItem, size: Int? = nil) throws {
        if !queue.put(item, size: size) {
            throw EngineError.invalidArgument("target \(applier.name) stopped: \(failureDescription())")
        }
    }

    func finish() { queue.finish() }

    var queueDepth: Int { queue.count }

    var hasFailed: Bool {
        done.lock()
        defer { done.unlock() }
        return finished && failure != nil
    }

    func waitUntilDone() -> (any Error)? {
        done.lock()
        defer { done.unlock() }
        while !finished { done.wait() }
        return failure
    }

    private func failureDescription() -> String {
        done.lock()
        defer { done.unlock() }
        return failure.map { "\($0)" } ?? "finished"
    }

    private func loop() {
        var error: (any Error)?
        do {
            while let item = try queue.take() {
                try applier.handle(item)
                // Group commit: complete source transactions share one target transaction while more are
                // already waiting, up to a limit; a lone transaction commits at once, so latency stays low.
                if applier.isAtGroupBoundary && (queue.isEmpty || applier.isCareful || applier.groupedTransactions >= Self.groupLimit) {
                    try applier.commitGroup()
                }
            }
            // The stream ended (a stop): what is complete is committed, a partial transaction is rolled back.
            if applier.isAtGroupBoundary { try applier.commitGroup() }
        } catch let caught {
            error = caught
            queue.finish()
        }
        applier.abandon()
        done.lock()
        finished = true
        failure = error
        done.broadcast()
        done.unlock()
    }
}
