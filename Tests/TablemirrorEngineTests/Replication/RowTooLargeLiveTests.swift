import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A 20 MB row against a target whose max_allowed_packet is 16 MB: the target stops within seconds with the
/// `row-too-large` alert naming the table and its key (no reconnect loop), `status` says why and exits 1; once the
/// limit is raised and the daemon restarted, the replica catches up and is identical. The target is a server of the
/// test's own (started with a 16 MB max_allowed_packet), so no other test sees the limit.
@Suite("Row too large", .serialized, .enabled(if: TestServer.isConfigured && DaemonProcess.isBuilt))
struct RowTooLargeLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_bigsrc_\(id)" }
    var replicas: String { "tm_bigdst_\(id)" }
    var target: String { "big_\(id)" }

    private func yaml(alertFile: String, targetPort: Int) -> String {
        """
        source: { user: tm, password_env: TM_TEST_PASSWORD, port: \(TestServer.options().port), server_id: \(9100 + id % 90) }
        targets:
          \(target): { user: tm, password_env: TM_TEST_PASSWORD, port: \(targetPort), database: \(replicas) }
        mappings:
          - { source: "\(source).items", targets: [\(target)] }
        admin: { listen: "127.0.0.1:\(adminTestPort(id))" }
        alerts:
          repeat_seconds: 0
          channels: [ { type: command, command: "cat >> '\(alertFile)'; echo >> '\(alertFile)'" } ]
        """
    }

    @Test func aRowOverTheTargetsPacketLimitStopsItWithAReasonUntilTheLimitIsRaised() throws {
        let admin = try TestServer.connect()
        let server = try ThrowawayServer(name: "tm-test-packet", offset: 3, options: ["--max-allowed-packet=16M", "--innodb-buffer-pool-size=64M"])
        defer { server.stop() }
        let alertFile = FileManager.default.temporaryDirectory.appendingPathComponent("tm-big-alerts-\(id)").path
        let yaml = yaml(alertFile: alertFile, targetPort: server.port)
        try admin.execute("""
            CREATE DATABASE \(source); CREATE TABLE \(source).items (id INT PRIMARY KEY, payload LONGBLOB);
            INSERT INTO \(source).items VALUES (1, 'small')
            """)
        try server.connect().execute("CREATE DATABASE \(replicas)")
        defer {
            try? FileManager.default.removeItem(atPath: alertFile)
            removeTestDatabases(admin, source: source, replicas: [], targets: [])
        }
        let config = try DaemonProcess.configFile(yaml)
        var daemon = try DaemonProcess(yaml: yaml)
        defer { daemon.stop() }
        func replicaRows() -> [[QueryResult.Cell]]? {
            try? server.connect().query("SELECT id, LENGTH(payload), MD5(payload) FROM \(replicas).items ORDER BY id").rows
        }
        func sourceRows() throws -> [[QueryResult.Cell]] {
            try admin.query("SELECT id, LENGTH(payload), MD5(payload) FROM \(source).items ORDER BY id").rows
        }
        #expect(waitUntil(60) { replicaRows()?.count == 1 }, "the first row did not arrive")

        // 20 MB in one row, then a small one after it.
        try admin.execute("INSERT INTO \(source).items VALUES (2, REPEAT('x', 20971520))")
        try admin.execute("INSERT INTO \(source).items VALUES (3, 'after')")
        let inserted = Date()
        let alerts = { (try? String(contentsOfFile: alertFile, encoding: .utf8)) ?? "" }
        #expect(waitUntil(30) { alerts().contains("\"row-too-large\"") }, "no row-too-large alert: \(alerts())")
        let seconds = Date().timeIntervalSince(inserted)
        print("row-too-large alerted \(String(format: "%.1f", seconds)) s after the insert")
        #expect(seconds < 15, "the stop took \(seconds) s")
        #expect(alerts().contains("\(source).items, key (id)"), "the alert does not name the table and key: \(alerts())")
        #expect(!alerts().contains("xxxxxxxx"), "the alert carries the row's value")
        let (exit, text) = try DaemonProcess.command(["status", "--config", config])
        #expect(exit == 1, "status exits 1 while the target is stopped: \(text)")
        #expect(text.contains("stopped with error (row-too-large)") && text.contains("max_allowed_packet"), "\(text)")
        #expect(replicaRows()?.count == 1, "rows after the refused one were applied")
        // Stopped, not retrying: no reconnect loop behind the alert.
        let (_, json) = try DaemonProcess.command(["status", "--json", "--config", config])
        #expect(json.contains("\"failure\":\"row-too-large\""), "\(json)")

        try server.connect().execute("SET GLOBAL max_allowed_packet = 67108864")
        daemon.stop()
        daemon = try DaemonProcess(yaml: yaml)
        #expect(waitUntil(60) { (try? sourceRows()) == replicaRows() }, "not identical after the limit was raised: \(String(describing: replicaRows()))")
        #expect(waitUntil(30) { (try? DaemonProcess.command(["status", "--config", config]).0) == 0 }, "status does not exit 0 after the recovery")
    }
}
