import BinlogDecoding
import Foundation
import Logging
import MariaDBClient

/// Sends the target the parts of each source transaction that concern it, and the online copies' chunks at
/// their places between transactions.
final class ChangeRouter {
    let target: String
    let lane: ApplierLane
    let copier: OnlineCopyDriver
    /// Source tables this target replicates, as of the reader's position.
    private var routes: [QualifiedTableName: ReplicationPlan.Route]
    private let planner: SchemaChangePlanner
    /// How a MySQL source's DDL is spelled for this MariaDB target (nil: replayed as the source wrote it).
    private let dialect: MySQLDialect?
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
    /// The source's GTID state after the last transaction read (nil: the source has no GTIDs, or a transaction came
    /// without one). Each commit handed on carries it whole, not just its own GTID, so that the checkpoint written
    /// with it can be continued from by GTID: on another server after a source failover (`CheckpointOnSource`), or by
    /// MySQL's auto-position.
    private var gtids: SourceGTIDs?

    init(target: String, lane: ApplierLane, copier: OnlineCopyDriver, routes: [QualifiedTableName: ReplicationPlan.Route],
         planner: SchemaChangePlanner, dialect: MySQLDialect? = nil, position: BinlogPosition, gtids: SourceGTIDs?, logger: Logger,
         setStructure: @escaping (QualifiedTableName, TableSchemaHint?) throws -> Void) {
        self.target = target
        self.logger = logger
        self.lane = lane
        self.copier = copier
        self.routes = routes
        self.planner = planner
        self.dialect = dialect
        self.position = position
        self.gtids = gtids
        self.setStructure = setStructure
    }

    /// The GTID state after a transaction with this GTID. A transaction without one, or with one the state cannot
    /// take, ends the tracking: a MariaDB GTID is still by itself a position (of its domain), but a MySQL GTID is no
    /// set of everything before it, so a MySQL checkpoint then records none and is continued from by file and offset.
    private func advance(to gtid: String?) -> String? {
        if let gtid, let next = gtids?.advanced(by: gtid) {
            gtids = next
            return next.description
        }
        gtids = nil
        return gtid.flatMap { $0.contains(":") ? nil : $0 }
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
        case var .commit(commit):
            commit.gtid = advance(to: commit.gtid)
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
        var ddl = ddl
        ddl.gtid = advance(to: ddl.gtid)
        let position = BinlogPosition(file: ddl.file, offset: ddl.startOffset)
        let text = SecretRedaction.redact(ddl.statement)
        let plan: SchemaChangePlan?
        do {
            let parsed = try SchemaStatement.parse(ddl.statement, database: ddl.database, session: ddl.session, translating: dialect)
            plan = try planner.plan(parsed.statement, routes: routes, suspended: copier.suspended)
            if plan != nil, !parsed.translations.isEmpty {
                let changes = parsed.translations.joined(separator: "; ")
                logger.info("target \(target): statement at \(position) translated from MySQL for MariaDB (\(changes)): \(text)")
            }
        } catch let error as SchemaStatement.ParseError where error.hasNoEquivalent {
            // Refused in this target's dialect: it stops the target only where, as written, it would change a replica.
            guard refusedStatementConcernsThisTarget(ddl) else {
                logger.info("target \(target): statement at \(position) ignored, it concerns no replica of this target: \(error)")
                return
            }
            throw EngineError.schemaChange(target: target, position: position, sourceStatement: text, statement: text, reason: "\(error)")
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

    /// Whether a statement the dialect refused would, as the source wrote it, change this target's replicas (a
    /// plan that cannot be made counts as one that would).
    private func refusedStatementConcernsThisTarget(_ ddl: DDLMessage) -> Bool {
        guard let statement = try? SchemaStatement.parse(ddl.statement, database: ddl.database, session: ddl.session) else { return true }
        do {
            return try planner.plan(statement, routes: routes, suspended: copier.suspended) != nil
        } catch {
            return true
        }
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
