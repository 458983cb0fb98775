import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A mapping with `where: "warehouse_id = 105"`: the replica holds exactly the source rows that match — from
/// the initial copy on, and as updates move rows into and out of the filter (insert and delete there).
@Suite("Row filters", .serialized, .enabled(if: TestServer.isConfigured))
struct RowFilterTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    @Test func replicaHoldsExactlyTheFilteredRows() throws {
        let source = "tm_fsrc_\(id)", target = "tm_ftgt_\(id)", name = "filtered_\(id)"
        let admin = try TestServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(target);
            CREATE TABLE \(source).stock (item_id INT, warehouse_id INT, qty INT, note VARCHAR(20) NULL, PRIMARY KEY (item_id, warehouse_id));
            INSERT INTO \(source).stock SELECT seq, 100 + seq % 10, seq, NULL FROM \(source).seq_1_to_200
            """)
        defer {
            try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_stock`")
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target); DELETE FROM _tablemirror.checkpoint WHERE target = '\(name)'")
        }
        let configuration = try ConfigurationParser(file: "filter.yaml").parse("""
            source: { user: tm, server_id: \(9000 + id % 1000) }
            targets: { \(name): { user: tm, database: \(target) } }
            mappings: [ { source: \(source).stock, targets: [\(name)], where: "warehouse_id = 105" } ]
            """)
        let running = RunningReplicator(configuration, targets: [name: TestServer.options()], source: TestServer.options())
        defer { running.stop() }
        func converged() -> Bool {
            (try? admin.query("SELECT * FROM \(source).stock WHERE warehouse_id = 105 ORDER BY item_id, warehouse_id").rows)
                == (try? admin.query("SELECT * FROM \(target).stock ORDER BY item_id, warehouse_id").rows)
        }
        func waitForConvergence() -> Bool { waitUntil(30, converged) }
        #expect(waitForConvergence(), "the initial copy is not exactly the filtered rows")

        try admin.execute("""
            INSERT INTO \(source).stock VALUES (100, 105, 1, 'in'), (101, 104, 1, 'out');
            UPDATE \(source).stock SET warehouse_id = 105 WHERE warehouse_id = 104 AND item_id < 50;
            UPDATE \(source).stock SET warehouse_id = 106 WHERE warehouse_id = 105 AND item_id > 150;
            UPDATE \(source).stock SET qty = qty + 1, note = 'moved' WHERE warehouse_id IN (105, 103);
            DELETE FROM \(source).stock WHERE item_id IN (15, 25, 100)
            """)
        #expect(waitForConvergence(), "after changes moving rows into and out of the filter, the replica differs")
        #expect(try admin.query("SELECT COUNT(*) FROM \(target).stock WHERE warehouse_id <> 105").string(0, 0) == "0")
    }
}
