import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The admin endpoint of a real `tablemirror run`: /healthz, /status, /metrics (valid Prometheus text whose row
/// counter matches the rows applied), the resync trigger, `tablemirror status` merging the daemon's live
/// figures, and the token a non-loopback address requires.
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

    @Test func aNonLoopbackEndpointWantsTheToken() throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        let yaml = fixture.yaml(["small"], extra: "admin: { listen: \"0.0.0.0:\(port + 1)\", token_env: TM_TEST_ADMIN_TOKEN }")
        let daemon = try DaemonProcess(yaml: yaml, environment: ["TM_TEST_ADMIN_TOKEN": "s3cret-token"])
        defer { daemon.stop() }
        let base = "http://127.0.0.1:\(port + 1)"
        #expect(waitUntil(60) { httpRequest(base + "/healthz", token: "s3cret-token").0 == 200 })
        #expect(httpRequest(base + "/status").0 == 401)
        #expect(httpRequest(base + "/status", token: "wrong").0 == 401)
    }
}
