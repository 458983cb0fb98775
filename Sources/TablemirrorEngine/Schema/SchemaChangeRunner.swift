import BinlogDecoding
import Foundation
import Logging
import MariaDBClient

/// A schema change as the reader hands it to a target's applier: the plan, where it is in the stream, and the
/// reader's wait for the outcome (the reader decodes nothing further until the replicas have changed).
struct SchemaChangeWork: Sendable {
    var plan: SchemaChangePlan
    /// The source's statement (secrets redacted), for the log, the history and errors.
    var statement: String
    var position: BinlogPosition
    var end: BinlogPosition
    var gtid: String?
    var timestamp: UInt32
    /// The source session's sql_mode and time zone, which the statement runs with on the target too.
    var session: QuerySessionSettings
    /// The statement is part of a source transaction (CREATE … SELECT): the checkpoint moves with its commit.
    var inTransaction: Bool
    var reply: SchemaChangeReply
}

/// Routes and table structures after a schema change.
struct SchemaChangeOutcome: Sendable {
    var routes: [QualifiedTableName: ReplicationPlan.Route]
    /// Tables whose structure is new (nil: no longer replicated here).
    var structures: [QualifiedTableName: TableSchemaHint?]
}

/// The applier's answer to the reader waiting on a schema change.
final class SchemaChangeReply: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<SchemaChangeOutcome, any Error>?

    func finish(_ result: Result<SchemaChangeOutcome, any Error>) {
        condition.lock()
        self.result = result
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the outcome; gives up when `failed` says the applier has stopped without answering.
    func wait(orUntil failed: () -> Bool) throws -> SchemaChangeOutcome {
        condition.lock()
        defer { condition.unlock() }
        while result == nil {
            if failed() { throw EngineError.invalidArgument("the applier stopped before the schema change") }
            _ = condition.wait(until: Date().addingTimeInterval(0.2))
        }
        switch result {
        case let .success(outcome)?: return outcome
        case let .failure(error)?: throw error
        case nil: throw EngineError.invalidArgument("no outcome")
        }
    }
}

/// Carries out a schema change on one target, between two target transactions: lifts the read-only guards of
/// the replicas it touches, runs the statements (those a crash interrupted this very change after are not run
/// again), guards the resulting replicas again, and records the new structures — with the checkpoint, for a
/// change of its own — in one transaction.
struct SchemaChangeRunner {
    let target: String
    let connection: MariaDBConnection
    let logger: Logger
    /// Under `ha:`, the lease's fence: checked before each DDL and run in the change's bookkeeping transaction.
    var fence: String?

    /// A statement of this change, sent before a restart, still runs on the target (a long ALTER): nothing is
    /// decided until it ends. Retried like a lost connection.
    struct StillRunning: Error, CustomStringConvertible {
        var position: BinlogPosition
        var connectionID: UInt64
        var description: String {
            "the schema change at \(position), sent before a restart, is still running on the target (connection \(connectionID)); waiting for it"
        }
    }

