import BinlogDecoding
import Foundation

/// The apply core of one target: told each item of the stream in order (`ApplyInput`), it returns what to do
/// on the target (`ApplyStep`), for `TargetApplier` to perform on the connection. It decides which source
/// transactions were applied before, when a target transaction begins and commits (several source transactions
/// to one while more are waiting, never in the middle of one), what the commit writes with the rows (checkpoint,
/// table activity), when changes go one by one, and what is rolled back. No connection and no I/O: the clock is
/// the only thing it reads, and a test can set it.
struct ApplyGroup {
    let target: String
    /// Source transactions grouped into one target transaction at most.
    let groupLimit: Int
    /// Reads the time written as the tables' last activity.
    var clock: () -> Date = Date.init

    /// Where the target's rows are as of its last commit: a source transaction starting before it was applied.
    /// Set by the executor once it has read the target's checkpoint row.
    var checkpoint: Checkpoint?
    /// Run in every target transaction before its checkpoint is written: with `ha:`, fails the commit unless this
    /// daemon still holds the target's lease (`LeaseStore.fenceStatement`).
    var fence: String?
    /// Source transactions starting at or before this position are applied carefully: each in its own target
    /// transaction, each row change in its own statement, so a refused change is known exactly.
    var carefulUntil: BinlogPosition?
    /// The current source transaction is applied carefully.
    private(set) var isCareful = false
    /// The current source transaction was applied before: its rows are dropped.
    private(set) var isSkipping = false
    /// Where the source transactions handed over had got (for a careful rerun after a failure).
    private(set) var lastSeen: BinlogPosition?

    /// A target transaction is open: BEGIN is queued or sent, COMMIT not yet.
    private var isOpen = false
    /// BEGIN has reached the server: an abandoned group must be rolled back there.
    private var isBegunOnServer = false
    /// A source transaction has begun in the open target transaction and has not committed yet.
    private var isMidTransaction = false
    /// Some pieces of a copy chunk are in the open target transaction, not yet the last.
    private var isMidChunk = false
    /// The checkpoint the open target transaction writes when it commits.
    private var groupEnd: Checkpoint?
    private var pending = GroupStatements()
    private var group: GroupSummary
    /// Source commit time of the first transaction in the open target transaction.
    private var oldestPending: UInt32?
    /// The steps last returned end with a COMMIT the executor has not confirmed yet (it confirms by asking for the
    /// next steps): if it abandons instead, that transaction failed on the server and is rolled back there.
    private var unconfirmedCommit: (summary: GroupSummary, checkpointBefore: Checkpoint?)?

    init(target: String, checkpoint: Checkpoint?, groupLimit: Int = 500) {
        self.target = target
        self.checkpoint = checkpoint
        self.groupLimit = groupLimit
        group = GroupSummary(number: 0)
    }

    /// The open target transaction holds complete source transactions (or copy chunks) only: it may commit now.
    var isAtBoundary: Bool { isOpen && (groupEnd != nil || group.counts.copyChunks > 0) && !isMidTransaction && !isMidChunk }

    /// Numbers this target's transactions, from 1 (the open one, or the last).
    var groupNumber: Int { group.number }

    mutating func next(_ input: ApplyInput) throws -> [ApplyStep] {
        let failedCommit = unconfirmedCommit
        unconfirmedCommit = nil
        if case .abandon = input, let failed = failedCommit {
            checkpoint = failed.checkpointBefore
            reset()
            return [.rollBack(failed.summary, onServer: true)]
        }
        switch input {
        case let .begin(start):
            isSkipping = checkpoint.map { start.position.isBefore($0.position) } ?? false
            isMidTransaction = !isSkipping
            lastSeen = start.position
            isCareful = carefulUntil.map { !$0.isBefore(start.position) } ?? false
            guard !isSkipping, oldestPending == nil else { return [] }
            oldestPending = start.timestamp
            return [.pendingSince(start.timestamp)]
        case let .rows(tables):
            guard !isSkipping else { return [] }
            return rows(tables)
        case let .commit(commit):
            defer { isSkipping = false }
            guard !isSkipping, isOpen else { return [] }
            // The target transaction stays open: `handled` decides when the group commits.
            groupEnd = Checkpoint(position: commit.endPosition, gtid: commit.gtid, sourceTimestamp: commit.timestamp)
            group.counts.transactions += 1
            isMidTransaction = false
            lastSeen = commit.endPosition
            return []
        case let .passed(commit):
            guard checkpoint.map({ $0.position.isBefore(commit.endPosition) }) ?? true else { return [] }
            open(at: commit.endPosition)
            groupEnd = Checkpoint(position: commit.endPosition, gtid: commit.gtid, sourceTimestamp: commit.timestamp)
            return []
        case let .schemaChange(work):
            return try commitBeforeDDL("schema change at \(work.position)") + [.runSchemaChange(work)]
        case let .schemaChangeApplied(work):
            guard !work.inTransaction else { return [] }
            let moved = Checkpoint(position: work.end, gtid: work.gtid, sourceTimestamp: work.timestamp)
            checkpoint = moved
            return [.checkpointMoved(moved)]
        case let .readmit(table):
            return try commitBeforeDDL("taking \(table) back") + [.readmit(table)]
        case let .rebuild(chunk):
            return try commitBeforeDDL("rebuilding the replica of \(chunk.source)") + [.rebuildReplica(chunk)]
        case let .copyChunk(chunk, rebuilt):
            return copy(chunk, rebuilt: rebuilt)
        case let .handled(moreWaiting):
            // Group commit: complete source transactions share one target transaction while more are already
            // waiting, up to a limit; a lone transaction commits at once, so latency stays low.
            guard !moreWaiting || isCareful || group.counts.transactions >= groupLimit else { return [] }
            return commit()
        case .end:
            return commit()
        case .abandon:
            defer { reset() }
            guard isOpen else { return [] }
            return [.rollBack(summary(to: lastSeen), onServer: isBegunOnServer)]
        }
    }

