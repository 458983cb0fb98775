import Foundation
import BinlogDecoding
import Logging
import MariaDBClient

/// Applies the source's transactions to one target, each in one target transaction together with the
/// target's checkpoint. Lives on its own thread: every call blocks on the target's connection.
final class TargetApplier {
    /// The target's routes follow the schema changes it applies.
    private(set) var plan: ReplicationPlan.TargetPlan
    private let connection: MariaDBConnection
    /// The target connection's TLS cipher (nil: not encrypted), for the status.
    var tlsCipher: String? { connection.tlsCipher }
    private(set) var checkpoint: Checkpoint?
    /// The target transaction is open (BEGIN queued or sent, COMMIT not yet).
    private var isOpen = false
    /// BEGIN has reached the server: an abandoned group must be rolled back there.
    private var isBegunOnServer = false
    /// What the open target transaction still has to send.
    private var pending = GroupStatements()
    /// The current source transaction was applied before (it starts before the checkpoint).
    private var isSkipping = false
    /// Rows of the open target transaction, counted into the status when it commits.
    private var pendingRowCount = 0

    var name: String { plan.target.name }

    private let status: ReplicatorStatus
    private let logger: Logger
    private let metrics: ReplicatorMetrics
    /// Rows of the open target transaction per source table.
    private var pendingTableRows: [String: Int] = [:]

    init(plan: ReplicationPlan.TargetPlan, options: ConnectionOptions, status: ReplicatorStatus, logger: Logger,
         metrics: ReplicatorMetrics) throws {
        self.plan = plan
        self.status = status
        self.logger = logger
        self.metrics = metrics
        // Group batches (BEGIN, row statements, checkpoint, COMMIT in one text) are built here from quoted
        // identifiers and typed literals only: the one connection that sends several statements at once.
        var batching = options
        batching.multiStatements = true
        connection = try MariaDBConnection(batching)
        // Values are written in UTC and exactly as decoded: no automatic ids for an explicit 0, no strict-mode
        // rejections of values the source accepted (zero dates, say).
        try connection.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'")
        maxPacket = try connection.query("SELECT @@max_allowed_packet").string(0, 0).flatMap { Int($0) } ?? Int.max
    }

    /// The target session's `max_allowed_packet`: a longer statement is never sent (the server would drop the
    /// connection, which looks like a network failure and would be retried for ever).
    private let maxPacket: Int

    private func fits(_ sql: String) -> Bool { sql.utf8.count < maxPacket }

