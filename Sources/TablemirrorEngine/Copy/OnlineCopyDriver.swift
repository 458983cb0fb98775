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

    private let plan: ReplicationPlan.TargetPlan
    private let sourceOptions: ConnectionOptions
    private let targetConnection: MariaDBConnection
    private var sourceConnection: MariaDBConnection?
    private var copies: [ActiveCopy] = []
    /// A chunk read at a position the reader has not reached yet.
    private var held: TableChunk?
    private var lastPoll = Date.distantPast
    /// Requests (generation|table) whose last chunk went to the applier.
    private var handedOver = Set<String>()
    private let logger: Logger
    private let status: ReplicatorStatus

    private struct ActiveCopy {
        var reader: TableChunkReader
        var lastKey: [String]?
        /// A repair of these rows only.
        var onlyKeys: [[String]]?
        var generation: String
        var rows: Int
        var estimatedRows: Int?
        var progress: ProgressReport
    }

    init(plan: ReplicationPlan.TargetPlan, source: ConnectionOptions, target: ConnectionOptions, status: ReplicatorStatus,
         logger: Logger) throws {
        self.plan = plan
        sourceOptions = source
        targetConnection = try MariaDBConnection(target)
        self.status = status
        self.logger = logger
        try poll()
    }

    /// Chunks due where the reader stands between two transactions, having read everything before `position`.
    func chunks(atBoundary position: BinlogPosition) throws -> [TableChunk] {
        var due: [TableChunk] = []
        if let chunk = held, !position.isBefore(chunk.position) {
            due.append(chunk)
            held = nil
        }
        if Date().timeIntervalSince(lastPoll) >= Self.pollInterval { try poll() }
        var budget = Self.chunksPerBoundary
        while held == nil, budget > 0, !copies.isEmpty {
            let chunk = try readNextChunk()
            if position.isBefore(chunk.position) {
                held = chunk  // the source moved on meanwhile: the chunk waits for the reader
            } else {
                due.append(chunk)
            }
            budget -= 1
        }
        return due
    }

    /// A held chunk due before the transaction starting at `position`.
    func chunks(before position: BinlogPosition) -> [TableChunk] {
        guard let chunk = held, !position.isBefore(chunk.position) else { return [] }
        held = nil
        return [chunk]
    }

    private func readNextChunk() throws -> TableChunk {
        let source = try sourceConnection ?? MariaDBConnection(sourceOptions)
        sourceConnection = source
        var copy = copies[0]
        let chunk: TableChunk
        if let keys = copy.onlyKeys {
            chunk = try copy.reader.rows(withKeys: keys, generation: copy.generation, source: source)
        } else {
            let (next, lastKey) = try copy.reader.next(after: copy.lastKey, estimatedRows: copy.estimatedRows,
                                                       generation: copy.generation, source: source)
            chunk = next
            copy.lastKey = lastKey
        }
        copy.rows += chunk.rowCount
        let table = plan.routes[chunk.source].map { "\(plan.target.name):\($0.apply.database).\($0.apply.table)" } ?? "\(chunk.source)"
        if let line = copy.progress.line(rows: copy.rows, finished: chunk.isLast) {
            logger.info("copy of \(chunk.source) into \(table): \(line)")
        }
        status.update(plan.target.name) { $0.copies[chunk.source.description] = chunk.isLast ? nil : copy.rows }
        if chunk.isLast {
            // Until the applier commits it, the target still says "copying": do not take it up again.
            handedOver.insert(copy.generation + "|" + chunk.source.description)
            copies.removeFirst()
        } else {
            copies[0] = copy
        }
        return chunk
    }

    /// Takes up copies the target records as unfinished (requested, or interrupted by a restart).
    private func poll() throws {
        lastPoll = Date()
        let unfinished = try CopyProgressStore.unfinished(target: plan.target.name, on: targetConnection)
        for progress in unfinished where !handedOver.contains(progress.generation + "|" + progress.source.description) {
            if let active = copies.firstIndex(where: { $0.reader.route.source == progress.source }) {
                // A new request for a table being copied replaces the old one (its chunks no longer count).
                guard copies[active].generation != progress.generation else { continue }
                copies.remove(at: active)
            }
            guard let route = plan.routes[progress.source] else {
                logger.warning("copy of \(progress.source) into \(plan.target.name) ignored: no mapping routes it there")
                continue
            }
            let source = try sourceConnection ?? MariaDBConnection(sourceOptions)
            sourceConnection = source
            let restart = progress.state == .requested
            let estimate = restart || progress.estimatedRows == nil ? try TableSize.estimatedRows(route.source, on: source) : progress.estimatedRows
            let reader = try TableChunkReader(route: route, target: plan.target.name, source: source)
            copies.append(ActiveCopy(reader: reader, lastKey: restart ? nil : progress.lastKey, onlyKeys: progress.onlyKeys,
                                     generation: progress.generation,
                                     rows: restart ? 0 : progress.rows,
                                     estimatedRows: estimate, progress: ProgressReport(total: estimate, startRows: restart ? 0 : progress.rows)))
            logger.info("copy of \(route.source) into \(plan.target.name) \(restart ? "started" : "resumed") (\(progress.reason))")
        }
    }
}
