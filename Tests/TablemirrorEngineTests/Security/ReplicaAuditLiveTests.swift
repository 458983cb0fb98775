import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// What the triggers cannot refuse is found by the audit within one interval: an ALTER, a TRUNCATE and a DROP
/// with foreign key checks off, a dropped trigger (`replica-tampered`), and a grant that lets another account
/// write (`replica-writable-by`, with the REVOKE in `check-config --target-audit`).
@Suite("Replica audit", .serialized, .enabled(if: TestServer.isConfigured && DaemonProcess.isBuilt))
struct ReplicaAuditLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_asrc_\(id)" }
    var replicas: String { "tm_adst_\(id)" }
    var target: String { "audit_\(id)" }
    var app: String { "tm_app_\(id % 100_000)" }

    private func yaml(alertFile: String) -> String {
        """
        source: { user: tm, password_env: TM_TEST_PASSWORD, port: \(TestServer.options().port), server_id: \(7900 + id % 90) }
        targets:
          \(target): { user: tm, password_env: TM_TEST_PASSWORD, port: \(TestServer.options().port), database: \(replicas) }
        mappings:
          - { source: "\(source).*", targets: [\(target)] }
        audit: { interval_seconds: 1 }
        admin: { listen: "127.0.0.1:\(adminTestPort(id))" }
        alerts:
          channels: [ { type: command, command: "cat >> '\(alertFile)'; echo >> '\(alertFile)'" } ]
        """
    }

    @Test func tamperingAndWritersAreAlertedWithinOneInterval() throws {
        let admin = try TestServer.connect()
        let alertFile = FileManager.default.temporaryDirectory.appendingPathComponent("tm-audit-\(id).jsonl").path
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(replicas); USE \(source);
            CREATE TABLE \(source).items (id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO \(source).items SELECT seq, 'x' FROM seq_1_to_20;
            CREATE TABLE \(source).stock (id INT PRIMARY KEY, qty INT); INSERT INTO \(source).stock SELECT seq, seq FROM seq_1_to_20;
            CREATE TABLE \(source).notes (id INT PRIMARY KEY); INSERT INTO \(source).notes VALUES (1);
            CREATE USER '\(app)'@'%' IDENTIFIED BY 'app-pw'
            """)
        defer {
            try? admin.execute("DROP USER IF EXISTS '\(app)'@'%'")
            try? FileManager.default.removeItem(atPath: alertFile)
            removeTestDatabases(admin, source: source, replicas: [replicas], targets: [target])
        }
        let daemon = try DaemonProcess(yaml: yaml(alertFile: alertFile))
        defer { daemon.stop() }
        #expect(waitUntil(60) { (try? admin.query("SELECT COUNT(*) FROM \(replicas).notes").string(0, 0)) == "1" }, "no initial copy")
        Thread.sleep(forTimeInterval: 2)
        let alerts = { (try? String(contentsOfFile: alertFile, encoding: .utf8)) ?? "" }
        #expect(!alerts().contains("replica-tampered"), "\(alerts())")

        let started = Date()
        try admin.execute("ALTER TABLE \(replicas).items ADD COLUMN extra INT")
        try admin.execute("SET SESSION foreign_key_checks = 0; TRUNCATE TABLE \(replicas).stock; DROP TABLE \(replicas).notes; SET SESSION foreign_key_checks = 1")
        #expect(waitUntil(10) {
            let text = alerts()
            return text.contains("replica-tampered") && text.contains("\(replicas).items: its structure was changed")
                && text.contains("\(replicas).stock: replaced, truncated") && text.contains("\(replicas).notes: dropped")
        }, "\(alerts())")
        let alertedAfter = Date().timeIntervalSince(started)
        print("[ReplicaAudit] ALTER, TRUNCATE and DROP alerted \(String(format: "%.1f", alertedAfter)) s after they ran (interval 1 s)")
        #expect(alertedAfter < 8)

        try admin.execute("GRANT SELECT, INSERT ON \(replicas).* TO '\(app)'@'%'")
        #expect(waitUntil(10) { alerts().contains("replica-writable-by") && alerts().contains("'\(app)'@'%'") }, "\(alerts())")
        let config = try DaemonProcess.configFile(yaml(alertFile: alertFile))
        let (exit, output) = try DaemonProcess.command(["check-config", "--target-audit", config])
        #expect(exit == 1)
        #expect(output.contains("REVOKE INSERT ON `\(replicas)`.* FROM '\(app)'@'%';"), "\(output)")
        #expect(!output.contains("REVOKE SELECT"), "\(output)")
        try admin.execute("REVOKE INSERT ON \(replicas).* FROM '\(app)'@'%'")
        #expect(waitUntil(10) { alerts().contains("\"state\":\"resolved\",") && alerts().contains("resolved: target \(target): other accounts") },
                "\(alerts())")
    }
}
