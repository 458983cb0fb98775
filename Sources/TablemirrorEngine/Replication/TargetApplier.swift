import BinlogDecoding
import MariaDBClient

/// Applies the source's transactions to one target, each in one target transaction together with the
/// target's checkpoint. Lives on its own thread: every call blocks on the target's connection.
final class TargetApplier {
    let plan: ReplicationPlan.TargetPlan
    private let connection: MariaDBConnection
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

    init(plan: ReplicationPlan.TargetPlan, options: ConnectionOptions, status: ReplicatorStatus) throws {
        self.plan = plan
        self.status = status
        connection = try MariaDBConnection(options)
        // Values are written in UTC and exactly as decoded: no automatic ids for an explicit 0, no strict-mode
        // rejections of values the source accepted (zero dates, say).
        try connection.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'")
    }

    /// Reads the checkpoint; a target without one gets its tables copied from a snapshot first.
    func prepare(onCopy: () -> Void, source: () throws -> MariaDBConnection) throws {
        try CheckpointStore.ensureSchema(connection)
        checkpoint = try CheckpointStore.read(target: name, from: connection)
        guard checkpoint == nil else { return }
        onCopy()
        let snapshotConnection = try source()
        let snapshot = try InitialCopy.run(routes: Array(plan.routes.values), source: snapshotConnection, target: connection,
                                           writer: connection.options.user)
        let start = Checkpoint(position: snapshot.position, gtid: snapshot.gtidPosition, sourceTimestamp: 0)
        try connection.execute(CheckpointStore.writeStatement(target: name, start))
        checkpoint = start
    }

    func handle(_ item: ApplyItem) throws {
        switch item {
        case let .begin(start):
            isSkipping = checkpoint.map { start.position.isBefore($0.position) } ?? false
            isMidTransaction = !isSkipping
        case let .rows(rows):
            guard !isSkipping else { return }
            if !isOpen {
                pending.append(["BEGIN"])
                isOpen = true
            }
            var byTable: [QualifiedTableName: [RowChangeMessage]] = [:]
            var order: [QualifiedTableName] = []
            for row in rows {
                let table = QualifiedTableName(database: row.database, table: row.table)
                if byTable[table] == nil { order.append(table) }
                byTable[table, default: []].append(row)
            }
            for table in order {
                guard let route = plan.routes[table], var changes = byTable[table] else { continue }
                if let condition = route.rowFilter {
                    changes = try RowFilter(condition: condition).apply(to: changes, using: connection)
                }
                pending.add(changes, to: table, plan: route.apply)
                pendingRowCount += changes.count
            }
            if pending.isWorthSending { try send(pending.take()) }
        case let .commit(commit):
            defer { isSkipping = false }
            guard !isSkipping, isOpen else { return }
            // The target transaction stays open: the caller commits the group (see `commitGroup`).
            groupEnd = Checkpoint(position: commit.endPosition, gtid: commit.gtid, sourceTimestamp: commit.timestamp)
            groupedTransactions += 1
            isMidTransaction = false
        }
    }

    /// Source transactions complete in the open target transaction, not yet committed.
    private(set) var groupedTransactions = 0
    private var groupEnd: Checkpoint?

    /// Commits the open target transaction — every complete source transaction in it, with the checkpoint of
    /// the last — unless a source transaction is still only partly in it.
    func commitGroup() throws {
        guard let next = groupEnd, isOpen else { return }
        pending.closeFolds()
        pending.append([CheckpointStore.writeStatement(target: name, next), "COMMIT"])
        try send(pending.take())
        isOpen = false
        isBegunOnServer = false
        checkpoint = next
        let rows = pendingRowCount, transactions = groupedTransactions
        pendingRowCount = 0
        groupedTransactions = 0
        groupEnd = nil
        status.update(name) {
            $0.appliedTransactions += transactions
            $0.appliedRows += rows
            $0.targetTransactions += 1
        }
    }

    /// One round trip for everything pending: BEGIN, rows, and at the end the checkpoint and COMMIT.
    private func send(_ sql: String) throws {
        guard !sql.isEmpty else { return }
        isBegunOnServer = true
        try connection.execute(sql)
    }

    /// Whether the open target transaction holds complete source transactions only (it may be committed now).
    var isAtGroupBoundary: Bool { isOpen && groupEnd != nil && !isMidTransaction }
    /// A source transaction has begun in the open target transaction and has not yet committed.
    private var isMidTransaction = false

    /// Rolls back an open target transaction (on shutdown or error): nothing half-applied stays.
    func abandon() {
        if isBegunOnServer { try? connection.execute("ROLLBACK") }
        pending.discard()
        isOpen = false
        isBegunOnServer = false
        pendingRowCount = 0
        groupedTransactions = 0
        groupEnd = nil
        isMidTransaction = false
    }
}
