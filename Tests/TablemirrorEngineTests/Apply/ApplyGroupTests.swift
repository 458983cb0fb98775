import Foundation
import Testing
@testable import BinlogDecoding
@testable import TablemirrorEngine

/// The apply core without a server: which steps each item of the stream gives.
struct ApplyGroupTests {
    private let table = QualifiedTableName(database: "product", table: "items")
    private let plan = TableApplyPlan(database: "orders", table: "items", keyColumns: [0])

    private func group(checkpoint offset: UInt64? = nil, limit: Int = 500) -> ApplyGroup {
        var group = ApplyGroup(target: "orders", checkpoint: offset.map { Checkpoint(position: at($0), gtid: nil, sourceTimestamp: 0) },
                               groupLimit: limit)
        group.clock = { Date(timeIntervalSince1970: 1_000_000) }
        return group
    }

    private func at(_ offset: UInt64) -> BinlogPosition { BinlogPosition(file: "bin.000001", offset: offset) }
    private func begin(_ offset: UInt64) -> ApplyInput { .begin(TransactionStart(position: at(offset), gtid: nil, timestamp: 7)) }
    private func commit(_ offset: UInt64) -> ApplyInput { .commit(TransactionCommit(endPosition: at(offset), gtid: nil, xid: 1, timestamp: 8)) }
    private func passed(_ offset: UInt64) -> ApplyInput { .passed(TransactionCommit(endPosition: at(offset), gtid: nil, xid: 1, timestamp: 8)) }
    private func insert(_ id: Int64, onError: Configuration.ErrorPolicy = .stop) -> ApplyInput {
        .rows([TableChanges(table: table, plan: plan, onError: onError, changes: [rowChange(.insert, after: [.signed(id), .text("a")])])])
    }

    private func chunk(_ offset: UInt64, _ statements: [String], continues: Bool = false, recreated: Bool = false) -> TableChunk {
        TableChunk(source: table, position: at(offset), gtid: nil, statements: statements, rowCount: statements.count, isLast: !continues,
                   recreated: recreated ? .init(createStatement: "CREATE TABLE x (id INT PRIMARY KEY)", structure: TableSchemaHint(columns: [], primaryKey: [])) : nil,
                   continues: continues)
    }

    /// Steps as short words, and each sent text's statements, for comparing.
    private func describe(_ steps: [ApplyStep]) -> [String] {
        steps.flatMap { step -> [String] in
            switch step {
            case let .send(texts): texts.flatMap { $0.sql.components(separatedBy: ";\n") }.map { "send " + ($0.split(separator: " ").prefix(2).joined(separator: " ")) }
            case let .applyOneByOne(changes): ["one by one \(changes.changes.count)"]
            case .runSchemaChange: ["schema change"]
            case let .readmit(table): ["readmit \(table)"]
            case .rebuildReplica: ["rebuild"]
            case let .pendingSince(time): ["pending since \(time)"]
            case let .committed(summary): ["committed \(summary.counts.transactions) at \(summary.checkpoint?.position.offset ?? 0)"]
            case let .checkpointMoved(checkpoint): ["checkpoint \(checkpoint.position.offset)"]
            case let .rollBack(_, onServer): ["roll back\(onServer ? " on the server" : "")"]
            }
        }
    }

    private func run(_ group: inout ApplyGroup, _ inputs: ApplyInput...) throws -> [String] {
        try inputs.flatMap { describe(try group.next($0)) }
    }

