import Foundation
import BinlogDecoding
import Logging
import MariaDBClient

/// Applies the source's transactions to one target, each in one target transaction together with the target's
/// checkpoint: the executor of `ApplyGroup`, which decides what to do with each item; this performs it on the
/// target's connection, and keeps what needs the target to know (the routes, whose replicas are whose, the row
/// filters, the packet limit). Lives on its own thread: every call blocks on the target's connection.
final class TargetApplier {
    /// The target's routes follow the schema changes it applies.
    var plan: ReplicationPlan.TargetPlan
    let connection: MariaDBConnection
    /// A MariaDB target is given no MySQL partial JSON diff (`UnwritableValue`); read once, not per batch.
    let targetIsMariaDB: Bool
    /// The target connection's TLS cipher (nil: not encrypted), for the status.
    var tlsCipher: String? { connection.tlsCipher }
    var core: ApplyGroup
    /// Mapped tables set aside because a foreign table holds their replica's name, with their routes (an operator's
    /// `tablemirror adopt` can bring them back).
    var setAside: [QualifiedTableName: ReplicationPlan.Route] = [:]

    var name: String { plan.target.name }
    var checkpoint: Checkpoint? { core.checkpoint }
    /// Where the source transactions handed to this applier had got: after a permanent failure, the pipeline
    /// runs again carefully up to here.
    var lastSeen: BinlogPosition? { core.lastSeen }
    var carefulUntil: BinlogPosition? {
        get { core.carefulUntil }
        set { core.carefulUntil = newValue }
    }
    var isCareful: Bool { core.isCareful }

    let status: ReplicatorStatus
    let logger: Logger
    private let metrics: ReplicatorMetrics
    /// When the current target transaction began (its number in `core`), for the log and the metrics.
    private var groupTimer = (number: 0, started: Date())

    init(plan: ReplicationPlan.TargetPlan, options: ConnectionOptions, status: ReplicatorStatus, logger: Logger,
         metrics: ReplicatorMetrics) throws {
        self.plan = plan
        self.status = status
        self.logger = logger
        self.metrics = metrics
        core = ApplyGroup(target: plan.target.name, checkpoint: nil)
        // Group batches (BEGIN, row statements, checkpoint, COMMIT in one text) are built here from quoted
        // identifiers and typed literals only: the one connection that sends several statements at once.
        var batching = options
        batching.multiStatements = true
        batching.servesLocalRows = true
        connection = try MariaDBConnection(batching)
        targetIsMariaDB = connection.isMariaDB
        // Values are written in UTC and exactly as decoded: no automatic ids for an explicit 0, no strict-mode
        // rejections of values the source accepted (zero dates, say).
        try connection.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'")
        let session = try connection.query("SELECT @@max_allowed_packet, @@local_infile")
        maxPacket = session.string(0, 0).flatMap { Int($0) } ?? Int.max
        // A server with `local_infile` off refuses every load: rows then go as INSERT text only.
        loadsNewRows = session.string(0, 1) == "1"
        // Last: an initializer that throws skips deinit, which is what ends the sending thread.
        pipeline = StatementPipeline(connection: connection, name: plan.target.name)
    }

    deinit {
        pipeline.close()
    }

    /// Ends the sending thread and closes the connection, on the applier's thread: nothing of this target's
    /// connection outlives the pipeline (see `JoinableThread`).
    func close() {
        pipeline.close()
        connection.close()
    }

    /// Sends the group's texts while the next are built; every other use of `connection` comes after `drain()`.
    private let pipeline: StatementPipeline
    /// `ReplicaTraits` as read from each replica since they last may have changed.
    private var replicaTraitAnswers: [QualifiedTableName: ReplicaTraits] = [:]

    /// The target session's `max_allowed_packet`: a longer statement is never sent (the server would drop the
    /// connection, which looks like a network failure and would be retried for ever).
    private let maxPacket: Int
    /// The target's server accepts `LOAD DATA LOCAL` (see `LoadDataRows`).
    private let loadsNewRows: Bool

    private func fits(_ sql: String) -> Bool { sql.utf8.count < maxPacket }

    /// One item of the stream, in order.
    func handle(_ item: ApplyItem) throws {
        try reportingEarlierFailure { try handleItem(item) }
    }

