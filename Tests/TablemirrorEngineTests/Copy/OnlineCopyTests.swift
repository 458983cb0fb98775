import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Online copies while the stream runs: a mapping added to a running setup, and a resync of a damaged replica,
/// each while a workload keeps inserting, updating and deleting rows of the table being copied.
@Suite("Online copy", .serialized, .enabled(if: TestServer.isConfigured))
struct OnlineCopyTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_osrc_\(id)" }
    var target: String { "tm_otgt_\(id)" }
    var name: String { "online_\(id)" }

    private func configuration(_ tables: [String]) throws -> Configuration {
        try ConfigurationParser(file: "online.yaml").parse("""
            source: { user: tm, server_id: \(9000 + id % 1000) }
            targets: { \(name): { user: tm, database: \(target) } }
            mappings: [\(tables.map { "{ source: \(source).\($0), targets: [\(name)] }" }.joined(separator: ", "))]
            """)
    }

    private func setUp(_ admin: MariaDBConnection) throws {
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(target);
            CREATE TABLE \(source).small (id INT PRIMARY KEY, v INT);
            CREATE TABLE \(source).big (id BIGINT PRIMARY KEY, code VARCHAR(20) NOT NULL, amount DECIMAL(12,2), f FLOAT,
              at TIMESTAMP(6) NULL, UNIQUE KEY (code));
            INSERT INTO \(source).small VALUES (1, 1);
            INSERT INTO \(source).big SELECT seq * 3, CONCAT('c', seq), seq / 7, seq + 0.1, FROM_UNIXTIME(1700000000 + seq)
              FROM \(source).seq_1_to_30000
            """)
    }

    private func tearDown(_ admin: MariaDBConnection) {
        for table in ["small", "big"] { try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_\(table)`") }
        try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target)")
        try? admin.execute("DELETE FROM _tablemirror.checkpoint WHERE target = '\(name)'; DELETE FROM _tablemirror.copy WHERE target = '\(name)'")
    }

    /// Changes to `big` over the whole key range, on their own thread, until stopped.
    private func workload(until stop: StopSignal) -> ResultBox {
        let done = ResultBox()
        let database = source
        Thread {
            defer { done.finish() }
            guard let writer = try? TestServer.connect(database: database) else { return }
            var round = 0
            while !stop.isStopped {
                round += 1
                let key = Int.random(in: 1...30000) * 3
                _ = try? writer.execute("""
                    BEGIN;
                    UPDATE big SET amount = amount + 1, at = NOW(6) WHERE id = \(key);
                    DELETE FROM big WHERE id = \(Int.random(in: 1...30000) * 3);
                    INSERT INTO big VALUES (\(key + 1), 'n\(round)', \(round), 1.5, NULL) ON DUPLICATE KEY UPDATE amount = -amount;
                    UPDATE big SET code = CONCAT(code, 'x') WHERE id = \(Int.random(in: 1...30000) * 3);
                    COMMIT
                    """)
                usleep(2_000)
            }
        }.start()
        return done
    }

    private func identical(_ admin: MariaDBConnection, _ table: String) -> Bool {
        let select = "SELECT id, code, amount, f, at FROM %@.\(table) ORDER BY id"
        guard let original = try? admin.query(select.replacingOccurrences(of: "%@", with: source)).rows,
              let replica = try? admin.query(select.replacingOccurrences(of: "%@", with: target)).rows else { return false }
        return original.count > 29_000 && original == replica
    }

    @Test func aMappingAddedLaterIsCopiedWhileTheStreamRuns() throws {
        let admin = try TestServer.connect()
        try setUp(admin)
        defer { tearDown(admin) }
        let first = RunningReplicator(try configuration(["small"]), targets: [name: TestServer.options()], source: TestServer.options())
        #expect(waitUntil(60) { first.status.snapshot()[name]?.state == .streaming })
        first.stop()

        let stopWorkload = StopSignal()
        let workloadDone = workload(until: stopWorkload)
        let second = RunningReplicator(try configuration(["small", "big"]), targets: [name: TestServer.options()], source: TestServer.options())
        defer { second.stop() }
        let copied = waitUntil(120) { second.status.snapshot()[name]?.finishedCopies == 1 }
        stopWorkload.stop()
        workloadDone.wait()
        #expect(copied, "the copy of the new mapping did not finish")
        #expect(waitUntil(60) { identical(admin, "big") }, "the replica differs from the source")
        let progress = try CopyProgressStore.progress(target: name, source: QualifiedTableName(database: source, table: "big"), on: admin)
        #expect(progress?.state == .done)
        #expect((progress?.chunks ?? 0) >= 15, "30,000 rows should take several chunks")
    }

    @Test func aResyncRepairsAHandDamagedReplicaWhileChangesContinue() throws {
        let admin = try TestServer.connect()
        try setUp(admin)
        defer { tearDown(admin) }
        let running = RunningReplicator(try configuration(["small", "big"]), targets: [name: TestServer.options()], source: TestServer.options())
        defer { running.stop() }
        #expect(waitUntil(60) { running.status.snapshot()[name]?.state == .streaming })
        // An administrator damages the replica: rows deleted, changed and added.
        try admin.execute("""
            DELETE FROM \(target).big WHERE id BETWEEN 300 AND 600;
            UPDATE \(target).big SET amount = 0 WHERE id % 1000 = 0;
            INSERT INTO \(target).big VALUES (5, 'extra', 1, 1, NULL), (90001, 'extra2', 2, 2, NULL)
            """)
        let stopWorkload = StopSignal()
        let workloadDone = workload(until: stopWorkload)
        try CopyProgressStore.request(target: name, source: QualifiedTableName(database: source, table: "big"), reason: "resync", on: admin)
        let resynced = waitUntil(120) { running.status.snapshot()[name]?.finishedCopies == 1 }
        stopWorkload.stop()
        workloadDone.wait()
        #expect(resynced, "the resync did not finish")
        #expect(waitUntil(60) { identical(admin, "big") }, "the replica differs from the source after the resync")
    }
}
