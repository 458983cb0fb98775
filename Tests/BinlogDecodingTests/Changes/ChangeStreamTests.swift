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

    /// An XA COMMIT is a unit of its own with its own GTID (MySQL, and MariaDB): it ends as a commit carrying that
    /// GTID, so a checkpoint's GTID state counts it, though it has no rows (they came at XA PREPARE).
    @Test func anXACommitIsAUnitWithItsGTID() {
        var stream = ChangeStream(file: "binlog.000001")
        func event(_ type: EventType, at position: UInt32, length: UInt32, _ body: BinlogEvent) -> DecodedEvent {
            DecodedEvent(header: EventHeader(timestamp: 1, typeCode: type.rawValue, serverID: 1, eventLength: length, nextPosition: position + length,
                                             flags: 0), body: body)
        }
        let uuid: [UInt8] = Array(repeating: 0x3e, count: 16)
        let gtid = MySQLGTIDEvent(isAnonymous: false, serverUUID: uuid, transactionNumber: 7, immediateCommitMicroseconds: nil)
        var changes = stream.changes(for: event(.mysqlGTID, at: 100, length: 79, .mysqlGTID(gtid)))
        changes += stream.changes(for: event(.query, at: 179, length: 90, .query(QueryEvent(threadID: 1, executionSeconds: 0, errorCode: 0, database: "",
                                                                                           statement: "XA COMMIT X'01',X'',1"))))
        guard case let .commit(commit) = changes.last else {
            Issue.record("no commit: \(changes)")
            return
        }
        #expect(commit.gtid == gtid.gtidText && commit.endPosition == BinlogPosition(file: "binlog.000001", offset: 269))
    }
}
