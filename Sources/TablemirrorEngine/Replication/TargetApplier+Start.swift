import BinlogDecoding
import Foundation
import Logging
import MariaDBClient

/// Starting a target: its checkpoint, its initial copy, the replicas it owns, and the structures it decodes with.
extension TargetApplier {
    /// Reads the checkpoint; a target without one gets its tables copied from a snapshot first. A mapped source
    /// table without a replica (a mapping added since, or a table created after the checkpoint) is copied online,
    /// structure and rows: the replica is made by the copy's first chunk, as of that chunk's position, and the
    /// stream's changes to the table before it — its CREATE or RENAME among them — are not replayed.
    func prepare(onCopy: () -> Void, source: () throws -> MariaDBConnection) throws {
        try ControlSchema.ensure(connection)
        core.checkpoint = try CheckpointStore.read(target: name, from: connection)
        try setAsideForeignTables()
        guard checkpoint == nil else {
            let missing = try plan.routes.values.filter { try !ReplicaTableSetup.exists($0, in: connection) }
            for route in missing.sorted(by: { $0.source.description < $1.source.description }) {
                try connection.execute(CopyProgressStore.requestStatement(target: name, source: route.source, reason: "new mapping", recreate: true))
                logger.info("\(route.source) mapped to \(name) as \(route.apply.database).\(route.apply.table) without a replica: to be copied online")
            }
            return
        }
        onCopy()
        let snapshotConnection = try source()
        let snapshot = try InitialCopy.run(routes: Array(plan.routes.values), source: snapshotConnection, target: connection,
                                           snapshot: plan.snapshot, logger: logger, target: name)
        let start = Checkpoint(position: snapshot.position, gtid: snapshot.gtidPosition, sourceTimestamp: snapshot.takenAt)
        // Each replica's structure enters the history with the checkpoint: a restart then knows every replica
        // even when its source table was renamed or dropped since (the stream's RENAME or DROP must find it).
        var bookkeeping: [String] = []
        for route in plan.routes.values.sorted(by: { $0.source.description < $1.source.description }) {
            guard let structure = try SchemaHintLoader.load(route.apply.replica, from: connection) else { continue }
            bookkeeping.append(SchemaHistoryStore.recordStatement(target: name, table: route.source, position: start.position,
                                                                  statement: "(initial copy)", structure: structure))
        }
        bookkeeping.append(CheckpointStore.writeStatement(target: name, start))
        try connection.execute(LeaseStore.transaction(bookkeeping, fence: core.fence))
        core.checkpoint = start
    }

    /// Continues on another source server: the checkpoint moves to the place found there for its GTID position
    /// (`CheckpointOnSource`), under the lease like every write.
    func relocate(to checkpoint: Checkpoint) throws {
        try connection.execute(LeaseStore.transaction([CheckpointStore.relocateStatement(target: name, checkpoint)], fence: core.fence))
        core.checkpoint = checkpoint
        carefulUntil = nil
        status.update(name) { $0.checkpoint = checkpoint }
    }

    /// Routes whose replica name is taken by a table tablemirror did not make are set aside: that mapping stops for
    /// this target (alerted) and the others go on. Replicas made before tablemirror kept its registry — on the first
    /// start of a target with a checkpoint and no registry yet — are recognised by tablemirror's read-only
    /// triggers (their names and refusal) and recorded.
    /// Replicas whose triggers do not test for this session (made by an older version, or from another host)
    /// get them anew.
    private func setAsideForeignTables() throws {
        try ReplicaRegistry.dropStaleClaims(target: name, on: connection)
        let upgrading = try checkpoint != nil && !ReplicaRegistry.isInitialised(target: name, on: connection)
        for (source, route) in plan.routes.sorted(by: { $0.key.description < $1.key.description }) {
            let (database, table) = (route.apply.database, route.apply.table)
            switch try ReplicaRegistry.ownership(of: route.apply.replica, target: name, on: connection) {
            case .absent:
                continue
            case .foreign:
                guard upgrading, try ReadOnlyGuard.hasTablemirrorTriggers(on: connection, database: database, table: table) else {
                    setAside(source, route: route)
                    continue
                }
                try ReplicaRegistry.record(target: name, replicas: [route.apply.replica], on: connection)
                logger.info("target \(name): \(route.apply.replica) recorded as tablemirror's replica of \(source) (made before the registry)")
            case .ours:
                break
            }
            let missing = try ReadOnlyGuard.missingTriggers(on: connection, database: database, table: table)
            if !missing.isEmpty {
                // Under `ha:`, a leader that reaches the target as another session (another host) than the one
                // before it makes the triggers let it write, and refuse its predecessor: expected at a takeover.
                let message: Logger.Message = "target \(name): \(route.apply.replica) lacks read-only triggers for this session (\(missing.joined(separator: ", "))); installing them"
                if core.fence == nil { logger.warning(message) } else { logger.info(message) }
                try ReadOnlyGuard.install(on: connection, database: database, table: table)
            }
        }
        // Only once every replica was looked at: one left out by an error keeps its chance at the next start.
        try ReplicaRegistry.markInitialised(target: name, on: connection)
    }