    /// Reads the checkpoint; a target without one gets its tables copied from a snapshot first. A mapped source
    /// table without a replica (a mapping added since, or a table created after the checkpoint) is copied online,
    /// structure and rows: the replica is made by the copy's first chunk, as of that chunk's position, and the
    /// stream's changes to the table before it — its CREATE or RENAME among them — are not replayed.
    func prepare(onCopy: () -> Void, source: () throws -> MariaDBConnection) throws {
        try ControlSchema.ensure(connection)
        checkpoint = try CheckpointStore.read(target: name, from: connection)
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
                                           logger: logger, target: name)
        let start = Checkpoint(position: snapshot.position, gtid: snapshot.gtidPosition, sourceTimestamp: snapshot.takenAt)
        try connection.execute(CheckpointStore.writeStatement(target: name, start))
        checkpoint = start
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
                logger.warning("target \(name): \(route.apply.replica) lacks read-only triggers for this session (\(missing.joined(separator: ", "))); installing them")
                try ReadOnlyGuard.install(on: connection, database: database, table: table)
            }
        }
        // Only once every replica was looked at: one left out by an error keeps its chance at the next start.
        try ReplicaRegistry.markInitialised(target: name, on: connection)
    }

    /// Mapped tables set aside because a foreign table holds their replica's name, with their routes (an operator's
    /// `tablemirror adopt` can bring them back).
    private var setAside: [QualifiedTableName: ReplicationPlan.Route] = [:]

    /// What the reader follows: the routes applied here and the tables set aside, so that the copy an adoption
    /// requests is read and brings its table back (the applier drops set-aside tables' rows until then).
    var routesToRead: [QualifiedTableName: ReplicationPlan.Route] { plan.routes.merging(setAside) { applied, _ in applied } }

    private func setAside(_ source: QualifiedTableName, route: ReplicationPlan.Route) {
        plan.routes[source] = nil
        guard setAside.updateValue(route, forKey: source) == nil else { return }
        let replica = route.apply.replica.description
        status.update(name) { $0.foreignTables[source.description] = replica }
        logger.error("target \(name): \(replica) is not a table tablemirror made; \(source) is not replicated there (rename or drop that table, or `tablemirror adopt \(source) --target \(name)` if it is an identical copy)")
    }

    /// A set-aside table whose replica name is now tablemirror's (adopted, or the foreign table moved away)
    /// gets its route back; its rows come from the copy that adopting requests.
    private func readmitIfOwned(_ source: QualifiedTableName) throws {
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
    /// checkpoint) keep their routes until the stream drops them.
    func structuresAtCheckpoint(routeFor: (QualifiedTableName) -> ReplicationPlan.Route?) throws -> [QualifiedTableName: TableSchemaHint] {
        guard let position = checkpoint?.position else { return [:] }
        let history = try SchemaHistoryStore.latest(target: name, on: connection)
        for (table, structure) in history where structure != nil && plan.routes[table] == nil {
            if let route = routeFor(table), setAside[table] == nil,
               try ReplicaRegistry.ownership(of: route.apply.replica, target: name, on: connection) == .ours {
                plan.routes[table] = route
            }
        }
        var structures: [QualifiedTableName: TableSchemaHint] = [:]
        for (table, route) in plan.routes.sorted(by: { $0.key.description < $1.key.description }) {
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

    func handle(_ item: ApplyItem) throws {
        switch item {
        case let .begin(start):
            isSkipping = checkpoint.map { start.position.isBefore($0.position) } ?? false
            isMidTransaction = !isSkipping
            lastSeen = start.position
            isCareful = carefulUntil.map { !$0.isBefore(start.position) } ?? false
            if !isSkipping && oldestPending == nil {
                oldestPending = start.timestamp
                status.update(name) { $0.pendingSince = start.timestamp }
            }
        case let .rows(rows):
            guard !isSkipping else { return }
            openGroup(at: lastSeen)
            var byTable: [QualifiedTableName: [RowChangeMessage]] = [:]
            var order: [QualifiedTableName] = []
            for row in rows {
                let table = QualifiedTableName(database: row.database, table: row.table)
                if byTable[table] == nil { order.append(table) }
                byTable[table, default: []].append(row)
            }
            for table in order {
                guard let route = plan.routes[table], var changes = byTable[table] else { continue }
                if let column = UnknownCharsetColumn.first(in: changes) {
                    throw EngineError.unknownCharacterSet(table: table.description, column: column,
                                                          detail: "no table-map collation it knows and no schema for it")
                }
                if let condition = route.rowFilter {
                    changes = try RowFilter(condition: condition, replica: route.apply.qualifiedName).apply(to: changes, using: connection)
                }
                // A row that cannot fit stops the target here, before tens of megabytes of SQL are built for it.
                if let large = changes.first(where: { ($0.after.map(StatementSize.minimumLength) ?? 0) >= maxPacket }) {
                    throw tooLarge(large, route: route, bytes: large.after.map(StatementSize.minimumLength) ?? 0)
                }
                if isCareful {
                    try applyOneByOne(changes, route: route)
                } else {
                    pending.add(changes, to: table, plan: route.apply)
                }
                pendingRowCount += changes.count
                pendingTableRows[table.description, default: 0] += changes.count
            }
            if pending.isWorthSending { try send(pending.take()) }
        case let .passed(commit):
            guard checkpoint.map({ $0.position.isBefore(commit.endPosition) }) ?? true else { return }
            openGroup(at: commit.endPosition)
            groupEnd = Checkpoint(position: commit.endPosition, gtid: commit.gtid, sourceTimestamp: commit.timestamp)
        case let .schemaChange(work):
            do {
                let outcome = try applySchemaChange(work)
                work.reply.finish(.success(outcome))
            } catch {
                work.reply.finish(.failure(error))
                throw error
            }
        case let .copyChunk(chunk):
            if plan.routes[chunk.source] == nil, setAside[chunk.source] != nil {
                if isOpen { try commitGroup() }
                try readmitIfOwned(chunk.source)
            }
            if let recreated = chunk.recreated { try rebuildReplica(of: chunk, as: recreated) }
            // A table without a route here (set aside, or gone) gets nothing, not even its copy's rows.
            guard plan.routes[chunk.source] != nil else { return }
            if let large = chunk.statements.first(where: { !fits($0) }) {
                throw RowTooLarge(table: chunk.source.description, keyColumns: nil,
                                  position: chunk.position, what: "a copied row", bytes: large.utf8.count, limit: maxPacket)
            }
            openGroup(at: chunk.position)
            // Folded changes of earlier transactions go first: the chunk replaces rows as of its position.
            pending.closeFolds()
            pending.append(chunk.statements)
            pendingCopiedRows += chunk.rowCount
            // Many chunks may share a group on a quiet source: keep each round trip under the packet limit.
            if pending.isWorthSending { try send(pending.take()) }
            // A piece of a chunk that continues keeps the transaction open until its last piece.
            isMidChunk = chunk.continues
            guard !chunk.continues else { return }
            pendingCopyChunks += 1
            if chunk.isLast { pendingFinishedCopies += 1 }
        case let .commit(commit):
            defer { isSkipping = false }
            guard !isSkipping, isOpen else { return }
            // The target transaction stays open: the caller commits the group (see `commitGroup`).
            groupEnd = Checkpoint(position: commit.endPosition, gtid: commit.gtid, sourceTimestamp: commit.timestamp)
            groupedTransactions += 1
            isMidTransaction = false
            lastSeen = commit.endPosition
        }
    }

    /// Runs a schema change between two target transactions (DDL commits on its own: what came before commits
    /// first, with its checkpoint).
    private func applySchemaChange(_ work: SchemaChangeWork) throws -> SchemaChangeOutcome {
        if isOpen { try commitGroup() }
        guard !isOpen else { throw EngineError.invalidArgument("schema change at \(work.position) inside an unfinished transaction") }
        var work = work
        let isForeign = { (table: QualifiedTableName) throws -> Bool in
            try ReplicaRegistry.ownership(of: table, target: self.name, on: self.connection) == .foreign
        }
        let foreign = try work.plan.replicas.filter(isForeign)
        if let parking = try work.plan.parkings.first(where: isForeign) {
            throw EngineError.schemaChange(target: name, position: work.position, sourceStatement: work.statement, statement: "(not run)",
                                           reason: "\(parking), the name tablemirror parks replicas under, is taken by a table it did not make")
        }
        if !foreign.isEmpty {
            let names = foreign.map(\.description).joined(separator: ", ")
            guard Set(foreign) == Set(work.plan.replicas) else {
                throw EngineError.schemaChange(target: name, position: work.position, sourceStatement: work.statement, statement: "(not run)",
                                               reason: "it would touch \(names), which tablemirror did not make, together with its replicas")
            }
            logger.warning("target \(name): schema change at \(work.position) not run: \(names) is not a table tablemirror made")
            work.plan = work.plan.leavingTablesAlone
        }
        let outcome = try SchemaChangeRunner(target: name, connection: connection, logger: logger).run(work, routesBefore: plan.routes)
        plan.routes = outcome.routes
        // Tables set aside stay aside whatever the reader's routes say (it keeps them, so an adoption's copy can run).
        for (source, route) in outcome.routes where foreign.contains(route.apply.replica) || setAside[source] != nil {
            setAside(source, route: route)
        }
        if !work.inTransaction {
            checkpoint = Checkpoint(position: work.end, gtid: work.gtid, sourceTimestamp: work.timestamp)
            status.update(name) { [checkpoint] in $0.checkpoint = checkpoint }
        }
        return outcome
    }

    /// The first chunk of a copy that rebuilds a replica: the table is created anew with the structure the
    /// source's table had at the chunk's position, and the checkpoint moves there with the chunk, so a restart
    /// never replays the table's older events onto its new structure (every transaction before the chunk is
    /// applied by then).
    private func rebuildReplica(of chunk: TableChunk, as recreated: TableChunk.RecreatedTable) throws {
        guard let route = plan.routes[chunk.source] else { return }
        if isOpen { try commitGroup() }
        guard try ReplicaRegistry.ownership(of: route.apply.replica, target: name, on: connection) != .foreign else {
            setAside(chunk.source, route: route)
            if let cancel = CopyProgressStore.cancelStatement(target: name, sources: [chunk.source]) { try connection.execute(cancel) }
            return
        }
        try ReplicaRegistry.claim(target: name, replica: route.apply.replica, on: connection)
        try ReadOnlyGuard.remove(on: connection, database: route.apply.database, table: route.apply.table)
        try connection.execute("DROP TABLE IF EXISTS \(route.apply.qualifiedName)")
        try connection.executeAlone(recreated.createStatement)
        try ReplicaRegistry.record(target: name, replicas: [route.apply.replica], on: connection)
        try ReadOnlyGuard.install(on: connection, database: route.apply.database, table: route.apply.table)
        plan.routes[chunk.source]?.apply.keyColumns = recreated.structure.primaryKey
        logger.info("target \(name): \(route.apply.database).\(route.apply.table) created anew from \(chunk.source) as of \(chunk.position)")
        openGroup(at: chunk.position)
        pending.append([SchemaHistoryStore.recordStatement(target: name, table: chunk.source, position: chunk.position,
                                                           statement: "(copied anew from the source)", structure: recreated.structure),
                        SchemaChangeMarker.clearStatement(target: name)])
        if checkpoint.map({ $0.position.isBefore(chunk.position) }) ?? true {
            groupEnd = Checkpoint(position: chunk.position, gtid: chunk.gtid, sourceTimestamp: checkpoint?.sourceTimestamp ?? 0)
        }
    }

    /// Source transactions complete in the open target transaction, not yet committed.
    private(set) var groupedTransactions = 0
    private var groupEnd: Checkpoint?

    /// Commits the open target transaction — every complete source transaction in it, with the checkpoint of
    /// the last — unless a source transaction is still only partly in it.
    func commitGroup() throws {
        guard isOpen, groupEnd != nil || pendingCopyChunks > 0 else { return }
        pending.closeFolds()
        if let next = groupEnd { pending.append([CheckpointStore.writeStatement(target: name, next)]) }
        if let activity = TableActivityStore.writeStatement(target: name, tables: pendingTableRows.keys, at: Date()) {
            pending.append([activity])
        }
        pending.append(["COMMIT"])
        try send(pending.take())
        isOpen = false
        isBegunOnServer = false
        if let next = groupEnd { checkpoint = next }
        let rows = pendingRowCount, transactions = groupedTransactions, finishedCopies = pendingFinishedCopies
        let deadLetters = pendingDeadLetters
        logGroup(result: "committed", rows: rows, transactions: transactions, chunks: pendingCopyChunks, deadLetters: deadLetters,
                 end: groupEnd?.position)
        let now = Date()
        let target = [("target", name)]
        for (table, count) in pendingTableRows { metrics.count("tablemirror_rows_applied_total", target + [("table", table)], by: count) }
        metrics.count("tablemirror_transactions_applied_total", target, by: transactions)
        metrics.count("tablemirror_dead_letters_total", target, by: deadLetters)
        metrics.count("tablemirror_copied_rows_total", target, by: pendingCopiedRows)
        metrics.time("tablemirror_apply_seconds", target, seconds: now.timeIntervalSince(groupStarted))
        let tables = pendingTableRows.keys
        resetGroup()
        oldestPending = nil
        status.update(name) {
            for table in tables { $0.tablesAppliedAt[table] = now.timeIntervalSince1970 }
            $0.checkpoint = checkpoint
            $0.pendingSince = nil
            $0.appliedTransactions += transactions
            $0.appliedRows += rows
            $0.targetTransactions += 1
            $0.finishedCopies += finishedCopies
            $0.deadLetters += deadLetters
        }
    }

    /// Starts a target transaction unless one is open: BEGIN is queued, sent with the first statements.
    private func openGroup(at position: BinlogPosition?) {
        guard !isOpen else { return }
        pending.append(["BEGIN"])
        isOpen = true
        groupNumber += 1
        groupStarted = Date()
        groupFirstPosition = position
    }

    /// Numbers this applier's target transactions, for the log.
    private var groupNumber = 0
    private var groupStarted = Date()
    private var groupFirstPosition: BinlogPosition?

    /// One structured line per target transaction: id, source positions, rows, start, end, result.
    private func logGroup(result: String, rows: Int, transactions: Int, chunks: Int, deadLetters: Int, end: BinlogPosition?) {
        let metadata: Logger.Metadata = [
            "target": "\(name)", "group": "\(groupNumber)", "from": "\(groupFirstPosition.map { "\($0)" } ?? "-")",
            "to": "\(end.map { "\($0)" } ?? "-")", "transactions": "\(transactions)", "rows": "\(rows)", "chunks": "\(chunks)",
            "dead_letters": "\(deadLetters)", "start": "\(Self.timestamp(groupStarted))", "end": "\(Self.timestamp(Date()))",
            "result": "\(result)",
        ]
        if result != "committed" {
            logger.warning("group", metadata: metadata)
        } else if transactions == 0 && chunks == 0 {
            logger.debug("group", metadata: metadata)  // only the checkpoint moved past other tables' transactions
        } else {
            logger.info("group", metadata: metadata)
        }
    }

    private static func timestamp(_ date: Date) -> String {
        String(format: "%.6f", date.timeIntervalSince1970)
    }

    private func resetGroup() {
        pendingRowCount = 0
        groupedTransactions = 0
        groupEnd = nil
        pendingCopyChunks = 0
        pendingFinishedCopies = 0
        pendingDeadLetters = 0
        pendingCopiedRows = 0
        pendingTableRows.removeAll(keepingCapacity: true)
    }

    /// Copy chunks in the open target transaction (a group of chunks alone, on a quiet source, commits too).
    private var pendingCopyChunks = 0
    private var pendingFinishedCopies = 0
    private var pendingCopiedRows = 0

    /// Where the source transactions handed to this applier had got: after a permanent failure, the pipeline
    /// runs again carefully up to here.
    private(set) var lastSeen: BinlogPosition?
    /// Source transactions starting at or before this position are applied carefully: each in its own target
    /// transaction, each row change in its own statement, so a refused change is known exactly — it goes to
    /// the dead letters (`on_error: dead-letter`) or stops the target right at its transaction (`stop`).
    var carefulUntil: BinlogPosition?
    /// The current source transaction is applied carefully.
    private(set) var isCareful = false
    private var pendingDeadLetters = 0
    /// Source commit time of the first transaction of the open target transaction (for lag).
    private var oldestPending: UInt32?

    private func applyOneByOne(_ changes: [RowChangeMessage], route: ReplicationPlan.Route) throws {
        pending.closeFolds()
        try send(pending.take())
        for change in changes {
            let sql = RowChangeSQL.statements(for: [change], plan: route.apply).joined(separator: ";\n")
            guard !sql.isEmpty else { continue }
            guard fits(sql) else { throw tooLarge(change, route: route, bytes: sql.utf8.count) }
            guard route.onError == .deadLetter else {
                try connection.execute(sql)
                continue
            }
            guard let error = try connection.refusal(of: "SAVEPOINT tm_change;\n" + sql) else { continue }
            try connection.execute("ROLLBACK TO SAVEPOINT tm_change")
            try connection.execute(DeadLetterStore.insertStatement(target: name, change: change, keyColumns: route.apply.keyColumns,
                                                                    error: error))
            pendingDeadLetters += 1
            logger.error("target \(name): \(change.operation.rawValue) on \(change.database).\(change.table) at \(change.file):\(change.startOffset) dead-lettered: [\(error.code)] \(error.message)")
        }
    }

    private func tooLarge(_ change: RowChangeMessage, route: ReplicationPlan.Route, bytes: Int) -> RowTooLarge {
        let names = change.columnNames
        let key = route.apply.keyColumns.compactMap { names.indices.contains($0) ? names[$0] : nil }
        return RowTooLarge(table: "\(change.database).\(change.table)", keyColumns: key,
                           position: BinlogPosition(file: change.file, offset: change.startOffset), what: change.operation.rawValue,
                           bytes: bytes, limit: maxPacket)
    }

    /// One round trip for everything pending (BEGIN, rows, and at the end the checkpoint and COMMIT), or one more
    /// for each very large statement. None longer than the target's packet limit is sent.
    private func send(_ texts: [String]) throws {
        for sql in texts where !sql.isEmpty {
            guard fits(sql) else { throw StatementTooLarge(bytes: sql.utf8.count, limit: maxPacket) }
            isBegunOnServer = true
            try connection.execute(sql)
        }
    }

    /// Whether the open target transaction holds complete source transactions only (it may be committed now).
    var isAtGroupBoundary: Bool { isOpen && (groupEnd != nil || pendingCopyChunks > 0) && !isMidTransaction && !isMidChunk }
    /// A source transaction has begun in the open target transaction and has not yet committed.
    private var isMidTransaction = false
    /// Some pieces of a copy chunk are in the open target transaction, not yet the last.
    private var isMidChunk = false

    /// Rolls back an open target transaction (on shutdown or error): nothing half-applied stays.
    func abandon() {
        if isOpen {
            logGroup(result: "rolled back", rows: pendingRowCount, transactions: groupedTransactions, chunks: pendingCopyChunks,
                     deadLetters: pendingDeadLetters, end: lastSeen)
        }
        if isBegunOnServer { try? connection.execute("ROLLBACK") }
        pending.discard()
        isOpen = false
        isBegunOnServer = false
        resetGroup()
        isMidTransaction = false
        isMidChunk = false
    }
}
