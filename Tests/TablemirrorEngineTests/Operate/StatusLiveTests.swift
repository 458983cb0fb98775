import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// `status` reads the truth from the databases: behind (exit 1) while the daemon is down and the source
/// changes, caught up (exit 0) once it has run again; transactions on other tables move the checkpoint too.
/// (With a running daemon it adds the daemon's live figures: see the admin endpoint's tests.)
@Suite("Status", .serialized, .enabled(if: TestServer.isConfigured))
struct StatusLiveTests {
    let fixture = BigTableFixture(prefix: "status")

    @Test func lagWithTheDaemonDownAndAfterItCatchesUp() throws {
        let admin = try TestServer.connect()
        try fixture.setUp(admin)
        defer { fixture.tearDown(admin) }
        var configuration = try fixture.configuration(["small"])
        configuration.admin.host = nil  // no endpoint answers: status reads the databases alone
        let connections = Replicator.Connections(source: TestServer.options(), targets: [fixture.name: TestServer.options()])
        func status() throws -> StatusReport.Target {
            let report = try StatusReport.read(configuration, connections: connections, maxLag: 5)
            return try #require(report.targets.first)
        }

        var running = RunningReplicator(configuration, targets: connections.targets, source: connections.sourceServers[0])
        // (Other suites write to the same source: "caught up" is within a second or two, not zero bytes.)
        #expect(waitUntil(60) { ((try? status().lag?.seconds) ?? 99) < 3 })
        // Only changes to a table this target does not have, for a while: its checkpoint still follows the
        // source, so it is not reported as falling further and further behind.
        for _ in 0..<5 {
            try admin.execute("UPDATE \(fixture.source).big SET amount = amount + 1 WHERE id < 300")
            sleep(1)
        }
        #expect(((try? status().lag?.seconds) ?? 99) < 3, "the checkpoint did not move past other tables' transactions")
        try admin.execute("UPDATE \(fixture.source).small SET v = v + 10")
        #expect(waitUntil(30) { (try? status().tablesAppliedAt["\(fixture.source).small"]) != nil })
        running.stop()

        // The daemon is down: the target falls behind, and status says so from the databases alone.
        try admin.execute("UPDATE \(fixture.source).small SET v = v + 1")
        sleep(6)
        let behind = try StatusReport.read(configuration, connections: connections, maxLag: 5)
        #expect(behind.exitCode == 1)
        #expect(behind.targets.first?.state == "daemon not running")
        #expect(behind.targets.first?.isBehind == true)
        #expect(!behind.daemonRunning)
        #expect(behind.targets.first?.tablesAppliedAt["\(fixture.source).small"] != nil, "per-table times need the daemon")
        #expect((behind.targets.first?.lag?.bytes ?? 0) > 0)
        #expect((behind.targets.first?.lag?.seconds ?? 0) > 5)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(behind.json().utf8)) as? [String: Any])
        let target = try #require((json["targets"] as? [[String: Any]])?.first)
        #expect(target["name"] as? String == fixture.name)
        #expect(target["state"] as? String == "daemon not running")
        #expect(target["behind"] as? Bool == true)
        #expect((target["lag_bytes"] as? Int ?? 0) > 0)
        #expect((target["position"] as? [String: Any])?["file"] is String)

        running = RunningReplicator(configuration, targets: connections.targets, source: connections.sourceServers[0])
        defer { running.stop() }
        #expect(waitUntil(60) { ((try? status().lag?.seconds) ?? 99) < 3 })
        #expect(try StatusReport.read(configuration, connections: connections, maxLag: 5).exitCode == 0)
    }

    @Test func cannotTellWhenTheSourceIsUnreachable() throws {
        let configuration = try fixture.configuration(["small"])
        var unreachable = TestServer.options()
        unreachable.port = 1
        let report = try StatusReport.read(configuration, connections: Replicator.Connections(source: unreachable, targets: [:]), maxLag: 5)
        #expect(report.exitCode == 2)
        #expect(report.sourceError != nil)
    }
}
