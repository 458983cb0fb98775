import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The admin endpoint of a real `tablemirror run`: /healthz, /status, /metrics (valid Prometheus text whose row
/// counter matches the rows applied), the resync trigger, `tablemirror status` merging the daemon's live
/// figures; off loopback HTTPS with the token; and the caps on running resync and repair requests.
@Suite("Admin endpoint", .serialized, .enabled(if: TestServer.isConfigured && DaemonProcess.isBuilt))
struct AdminServerLiveTests {
    let fixture = BigTableFixture(prefix: "admin")
    var port: Int { adminTestPort(fixture.id) }

    @Test func servesStatusMetricsAndTriggers() throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        let yaml = fixture.yaml(["small", "big"], extra: "admin: { listen: \"127.0.0.1:\(port)\" }")
        let daemon = try DaemonProcess(yaml: yaml)
        defer { daemon.stop() }
        let base = "http://127.0.0.1:\(port)"
        #expect(waitUntil(60) { httpRequest(base + "/healthz").0 == 200 })
        #expect(waitUntil(60) { fixture.identical(admin, "big") })

        try admin.execute("UPDATE \(fixture.source).big SET amount = amount + 1 WHERE id <= 1500")  // 500 rows (keys 3n)
        func rowsApplied() -> Int? {
            httpRequest(base + "/metrics").1.split(separator: "\n")
                .first { $0.hasPrefix("tablemirror_rows_applied_total{") && $0.contains("\(fixture.source).big") }
                .flatMap { $0.split(separator: " ").last }.flatMap { Int($0) }
        }
        #expect(waitUntil(60) { rowsApplied() == 500 }, "rows applied per /metrics: \(String(describing: rowsApplied()))")
        let (metricsStatus, metrics) = httpRequest(base + "/metrics")
        #expect(metricsStatus == 200)
        let sample = #/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/#
        for line in metrics.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: sample) != nil, "not Prometheus text: \(line)")
        }
        #expect(metrics.contains("tablemirror_apply_seconds_bucket{"))
        #expect(metrics.contains("tablemirror_lag_seconds{target=\"\(fixture.name)\"}"))

        let (statusCode, statusBody) = httpRequest(base + "/status")
        #expect(statusCode == 200)
        let document = try JSONSerialization.jsonObject(with: Data(statusBody.utf8)) as? [String: Any]
        let target = (document?["targets"] as? [[String: Any]])?.first
        #expect(target?["name"] as? String == fixture.name)
        #expect(target?["state"] as? String == "running")
        #expect(target?["applied_rows"] as? Int == 500)
        #expect((target?["tables_applied_at"] as? [String: Any])?["\(fixture.source).big"] != nil)

        // `tablemirror status` asks the running daemon for its live figures.
        let configuration = try ConfigurationParser(file: "admin.yaml").parse(yaml)
        let report = try StatusReport.read(configuration, connections: try Replicator.Connections(configuration), maxLag: 60)
        #expect(report.daemonRunning)
        #expect(["running", "catching up"].contains(report.targets.first?.state ?? ""))  // other suites write to the source too
        #expect(report.targets.first?.tablesAppliedAt["\(fixture.source).big"] != nil)

        try admin.execute("DELETE FROM \(fixture.target).big WHERE id < 100")  // damage, for the resync to repair
        #expect(httpRequest(base + "/resync/\(fixture.source).big", method: "POST").0 == 202)
        #expect(waitUntil(60) { fixture.identical(admin, "big") }, "the resync through the endpoint did not repair the replica")
        #expect(daemon.stop() == 0)
    }

    /// Off loopback: HTTPS with the token, and the daemon's own connections verified (verify_ca on both sides).
    @Test(.enabled(if: TestTLS.isConfigured))
    func aNonLoopbackEndpointServesHTTPSWithTheTokenAndStatusShowsTheCiphers() throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("tm-token-\(fixture.id)")
        try "s3cret-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile.path)
        defer { try? FileManager.default.removeItem(at: tokenFile) }
        let yaml = fixture.yaml(["small", "big"], extra: """
            admin:
              listen: "0.0.0.0:\(port + 1)"
              token_file: \(tokenFile.path)
              tls: { cert_file: \(TestTLS.file("loopback.pem")), key_file: \(TestTLS.file("loopback.key")), ca_file: \(TestTLS.caFile) }
            """, tls: "{ mode: verify_ca, ca_file: \(TestTLS.caFile) }")
        let daemon = try DaemonProcess(yaml: yaml)
        defer { daemon.stop() }
        let base = "https://127.0.0.1:\(port + 1)"
        #expect(waitUntil(60) { httpRequest(base + "/healthz", token: "s3cret-token", caFile: TestTLS.caFile).0 == 200 })
        #expect(httpRequest(base + "/status", caFile: TestTLS.caFile).0 == 401)
        #expect(httpRequest(base + "/status", token: "s3cret-tokem", caFile: TestTLS.caFile).0 == 401)
        // Not in clear, and not to a client that does not trust the endpoint's authority.
        #expect(httpRequest("http://127.0.0.1:\(port + 1)/healthz", token: "s3cret-token").0 == 0)
        let untrusted = httpRequest(base + "/healthz", token: "s3cret-token")
        #expect(untrusted.0 == 0, "answered without the authority: \(untrusted)")
        #expect(httpRequest(base + "/healthz", token: "s3cret-token", caFile: TestTLS.file("other-ca.pem")).0 == 0)
        // The console follows the same rules: over HTTPS only, nothing without the token (the page sends a browser
        // to its login form), everything with it.
        #expect(httpRequest(base + "/", caFile: TestTLS.caFile).0 == 303)
        #expect(httpRequest(base + "/console/body", caFile: TestTLS.caFile).0 == 401)
        #expect(httpRequest(base + "/verify/\(fixture.source).small", method: "POST", caFile: TestTLS.caFile).0 == 401)
        #expect(httpRequest("http://127.0.0.1:\(port + 1)/", token: "s3cret-token").0 == 0)
        let console = httpRequest(base + "/", token: "s3cret-token", caFile: TestTLS.caFile)
        #expect(console.0 == 200 && console.1.contains("data-target=\"\(fixture.name)\"") && !console.1.contains("s3cret"))

        // Replication over verified TLS, end to end.
        #expect(waitUntil(60) { fixture.identical(admin, "big") }, "\(fixture.firstDifference(admin, "big"))")
        try admin.execute("UPDATE \(fixture.source).small SET v = v + 41")
        #expect(waitUntil(30) { fixture.identical(admin, "small") })

        let (code, body) = httpRequest(base + "/status", token: "s3cret-token", caFile: TestTLS.caFile)
        #expect(code == 200)
        let document = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let target = (document?["targets"] as? [[String: Any]])?.first
        for key in ["source_tls", "target_tls"] {
            let tls = target?[key] as? [String: Any]
            #expect(tls?["encrypted"] as? Bool == true, "\(key): \(body)")
            #expect(((tls?["cipher"] as? String) ?? "").isEmpty == false, "\(key): \(body)")
        }
        #expect(!body.contains("s3cret"))

        // `tablemirror status` reaches the daemon over HTTPS and shows every connection's encryption.
        let configuration = try ConfigurationParser(file: "admin.yaml").parse(yaml)
        let report = try StatusReport.read(configuration, connections: try Replicator.Connections(configuration), maxLag: 60)
        #expect(report.daemonRunning)
        #expect(report.sourceEncryption?.isEncrypted == true)
        let entry = try #require(report.targets.first)
        #expect(entry.encryption?.isEncrypted == true)
        #expect(entry.daemonSourceEncryption?.isEncrypted == true)
        #expect(entry.daemonTargetEncryption?.isEncrypted == true)
        let text = report.text().joined(separator: "\n")
        #expect(text.contains("source connection: TLS ("), "\(text)")
        #expect(text.contains("daemon's source connection: TLS ("), "\(text)")
        let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        #expect((json?["source_tls"] as? [String: Any])?["encrypted"] as? Bool == true)
        let jsonTarget = (json?["targets"] as? [[String: Any]])?.first
        #expect((jsonTarget?["daemon_target_tls"] as? [String: Any])?["encrypted"] as? Bool == true)
        #expect(daemon.stop() == 0)
    }

    /// Resync and repair requests are admitted one per table and two at once: held by a table lock on the
    /// source, two repairs keep running, a third for one of their tables gets 409 and one for another table 429.
    @Test func runningRepairsAreCappedPerTableAndOverall() throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        let daemon = try DaemonProcess(yaml: fixture.yaml(["small", "big"], extra: "admin: { listen: \"127.0.0.1:\(port + 2)\" }"))
        defer { daemon.stop() }
        let base = "http://127.0.0.1:\(port + 2)"
        #expect(waitUntil(60) { fixture.identical(admin, "big") && fixture.identical(admin, "small") })

        let locker = try TestServer.connect()
        try locker.execute("LOCK TABLES \(fixture.source).big WRITE, \(fixture.source).small WRITE")
        var locked = true
        defer { if locked { try? locker.execute("UNLOCK TABLES") } }
        let held = LockedBox<[Int]>([])
        let heldDone = DispatchGroup()
        for table in ["big", "small"] {
            heldDone.enter()
            DispatchQueue.global().async {
                let status = httpRequest(base + "/repair/\(fixture.source).\(table)", method: "POST", timeout: 120).0
                held.modify { $0.append(status) }
                heldDone.leave()
            }
        }
        let running = ["\(fixture.source).big", "\(fixture.source).small"]
        #expect(waitUntil(20, every: 0.1) {
            let document = try? JSONSerialization.jsonObject(with: Data(httpRequest(base + "/status").1.utf8)) as? [String: Any]
            return document?["admin_requests_running"] as? [String] == running
        })
        #expect(httpRequest(base + "/resync/\(fixture.source).other", method: "POST").0 == 429)
        #expect(httpRequest(base + "/repair/\(fixture.source).big", method: "POST").0 == 409)
        #expect(httpRequest(base + "/resync/\(fixture.source).small", method: "POST").0 == 409)
        #expect(held.value.isEmpty, "the held repairs ended while the tables were locked: \(held.value)")

        try locker.execute("UNLOCK TABLES")
        locked = false
        #expect(heldDone.wait(timeout: .now() + 120) == .success)
        #expect(held.value == [202, 202])
        #expect(waitUntil(30) { httpRequest(base + "/repair/\(fixture.source).big", method: "POST").0 == 202 })
        #expect(daemon.stop() == 0)
    }
}
