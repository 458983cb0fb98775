import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Every source transaction moves money between accounts and keeps the total; a reader of the replica checks
/// the total continuously: it never sees a transaction half-applied.
@Suite("Atomic visibility", .serialized, .enabled(if: TestServer.isConfigured))
struct AtomicVisibilityTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    @Test func readersOfTheReplicaNeverSeeHalfATransaction() throws {
        let source = "tm_asrc_\(id)", target = "tm_atgt_\(id)"
        let admin = try TestServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(target);
            CREATE TABLE \(source).accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL);
            INSERT INTO \(source).accounts SELECT seq, 1000 FROM \(source).seq_1_to_50
            """)
        defer {
            try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_accounts`")
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target); DELETE FROM _tablemirror.checkpoint WHERE target = 'atomic_\(id)'")
        }
        let configuration = try ConfigurationParser(file: "atomic.yaml").parse("""
            source: { user: tm, server_id: \(7000 + id % 1000) }
            targets: { atomic_\(id): { user: tm, database: \(target) } }
            mappings: [ { source: \(source).accounts, targets: [atomic_\(id)] } ]
            """)
        let running = RunningReplicator(configuration, targets: ["atomic_\(id)": TestServer.options()], source: TestServer.options())
        defer { running.stop() }
        let reader = try TestServer.connect()
        _ = waitUntil(30) { (try? reader.query("SELECT COUNT(*) FROM \(target).accounts").string(0, 0)) == "50" }

        let writer = try TestServer.connect(database: source)
        var totals: [String] = []
        for round in 0..<300 {
            let from = Int.random(in: 1...50), to = Int.random(in: 1...50), amount = Int.random(in: 1...100)
            // Several statements, several rows events: the replica must show all of them or none.
            try writer.execute("BEGIN; UPDATE accounts SET balance = balance - \(amount) WHERE id = \(from); UPDATE accounts SET balance = balance + \(amount) WHERE id = \(to); UPDATE accounts SET balance = balance + 0 WHERE id % 7 = \(round % 7); COMMIT")
            if let total = try reader.query("SELECT SUM(balance), COUNT(*) FROM \(target).accounts").string(0, 0) { totals.append(total) }
        }
        let converged = Date().addingTimeInterval(30)
        while Date() < converged,
              try reader.query("SELECT * FROM \(target).accounts ORDER BY id").rows != writer.query("SELECT * FROM accounts ORDER BY id").rows {
            if let total = try reader.query("SELECT SUM(balance) FROM \(target).accounts").string(0, 0) { totals.append(total) }
            usleep(20_000)
        }
        #expect(totals.allSatisfy { $0 == "50000" }, "a reader saw a total other than 50000: \(Set(totals))")
        #expect(try reader.query("SELECT * FROM \(target).accounts ORDER BY id").rows == writer.query("SELECT * FROM accounts ORDER BY id").rows)
    }
}
