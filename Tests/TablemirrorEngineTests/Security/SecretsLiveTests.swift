import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Secrets and row values stay out of everything tablemirror writes: a target stopped by a row with a distinctive
/// value leaves that value nowhere in the daemon's log, its status JSON, `tablemirror status --json` or the alert
/// payload, and the alert command sees no password; named secrets that are missing or loose are config errors.
@Suite("Secrets", .serialized, .enabled(if: TestServer.isConfigured && DaemonProcess.isBuilt))
struct SecretsLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_xsrc_\(id)" }
    var replicas: String { "tm_xdst_\(id)" }
    var target: String { "secret_\(id)" }
    let distinctive = "Zq7-DISTINCTIVE-4417"

    private func yaml(alertFile: String) -> String {
        """
        source: { user: tm, password_env: TM_TEST_PASSWORD, port: \(TestServer.options().port), server_id: \(8000 + id % 90) }
        targets:
          \(target): { user: tm, password_env: TM_TEST_PASSWORD, port: \(TestServer.options().port), database: \(replicas) }
        mappings:
          - { source: "\(source).people", targets: [\(target)] }
        admin: { listen: "127.0.0.1:\(adminTestPort(id))" }
        alerts:
          channels: [ { type: command, command: "{ cat; env; } >> '\(alertFile)'" } ]
        """
    }

    @Test func aRefusedRowLeavesItsValueNowhere() throws {
        let admin = try TestServer.connect()
        let directory = FileManager.default.temporaryDirectory
        let alertFile = directory.appendingPathComponent("tm-secret-alerts-\(id)").path
        let logFile = directory.appendingPathComponent("tm-secret-log-\(id)").path
        FileManager.default.createFile(atPath: logFile, contents: nil)
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(replicas); USE \(source);
            CREATE TABLE \(source).people (id INT PRIMARY KEY, email VARCHAR(60)); INSERT INTO \(source).people VALUES (1, 'a@example.com')
            """)
        defer {
            for file in [alertFile, logFile] { try? FileManager.default.removeItem(atPath: file) }
            removeTestDatabases(admin, source: source, replicas: [replicas], targets: [target])
        }
        let log = try #require(FileHandle(forWritingAtPath: logFile))
        let daemon = try DaemonProcess(yaml: yaml(alertFile: alertFile), output: log)
        defer { daemon.stop() }
        #expect(waitUntil(60) { (try? admin.query("SELECT COUNT(*) FROM \(replicas).people").string(0, 0)) == "1" })
        // The replica refuses what the source accepts: two rows with the same distinctive email.
        try admin.execute("ALTER TABLE \(replicas).people ADD UNIQUE KEY by_email (email)")
        try admin.execute("INSERT INTO \(source).people VALUES (2, '\(distinctive)'), (3, '\(distinctive)')")
        let url = "http://127.0.0.1:\(adminTestPort(id))/status"
        #expect(waitUntil(30) { httpRequest(url).1.contains("Duplicate entry") }, "\(httpRequest(url).1)")
        #expect(waitUntil(10) { ((try? String(contentsOfFile: alertFile, encoding: .utf8)) ?? "").contains("target-stopped") })
        let config = try DaemonProcess.configFile(yaml(alertFile: alertFile))
        let (exit, statusJSON) = try DaemonProcess.command(["status", "--json", "--config", config])
        #expect(statusJSON.contains("Duplicate entry"), "\(statusJSON)")
        #expect(exit == 1, "status exits 1 while a target is stopped")
        daemon.stop()
        let everything = [("daemon log", (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""),
                          ("admin /status", httpRequest(url).1), ("status --json", statusJSON),
                          ("alert payloads", (try? String(contentsOfFile: alertFile, encoding: .utf8)) ?? "")]
        for (name, text) in everything {
            #expect(!text.contains(distinctive), "\(name) carries the row's value")
            #expect(!text.contains(TestServer.options().password ?? "-"), "\(name) carries the password")
        }
        #expect(everything[0].1.contains("Duplicate entry '?' for key 'by_email'"), "\(everything[0].1.suffix(2000))")
        #expect(!everything[3].1.contains("TM_TEST_PASSWORD"), "the alert command saw the daemon's environment")
    }

    @Test func missingOrLooseSecretsAreConfigurationErrors() throws {
        let directory = FileManager.default.temporaryDirectory
        let loose = directory.appendingPathComponent("tm-loose-\(id)").path
        try "pw\n".write(toFile: loose, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: loose)
        defer { try? FileManager.default.removeItem(atPath: loose) }
        let unset = "TM_TEST_UNSET_\(id)"
        for (secret, expected) in [("password_env: \(unset)", unset), ("password_file: \(loose)", "group or others")] {
            let config = try DaemonProcess.configFile("""
                source: { user: tm, \(secret) }
                targets: { t: { user: tm, database: d, password_env: TM_TEST_PASSWORD } }
                mappings: [ { source: a.b, targets: [t] } ]
                """)
            let (exit, output) = try DaemonProcess.command(["check-config", config], withErrors: true)
            #expect(exit == 1 && output.contains(expected), "\(secret): \(output)")
            #expect(!output.contains("pw"), "\(output)")
            let (runExit, runOutput) = try DaemonProcess.command(["status", "--config", config], withErrors: true)
            #expect(runExit != 0 && runOutput.contains(expected), "\(secret): \(runOutput)")
        }
    }
}
