import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The source purges the binlog past a stopped daemon's checkpoint: on its next start the target stops with the
/// `binlog-purged` alert, `status` exits 1 and says so, and `tablemirror reseed` brings it back — identical, no
/// change lost or doubled (a keyless table with duplicate rows shows doubles) — while the source keeps writing.
/// The source here is the small third server (nothing else reads its binlog, so purging it disturbs no other test);
/// the target is the main test server.
@Suite("Reseed", .serialized, .enabled(if: TestServer.isConfigured && TestTLS.plainServerPort != nil && DaemonProcess.isBuilt))
struct ReseedLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_rssrc_\(id)" }
    var replicas: String { "tm_rsdst_\(id)" }
    var target: String { "reseed_\(id)" }
    var sourcePort: Int { TestTLS.plainServerPort ?? 0 }

    private func yaml(alertFile: String) -> String {
        """
        source: { user: tm, password_env: TM_TEST_PASSWORD, port: \(sourcePort), server_id: \(9200 + id % 90) }
        targets:
          \(target): { user: tm, password_env: TM_TEST_PASSWORD, port: \(TestServer.options().port), database: \(replicas) }
        mappings:
          - { source: "\(source).*", targets: [\(target)] }
        admin: { listen: "127.0.0.1:\(adminTestPort(id))" }
        alerts:
          repeat_seconds: 0
          channels: [ { type: command, command: "cat >> '\(alertFile)'; echo >> '\(alertFile)'" } ]
        """
    }

    private var sourceOptions: ConnectionOptions {
        var options = TestServer.options(database: source)
        options.port = sourcePort
        options.multiStatements = true
        return options
    }

    @Test func aPurgedBinlogStopsTheTargetAndReseedBringsItBackWhileTheSourceWrites() throws {
        var setup = TestServer.options()
        setup.port = sourcePort
        setup.multiStatements = true
        let sourceAdmin = try MariaDBConnection(setup)
        let alertFile = FileManager.default.temporaryDirectory.appendingPathComponent("tm-reseed-alerts-\(id)").path
        try sourceAdmin.execute("""
            CREATE DATABASE \(source); USE \(source);
            CREATE TABLE items (id INT PRIMARY KEY, v INT, note VARCHAR(40), UNIQUE KEY by_note (note));
            CREATE TABLE events (kind INT, label VARCHAR(20));
            INSERT INTO items SELECT seq, seq, CONCAT('n', seq) FROM seq_1_to_50000;
            INSERT INTO events SELECT seq % 7, 'start' FROM seq_1_to_500
            """)
        let targetAdmin = try TestServer.connect()
        try targetAdmin.execute("CREATE DATABASE \(replicas)")
        defer {
            try? FileManager.default.removeItem(atPath: alertFile)
            removeTestDatabases(sourceAdmin, source: source, replicas: [], targets: [])
            removeTestDatabases(targetAdmin, source: replicas, replicas: [replicas], targets: [target])
        }
        let config = try DaemonProcess.configFile(yaml(alertFile: alertFile))
        let writer = try MariaDBConnection(sourceOptions)
        let queries = ["SELECT id, v, note FROM items ORDER BY id", "SELECT kind, label FROM events ORDER BY kind, label"]
        func identical() -> Bool {
            guard let replica = try? TestServer.connect(database: replicas) else { return false }
            return queries.allSatisfy { query in (try? writer.query(query).rows) == (try? replica.query(query).rows) }
        }
        var daemon = try DaemonProcess(yaml: yaml(alertFile: alertFile))
        defer { daemon.stop() }
        #expect(waitUntil(90) { identical() }, "the first copy did not arrive")

        // The daemon is down while the source changes and purges everything the target's checkpoint needs.
        daemon.stop()
        try writer.execute("""
            UPDATE items SET v = v + 1000 WHERE id % 3 = 0; DELETE FROM items WHERE id % 5 = 0;
            UPDATE items SET note = CONCAT('m', id) WHERE id % 7 = 0; INSERT INTO items SELECT seq, seq, CONCAT('n', seq) FROM seq_50001_to_50500;
            INSERT INTO events SELECT seq % 7, 'purged' FROM seq_1_to_200; DELETE FROM events WHERE kind = 3 AND label = 'start'
            """)
        try sourceAdmin.execute("FLUSH BINARY LOGS")
        let head = try TestServer.currentPosition(sourceAdmin)
        // The server keeps a file until its binlog checkpoint has moved past it (written once InnoDB has flushed).
        #expect(waitUntil(30, every: 0.5) {
            _ = try? sourceAdmin.execute("PURGE BINARY LOGS TO '\(head.file)'")
            return (try? sourceAdmin.query("SHOW BINARY LOGS").string(0, 0)) == head.file
        }, "the source did not purge its binlog")

        // With the daemon down, status finds the purge itself.
        let (downExit, downText) = try DaemonProcess.command(["status", "--config", config])
        #expect(downExit == 1 && downText.contains("(binlog-purged)") && downText.contains("reseed --target \(target)"), "\(downText)")

        daemon = try DaemonProcess(yaml: yaml(alertFile: alertFile))
        let alerts = { (try? String(contentsOfFile: alertFile, encoding: .utf8)) ?? "" }
        #expect(waitUntil(30) { alerts().contains("\"binlog-purged\"") }, "no binlog-purged alert: \(alerts())")
        #expect(!alerts().contains("source-unreachable"), "\(alerts())")
        #expect(alerts().contains("tablemirror reseed --target \(target)"), "the alert does not say what recovers: \(alerts())")
        let (exit, text) = try DaemonProcess.command(["status", "--config", config])
        #expect(exit == 1, "status exits 1 while the target is stopped: \(text)")
        #expect(text.contains("(binlog-purged)") && text.contains("reseed"), "\(text)")

        // Reseed while the source keeps writing: updates (moving a unique key too), inserts, deletes, duplicates.
        let writing = WritingLoop(source: sourceOptions, target: target)
        let (reseedExit, output) = try DaemonProcess.command(["reseed", "--target", target, "--config", config, "--timeout", "300"],
                                                             withErrors: true)
        writing.stop()
        print(output)
        #expect(reseedExit == 0, "\(output)")
        #expect(output.contains("checkpoint moved from") && output.contains("2 table(s) to copy again"), "\(output)")
        #expect(writing.rounds > 3, "the source did not write during the reseed (\(writing.rounds) rounds)")
        #expect(waitUntil(60) { identical() }, "not identical after the reseed")
        try writer.execute("UPDATE items SET v = -v WHERE id < 100; INSERT INTO events VALUES (9, 'after')")
        #expect(waitUntil(30) { identical() }, "the target does not stream after the reseed")
        #expect(waitUntil(30) { (try? DaemonProcess.command(["status", "--config", config]).0) == 0 }, "status does not exit 0 after the reseed")
    }
}

