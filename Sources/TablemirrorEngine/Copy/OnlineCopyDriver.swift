import BinlogDecoding
import Foundation
import Logging
import MariaDBClient

/// Runs a target's online table copies (mappings added later, resyncs) from inside its reader, so each chunk
/// enters the stream at its exact snapshot position. At a transaction boundary — where the reader has read
/// everything up to `position` and nothing after — it reads the next chunk from a fresh snapshot, whose
/// position is at or after the reader's; the chunk is handed to the applier once the reader gets there. The
/// stream pauses only while one chunk is read, so it keeps flowing for every table, the copied one included.
final class OnlineCopyDriver {
    /// Chunks read back to back at one boundary when the source is quiet (each lands at once).
    static let chunksPerBoundary = 32
    /// How often the target is asked for new requests (`tablemirror resync`).
    static let pollInterval: TimeInterval = 1

    private let target: String
    /// The target's routes as of the reader's position (schema changes move, add and remove them).
    private var routes: [QualifiedTableName: ReplicationPlan.Route]
    private let sourceOptions: ConnectionOptions
    /// How copies take their snapshots (`source.snapshot`).
    private let snapshotMethod: ConsistentSnapshot.Method
    private let targetConnection: MariaDBConnection
    private var sourceConnection: MariaDBConnection?
    /// Where chunks' snapshots take their table lock (`table-lock` method): one connection for all of them.
    private var lockConnection: MariaDBConnection?
    private var copies: [ActiveCopy] = []
    /// A read at a position the reader has not reached yet.
    private var held: HeldRead?
    private var lastPoll = Date.distantPast
    /// Requests (generation|table) whose last chunk went to the applier.
    private var handedOver = Set<String>()
    private let logger: Logger
    private let status: ReplicatorStatus
    /// Tables whose replica is rebuilt by a copy whose first chunk has not reached the applier: their events up
    /// to that chunk are not replayed (the chunk brings the structure and rows as of its position).
    private(set) var suspended = Set<QualifiedTableName>()
    /// No chunk is read before this time (a table changed under the copy; the reader catches up first).
    private var pausedUntil = Date.distantPast

    /// What waits for the reader to reach a snapshot's position: a chunk read from it (bounded), or — for a table
    /// without a primary key — the snapshot itself, open on the source connection, whose rows are streamed to the
    /// applier once the reader is there (the table's metadata lock holds its structure until then).
    private enum HeldRead {
        case chunk(TableChunk)
        case wholeTable(TableChunkReader.OpenRead, ActiveCopy)

        var position: BinlogPosition {
            switch self {
            case let .chunk(chunk): chunk.position
            case let .wholeTable(open, _): open.snapshot.position
            }
        }

        var source: QualifiedTableName {
            switch self {
            case let .chunk(chunk): chunk.source
            case let .wholeTable(_, copy): copy.reader.route.source
            }
        }
    }

    private struct ActiveCopy {
        var reader: TableChunkReader
        var lastKey: [String]?
        /// A repair of these rows only.
        var onlyKeys: [[String]]?
        var recreate: Bool
        var generation: String
        var rows: Int
        var estimatedRows: Int?
        var progress: ProgressReport
        var lockHolds = LockHoldTimes()
    }

    init(plan: ReplicationPlan.TargetPlan, source: ConnectionOptions, target: ConnectionOptions, status: ReplicatorStatus,
         logger: Logger) throws {
        self.target = plan.target.name
        routes = plan.routes
        snapshotMethod = plan.snapshot
        sourceOptions = source
        targetConnection = try MariaDBConnection(target)
        self.status = status
        self.logger = logger
        try poll()
    }

