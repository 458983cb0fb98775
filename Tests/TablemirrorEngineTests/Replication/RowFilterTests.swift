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

    /// Filters over ENUM, SET, BIT, DECIMAL, DATETIME and collated text: the replica holds exactly what the same
    /// WHERE selects on the source, for copied and streamed rows. (ENUMs were compared by their index, so
    /// `status = 'active'` dropped every streamed row.)
    @Test func filtersCompareByTheColumnsRealTypes() throws {
        let source = "tm_ftsrc_\(id)", target = "tm_fttgt_\(id)", name = "typed_\(id)"
        let filters = [
            "by_enum": "status = 'active' OR status > 'retired'",
            "by_set": "tags = 'a,b' OR FIND_IN_SET('c', tags)",
            "by_bit": "flags = b'101' OR flags & b'10000000'",
            "by_decimal": "price >= 10.50 AND price < 30",
            "by_datetime": "made < '2024-06-01 12:00:00.500' OR made = '2024-06-02 00:00:00.250'",
            "by_text": "label = 'abc'",
        ]
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(source); CREATE DATABASE \(target)")
        defer {
            for table in filters.keys { try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_\(table)`") }
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target); DELETE FROM _tablemirror.checkpoint WHERE target = '\(name)'")
        }
        func fill(_ table: String, from first: Int, to last: Int) -> String {
            """
            INSERT INTO \(source).\(table) SELECT seq, ELT(1 + seq % 3, 'active', 'retired', 'draft'), ELT(1 + seq % 4, 'a', 'a,b', 'b,c', ''),
              seq % 256, seq * 0.37, TIMESTAMPADD(MICROSECOND, seq * 250000, '2024-06-01 11:59:50'), ELT(1 + seq % 4, 'abc', 'ABC', 'abc ', 'abd')
            FROM \(source).seq_\(first)_to_\(last)
            """
        }
        for table in filters.keys {
            try admin.execute("""
                CREATE TABLE \(source).\(table) (id INT PRIMARY KEY, status ENUM('active', 'retired', 'draft'), tags SET('a', 'b', 'c'),
                  flags BIT(8), price DECIMAL(10, 2), made DATETIME(3), label VARCHAR(10) COLLATE utf8mb4_general_ci);
                \(fill(table, from: 1, to: 80))
                """)
        }
        let mappings = filters.map { table, condition in
            "{ source: \(source).\(table), targets: [\(name)], where: \"\(condition)\" }"
        }
        let configuration = try ConfigurationParser(file: "typed-filters.yaml").parse("""
            source: { user: tm, server_id: \(9000 + (id + 1) % 1000) }
            targets: { \(name): { user: tm, database: \(target) } }
            mappings: [ \(mappings.joined(separator: ", ")) ]
            """)
        let running = RunningReplicator(configuration, targets: [name: TestServer.options()], source: TestServer.options())
        defer { running.stop() }
        func differing() -> [String] {
            filters.compactMap { table, condition in
                let expected = try? admin.query("SELECT id, HEX(flags), made, label FROM \(source).\(table) WHERE \(condition) ORDER BY id").rows
                let replica = try? admin.query("SELECT id, HEX(flags), made, label FROM \(target).\(table) ORDER BY id").rows
                return expected != nil && expected == replica ? nil : table
            }.sorted()
        }
        var left: [String] = []
        #expect(waitUntil(60) { left = differing(); return left.isEmpty }, "copied rows differ from the source's WHERE in \(left)")
        for table in filters.keys {
            try admin.execute("""
                \(fill(table, from: 81, to: 160));
                UPDATE \(source).\(table) SET status = 'draft', tags = 'c', flags = flags ^ 5, price = price + 3,
                  made = made + INTERVAL 1 DAY, label = UPPER(label) WHERE id % 5 = 0;
                DELETE FROM \(source).\(table) WHERE id % 7 = 0
                """)
        }
        #expect(waitUntil(60) { left = differing(); return left.isEmpty }, "streamed rows differ from the source's WHERE in \(left)")
        for table in filters.keys {
            let count = try admin.query("SELECT COUNT(*) FROM \(target).\(table)").string(0, 0).flatMap { Int($0) } ?? 0
            #expect(count > 10, "the filter on \(table) selects too little to show anything")
        }
    }
}
