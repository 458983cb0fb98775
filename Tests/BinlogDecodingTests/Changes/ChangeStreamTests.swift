@testable import BinlogDecoding
import Testing

/// The change stream on the real event sequence of a MySQL 8 file with GTIDs.
struct ChangeStreamTests {
    private func changes(_ file: String) throws -> [Change] {
        let path = try #require(Fixtures.binlogFiles().first { $0.hasSuffix(file) })
        var decoder = BinlogEventDecoder()
        var stream = ChangeStream(file: file)
        return try Fixtures.events(path).flatMap { stream.changes(for: try decoder.decode($0)) }
    }

    @Test func transactionsAreBracketedAndRowsCarryTheirGTID() throws {
        let all = try changes("data_80045_gtid__binlog.000001")
        var open: TransactionStart?
        var rows = 0
        var afterStandaloneDDL = false
        for change in all {
            defer { if case .ddl = change, open == nil { afterStandaloneDDL = true } else { afterStandaloneDDL = false } }
            switch change {
            case let .begin(start):
                #expect(open == nil, "nested BEGIN")
                open = start
            case let .row(row):
                rows += 1
                #expect(open != nil, "row outside a transaction")
                #expect(row.gtid != nil && row.gtid == open?.gtid)
                #expect(row.transactionStart == open?.position)
            case let .commit(commit):
                // A DDL statement outside a transaction commits itself.
                #expect(open != nil || afterStandaloneDDL)
                if let open { #expect(commit.gtid == open.gtid) }
                open = nil
            case .ddl:
                break
            }
        }
        #expect(rows > 0)
        #expect(open == nil)
    }

    @Test func statementKinds() {
        #expect(StatementKind("BEGIN") == .begin)
        #expect(StatementKind("COMMIT") == .commit)
        #expect(StatementKind("ROLLBACK") == .rollback)
        #expect(StatementKind("XA START X'01',X'',1") == .begin)
        #expect(StatementKind("XA END X'01',X'',1") == .ignored)
        #expect(StatementKind("ALTER TABLE t ADD c INT") == .other)
        #expect(StatementKind("  begin") == .begin)
    }
}