    @Test func transactionsStartingBeforeTheCheckpointAreSkipped() throws {
        var core = group(checkpoint: 500)
        #expect(try run(&core, begin(100), insert(1), commit(200), .handled(moreWaiting: false)) == [])
        #expect(try run(&core, begin(500), insert(2), commit(600), .handled(moreWaiting: false)) == [
            "pending since 7", "send BEGIN", "send INSERT INTO", "send INSERT INTO", "send INSERT INTO", "send COMMIT", "committed 1 at 600",
        ])
        // The row, then the checkpoint and the table's activity (each an INSERT … ON DUPLICATE KEY UPDATE).
        #expect(core.checkpoint?.position == at(600))
    }

    @Test func aGroupCommitsOnlyAtATransactionBoundary() throws {
        var core = group()
        // Mid-transaction nothing commits, whether the queue is empty or the stream ends.
        #expect(try run(&core, begin(100), insert(1), .handled(moreWaiting: false), .end) == ["pending since 7"])
        // Complete transactions wait for the ones queued behind them, then commit together.
        #expect(try run(&core, commit(200), .handled(moreWaiting: true), begin(200), insert(2), commit(300), .handled(moreWaiting: true)) == [])
        #expect(try run(&core, .handled(moreWaiting: false)).last == "committed 2 at 300")
    }

    @Test func aGroupCommitsAtItsLimitWhileMoreAreWaiting() throws {
        var core = group(limit: 2)
        #expect(try run(&core, begin(100), insert(1), commit(200), .handled(moreWaiting: true)) == ["pending since 7"])
        #expect(try run(&core, begin(200), insert(2), commit(300), .handled(moreWaiting: true)).last == "committed 2 at 300")
    }

    @Test func theEndOfTheStreamCommitsWhatIsCompleteAndRollsBackTheRest() throws {
        var core = group()
        #expect(try run(&core, begin(100), insert(1), commit(200), .end).last == "committed 1 at 200")
        #expect(try run(&core, begin(200), insert(2), .end, .abandon) == ["pending since 7", "roll back"])
        #expect(try run(&core, .abandon) == [])
    }

    @Test func aRollbackGoesToTheServerOnlyOnceBeginReachedIt() throws {
        var core = group()
        #expect(try run(&core, begin(100), insert(1), .abandon) == ["pending since 7", "roll back"])
        // Careful mode sends what is pending (BEGIN) before the first change.
        core.carefulUntil = at(100)
        #expect(try run(&core, begin(100), insert(1), .abandon) == ["pending since 7", "send BEGIN", "one by one 1", "roll back on the server"])
    }

    @Test func aCommitTheExecutorDidNotConfirmIsRolledBackOnTheServer() throws {
        var core = group()
        // The executor abandons right after the steps that end with COMMIT: that text failed on the server.
        #expect(try run(&core, begin(100), insert(1), commit(200), .handled(moreWaiting: false)).last == "committed 1 at 200")
        #expect(try run(&core, .abandon) == ["roll back on the server"])
        #expect(core.checkpoint == nil)
        // Asking for the next steps confirms it: a later abandon with nothing open rolls back nothing.
        #expect(try run(&core, begin(200), insert(2), commit(300), .handled(moreWaiting: false)).last == "committed 1 at 300")
        #expect(try run(&core, begin(300), .abandon) == ["pending since 7"])
        #expect(core.checkpoint?.position == at(300))
    }

    @Test func carefulModeEndsExactlyAtItsLimit() throws {
        var core = group()
        core.carefulUntil = at(200)
        // The transaction starting at the limit is careful and commits alone, however many are waiting.
        #expect(try run(&core, begin(200), insert(1), commit(300), .handled(moreWaiting: true)) == [
            "pending since 7", "send BEGIN", "one by one 1", "send INSERT INTO", "send INSERT INTO", "send COMMIT", "committed 1 at 300",
        ])
        #expect(core.isCareful)
        // The next one, starting after it, is grouped and folded as usual.
        #expect(try run(&core, begin(300), insert(2), commit(400), .handled(moreWaiting: true)) == ["pending since 7"])
        #expect(!core.isCareful)
    }

    @Test func aChunkWritesTheFoldedChangesBeforeItFirst() throws {
        var core = group()
        _ = try run(&core, begin(100), insert(1), commit(200))
        #expect(try run(&core, .copyChunk(chunk(200, ["DELETE chunk", "INSERT chunk"]), rebuilt: false), .handled(moreWaiting: false)) == [
            "send BEGIN", "send INSERT INTO", "send DELETE chunk", "send INSERT chunk", "send INSERT INTO", "send INSERT INTO",
            "send COMMIT", "committed 1 at 200",
        ])
    }

    @Test func aChunkInPiecesKeepsItsTransactionOpenUntilTheLast() throws {
        var core = group()
        #expect(try run(&core, .copyChunk(chunk(200, ["INSERT piece"], continues: true), rebuilt: false), .handled(moreWaiting: false)) == [])
        #expect(try run(&core, .copyChunk(chunk(200, ["INSERT last"]), rebuilt: false), .handled(moreWaiting: false)) == [
            "send BEGIN", "send INSERT piece", "send INSERT last", "send COMMIT", "committed 0 at 0",
        ])
    }

    @Test func aRebuiltReplicasChunkMovesTheCheckpointToIt() throws {
        var core = group(checkpoint: 100)
        let rebuilt = chunk(300, ["INSERT chunk"], recreated: true)
        #expect(try run(&core, .rebuild(rebuilt)) == ["rebuild"])
        let steps = try run(&core, .copyChunk(rebuilt, rebuilt: true), .handled(moreWaiting: false))
        #expect(steps.last == "committed 0 at 300")
        #expect(steps.contains("send INSERT INTO"))  // the schema history's record of the new structure
    }

    @Test func transactionsOfOtherTablesMoveTheCheckpointAlone() throws {
        var core = group(checkpoint: 500)
        #expect(try run(&core, passed(400), .handled(moreWaiting: false)) == [])
        #expect(try run(&core, passed(900), .handled(moreWaiting: false)) == ["send BEGIN", "send INSERT INTO", "send COMMIT", "committed 0 at 900"])
    }

    @Test func workThatRunsDDLCommitsWhatCameBeforeAndRefusesToSplitATransaction() throws {
        var core = group()
        #expect(try run(&core, begin(100), insert(1), commit(200), .readmit(table)).suffix(2) == ["committed 1 at 200", "readmit product.items"])
        _ = try run(&core, begin(200), insert(2))
        #expect(throws: EngineError.self) { try core.next(.readmit(table)) }
    }

    @Test func deadLettersAreCountedWithTheirGroup() throws {
        var core = group()
        core.carefulUntil = at(100)
        _ = try run(&core, begin(100), insert(1, onError: .deadLetter))
        core.deadLettered(1)
        let steps = try core.next(commit(200)) + core.next(.handled(moreWaiting: false))
        guard case let .committed(summary) = steps.last else { Issue.record("no commit: \(describe(steps))"); return }
        #expect(summary.counts.deadLetters == 1 && summary.counts.rows == 1 && summary.counts.transactions == 1)
    }
}
