import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// conf/monitoring against what a real `tablemirror run` exports: a daemon replicating a small workload into two
/// targets (one on each test server) is scraped, and every metric the dashboard and the rules query exists in
/// the exposition with every label they match, group by or take values of.
@Suite("Monitoring kit", .serialized, .enabled(if: TestServer.isConfigured && TestTargetServer.isConfigured && DaemonProcess.isBuilt))
struct MonitoringKitLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_kit_src_\(id)" }
    /// Replicas on the source's own server, and on the second server.
    var replicaHere: String { "tm_kit_a_\(id)" }
    var replicaThere: String { "tm_kit_b_\(id)" }
    var targets: [String] { ["kit_a_\(id)", "kit_b_\(id)"] }

    private var yaml: String {
        let login = { (server: ConnectionOptions) in
            "host: \(server.host), port: \(server.port), user: \(server.user), password_env: TM_TEST_PASSWORD"
        }
        let both = "targets: [\(targets.joined(separator: ", "))]"
        return """
            source: { \(login(TestServer.options())), server_id: \(5000 + id % 1000) }
            targets:
              \(targets[0]): { \(login(TestServer.options())), database: \(replicaHere) }
              \(targets[1]): { \(login(TestTargetServer.options())), database: \(replicaThere) }
            mappings: [ { source: \(source).items, \(both) }, { source: \(source).events, \(both) } ]
            admin: { listen: "127.0.0.1:\(adminTestPort(id))" }
            """
    }

    @Test func everyQueryOfTheDashboardAndTheRulesNamesExportedMetricsAndLabels() throws {
        let admin = try TestServer.connect()
        let other = try TestTargetServer.connect()
        defer {
            removeTestDatabases(admin, source: source, replicas: [replicaHere], targets: targets)
            removeTestDatabases(other, source: source, replicas: [replicaThere], targets: targets)
        }
        // Rows before the start are copied; the rest is streamed.
        try other.execute("CREATE DATABASE \(replicaThere)")
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(replicaHere);
            CREATE TABLE \(source).items (id INT PRIMARY KEY, name VARCHAR(40), qty INT);
            CREATE TABLE \(source).events (id BIGINT AUTO_INCREMENT PRIMARY KEY, item INT, at DATETIME(6));
            INSERT INTO \(source).items SELECT seq, CONCAT('item ', seq), seq FROM \(source).seq_1_to_300
            """)
        let daemon = try DaemonProcess(yaml: yaml)
        defer { daemon.stop() }
        let metricsURL = "http://127.0.0.1:\(adminTestPort(id))/metrics"
        // Both copies done and streaming before the workload, so that every change is streamed, none copied.
        #expect(waitUntil(60) {
            let text = httpRequest(metricsURL).1
            return targets.allSatisfy { text.contains("tablemirror_up{target=\"\($0)\"} 1") }
        })
        for round in 1...20 {
            try admin.execute("""
                BEGIN;
                UPDATE \(source).items SET qty = qty + 1 WHERE id % 20 = \(round);
                INSERT INTO \(source).events (item, at) VALUES (\(round), NOW(6)), (\(round + 1), NOW(6));
                DELETE FROM \(source).items WHERE id = \(300 - round);
                COMMIT
                """)
        }

        // Every series that is there once both targets have applied: histograms after a commit, stored dead
        // letters after the alert monitor's first count. (The initial copy does not count in
        // tablemirror_copied_rows_total, which counts online copies; its series is there at 0.)
        let expected = targets.flatMap { target in
            ["tablemirror_apply_seconds_bucket{target=\"\(target)\"", "tablemirror_dead_letters_stored{target=\"\(target)\"} 0",
             "tablemirror_rows_applied_total{target=\"\(target)\",table=\"\(source).events\"} 40",
             "tablemirror_copied_rows_total{target=\"\(target)\"} 0"]
        }
        var text = ""
        let complete = waitUntil(60, every: 0.5) {
            text = httpRequest(metricsURL).1
            return expected.allSatisfy(text.contains)
        }
        #expect(complete, "missing from /metrics: \(expected.filter { !text.contains($0) })\n\(text)")
        let exposition = try PrometheusExposition(text)
        for target in targets {
            #expect(text.contains("tablemirror_target_failure{target=\"\(target)\",kind=\"target-stopped\"} 0"))
        }

        let kit = try MonitoringKit()
        #expect(kit.queries.count >= 20)
        for query in kit.queries {
            let references = PromQLReferences(query.expression)
            #expect(!references.selectors.isEmpty, "\(query.place) reads no metric: \(query.expression)")
            for selector in references.selectors {
                guard let metric = selector.metric else {
                    Issue.record("\(query.place): a selector without a metric name: \(query.expression)")
                    continue
                }
                guard let exported = exposition.labels[metric] else {
                    Issue.record("\(query.place): \(metric) is not exported; /metrics has \(exposition.metricNames.sorted())")
                    continue
                }
                let missing = Set(selector.labels + references.groupingLabels).subtracting(exported)
                #expect(missing.isEmpty, "\(query.place): \(metric) has no label \(missing.sorted()) (it has \(exported.sorted()))")
            }
        }
        #expect(!kit.labelValuesQueries.isEmpty)
        for query in kit.labelValuesQueries {
            #expect(exposition.labels[query.metric]?.contains(query.label) == true,
                    "variable \(query.variable): label_values(\(query.metric), \(query.label)) finds nothing")
        }
        #expect(daemon.stop() == 0)
    }
}
