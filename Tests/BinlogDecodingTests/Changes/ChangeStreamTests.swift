@testable import BinlogDecoding
import Testing

/// The change stream on real event sequences: a MySQL 8 file with GTIDs, a MariaDB 11.8 file.
struct ChangeStreamTests {
    private func changes(_ file: String) throws -> [Change] {
        let path = try #require(Fixtures.binlogFiles().first { $0.hasSuffix(file) })
        var decoder = BinlogEventDecoder()
        var stream = ChangeStream(file: file)
        return try Fixtures.events(path).flatMap { stream.changes(for: try decoder.decode($0)) }
    }

    @Test(.enabled(if: Fixtures.isAvailable, Fixtures.missingComment))
    func transactionsAreBracketedAndRowsCarryTheirGTID() throws {
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

    /// MariaDB 11.4+ (binlog_legacy_event_pos=OFF) writes end position 0 for the events inside a transaction:
    /// every change must still carry the event's real place in the file, counted from the last real position.
    @Test(.enabled(if: Fixtures.isAvailable, Fixtures.missingComment))
    func positionsInsideTransactionsAreRealOffsetsFromMariaDB118() throws {
        let file = "domain_id_0__mariadb-repl-bin.000005"
        let path = try #require(Fixtures.binlogFiles().first { $0.hasSuffix(file) })
        var framer = EventFramer()
        framer.append(Fixtures.readFile(path))
        var decoder = BinlogEventDecoder()
        var stream = ChangeStream(file: file)
        // This server logged statements: the events without a position are the transactions' queries.
        var eventsWithoutPosition = 0, placedChanges = 0
        while let bytes = try framer.next() {
            let event = try decoder.decode(bytes)
            let end = framer.fileOffset
            let start = end - UInt64(event.header.eventLength)
            if event.header.nextPosition == 0 { eventsWithoutPosition += 1 }
            for change in stream.changes(for: event) {
                placedChanges += 1
                switch change {
                case let .row(row):
                    #expect(row.startOffset == start && row.endOffset == end)
                case let .ddl(ddl):
                    #expect(ddl.startOffset == start && ddl.endOffset == end)
                case let .begin(begin):
                    #expect(begin.position.offset == start)
                case let .commit(commit):
                    #expect(commit.endPosition.offset == end)
                }
            }
            if case .rotate = event.body { continue }
            #expect(stream.offset == end)
        }
        #expect(eventsWithoutPosition > 100 && placedChanges > 100)
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