    /// Hands `send` the chunks due where the reader stands between two transactions, having read everything
    /// before `position`.
    func deliver(atBoundary position: BinlogPosition, to send: (TableChunk) throws -> Void) throws {
        try deliverHeld(before: position, to: send)
        if Date().timeIntervalSince(lastPoll) >= Self.pollInterval { try poll() }
        var budget = Self.chunksPerBoundary
        while held == nil, budget > 0, !copies.isEmpty, Date() >= pausedUntil {
            guard let read = try readNext() else { break }
            // The source may have moved on meanwhile: then the read waits for the reader.
            held = read
            try deliverHeld(before: position, to: send)
            budget -= 1
        }
    }

    /// Hands `send` a held read due before the transaction starting at `position`.
    func deliver(before position: BinlogPosition, to send: (TableChunk) throws -> Void) throws {
        try deliverHeld(before: position, to: send)
    }

    private func deliverHeld(before position: BinlogPosition, to send: (TableChunk) throws -> Void) throws {
        guard let read = held, !position.isBefore(read.position) else { return }
        held = nil
        switch read {
        case let .chunk(chunk):
            try send(handOver(chunk))
        case .wholeTable(let open, var copy):
            guard let source = sourceConnection else { return }
            defer { copy.reader.close(source: source) }
            let rows = try copy.reader.streamWhole(open, estimatedRows: copy.estimatedRows, generation: copy.generation, source: source) {
                try send(handOver($0))
            }
            if let line = copy.progress.line(rows: rows, finished: true) {
                logger.info("copy of \(copy.reader.route.source) into \(target) (no primary key, one snapshot): \(line)")
            }
            status.update(target) { $0.copies[copy.reader.route.source.description] = nil }
        }
    }

    private func handOver(_ chunk: TableChunk) -> TableChunk {
        if chunk.recreated != nil { suspended.remove(chunk.source) }
        return chunk
    }

    /// The reader has applied a schema change: copies follow their tables' new names, and end with the tables.
    func update(routes: [QualifiedTableName: ReplicationPlan.Route], removed: [QualifiedTableName], recreated: [QualifiedTableName]) throws {
        self.routes = routes
        let ends = { (table: QualifiedTableName) in removed.contains(table) || recreated.contains(table) || routes[table] == nil }
        for copy in copies where ends(copy.reader.route.source) {
            let table = copy.reader.route.source
            if routes[table] == nil && !removed.contains(table) {
                logger.info("copy of \(table) into \(target) starts over under the table's new name")
            }
            status.update(target) { $0.copies[table.description] = nil }
        }
        copies.removeAll { ends($0.reader.route.source) }
        for index in copies.indices {
            if let route = routes[copies[index].reader.route.source] { copies[index].reader.route = route }
        }
        if let read = held, ends(read.source) {
            if case let .wholeTable(_, copy) = read, let source = sourceConnection { copy.reader.close(source: source) }
            held = nil
        }
        suspended = suspended.filter { routes[$0] != nil }
        pausedUntil = .distantPast
        // A table copied anew is suspended from here: its next events must not reach the old replica.
        if !recreated.isEmpty { try poll() }
    }

