import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A source that is a primary with a GTID replica (`log_slave_updates`), both listed under `source.servers`, and
/// a `tablemirror run` following whichever is the primary.
@Suite("Source failover, live", .serialized, .enabled(if: TestServer.isConfigured))
struct SourceFailoverLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    static let serverOptions = ["--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M"]

    /// One source transaction: a keyless ledger row numbered `number` (so a gap or a duplicate shows) and an update
    /// of one keyed row.
    private func transaction(_ number: Int) -> String {
        "BEGIN; INSERT INTO shop.ledger VALUES (\(number), 'n\(number)'); UPDATE shop.items SET qty = qty + 1, note = 't\(number)' WHERE id = \(number % 50 + 1); COMMIT"
    }

    private func gtidPosition(_ connection: MariaDBConnection, _ variable: String) -> String {
        ((try? connection.query("SELECT @@global.\(variable)").string(0, 0)) ?? nil) ?? ""
    }

    private func rows(_ connection: MariaDBConnection, _ sql: String) -> [[String?]] {
        guard let result = try? connection.query(sql) else { return [] }
        return result.rows.indices.map { row in result.rows[row].indices.map { result.string(row, $0) } }
    }

    /// A daemon replicating `shop.*` into the database `target` of the test server, as the target of that name.
    private func daemon(_ target: String, number: UInt32, primary: ThrowawayServer, replica: ThrowawayServer) throws -> DaemonProcess {
        try DaemonProcess(yaml: """
            source:
              servers: [{ host: 127.0.0.1, port: \(primary.port) }, { host: 127.0.0.1, port: \(replica.port) }]
              user: tm
              password_env: TM_TEST_PASSWORD
              server_id: \(7600 + (id &+ number) % 90)
            targets:
              \(target): { host: \(TestServer.options().host), port: \(TestServer.options().port), user: tm, password_env: TM_TEST_PASSWORD, database: \(target) }
            mappings:
              - { source: "shop.*", targets: [\(target)] }
            admin: { listen: "127.0.0.1:\(adminTestPort(id &+ number))" }
            """)
    }

    @Test(.enabled(if: DaemonProcess.isBuilt))
    func thePromotedReplicaIsFollowedByGTIDAndAServerLackingTheCheckpointIsRefused() throws {
        let primary = try ThrowawayServer(name: "tm-test-failover-a", offset: 5, options: Self.serverOptions)
        defer { primary.stop() }
        // Without annotate events the replica's binlog holds the same transactions at other offsets.
        let replica = try ThrowawayServer(name: "tm-test-failover-b", offset: 6, options: Self.serverOptions + ["--replicate-annotate-row-events=OFF"])
        defer { replica.stop() }
        // Target `running` is served by a daemon that runs through the failover; `behind` by one stopped before
        // the last transactions of the old primary and started after the promotion.
        let running = "fo_\(id)", behind = "fo_\(id)_b"
        let admin = try TestServer.connect()
        defer { removeTestDatabases(admin, source: "\(running)_none", replicas: [running, behind], targets: [running, behind]) }

        // Both servers start their binlogs afresh; the replica follows the primary by GTID from its beginning.
        var onPrimary = try primary.connect()
        try onPrimary.execute("RESET MASTER")
        let onReplica = try replica.connect()
        try onReplica.execute("""
            RESET MASTER; SET GLOBAL gtid_slave_pos = '';
            CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = \(primary.port), MASTER_USER = 'tm',
              MASTER_PASSWORD = '\(TestServer.options().password ?? "")', MASTER_USE_GTID = slave_pos;
            START SLAVE; SET GLOBAL read_only = 1
            """)
        try onPrimary.execute("""
            CREATE DATABASE shop;
            CREATE TABLE shop.items (id INT PRIMARY KEY, qty INT NOT NULL, note VARCHAR(40));
            CREATE TABLE shop.ledger (number INT NOT NULL, note VARCHAR(20));
            INSERT INTO shop.items SELECT seq, 0, NULL FROM shop.seq_1_to_50
            """)
        try admin.execute("CREATE DATABASE \(running); CREATE DATABASE \(behind)")
        let runningDaemon = try daemon(running, number: 0, primary: primary, replica: replica)
        var behindDaemon = try daemon(behind, number: 1, primary: primary, replica: replica)
        func applied(_ target: String) -> Int {
            Int(((try? admin.query("SELECT COUNT(*) FROM \(target).ledger").string(0, 0)) ?? nil) ?? "") ?? -1
        }
        #expect(waitUntil(60) { applied(running) == 0 && applied(behind) == 0 }, "the initial copies did not finish")

        // A workload on the primary, streamed by both daemons; one of them stops before its last 300 transactions.
        var number = 0
        for _ in 0..<1200 {
            number += 1
            try onPrimary.execute(transaction(number))
        }
        #expect(waitUntil(60) { applied(behind) == 1200 })
        #expect(behindDaemon.stop() == 0)
        for _ in 0..<300 {
            number += 1
            try onPrimary.execute(transaction(number))
        }
        // Async replication loses what it had not sent when its primary dies: that is the database's part, so the
        // replica gets everything first. What is tested is tablemirror continuing from wherever it had got.
        let written = gtidPosition(onPrimary, "gtid_binlog_pos")
        #expect(waitUntil(60) { gtidPosition(onReplica, "gtid_slave_pos") == written }, "the replica did not catch up")
        let appliedAtKill = applied(running)
        try primary.kill()
        try onReplica.execute("STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = 0")
        behindDaemon = try daemon(behind, number: 1, primary: primary, replica: replica)
        for _ in 0..<1000 {
            number += 1
            try onReplica.execute(transaction(number))
        }
        let total = number
        for target in [running, behind] {
            #expect(waitUntil(120) { applied(target) == total }, "\(target): applied \(applied(target)) of \(total)")
            // No gap, no duplicate, and every keyed row as the new primary has it.
            #expect(rows(admin, "SELECT COUNT(*), COUNT(DISTINCT number), MIN(number), MAX(number) FROM \(target).ledger")
                == [["\(total)", "\(total)", "1", "\(total)"]])
            #expect(waitUntil(30) { rows(admin, "SELECT * FROM \(target).items ORDER BY id") == rows(onReplica, "SELECT * FROM shop.items ORDER BY id") })
        }
        // The stopped daemon's checkpoint was 300 transactions into the dead primary's binlog: found on the
        // replica by its GTID position, at another offset.
        let relocated = rows(admin, "SELECT binlog_file, binlog_position, gtid FROM _tablemirror.checkpoint WHERE target = '\(behind)'")
        #expect(relocated.first?.first??.hasPrefix("tm-test-failover-b-bin.") == true, "\(relocated)")
        let (_, following) = httpRequest("http://127.0.0.1:\(adminTestPort(id))/status")
        #expect(following.contains(#""source_server":"tm@127.0.0.1:\#(replica.port)""#), "status: \(following)")
        print("[failover] \(appliedAtKill) of 1500 applied by the running daemon when the primary was killed; all \(total) applied after the promotion")

        // The new primary goes away and the old one comes back, writable, without what the new one wrote since:
        // it cannot serve the checkpoint, and the target stops rather than guess.
        #expect(behindDaemon.stop() == 0)
        try replica.pause()
        try primary.resume()
        onPrimary = try primary.connect()
        try onPrimary.execute(transaction(total + 1))
        let stopped = waitUntil(60) {
            httpRequest("http://127.0.0.1:\(adminTestPort(id))/status").1.contains(#""failure":"source-lacks-checkpoint""#)
        }
        let (_, status) = httpRequest("http://127.0.0.1:\(adminTestPort(id))/status")
        #expect(stopped, "status: \(status)")
        #expect(status.contains("lacks transactions this target has applied: 0-\(replica.port)-"), "status: \(status)")
        #expect(applied(running) == total, "a server lacking the checkpoint's transactions was read from")
        #expect(runningDaemon.stop() == 0)
    }
}
