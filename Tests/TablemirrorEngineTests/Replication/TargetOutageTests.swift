import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A target server stopped for 30 seconds mid-stream: the other target keeps up meanwhile; the stopped one
/// reconnects when it returns and catches up with nothing lost. The far target is a server of this suite's own, so
/// that its outage touches no other suite.
@Suite("Target outage", .serialized, .enabled(if: TestServer.isConfigured))
struct TargetOutageTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    @Test func theOtherTargetKeepsUpAndTheStoppedOneCatchesUp() throws {
        let source = "tm_osrc_\(id)", near = "tm_onear_\(id)", far = "tm_ofar_\(id)"
        let farServer = try ThrowawayServer(name: "tm-test-outage", offset: 4)
        defer { farServer.stop() }
        let admin = try TestServer.connect()
        let farAdmin = try farServer.connect()
        try admin.execute("CREATE DATABASE \(source); CREATE DATABASE \(near); CREATE TABLE \(source).items (id INT PRIMARY KEY, v INT)")
        try farAdmin.execute("CREATE DATABASE \(far)")
        defer {
            for (connection, database) in [(admin, near), (try? farServer.connect(), far)] {
                try? connection?.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(database)_items`; DROP DATABASE IF EXISTS \(database)")
                try? connection?.execute("DELETE FROM _tablemirror.checkpoint WHERE target LIKE '%_\(id)'")
            }
            try? admin.execute("DROP DATABASE \(source)")
        }
        var configuration = try ConfigurationParser(file: "outage.yaml").parse("""
            source: { user: tm, server_id: \(5000 + id % 1000) }
            targets:
              near_\(id): { user: tm, database: \(near) }
              far_\(id): { user: tm, database: \(far) }
            mappings:
              - { source: \(source).items, targets: [near_\(id), far_\(id)] }
            """)
        configuration.admin.host = nil
        let connections = Replicator.Connections(source: TestServer.options(),
                                                 targets: ["near_\(id)": TestServer.options(), "far_\(id)": farServer.options()])
        func report() throws -> StatusReport { try StatusReport.read(configuration, connections: connections, maxLag: 10) }
        let running = RunningReplicator(configuration, targets: ["near_\(id)": TestServer.options(), "far_\(id)": farServer.options()],
                                        source: TestServer.options(), backoffSeconds: (0.2, 2))
        defer { running.stop() }
        let status = running.status

        let writer = try TestServer.connect(database: source)
        func sourceRows() throws -> [[QueryResult.Cell]] { try writer.query("SELECT * FROM items ORDER BY id").rows }
        func equal(_ connection: MariaDBConnection?, _ table: String) -> Bool {
            guard let connection, let rows = try? connection.query("SELECT * FROM \(table) ORDER BY id").rows else { return false }
            return (try? sourceRows()) == rows
        }

        try writer.execute("INSERT INTO items SELECT seq, seq FROM seq_1_to_100")
        try #require(waitUntil(120) {
            equal(admin, "\(near).items") && equal(try? farServer.connect(), "\(far).items")
                && status.snapshot()["far_\(id)"]?.state == .streaming
        }, "both targets did not converge before the outage")

        // The far target's server goes away for 30 seconds while the source keeps changing.
        try farServer.pause()
        let outageEnds = Date().addingTimeInterval(30)
        var nearLagged = false
        var round = 0
        while Date() < outageEnds {
            round += 1
            try writer.execute("UPDATE items SET v = v + 1 WHERE id % 10 = \(round % 10); INSERT INTO items VALUES (\(1000 + round), \(round))")
            // The near target keeps its lag low meanwhile: it converges within a few seconds of each change.
            if !waitUntil(15, { equal(admin, "\(near).items") }) { nearLagged = true }
            // Pauses leave the source idle now and then (other suites wait for its heartbeats).
            usleep(500_000)
        }
        #expect(!nearLagged, "the near target fell behind while the far one was down")
        // `status` during the outage: the stopped target cannot be read (exit 2), the other is current.
        let during = try report()
        #expect(during.exitCode == 2)
        #expect(during.targets.first { $0.name == "far_\(id)" }?.state == "unreachable")
        #expect(during.targets.first { $0.name == "near_\(id)" }?.isBehind == false)
        if case .retrying = status.snapshot()["far_\(id)"]?.state {} else {
            Issue.record("the far target is not retrying during the outage: \(String(describing: status.snapshot()["far_\(id)"]))")
        }

        try farServer.resume()
        #expect(waitUntil(120) {
            equal(try? farServer.connect(), "\(far).items") && status.snapshot()["far_\(id)"]?.state == .streaming
        }, "the far target did not catch up")
        // (Other suites keep writing to the same source, so "caught up" means within a second or two.)
        #expect(waitUntil(30) { (try? report().targets.allSatisfy { ($0.lag?.seconds ?? 99) < 3 }) == true }, "status does not show both caught up")
        #expect(try report().exitCode == 0)
    }
}
