import BinlogDecoding
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// The daemon's admin endpoint, served as `tablemirror run` serves it: /healthz, /status, /metrics (valid
/// Prometheus text whose row counter matches the rows applied), the resync trigger, and the token that a
/// non-loopback address requires.
@Suite("Admin endpoint", .serialized, .enabled(if: TestServer.isConfigured))
struct AdminServerLiveTests {
    let fixture = BigTableFixture(prefix: "admin")

    private func request(_ url: String, method: String = "GET", token: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: try #require(URL(string: url)), timeoutInterval: 30)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Polls an async condition (the endpoint is async; `waitUntil` is for blocking ones).
    private func eventually(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return await condition()
    }

    @Test func servesStatusMetricsAndTriggers() async throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        var configuration = try fixture.configuration(["small", "big"])
        configuration.admin.port = Int(20000 + fixture.id % 20000)
        let replicator = Replicator(configuration: configuration,
                                    connections: Replicator.Connections(source: TestServer.options(), targets: [fixture.name: TestServer.options()]))
        let application = try AdminServer.application(replicator: replicator, services: [ReplicatorService(replicator: replicator)],
                                                      logger: replicator.logger)
        let serving = Task { try await application.runService() }
        defer { serving.cancel() }
        let base = "http://127.0.0.1:\(configuration.admin.port)"
        #expect(await eventually(60) { (try? await request(base + "/healthz").0) == 200 })
        #expect(waitUntil(60) { replicator.status.snapshot()[fixture.name]?.state == .streaming })

        try admin.execute("UPDATE \(fixture.source).big SET amount = amount + 1 WHERE id <= 1500")  // 500 rows (keys 3n)
        #expect(waitUntil(60) { fixture.identical(admin, "big") })
        let (metricsStatus, metrics) = try await request(base + "/metrics")
        #expect(metricsStatus == 200)
        let sample = #/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? -?[0-9.e+-]+|NaN|[+-]Inf$/#
        for line in metrics.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: sample) != nil, "not Prometheus text: \(line)")
        }
        let rowsLine = metrics.split(separator: "\n").first {
            $0.hasPrefix("tablemirror_rows_applied_total{") && $0.contains("\(fixture.source).big")
        }
        #expect(rowsLine.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } == 500, "\(String(describing: rowsLine))")
        #expect(replicator.status.snapshot()[fixture.name]?.appliedRows == 500)
        #expect(metrics.contains("tablemirror_apply_seconds_bucket{"))
        #expect(metrics.contains("tablemirror_lag_seconds{target=\"\(fixture.name)\"}"))

        let (statusCode, statusBody) = try await request(base + "/status")
        #expect(statusCode == 200)
        let document = try JSONSerialization.jsonObject(with: Data(statusBody.utf8)) as? [String: Any]
        let target = (document?["targets"] as? [[String: Any]])?.first
        #expect(target?["name"] as? String == fixture.name)
        #expect(target?["state"] as? String == "running")
        #expect((target?["tables_applied_at"] as? [String: Any])?["\(fixture.source).big"] != nil)

        // `tablemirror status` asks the running daemon for its live figures.
        let report = try await onDedicatedThread {
            try StatusReport.read(replicator.configuration, connections: replicator.connections, maxLag: 60)
        }
        #expect(report.daemonRunning)
        #expect(report.targets.first?.state == "running")
        #expect(report.targets.first?.tablesAppliedAt["\(fixture.source).big"] != nil)
        #expect(report.exitCode == 0)

        let (resyncCode, _) = try await request(base + "/resync/\(fixture.source).big", method: "POST")
        #expect(resyncCode == 202)
        #expect(waitUntil(60) { replicator.status.snapshot()[fixture.name]?.finishedCopies == 1 })
        #expect(fixture.identical(admin, "big"))
    }

    @Test func aNonLoopbackEndpointWantsTheToken() async throws {
        var configuration = try fixture.configuration(["small"])
        configuration.admin.host = "0.0.0.0"
        configuration.admin.port = Int(20000 + (fixture.id + 1) % 20000)
        setenv("TM_TEST_ADMIN_TOKEN", "s3cret-token", 1)
        configuration.admin.token = SecretSource(environmentVariable: "TM_TEST_ADMIN_TOKEN", file: nil)
        let replicator = Replicator(configuration: configuration, connections: Replicator.Connections(source: TestServer.options(), targets: [:]))
        let application = try AdminServer.application(replicator: replicator, services: [], logger: replicator.logger)
        let serving = Task { try await application.runService() }
        defer { serving.cancel() }
        let base = "http://127.0.0.1:\(configuration.admin.port)"
        #expect(await eventually(30) { (try? await request(base + "/healthz", token: "s3cret-token").0) == 200 })
        #expect(try await request(base + "/status").0 == 401)
        #expect(try await request(base + "/status", token: "wrong").0 == 401)
    }
}