    /// A failure found while a sent text was still running (a row too large, say) is reported as that text's own
    /// failure if it failed: the first thing that went wrong is what the supervisor must judge.
    private func reportingEarlierFailure(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            if let earlier = pipeline.settle() { throw earlier }
            throw error
        }
    }

    private func handleItem(_ item: ApplyItem) throws {
        switch item {
        case let .begin(start):
            try perform(core.next(.begin(start)))
        case let .rows(rows):
            guard !core.isSkipping else { return }
            try perform(core.next(.rows(resolve(rows))))
        case let .commit(commit):
            try perform(core.next(.commit(commit)))
        case let .passed(commit):
            try perform(core.next(.passed(commit)))
        case let .schemaChange(work):
            do {
                var outcome: SchemaChangeOutcome?
                try perform(core.next(.schemaChange(work))) { outcome = try runSchemaChange(work) }
                guard let outcome else { throw EngineError.invalidArgument("schema change at \(work.position) was not run") }
                work.reply.finish(.success(outcome))
            } catch {
                work.reply.finish(.failure(error))
                throw error
            }
        case let .copyChunk(chunk):
            if plan.routes[chunk.source] == nil, setAside[chunk.source] != nil {
                try perform(core.next(.readmit(chunk.source)))
            }
            var rebuilt = false
            if chunk.recreated != nil, plan.routes[chunk.source] != nil {
                try perform(core.next(.rebuild(chunk)))
                rebuilt = plan.routes[chunk.source] != nil
            }
            // A table without a route here (set aside, or gone) gets nothing, not even its copy's rows.
            guard plan.routes[chunk.source] != nil else { return }
            if let large = chunk.statements.first(where: { !fits($0) }) {
                throw RowTooLarge(table: chunk.source.description, keyColumns: nil,
                                  position: chunk.position, what: "a copied row", bytes: large.utf8.count, limit: maxPacket)
            }
            try perform(core.next(.copyChunk(chunk, rebuilt: rebuilt)))
        }
    }

    /// After each item: whether more are already waiting decides whether the group commits now.
    func handled(moreWaiting: Bool) throws {
        try reportingEarlierFailure { try perform(core.next(.handled(moreWaiting: moreWaiting))) }
    }

    /// The stream ended (a stop): what is complete is committed.
    func finish() throws {
        try reportingEarlierFailure { try perform(core.next(.end)) }
    }

    /// Rolls back an open target transaction (on shutdown or error): nothing half-applied stays.
    func abandon() {
        try? perform((try? core.next(.abandon)) ?? [])
    }

    /// A batch of the current source transaction's rows, per replicated table in order of first appearance: the
    /// tables this target replicates, each checked (character sets known, rows that can fit) and filtered.
    private func resolve(_ rows: [RowChangeMessage]) throws -> [TableChanges] {
        var byTable: [QualifiedTableName: [RowChangeMessage]] = [:]
        var order: [QualifiedTableName] = []
        for row in rows {
            let table = QualifiedTableName(database: row.database, table: row.table)
            if byTable[table] == nil { order.append(table) }
            byTable[table, default: []].append(row)
        }
        return try order.compactMap { table in
            guard let route = plan.routes[table], var changes = byTable[table] else { return nil }
            switch UnwritableValue.first(in: changes, refusingPartialJSON: targetIsMariaDB) {
            case let (.unknownCharacterSet, column)?:
                throw EngineError.unknownCharacterSet(table: table.description, column: column,
                                                      detail: "no table-map collation it knows and no schema for it")
            case let (.partialJSON, column)?:
                throw EngineError.partialJSONWithoutDocument(table: table.description, column: column)
            case nil:
                break
            }
            if let condition = route.rowFilter {
                try pipeline.drain()
                changes = try RowFilter(condition: condition, replica: route.apply.qualifiedName).apply(to: changes, using: connection)
            }
            // A row that cannot fit stops the target here, before tens of megabytes of SQL are built for it.
            if let large = changes.first(where: { ($0.after.map(StatementSize.minimumLength) ?? 0) >= maxPacket }) {
                throw tooLarge(large, keyColumns: route.apply.keyColumns, bytes: large.after.map(StatementSize.minimumLength) ?? 0)
            }
            var apply = route.apply
            let traits = try replicaTraits(route.apply.replica)
            apply.primaryKeyIsOnlyUniqueKey = traits.primaryKeyIsOnlyUniqueKey
            apply.loadsNewRows = loadsNewRows && traits.isTransactional
            return TableChanges(table: table, plan: apply, onError: route.onError, changes: changes)
        }
    }

    /// What the replica allows (its keys, its engine): read from the replica when its rows are first applied, and
    /// again after anything that may have changed them (a schema change, a rebuild, a table taken back), which
    /// forgets every answer.
    private func replicaTraits(_ replica: QualifiedTableName) throws -> ReplicaTraits {
        if let known = replicaTraitAnswers[replica] { return known }
        try pipeline.drain()
        let answer = try ReplicaTraits.read(of: replica, on: connection)
        replicaTraitAnswers[replica] = answer
        return answer
    }

    /// Performs `ApplyGroup`'s steps in order; `schemaChange` performs a schema-change step.
    private func perform(_ steps: [ApplyStep], schemaChange: () throws -> Void = {}) throws {
        if core.groupNumber != groupTimer.number { groupTimer = (core.groupNumber, Date()) }
        for step in steps {
            switch step {
            case .send, .pendingSince, .rollBack: break
            case .runSchemaChange, .readmit, .rebuildReplica:
                try pipeline.drain()
                replicaTraitAnswers.removeAll()
            default: try pipeline.drain()
            }
            switch step {
            case let .send(texts):
                try send(texts)
            case let .applyOneByOne(changes):
                try applyOneByOne(changes)
            case .runSchemaChange:
                try schemaChange()
            case let .readmit(table):
                try readmitIfOwned(table)
            case let .rebuildReplica(chunk):
                try rebuildReplica(of: chunk)
            case let .pendingSince(timestamp):
                status.update(name) { $0.pendingSince = timestamp }
            case let .committed(summary):
                committed(summary)
            case let .checkpointMoved(checkpoint):
                status.update(name) { $0.checkpoint = checkpoint }
            case let .rollBack(summary, onServer):
                logGroup(summary, result: "rolled back")
                // What failed was thrown already; the texts behind it were dropped unsent.
                _ = pipeline.settle()
                if onServer { try connection.execute("ROLLBACK") }
            }
        }
    }

    /// Runs a schema change between two target transactions (`ApplyGroup` committed what came before).
    private func runSchemaChange(_ work: SchemaChangeWork) throws -> SchemaChangeOutcome {
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
        let outcome = try SchemaChangeRunner(target: name, connection: connection, logger: logger, fence: core.fence).run(work, routesBefore: plan.routes)
        plan.routes = outcome.routes
        // Tables set aside stay aside whatever the reader's routes say (it keeps them, so an adoption's copy can run).
        for (source, route) in outcome.routes where foreign.contains(route.apply.replica) || setAside[source] != nil {
            setAside(source, route: route)
        }
        try perform(core.next(.schemaChangeApplied(work)))
        return outcome
    }

    /// The first chunk of a copy that rebuilds a replica: the table is created anew with the structure the
    /// source's table had at the chunk's position (`ApplyGroup` committed what came before, and moves the
    /// checkpoint to the chunk with its rows). A foreign table where the replica goes sets the mapping aside.
    private func rebuildReplica(of chunk: TableChunk) throws {
        guard let route = plan.routes[chunk.source], let recreated = chunk.recreated else { return }
        guard try ReplicaRegistry.ownership(of: route.apply.replica, target: name, on: connection) != .foreign else {
            setAside(chunk.source, route: route)
            if let cancel = CopyProgressStore.cancelStatement(target: name, sources: [chunk.source]) { try connection.execute(cancel) }
            return
        }
        // The DROP and CREATE commit by themselves: under `ha:`, only while this daemon still leads.
        try LeaseStore.confirm(core.fence, on: connection)
        try ReplicaRegistry.claim(target: name, replica: route.apply.replica, on: connection)
        try ReadOnlyGuard.remove(on: connection, database: route.apply.database, table: route.apply.table)
        try connection.execute("DROP TABLE IF EXISTS \(route.apply.qualifiedName)")
        try connection.executeAlone(recreated.createStatement)
        try ReplicaRegistry.record(target: name, replicas: [route.apply.replica], on: connection)
        try ReadOnlyGuard.install(on: connection, database: route.apply.database, table: route.apply.table)
        plan.routes[chunk.source]?.apply.keyColumns = recreated.structure.primaryKey
        logger.info("target \(name): \(route.apply.database).\(route.apply.table) created anew from \(chunk.source) as of \(chunk.position)")
    }

    /// A target transaction committed: the log, the metrics and the status learn what it carried.
    private func committed(_ group: GroupSummary) {
        logGroup(group, result: "committed")
        let now = Date()
        let target = [("target", name)]
        let counts = group.counts
        for (table, count) in counts.rowsPerTable { metrics.count("tablemirror_rows_applied_total", target + [("table", table)], by: count) }
        metrics.count("tablemirror_transactions_applied_total", target, by: counts.transactions)
        metrics.count("tablemirror_dead_letters_total", target, by: counts.deadLetters)
        metrics.count("tablemirror_copied_rows_total", target, by: counts.copiedRows)
        metrics.time("tablemirror_apply_seconds", target, seconds: now.timeIntervalSince(groupTimer.started))
        status.update(name) {
            for (table, rows) in counts.rowsPerTable {
                $0.tablesAppliedAt[table] = now.timeIntervalSince1970
                $0.rowsPerTable[table, default: 0] += rows
            }
            $0.checkpoint = group.checkpoint
            $0.pendingSince = nil
            $0.appliedTransactions += counts.transactions
            $0.appliedRows += counts.rows
            $0.targetTransactions += 1
            $0.finishedCopies += counts.finishedCopies
            $0.deadLetters += counts.deadLetters
        }
    }

    /// One structured line per target transaction: id, source positions, rows, start, end, result.
    private func logGroup(_ group: GroupSummary, result: String) {
        let counts = group.counts
        let metadata: Logger.Metadata = [
            "target": "\(name)", "group": "\(group.number)", "from": "\(group.from.map { "\($0)" } ?? "-")",
            "to": "\(group.to.map { "\($0)" } ?? "-")", "transactions": "\(counts.transactions)", "rows": "\(counts.rows)",
            "chunks": "\(counts.copyChunks)", "dead_letters": "\(counts.deadLetters)", "start": "\(Self.timestamp(groupTimer.started))",
            "end": "\(Self.timestamp(Date()))", "result": "\(result)",
        ]
        if result != "committed" {
            logger.warning("group", metadata: metadata)
        } else if counts.transactions == 0 && counts.copyChunks == 0 {
            logger.debug("group", metadata: metadata)  // only the checkpoint moved past other tables' transactions
        } else {
            logger.info("group", metadata: metadata)
        }
    }

    private static func timestamp(_ date: Date) -> String {
        String(format: "%.6f", date.timeIntervalSince1970)
    }

    /// Each change in its own statement, so a refused one is known exactly: it goes to the dead letters
    /// (`on_error: dead-letter`, undone to a savepoint) or stops the target right at its transaction (`stop`).
    private func applyOneByOne(_ table: TableChanges) throws {
        var deadLetters = 0
        defer { core.deadLettered(deadLetters) }
        for change in table.changes {
            let sql = RowChangeSQL.statements(for: [change], plan: table.plan).joined(separator: ";\n")
            guard !sql.isEmpty else { continue }
            guard fits(sql) else { throw tooLarge(change, keyColumns: table.plan.keyColumns, bytes: sql.utf8.count) }
            guard table.onError == .deadLetter else {
                try connection.execute(sql)
                continue
            }
            guard let error = try connection.refusal(of: "SAVEPOINT tm_change;\n" + sql) else { continue }
            try connection.execute("ROLLBACK TO SAVEPOINT tm_change")
            try connection.execute(DeadLetterStore.insertStatement(target: name, change: change, keyColumns: table.plan.keyColumns,
                                                                    error: error))
            deadLetters += 1
            logger.error("target \(name): \(change.operation.rawValue) on \(change.database).\(change.table) at \(change.file):\(change.startOffset) dead-lettered: [\(error.code)] \(error.message)")
        }
    }

    private func tooLarge(_ change: RowChangeMessage, keyColumns: [Int], bytes: Int) -> RowTooLarge {
        let names = change.columnNames
        let key = keyColumns.compactMap { names.indices.contains($0) ? names[$0] : nil }
        return RowTooLarge(table: "\(change.database).\(change.table)", keyColumns: key,
                           position: BinlogPosition(file: change.file, offset: change.startOffset), what: change.operation.rawValue,
                           bytes: bytes, limit: maxPacket)
    }

    /// One round trip per text (BEGIN, rows, and at the end the checkpoint and COMMIT, joined as far as they fit).
    /// None longer than the target's packet limit is sent.
    private func send(_ texts: [TargetText]) throws {
        for text in texts where !fits(text.sql) { throw StatementTooLarge(bytes: text.sql.utf8.count, limit: maxPacket) }
        // A statement that large is a large row's: it is sent while nothing else is built, so that no two of
        // them are held at once (the memory bound counts one).
        guard texts.allSatisfy({ $0.byteCount < GroupStatements.sendSize }) else {
            try pipeline.drain()
            for text in texts { try connection.execute(text.sql, serving: text.rows) }
            return
        }
        try pipeline.submit(texts)
    }
}
