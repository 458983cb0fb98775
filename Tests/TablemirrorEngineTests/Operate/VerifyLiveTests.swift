import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// `verify` on a replica damaged by hand while a workload keeps changing the table: exactly the damaged rows,
/// in the three kinds, and nothing else; `--repair` (through the daemon, in stream order) makes it identical.
@Suite("Verify", .serialized, .enabled(if: TestServer.isConfigured))
struct VerifyLiveTests {
    let fixture = BigTableFixture(prefix: "verify")

    @Test func listsExactlyTheDamagedRowsAndRepairsThem() throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        let configuration = try fixture.configuration(["small", "big"])
        let connections = Replicator.Connections(source: TestServer.options(), targets: [fixture.name: TestServer.options()])
        let running = RunningReplicator(configuration, targets: connections.targets, source: connections.sourceServers[0])
        defer { running.stop() }
        #expect(waitUntil(60) { fixture.identical(admin, "big") })
        try admin.execute("""
            DELETE FROM \(fixture.target).big WHERE id IN (300, 303, 306);
            UPDATE \(fixture.target).big SET amount = 0 WHERE id IN (600, 903);
            UPDATE \(fixture.target).big SET at = NULL WHERE id = 1200;
            INSERT INTO \(fixture.target).big VALUES (5, 'extra', 1, 1, NULL), (7, 'extra2', 2, 2, NULL)
            """)
        let stop = StopSignal()
        let workload = fixture.workload(until: stop)
        defer {
            stop.stop()
            workload.wait()
        }
        let plan = try ReplicationPlan.resolve(configuration, source: try TestServer.connect())
        let selection = try TableSelection.resolve(["\(fixture.source).big", "small"], target: nil, plan: plan)
        let comparisons = try Verification.run(selection.entries, connections: connections)
        let big = try #require(comparisons.first { $0.source.table == "big" })
        #expect(big.differences == RowDifferences(onlyInSource: [["300"], ["303"], ["306"]], onlyInReplica: [["5"], ["7"]],
                                                   different: [["1200"], ["600"], ["903"]]))
        #expect(big.sourceRows > 20_000 && big.chunks >= 5)
        #expect(comparisons.first { $0.source.table == "small" }?.differences.isEmpty == true)
        // Drift is alerted once, and resolved by a later verify that finds the replica identical.
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        var alerts = Configuration.Alerts()
        alerts.channels = [.webhook(url: receiver.url)]
        let driftKey = "\"key\":\"drift:\(fixture.name):\(fixture.source).big\""
        try DriftAlerts.report(comparisons, alerts: alerts, connections: connections)
        try DriftAlerts.report(comparisons, alerts: alerts, connections: connections)
        #expect(receiver.received.filter { $0.contains(driftKey) && $0.contains("firing") }.count == 1)

        let repaired = try Verification.requestRepairs(comparisons, entries: selection.entries, connections: connections)
        #expect(repaired.count == 1)
        #expect(try CopyRequests.wait(for: repaired, connections: connections, timeout: 60) { _ in })
        let after = try Verification.run(repaired, connections: connections)
        #expect(after.allSatisfy { $0.differences.isEmpty }, "\(after.map(\.differences))")
        try DriftAlerts.report(after, alerts: alerts, connections: connections)
        #expect(receiver.received.filter { $0.contains(driftKey) && $0.contains("resolved") }.count == 1)
    }
}