    /// What the reader follows: the routes applied here and the tables set aside, so that the copy an adoption
    /// requests is read and brings its table back (the applier drops set-aside tables' rows until then).
    var routesToRead: [QualifiedTableName: ReplicationPlan.Route] { plan.routes.merging(setAside) { applied, _ in applied } }

    func setAside(_ source: QualifiedTableName, route: ReplicationPlan.Route) {
        plan.routes[source] = nil
        guard setAside.updateValue(route, forKey: source) == nil else { return }
        let replica = route.apply.replica.description
        status.update(name) { $0.foreignTables[source.description] = replica }
        logger.error("target \(name): \(replica) is not a table tablemirror made; \(source) is not replicated there (rename or drop that table, or `tablemirror adopt \(source) --target \(name)` if it is an identical copy)")
    }

    /// A set-aside table whose replica name is now tablemirror's (adopted, or the foreign table moved away)
    /// gets its route back; its rows come from the copy that adopting requests.
    func readmitIfOwned(_ source: QualifiedTableName) throws {
        guard let route = setAside[source], try ReplicaRegistry.ownership(of: route.apply.replica, target: name, on: connection) != .foreign else { return }
        setAside[source] = nil
        plan.routes[source] = route
        // Adopted from another host or login: the triggers must let this session write.
        if try !ReadOnlyGuard.missingTriggers(on: connection, database: route.apply.database, table: route.apply.table).isEmpty {
            try ReadOnlyGuard.install(on: connection, database: route.apply.database, table: route.apply.table)
        }
        status.update(name) { $0.foreignTables[source.description] = nil }
        logger.info("target \(name): \(route.apply.replica) is tablemirror's now; \(source) is replicated there again")
    }

    /// Each replicated table's structure at the checkpoint, from the schema history: what the reader decodes the
    /// events after the checkpoint with. Tables without history (replicas made before it was kept, or just now)
    /// are recorded from their replicas, which have the structure of the checkpoint's position. Routes take their
    /// key columns from there too, and tables the history knows but the source no longer has (dropped after the
    /// checkpoint) keep their routes until the stream drops them — as do tables being rebuilt by a copy that has
    /// not reached the target yet (their events wait for the copy, so they need no structure).
    func structuresAtCheckpoint(routeFor: (QualifiedTableName) -> ReplicationPlan.Route?) throws -> [QualifiedTableName: TableSchemaHint] {
        guard let position = checkpoint?.position else { return [:] }
        let history = try SchemaHistoryStore.latest(target: name, on: connection)
        for (table, structure) in history where structure != nil && plan.routes[table] == nil {
            if let route = routeFor(table), setAside[table] == nil,
               try ReplicaRegistry.ownership(of: route.apply.replica, target: name, on: connection) == .ours {
                plan.routes[table] = route
            }
        }
        // A rebuild whose first chunk never committed (a crash after its CREATE) has no history yet: its replica,
        // ours, must still follow the table's DROP or RENAME, which may already have happened on the source.
        var rebuilding = Set<QualifiedTableName>()
        for copy in try CopyProgressStore.unfinished(target: name, on: connection)
        where copy.recreate && copy.state == .requested && plan.routes[copy.source] == nil && setAside[copy.source] == nil {
            guard let route = routeFor(copy.source),
                  try ReplicaRegistry.ownership(of: route.apply.replica, target: name, on: connection) != .foreign else { continue }
            plan.routes[copy.source] = route
            rebuilding.insert(copy.source)
        }
        var structures: [QualifiedTableName: TableSchemaHint] = [:]
        for (table, route) in plan.routes.sorted(by: { $0.key.description < $1.key.description }) where !rebuilding.contains(table) {
            var structure = history[table] ?? nil
            if structure == nil {
                structure = try SchemaHintLoader.load(route.apply.replica, from: connection)
                guard let structure else { continue }
                try connection.execute(SchemaHistoryStore.recordStatement(target: name, table: table, position: position,
                                                                          statement: "(replica as found at start)", structure: structure))
            }
            guard let structure else { continue }
            structures[table] = structure
            plan.routes[table]?.apply.keyColumns = structure.primaryKey
        }
        return structures
    }
}