    /// The next read of the first copy, or nil when the source's table has changed ahead of the reader (renamed,
    /// dropped, altered after the snapshot began): reading waits until the reader has caught up with that change.
    private func readNext() throws -> HeldRead? {
        let source = try sourceConnection ?? MariaDBConnection(sourceOptions)
        sourceConnection = source
        if lockConnection == nil, ConsistentSnapshot.needsTableLock(snapshotMethod, on: source) {
            lockConnection = try MariaDBConnection(sourceOptions)
        }
        var copy = copies[0]
        let chunk: TableChunk
        do {
            if let keys = copy.onlyKeys {
                chunk = try copy.reader.rows(withKeys: keys, generation: copy.generation, source: source, lock: lockConnection)
            } else {
                // Only the first chunk of a rebuild carries the structure (a crash before it commits reads it again).
                let open = try copy.reader.open(source: source, lock: lockConnection,
                                                recreate: copy.recreate && suspended.contains(copy.reader.route.source))
                copy.lockHolds.add(open.snapshot.lockHeldSeconds)
                if open.format.keyColumns.isEmpty {
                    // Read whole once the reader is there: the copy is handed over from here on.
                    handedOver.insert(copy.generation + "|" + copy.reader.route.source.description)
                    copies.removeFirst()
                    return .wholeTable(open, copy)
                }
                defer { copy.reader.close(source: source) }
                let (next, lastKey) = try copy.reader.next(after: copy.lastKey, in: open, estimatedRows: copy.estimatedRows,
                                                           generation: copy.generation, source: source)
                chunk = next
                copy.lastKey = lastKey
            }
        } catch let error as MariaDBError where Self.changedAhead.contains(error.code) {
            logger.debug("copy of \(copy.reader.route.source) into \(target) waits for the stream: \(error)")
            pausedUntil = Date().addingTimeInterval(Self.pollInterval)
            return nil
        } catch let EngineError.database(error) where error.code == 1205 {
            // The table lock of a `table-lock` snapshot waited too long for a writer's open transaction.
            logger.info("copy of \(copy.reader.route.source) into \(target) waits: the table could not be locked for its snapshot (\(error))")
            pausedUntil = Date().addingTimeInterval(Self.pollInterval)
            return nil
        }
        copy.rows += chunk.rowCount
        let table = routes[chunk.source].map { "\(target):\($0.apply.database).\($0.apply.table)" } ?? "\(chunk.source)"
        if let line = copy.progress.line(rows: copy.rows, finished: chunk.isLast) {
            let locks = chunk.isLast ? copy.lockHolds.summary.map { "; \($0)" } ?? "" : ""
            logger.info("copy of \(chunk.source) into \(table): \(line)\(locks)")
        }
        status.update(target) { $0.copies[chunk.source.description] = chunk.isLast ? nil : copy.rows }
        if chunk.isLast {
            // Until the applier commits it, the target still says "copying": do not take it up again.
            handedOver.insert(copy.generation + "|" + chunk.source.description)
            copies.removeFirst()
        } else {
            copies[0] = copy
        }
        return .chunk(chunk)
    }

    /// Takes up copies the target records as unfinished (requested, or interrupted by a restart).
    /// Errors of a read that met a table changed ahead of the reader: no such table, unknown column, table
    /// definition changed after the snapshot began.
    static let changedAhead: Set<UInt32> = [1146, 1054, 1412]

    private func poll() throws {
        lastPoll = Date()
        let unfinished = try CopyProgressStore.unfinished(target: target, on: targetConnection)
        for progress in unfinished where !handedOver.contains(progress.generation + "|" + progress.source.description) {
            if let active = copies.firstIndex(where: { $0.reader.route.source == progress.source }) {
                // A new request for a table being copied replaces the old one (its chunks no longer count).
                guard copies[active].generation != progress.generation else { continue }
                copies.remove(at: active)
            }
            guard let route = routes[progress.source] else {
                logger.warning("copy of \(progress.source) into \(target) ignored: no mapping routes it there")
                continue
            }
            let source = try sourceConnection ?? MariaDBConnection(sourceOptions)
            sourceConnection = source
            let restart = progress.state == .requested
            let estimate = restart || progress.estimatedRows == nil ? try TableSize.estimatedRows(route.source, on: source) : progress.estimatedRows
            let reader = TableChunkReader(route: route, target: target, snapshot: snapshotMethod,
                                          targetVersion: ServerVersion(targetConnection.serverVersion))
            // A rebuild not yet begun in the target: the table's events wait for its first chunk.
            if progress.recreate && restart { suspended.insert(progress.source) }
            copies.append(ActiveCopy(reader: reader, lastKey: restart ? nil : progress.lastKey, onlyKeys: progress.onlyKeys,
                                     recreate: progress.recreate, generation: progress.generation,
                                     rows: restart ? 0 : progress.rows,
                                     estimatedRows: estimate, progress: ProgressReport(total: estimate, startRows: restart ? 0 : progress.rows)))
            logger.info("copy of \(route.source) into \(target) \(restart ? "started" : "resumed") (\(progress.reason))")
        }
    }
}