/// Changes the source in a loop on its own thread until stopped. The keyless table is written only until the
/// target's copy of it is done: `verify` compares a keyless table whole, so rows changing under it read as
/// differences (the keyed table goes on changing through the verification).
private final class WritingLoop: @unchecked Sendable {
    private let stopSignal = StopSignal()
    private let done = ResultBox()
    private let lock = NSLock()
    private var count = 0

    var rounds: Int { lock.withLock { count } }

    init(source options: ConnectionOptions, target: String) {
        let thread = Thread { [self] in
            let source = try? MariaDBConnection(options)
            let replicas = try? TestServer.connect()
            var round = 0
            while !stopSignal.isStopped {
                round += 1
                let id = 60000 + round
                let keylessCopied = (try? replicas?.query("""
                    SELECT state FROM _tablemirror.copy WHERE target = '\(target)' AND source_table = 'events' AND reason = 'reseed'
                    """).string(0, 0)) == "done"
                let keyless = keylessCopied ? "" : """
                    INSERT INTO events VALUES (\(round % 5), 'dup'), (\(round % 5), 'dup');
                    DELETE FROM events WHERE kind = \(round % 7) AND label = 'start' LIMIT 1;
                    """
                try? source?.execute("""
                    BEGIN; INSERT INTO items VALUES (\(id), \(round), CONCAT('w', \(id))); UPDATE items SET v = v + 1 WHERE id % 50 = \(round % 50);
                    UPDATE items SET note = CONCAT('x', id, '-', \(round)) WHERE id = \(1 + round % 50000);
                    DELETE FROM items WHERE id = \(id - 7); \(keyless) COMMIT
                    """)
                lock.withLock { count = round }
                stopSignal.wait(seconds: 0.05)
            }
            done.finish()
        }
        thread.start()
    }

    func stop() {
        stopSignal.stop()
        done.wait()
    }
}
