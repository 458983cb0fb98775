import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A source transaction of many new rows reaches the replica through `LOAD DATA LOCAL` (as the target's own binlog
/// shows) with every value exact; and when the target refuses one of the loaded rows (a CHECK the source does not
/// have), the load fails instead of skipping it with a warning, and the careful pass dead-letters exactly that row.
@Suite("New rows loaded on a live target", .serialized, .enabled(if: TestServer.isConfigured))
struct LoadDataRowsLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    @Test func manyNewRowsAreLoadedExactlyAndARefusedOneIsDeadLettered() throws {
        let source = "tm_lsrc_\(id)", target = "tm_ltgt_\(id)", name = "load_\(id)"
        let admin = try TestServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(target);
            CREATE TABLE \(source).bulk (id INT PRIMARY KEY, v VARCHAR(40), b BLOB, e ENUM('a', '1', 'b'), y YEAR,
                                         s SET('x', 'y'), d DATETIME(3), f DOUBLE)
            """)
        defer {
            removeTestDatabases(admin, source: source, replicas: [target], targets: [name])
            try? admin.execute("DELETE FROM _tablemirror.dead_letter WHERE target = '\(name)'")
        }
        let configuration = try ConfigurationParser(file: "load.yaml").parse("""
            source: { user: tm, server_id: \(9400 + id % 300) }
            targets: { \(name): { user: tm, database: \(target) } }
            mappings: [ { source: "\(source).*", targets: [\(name)], on_error: dead-letter } ]
            """)
        func runReplicator(until condition: () -> Bool) throws {
            let running = RunningReplicator(configuration, targets: [name: TestServer.options()], source: TestServer.options())
            let reached = waitUntil(120, condition)
            running.stop()
            try #require(reached, "the replicator did not get there within 120 s")
        }
        func count(_ database: String) -> Int {
            (try? admin.query("SELECT COUNT(*) FROM \(database).bulk").string(0, 0)).flatMap { Int($0) } ?? -1
        }
        _ = try runReplicator { (try? CheckpointStore.read(target: name, from: admin)) != nil }

        // 200 new rows in one source transaction, with the bytes a load reads specially in the text, an ENUM member
        // named 1, YEAR 0, NULLs, and a value per row in every other column.
        let values = """
            SELECT seq, IF(seq % 7 = 0, NULL, CONCAT('r\\t', seq, '\\\\N\\n', 'ü')), IF(seq % 5 = 0, '', UNHEX(CONCAT('00FF09', HEX(seq)))),
                   1 + seq % 3, IF(seq % 2 = 0, 0, 1901 + seq % 250), seq % 4, '2026-12-03 10:11:12.345', seq / 3
            """
        try admin.execute("INSERT INTO \(source).bulk \(values) FROM \(source).seq_1_to_200")
        let start = try TestServer.currentPosition(admin)
        try runReplicator { count(target) == 200 }
        let columns = "id, HEX(v), HEX(b), e + 0, y, s + 0, d, f"
        let selectAll = { (database: String) in try admin.query("SELECT \(columns) FROM \(database).bulk ORDER BY id").rows }
        #expect(try selectAll(target) == selectAll(source))
        var loads: [String] = []
        var decoder = BinlogEventDecoder(checksumBeforeFormatDescription: true)
        for bytes in try BinlogCapture.events(from: start).events {
            // Only this test's loads: other suites load into their own replicas meanwhile.
            if case let .annotateRows(statement) = try decoder.decode(bytes).body, statement.hasPrefix("LOAD DATA"),
               statement.contains("`\(target)`.") { loads.append(statement) }
        }
        #expect(loads.count == 1 && loads.first?.contains("INTO TABLE `\(target)`.`bulk`") == true, "loads: \(loads)")

        // The replica refuses one row of the next 100: the whole load fails, and the careful pass applies the others
        // one by one and dead-letters that one.
        try admin.execute("ALTER TABLE \(target).bulk ADD CONSTRAINT not_250 CHECK (id <> 250)")
        try admin.execute("INSERT INTO \(source).bulk \(values) FROM \(source).seq_201_to_300")
        try runReplicator { count(target) == 299 }
        let letters = try DeadLetterStore.list(target: name, on: admin)
        #expect(letters.map(\.keys) == [[["250"]]] && letters.first?.errorCode == 4025, "dead letters: \(letters)")
        #expect(try selectAll(target) == selectAll(source).filter { $0[0] != Array("250".utf8) })
    }
}
