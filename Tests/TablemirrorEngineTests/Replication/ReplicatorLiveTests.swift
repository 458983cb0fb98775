import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The replicator end to end on a real server: initial copy from a snapshot, streaming into two targets,
/// a stop and a restart from the checkpoints, with no row lost or applied twice.
@Suite("Replicator", .serialized, .enabled(if: TestServer.isConfigured))
struct ReplicatorLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_rsrc_\(id)" }
    var orders: String { "tm_rord_\(id)" }
    var purchasing: String { "tm_rpur_\(id)" }

    private func configuration() throws -> Configuration {
        try ConfigurationParser(file: "test.yaml").parse("""
            source: { user: tm, server_id: \(4000 + id % 1000) }
            targets:
              orders_\(id): { user: tm, database: \(orders) }
              purchasing_\(id): { user: tm, database: \(purchasing) }
            mappings:
              - { source: \(source).items, targets: [orders_\(id), purchasing_\(id)] }
              - { source: "\(source).batch_*", targets: [purchasing_\(id)] }
              - { source: \(source).log, targets: [{ target: orders_\(id), table: item_log }] }
            """)
    }

    private func start(_ configuration: Configuration) -> RunningReplicator {
        RunningReplicator(configuration, targets: ["orders_\(id)": TestServer.options(), "purchasing_\(id)": TestServer.options()],
                          source: TestServer.options())
    }

    private func contents(_ connection: MariaDBConnection, _ table: String, order: String) throws -> [[QueryResult.Cell]] {
        try connection.query("SELECT * FROM \(table) ORDER BY \(order)").rows
    }

    /// Waits until every replica equals its source (or the time is up).
    private func converge(_ connection: MariaDBConnection, timeout: Double = 30) throws -> Bool {
        let pairs = [("\(source).items", "\(orders).items", "id"), ("\(source).items", "\(purchasing).items", "id"),
                     ("\(source).batch_a", "\(purchasing).batch_a", "id"), ("\(source).batch_b", "\(purchasing).batch_b", "id"),
                     ("\(source).log", "\(orders).item_log", "x, y")]
        return waitUntil(timeout) {
            pairs.allSatisfy { left, right, order in
                guard let replica = try? contents(connection, right, order: order) else { return false }
                return replica == (try? contents(connection, left, order: order))
            }
        }
    }

    @Test func copiesStreamsStopsAndResumesExactlyOnce() throws {
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(source); CREATE DATABASE \(orders); CREATE DATABASE \(purchasing)")
        defer {
            // The replicas' TRUNCATE guards reference them: drop those first, then the databases.
            for database in [orders, purchasing] {
                let guards = (try? admin.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '_tablemirror' AND TABLE_NAME LIKE 'guard\\_\(database)\\_%'"))?.rows ?? []
                for row in guards { if let name = row[0] { try? admin.execute("DROP TABLE _tablemirror.`\(String(decoding: name, as: UTF8.self))`") } }
            }
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(orders); DROP DATABASE \(purchasing)")
            try? admin.execute("DELETE FROM _tablemirror.checkpoint WHERE target IN ('orders_\(id)', 'purchasing_\(id)')")
        }
        let writer = try TestServer.connect(database: source)
        try writer.execute("""
            CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50) CHARSET utf8mb4, price DECIMAL(10,2), data VARBINARY(20), at DATETIME(6));
            CREATE TABLE batch_a (id INT PRIMARY KEY, qty INT);
            CREATE TABLE batch_b (id INT PRIMARY KEY, note TEXT);
            CREATE TABLE log (x INT, y VARCHAR(10));
            CREATE TABLE unmapped (id INT PRIMARY KEY)
            """)
        // Rows that exist before the replicator starts come through the initial copy.
        for id in 1...300 {
            try writer.execute("INSERT INTO items VALUES (\(id), 'item \(id) ü', \(id).25, X'00FF\(String(format: "%02X", id % 256))', '2024-01-01 00:00:00.123456')")
        }
        try writer.execute("INSERT INTO batch_a VALUES (1, 10), (2, 20); INSERT INTO log VALUES (1, 'a'), (1, 'a'), (2, NULL); INSERT INTO unmapped VALUES (1)")

        let config = try configuration()
        // The keyless table is named at start (its replicas match whole rows; no TRUNCATE guard).
        #expect(try ReplicationPlan.resolve(config, source: admin).tablesWithoutKey == [QualifiedTableName(database: source, table: "log")])
        var replicator = start(config)
        // Changes while it streams: updates, deletes, key changes, a big transaction, a rollback.
        for id in stride(from: 1, through: 300, by: 7) { try writer.execute("UPDATE items SET price = price + 1, name = CONCAT(name, '!') WHERE id = \(id)") }
        try writer.execute("BEGIN; DELETE FROM items WHERE id BETWEEN 100 AND 150; UPDATE items SET id = id + 1000 WHERE id BETWEEN 200 AND 210; COMMIT")
        try writer.execute("BEGIN; INSERT INTO batch_b SELECT seq, REPEAT('n', seq % 50) FROM seq_1_to_5000; COMMIT")
        try writer.execute("BEGIN; INSERT INTO items VALUES (9999, 'rolled back', 0, NULL, NULL); ROLLBACK")
        try writer.execute("DELETE FROM log WHERE x = 1 LIMIT 1; UPDATE log SET y = 'b' WHERE x = 2; INSERT INTO unmapped VALUES (2)")
        #expect(try converge(admin), "replicas did not converge while streaming")
        let firstRun = replicator.stop()
        #expect(firstRun == nil, "\(String(describing: firstRun))")
        #expect(try admin.query("SHOW TABLES FROM \(orders) LIKE 'unmapped'").rows.isEmpty)
        #expect(try admin.query("SHOW TABLES FROM \(orders) LIKE 'batch_a'").rows.isEmpty)
        // The replicas are read-only for others: the guards are in place.
        #expect(try admin.query("SHOW TRIGGERS FROM \(orders)").rows.count == 6)

        // Changes while it is down, then a restart: it resumes from the targets' checkpoints.
        try writer.execute("INSERT INTO log VALUES (3, 'c'), (3, 'c'); UPDATE batch_a SET qty = qty * 2; DELETE FROM items WHERE id < 20")
        replicator = start(config)
        try writer.execute("INSERT INTO items VALUES (5000, 'after restart', 1, NULL, NULL)")
        #expect(try converge(admin), "replicas did not converge after the restart")
        let secondRun = replicator.stop()
        #expect(secondRun == nil, "\(String(describing: secondRun))")
    }
}

