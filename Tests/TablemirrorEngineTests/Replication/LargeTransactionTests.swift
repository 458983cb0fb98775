import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// One source transaction of 200,000 rows arrives whole: streamed through the applier in batches, committed
/// once on the target with its checkpoint.
@Suite("Large transaction", .serialized, .enabled(if: TestServer.isConfigured))
struct LargeTransactionTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    @Test func twoHundredThousandRowsInOneTransaction() throws {
        let source = "tm_lsrc_\(id)", target = "tm_ltgt_\(id)", name = "large_\(id)"
        let admin = try TestServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(target);
            CREATE TABLE \(source).rows200k (id INT PRIMARY KEY, amount DECIMAL(12,2), note VARCHAR(40), at DATETIME(3))
            """)
        defer {
            try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_rows200k`")
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target); DELETE FROM _tablemirror.checkpoint WHERE target = '\(name)'")
        }
        let configuration = try ConfigurationParser(file: "large.yaml").parse("""
            source: { user: tm, server_id: \(8000 + id % 1000) }
            targets: { \(name): { user: tm, database: \(target) } }
            mappings: [ { source: \(source).rows200k, targets: [\(name)] } ]
            """)
        let running = RunningReplicator(configuration, targets: [name: TestServer.options()], source: TestServer.options())
        defer { running.stop() }
        _ = waitUntil(60) { running.status.snapshot()[name]?.state == .streaming }
        let before = running.status.snapshot()[name]?.appliedTransactions ?? 0

        try admin.execute("""
            INSERT INTO \(source).rows200k
            SELECT seq, seq / 100, CONCAT('row ', seq), '2024-02-29 12:00:00.123' + INTERVAL seq SECOND FROM \(source).seq_1_to_200000
            """)
        _ = waitUntil(240) { (try? admin.query("SELECT COUNT(*) FROM \(target).rows200k").string(0, 0)) == "200000" }
        #expect(try admin.query("SELECT COUNT(*), SUM(amount), MAX(at) FROM \(target).rows200k").rows
            == admin.query("SELECT COUNT(*), SUM(amount), MAX(at) FROM \(source).rows200k").rows)
        let after = running.status.snapshot()[name]
        #expect(after?.appliedRows == 200_000)
        #expect((after?.appliedTransactions ?? 0) - before == 1, "the 200,000 rows did not arrive as one target transaction")
    }
}