    /// Dead letters written by an `applyOneByOne` step, counted with the open group.
    mutating func deadLettered(_ count: Int) {
        group.counts.deadLetters += count
    }

    private mutating func rows(_ tables: [TableChanges]) -> [ApplyStep] {
        open(at: lastSeen)
        var steps: [ApplyStep] = []
        for changes in tables {
            if isCareful {
                pending.closeFolds()
                steps += sendPending()
                steps.append(.applyOneByOne(changes))
            } else {
                pending.add(changes.changes, to: changes.table, plan: changes.plan)
            }
            group.counts.rows += changes.changes.count
            group.counts.rowsPerTable[changes.table.description, default: 0] += changes.changes.count
        }
        return steps + (pending.isWorthSending ? sendPending() : [])
    }

    private mutating func copy(_ chunk: TableChunk, rebuilt: Bool) -> [ApplyStep] {
        open(at: chunk.position)
        if rebuilt, let recreated = chunk.recreated {
            pending.append([SchemaHistoryStore.recordStatement(target: target, table: chunk.source, position: chunk.position,
                                                               statement: "(copied anew from the source)", structure: recreated.structure),
                            SchemaChangeMarker.clearStatement(target: target)])
            // The checkpoint moves to the chunk, so a restart never replays the table's older events onto its new
            // structure (every transaction before the chunk is applied by then).
            if checkpoint.map({ $0.position.isBefore(chunk.position) }) ?? true {
                groupEnd = Checkpoint(position: chunk.position, gtid: chunk.gtid, sourceTimestamp: checkpoint?.sourceTimestamp ?? 0)
            }
        }
        // Folded changes of earlier transactions go first: the chunk replaces rows as of its position.
        pending.closeFolds()
        pending.append(chunk.statements)
        group.counts.copiedRows += chunk.rowCount
        // Many chunks may share a group on a quiet source: each round trip stays under the packet limit.
        let steps = pending.isWorthSending ? sendPending() : []
        // A piece of a chunk that continues keeps the transaction open until its last piece.
        isMidChunk = chunk.continues
        guard !chunk.continues else { return steps }
        group.counts.copyChunks += 1
        if chunk.isLast { group.counts.finishedCopies += 1 }
        return steps
    }

    /// Starts a target transaction unless one is open: BEGIN is queued, sent with the first statements.
    private mutating func open(at position: BinlogPosition?) {
        guard !isOpen else { return }
        pending.append(["BEGIN"])
        isOpen = true
        group = GroupSummary(number: group.number + 1, from: position)
    }

    /// What comes before DDL (which commits on its own, and whose changes must not share a target transaction with
    /// rows) commits first, with its checkpoint; a source transaction only partly applied cannot.
    private mutating func commitBeforeDDL(_ what: String) throws -> [ApplyStep] {
        let steps = commit()
        guard !isOpen else { throw EngineError.invalidArgument("\(what) inside an unfinished transaction") }
        return steps
    }

    /// Commits the open target transaction — every complete source transaction in it, with the checkpoint of the
    /// last — unless a source transaction (or a copy chunk) is still only partly in it.
    private mutating func commit() -> [ApplyStep] {
        guard isAtBoundary else { return [] }
        pending.closeFolds()
        if let fence { pending.append([fence]) }
        if let end = groupEnd { pending.append([CheckpointStore.writeStatement(target: target, end)]) }
        if let activity = TableActivityStore.writeStatement(target: target, tables: group.counts.rowsPerTable.keys, at: clock()) {
            pending.append([activity])
        }
        pending.append(["COMMIT"])
        let send = sendPending()
        let checkpointBefore = checkpoint
        if let end = groupEnd { checkpoint = end }
        let committed = summary(to: groupEnd?.position)
        reset()
        unconfirmedCommit = (committed, checkpointBefore)
        return send + [.committed(committed)]
    }

    private mutating func sendPending() -> [ApplyStep] {
        let texts = pending.take().filter { !$0.sql.isEmpty }
        guard !texts.isEmpty else { return [] }
        isBegunOnServer = true
        return [.send(texts)]
    }

    private func summary(to end: BinlogPosition?) -> GroupSummary {
        var summary = group
        summary.to = end
        summary.checkpoint = checkpoint
        return summary
    }

    /// No target transaction is open any more.
    private mutating func reset() {
        pending.discard()
        isOpen = false
        isBegunOnServer = false
        isMidTransaction = false
        isMidChunk = false
        groupEnd = nil
        oldestPending = nil
        group = GroupSummary(number: group.number)
    }
}