    /// Runs `work` on a target whose routes are `routesBefore` until then.
    func run(_ work: SchemaChangeWork, routesBefore: [QualifiedTableName: ReplicationPlan.Route]) throws -> SchemaChangeOutcome {
        let plan = work.plan
        let replicas = plan.replicas
        let planText = SchemaChangeMarker.planText(of: plan)
        var step = 0
        if let marker = try SchemaChangeMarker.read(target: target, on: connection), marker.position == work.position, marker.plan == planText {
            let ours = { (text: String) in plan.statements.contains(text) || text.hasPrefix(Self.indexStatementPrefix) }
            if let id = marker.connectionID, try SchemaChangeMarker.isRunning(connection: id, oneOf: ours, on: connection) {
                throw StillRunning(position: work.position, connectionID: id)
            }
            step = marker.step
            if !marker.refused, try SchemaChangeMarker.definitions(of: replicas, on: connection) != marker.definitionsBefore {
                logger.info("target \(target): schema change at \(work.position), statement \(step + 1) of \(plan.statements.count), had run before a restart; not run again")
                step += 1
            }
        }
        var ddl: (connection: MariaDBConnection, id: UInt64)?
        if step < plan.statements.count {
            for replica in plan.replicas { try ReadOnlyGuard.remove(on: connection, database: replica.database, table: replica.table) }
            let (ddl, id) = try ddlConnection(for: work, into: &ddl)
            for index in step..<plan.statements.count {
                let statement = plan.statements[index]
                try LeaseStore.confirm(fence, on: connection)
                try SchemaChangeMarker.write(target: target, position: work.position, plan: planText, step: index, connectionID: id,
                                             definitionsBefore: SchemaChangeMarker.definitions(of: replicas, on: connection), on: connection)
                if let error = try ddl.refusal(of: statement) {
                    // Whichever replicas exist now, under their names before or after, are guarded again.
                    try? guardReplicas(of: plan, routes: routesBefore.merging(plan.routes) { old, _ in old })
                    try? SchemaChangeMarker.recordFailure(target: target, tables: plan.changed + plan.removed + plan.recreated, on: connection)
                    throw EngineError.schemaChange(target: target, position: work.position, sourceStatement: work.statement,
                                                   statement: SecretRedaction.redact(statement), reason: "[\(error.code)] \(error.message)")
                }
            }
            logger.info("target \(target): schema change at \(work.position) applied: \(SecretRedaction.redact(plan.statements.joined(separator: "; ")))")
        }
        for (replica, index) in plan.foreignKeyIndexes {
            guard let name = try nameForMissingIndex(index, replica) else { continue }
            let (ddl, id) = try ddlConnection(for: work, into: &ddl)
            try LeaseStore.confirm(fence, on: connection)
            try SchemaChangeMarker.write(target: target, position: work.position, plan: planText, step: plan.statements.count, connectionID: id,
                                         definitionsBefore: SchemaChangeMarker.definitions(of: replicas, on: connection), on: connection)
            let statement = "\(Self.indexStatementPrefix)\(replica.quoted) ADD INDEX \(SQLLiteral.identifier(name)) (\(index.columns.map(SQLLiteral.identifier).joined(separator: ", ")))"
            // Only an index: a replica that cannot have it is told in the log, not stopped.
            if let error = try ddl.refusal(of: statement) {
                logger.warning("target \(target): \(statement) (the index the source made for a foreign key) refused: \(error)")
            } else {
                logger.info("target \(target): \(statement) (the index the source made for a foreign key)")
            }
        }
        var routes = plan.routes
        var structures: [QualifiedTableName: TableSchemaHint?] = [:]
        for table in plan.changed {
            guard var route = routes[table] else { continue }
            let structure = try SchemaHintLoader.load(route.apply.replica, from: connection)
            route.apply.keyColumns = structure?.primaryKey ?? []
            routes[table] = route
            structures[table] = .some(structure)
        }
        for table in plan.removed { structures[table] = .some(nil) }
        try guardReplicas(of: plan, routes: routes)

        var bookkeeping: [String] = []
        for (table, structure) in structures.sorted(by: { $0.key.description < $1.key.description }) {
            bookkeeping.append(SchemaHistoryStore.recordStatement(target: target, table: table, position: work.position,
                                                                  statement: work.statement, structure: structure))
        }
        // Copies of tables that left the routes (dropped, renamed) end with them.
        let gone = Set(plan.removed + routesBefore.keys.filter { plan.routes[$0] == nil }).sorted { $0.description < $1.description }
        if let cancel = CopyProgressStore.cancelStatement(target: target, sources: gone) { bookkeeping.append(cancel) }
        for (from, to) in plan.renamed {
            guard let copy = try CopyProgressStore.progress(target: target, source: from, on: connection), copy.state != .done else { continue }
            bookkeeping.append(CopyProgressStore.requestStatement(target: target, source: to, reason: copy.reason, keys: copy.onlyKeys,
                                                                  recreate: copy.recreate))
        }
        for table in plan.recreated {
            bookkeeping.append(CopyProgressStore.requestStatement(target: target, source: table, reason: "schema change", recreate: true))
        }
        if !work.inTransaction {
            bookkeeping.append(CheckpointStore.writeStatement(target: target, Checkpoint(position: work.end, gtid: work.gtid,
                                                                                         sourceTimestamp: work.timestamp)))
        }
        // The registry follows the replicas: created and renamed ones recorded as they are now, dropped ones forgotten.
        bookkeeping += try ReplicaRegistry.recordStatements(target: target, replicas: plan.replicas, on: connection)
        bookkeeping.append(SchemaChangeMarker.clearStatement(target: target))
        try connection.execute(LeaseStore.transaction(bookkeeping, fence: fence))
        return SchemaChangeOutcome(routes: routes, structures: structures)
    }

