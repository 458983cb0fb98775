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
/// the replicas it touches, runs the statements (unless a crash interrupted this very change after they ran),
/// guards the resulting replicas again, and records the new structures — with the checkpoint, for a change of
/// its own — in one transaction.
struct SchemaChangeRunner {
    let target: String
    let connection: MariaDBConnection
    let logger: Logger

    func run(_ work: SchemaChangeWork) throws -> SchemaChangeOutcome {
        let plan = work.plan
        let before = try SchemaChangeMarker.definitions(of: plan.replicas.map(\.quoted), on: connection)
        let marker = try SchemaChangeMarker.read(target: target, on: connection)
        let ranBefore = marker.map { $0.position == work.position && $0.definitionsBefore != before } ?? false
        if ranBefore {
            logger.info("target \(target): schema change at \(work.position) had run before a restart; not run again")
        } else {
            try SchemaChangeMarker.write(target: target, position: work.position, definitionsBefore: before, on: connection)
            for replica in plan.replicas { try ReadOnlyGuard.remove(on: connection, database: replica.database, table: replica.table) }
            for statement in plan.statements {
                if let error = try connection.refusal(of: statement) {
                    try? guardReplicas(of: plan, routes: plan.routes)
                    try? SchemaChangeMarker.recordFailure(target: target, tables: plan.changed + plan.removed + plan.recreated, on: connection)
                    throw EngineError.schemaChange(target: target, position: work.position, sourceStatement: work.statement,
                                                   statement: statement, reason: "[\(error.code)] \(error.message)")
                }
            }
            logger.info("target \(target): schema change at \(work.position) applied: \(plan.statements.joined(separator: "; "))")
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

        var bookkeeping = ["BEGIN"]
        for (table, structure) in structures.sorted(by: { $0.key.description < $1.key.description }) {
            bookkeeping.append(SchemaHistoryStore.recordStatement(target: target, table: table, position: work.position,
                                                                  statement: work.statement, structure: structure))
        }
        if let cancel = CopyProgressStore.cancelStatement(target: target, sources: plan.removed) { bookkeeping.append(cancel) }
        for table in plan.recreated {
            bookkeeping.append(CopyProgressStore.requestStatement(target: target, source: table, reason: "schema change", recreate: true))
        }
        if !work.inTransaction {
            bookkeeping.append(CheckpointStore.writeStatement(target: target, Checkpoint(position: work.end, gtid: work.gtid,
                                                                                         sourceTimestamp: work.timestamp)))
        }
        bookkeeping += [SchemaChangeMarker.clearStatement(target: target), "COMMIT"]
        try connection.execute(bookkeeping.joined(separator: ";\n"))
        return SchemaChangeOutcome(routes: routes, structures: structures)
    }

    /// Guards every replica of `routes` that the change touched and that exists now.
    private func guardReplicas(of plan: SchemaChangePlan, routes: [QualifiedTableName: ReplicationPlan.Route]) throws {
        for route in routes.values where plan.replicas.contains(route.apply.replica) {
            guard try SchemaChangeMarker.definition(of: route.apply.qualifiedName, on: connection) != nil else { continue }
            try ReadOnlyGuard.install(on: connection, database: route.apply.database, table: route.apply.table, writer: connection.options.user)
        }
    }
}
