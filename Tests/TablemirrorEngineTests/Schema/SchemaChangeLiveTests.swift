import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Schema changes on the source while the daemon runs: twenty changes interleaved with row changes — a column
/// added in the middle, dropped, widened, renamed; a VARCHAR's length and charset; unique, plain and foreign keys; a
/// table renamed, truncated, created from a pattern, created LIKE another, from a SELECT and partitioned,
/// dropped; two tables swapped; one written under ANSI_QUOTES; a shadow-table swap — end with every replica defined and filled as its source table and still
/// read-only, with full table-map metadata and without it, and with the daemon killed between the changes.
@Suite("Schema changes", .serialized, .enabled(if: TestServer.isConfigured && DaemonProcess.isBuilt))
struct SchemaChangeLiveTests {
    @Test(arguments: ["FULL", "MINIMAL"])
    func replicasFollowEveryChange(metadata: String) throws {
        try replay(metadata: metadata, killingAfter: [])
    }

    @Test func killedBetweenChangesEndsTheSame() throws {
        try replay(metadata: "MINIMAL", killingAfter: [0, 3, 6, 8, 11, 13, 16])
    }

    /// A column the source adds already exists in one replica (added there by hand): that target stops at the
    /// statement, saying which and why, the other goes on; `tablemirror resync` rebuilds the replica.
    @Test func aRefusedChangeStopsTheTargetUntilResync() throws {
        let workload = SchemaChangeWorkload()
        let admin = try TestServer.connect()
        defer { workload.removeEverything(admin) }
        try admin.execute(workload.schema)
        let daemon = try DaemonProcess(yaml: workload.configuration)
        defer { daemon.stop() }
        #expect(waitUntil(60) { workload.differences(admin).isEmpty }, "initial copy: \(workload.differences(admin))")

        try admin.execute("ALTER TABLE \(workload.purchasing).items ADD COLUMN extra INT")
        try admin.execute("USE \(workload.source); ALTER TABLE items ADD COLUMN extra INT; UPDATE items SET extra = id WHERE id < 50")
        #expect(waitUntil(30) {
            let (_, body) = httpRequest(workload.adminURL + "/status")
            return body.contains("ADD COLUMN extra") && body.contains("Duplicate column")
        }, "the stopped target's status does not name the statement: \(httpRequest(workload.adminURL + "/status").1)")
        // The other target applied the change.
        #expect(waitUntil(30) { (try? admin.query("SELECT COUNT(extra) FROM \(workload.orders).items").string(0, 0)) == "49" })

        let config = try DaemonProcess.configFile(workload.configuration)
        let (exit, output) = try DaemonProcess.command(["resync", "--config", config, "\(workload.source).items",
                                                        "--target", workload.purchasingTarget, "--timeout", "120"])
        #expect(exit == 0, "resync: \(output)")
        try admin.execute("USE \(workload.source); UPDATE items SET extra = 7 WHERE id = 60")
        #expect(waitUntil(60) { workload.differences(admin).isEmpty }, "after resync: \(workload.differences(admin))")
        #expect(workload.unprotectedReplicas(admin).isEmpty, "\(workload.unprotectedReplicas(admin))")
    }

    /// The daemon killed while a target runs a long ALTER: the ALTER goes on in the server; the next daemon
    /// waits for it to end, sees that it ran, and does not run it again (which would fail: duplicate column).
    @Test func aSchemaChangeStillRunningWhenKilledIsNotRunTwice() throws {
        let workload = SchemaChangeWorkload()
        let admin = try TestServer.connect()
        defer { workload.removeEverything(admin) }
        try admin.execute(workload.schema)
        try admin.execute("CREATE TABLE \(workload.source).big (id INT PRIMARY KEY, v VARCHAR(40)); INSERT INTO \(workload.source).big SELECT seq, MD5(seq) FROM seq_1_to_200000")
        var daemon = try DaemonProcess(yaml: workload.configuration)
        defer { daemon.stop() }
        #expect(waitUntil(120) { workload.differences(admin).isEmpty }, "initial copy: \(workload.differences(admin))")

        try admin.execute("USE \(workload.source); ALTER TABLE big ADD COLUMN w INT, ALGORITHM=COPY; UPDATE big SET w = 1 WHERE id < 100")
        let running = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'ALTER TABLE `\(workload.orders)`.`big`%'"
        #expect(waitUntil(60, every: 0.02) { (try? admin.query(running).string(0, 0)) == "1" }, "the target's ALTER was not seen running")
        daemon.kill()
        daemon = try DaemonProcess(yaml: workload.configuration)
        #expect(waitUntil(120) { workload.differences(admin).isEmpty }, "\(workload.differences(admin))")
    }

    private func replay(metadata: String, killingAfter kills: Set<Int>) throws {
        let workload = SchemaChangeWorkload()
        let admin = try TestServer.connect()
        let previous = try admin.query("SELECT @@GLOBAL.binlog_row_metadata").string(0, 0) ?? "NO_LOG"
        try admin.execute("SET GLOBAL binlog_row_metadata = \(metadata)")
        defer {
            _ = try? admin.execute("SET GLOBAL binlog_row_metadata = \(previous)")
            workload.removeEverything(admin)
        }
        try admin.execute(workload.schema)
        var daemon = try DaemonProcess(yaml: workload.configuration)
        #expect(waitUntil(60) { workload.differences(admin).isEmpty }, "initial copy: \(workload.differences(admin))")
        for (index, step) in workload.steps.enumerated() {
            try admin.execute("USE \(workload.source); " + step)
            try workload.dml(admin, round: index)
            if kills.contains(index) {
                usleep(UInt32.random(in: 0...800_000))
                daemon.kill()
                daemon = try DaemonProcess(yaml: workload.configuration)
            }
        }
        #expect(waitUntil(120) { workload.differences(admin).isEmpty }, "\(workload.differences(admin))")
        #expect(workload.unprotectedReplicas(admin).isEmpty, "\(workload.unprotectedReplicas(admin))")
        #expect(daemon.stop() == 0, "the daemon did not stop cleanly on SIGTERM")
    }
}