    /// A connection of its own for the DDL: no read timeout (an ALTER of a big table takes as long as it takes;
    /// a timeout would leave it running on the server while the applier moved on); the source statement's time,
    /// sql_mode and time zone, so it reads the statement as the source did and defaults like CURRENT_TIMESTAMP
    /// fill existing rows as on the source. Without the source's sql_mode, values are not rejected where the
    /// source accepted them (the applier's); without its time zone (the source writes it only when the
    /// statement used one), the target's default applies.
    private func ddlConnection(for work: SchemaChangeWork, into opened: inout (connection: MariaDBConnection, id: UInt64)?) throws
        -> (MariaDBConnection, UInt64) {
        if let opened { return opened }
        var options = connection.options
        options.readTimeoutSeconds = 365 * 24 * 3600
        // The DDL carries the source's text between its rewritten names: one statement per call, never more.
        options.multiStatements = false
        let ddl = try MariaDBConnection(options)
        try ddl.execute("SET SESSION timestamp = \(work.timestamp)")
        // A mode the target does not know (a newer source's) falls back to the applier's — keeping the source's
        // NO_BACKSLASH_ESCAPES, which the statements' strings were rendered for.
        if work.session.sqlMode.map({ mode in (try? ddl.execute("SET SESSION sql_mode = \(mode)")) == nil }) ?? true {
            try ddl.execute("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO\(work.session.noBackslashEscapes ? ",NO_BACKSLASH_ESCAPES" : "")'")
        }
        if let zone = work.session.timeZone {
            // A named zone the target's time zone tables lack leaves the target's default.
            do throws(MariaDBError) {
                try ddl.execute("SET SESSION time_zone = \(SQLLiteral.quotedString(zone))")
            } catch {
                logger.warning("target \(target): the source's time zone \(zone) is unknown here (\(error)); DDL runs in the target's default")
            }
        }
        let id = try ddl.query("SELECT CONNECTION_ID()").string(0, 0).flatMap { UInt64($0) } ?? 0
        opened = (ddl, id)
        return (ddl, id)
    }

    static let indexStatementPrefix = "ALTER TABLE /* index of a foreign key */ "

    /// The name for the index `index` on `replica`, or nil when the replica is gone or an index already leads
    /// with its columns (InnoDB's own test). A name InnoDB made up (the first column's) takes `_2`, `_3`… when
    /// taken, as InnoDB does.
    private func nameForMissingIndex(_ index: ForeignKeyIndex, _ replica: QualifiedTableName) throws -> String? {
        guard try SchemaChangeMarker.definition(of: replica.quoted, on: connection) != nil else { return nil }
        let result = try connection.query("""
            SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(replica.database)) AND TABLE_NAME = \(SQLLiteral.quotedString(replica.table))
            ORDER BY INDEX_NAME, SEQ_IN_INDEX
            """)
        var indexes: [String: [String]] = [:]
        for row in result.rows.indices {
            guard let name = result.string(row, 0), let column = result.string(row, 1) else { continue }
            indexes[name, default: []].append(column.lowercased())
        }
        let wanted = index.columns.map { $0.lowercased() }
        guard !indexes.values.contains(where: { Array($0.prefix(wanted.count)) == wanted }) else { return nil }
        let taken = Set(indexes.keys.map { $0.lowercased() })
        guard !index.isNamed, taken.contains(index.name.lowercased()) else { return index.name }
        return (2...).lazy.map { "\(index.name)_\($0)" }.first { !taken.contains($0.lowercased()) }
    }

    /// Guards every replica of `routes` that the change touched and that exists now.
    private func guardReplicas(of plan: SchemaChangePlan, routes: [QualifiedTableName: ReplicationPlan.Route]) throws {
        for route in routes.values where plan.replicas.contains(route.apply.replica) {
            guard try ReplicaTableSetup.exists(route, in: connection) else { continue }
            try ReadOnlyGuard.install(on: connection, database: route.apply.database, table: route.apply.table)
        }
    }
}
