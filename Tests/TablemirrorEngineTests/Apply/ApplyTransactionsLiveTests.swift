import BinlogDecoding
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The apply SQL end to end on a real server: a workload on source tables (every column type, a composite
/// key, no key at all) is decoded from the binlog and replayed transaction by transaction, with the
/// checkpoint, into replica tables; afterwards every replica equals its source.
@Suite("Replaying decoded transactions", .serialized, .enabled(if: TestServer.isConfigured))
struct ApplyTransactionsLiveTests {
    @Test func replicasEqualSourcesAfterReplay() throws {
        let source = TestServer.uniqueDatabase("tm_product")
        let target = TestServer.uniqueDatabase("tm_orders")
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(source); CREATE DATABASE \(target)")
        defer { try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target)") }
        try ControlSchema.ensure(admin)
        defer { try? admin.execute("DELETE FROM _tablemirror.checkpoint WHERE target = '\(target)'") }

        let writer = try TestServer.connect(database: source)
        try writer.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = '', SESSION binlog_row_image = FULL")
        try writer.execute(AllTypesTable.createStatement)
        try writer.execute("CREATE TABLE pairs (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b))")
        try writer.execute("CREATE TABLE log (x INT, y VARCHAR(10) NULL)")
        let tables = ["all_types": [0], "pairs": [0, 1], "log": [Int]()]
        for (table, _) in tables {
            let create = try #require(try writer.query("SHOW CREATE TABLE \(table)").string(0, 1))
            try admin.execute(try ReplicaTableDefinition.createStatement(showCreateTable: create, database: target, table: table))
        }
        let start = try TestServer.currentPosition(admin)

        for row in AllTypesTable.rows { try writer.execute(AllTypesTable.insertStatement(row)) }
        try writer.execute("BEGIN")
        for statement in AllTypesTable.updateStatements { try writer.execute(statement) }
        try writer.execute("COMMIT")
        var generator = SystemRandomNumberGenerator()
        for round in 0..<40 {
            try writer.execute("BEGIN")
            for _ in 0..<5 {
                let a = Int.random(in: 0..<8, using: &generator), b = ["x", "y", "z"].randomElement(using: &generator) ?? "x"
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: try writer.execute("REPLACE INTO pairs VALUES (\(a), '\(b)', \(round))")
                // A key change may collide on the source; the failed statement then changes nothing there.
                case 1: _ = try? writer.execute("UPDATE pairs SET v = v + 1, a = a + 10 WHERE a = \(a) LIMIT 1")
                case 2: try writer.execute("DELETE FROM pairs WHERE a = \(a)")
                case 3: try writer.execute("INSERT INTO log VALUES (\(a), \(a % 2 == 0 ? "NULL" : "'\(b)'")), (\(a), NULL)")
                default: try writer.execute("UPDATE log SET y = 'u' WHERE x = \(a) LIMIT 1; DELETE FROM log WHERE x = \(a + 1) LIMIT 1")
                }
            }
            // Some transactions roll back: they must leave no trace on either side.
            try writer.execute(round % 7 == 3 ? "ROLLBACK" : "COMMIT")
        }
        try writer.execute("DELETE FROM all_types WHERE id = 2")

        let applier = try TestServer.connect()
        try applier.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = ''")
        let stream = try RemoteEventSource(TestServer.options(), request: BinlogStreamRequest(
            start: .position(file: start.file, offset: start.offset), serverID: UInt32.random(in: 6_000_000..<7_000_000), heartbeatSeconds: 0, stopAtEnd: true))
        var pending: [RowChangeMessage] = []
        var applied = 0
        var applyError: (any Error)?
        try DecodeSession(schemaConnection: try TestServer.connect()).run(stream) { change in
            switch change {
            case let .row(row) where row.database == source:
                pending.append(row)
            case let .commit(commit):
                guard !pending.isEmpty else { return }
                var sql = ["BEGIN"]
                for (table, key) in tables {
                    let rows = pending.filter { $0.table == table }
                    sql += RowChangeSQL.statements(for: rows, plan: TableApplyPlan(database: target, table: table, keyColumns: key))
                }
                sql.append(CheckpointStore.writeStatement(target: target, Checkpoint(position: commit.endPosition, gtid: commit.gtid,
                                                                                    sourceTimestamp: commit.timestamp)))
                sql.append("COMMIT")
                do { try applier.execute(sql.joined(separator: ";\n")) } catch { applyError = error }
                pending.removeAll()
                applied += 1
            default:
                break
            }
        }
        if let applyError { throw applyError }
        #expect(applied > 30)
        #expect(try CheckpointStore.read(target: target, from: admin)?.position.file == TestServer.currentPosition(admin).file)

        for (table, _) in tables {
            let order = table == "all_types" ? "id" : table == "pairs" ? "a, b" : "x, y"
            let original = try admin.query("SELECT * FROM \(source).\(table) ORDER BY \(order)")
            let replica = try admin.query("SELECT * FROM \(target).\(table) ORDER BY \(order)")
            #expect(replica.rows == original.rows, "\(table) differs: \(original.rows.count) source rows, \(replica.rows.count) replica rows")
        }
    }
}
