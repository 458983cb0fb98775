import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A mapping naming a table that does not exist yet: `status` lists it as awaited (it used to start silently and
/// replicate nothing), and the table is replicated from the moment it is created.
@Suite("Unmatched mappings", .serialized, .enabled(if: TestServer.isConfigured))
struct UnmatchedMappingTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    @Test func aMissingTableIsReportedThenReplicatedFromItsCreation() throws {
        let source = "tm_usrc_\(id)", target = "tm_utgt_\(id)", name = "unmatched_\(id)"
        let admin = try TestServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(target);
            CREATE TABLE \(source).present (id INT PRIMARY KEY, v INT); INSERT INTO \(source).present VALUES (1, 1)
            """)
        defer {
            for table in ["present", "later"] { try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_\(table)`") }
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target); DELETE FROM _tablemirror.checkpoint WHERE target = '\(name)'")
        }
        var configuration = try ConfigurationParser(file: "unmatched.yaml").parse("""
            source: { user: tm, server_id: \(9000 + (id + 2) % 1000) }
            targets: { \(name): { user: tm, database: \(target) } }
            mappings:
              - { source: \(source).present, targets: [\(name)] }
              - { source: \(source).later, targets: [\(name)] }
            """)
        configuration.admin.host = nil
        let connections = Replicator.Connections(source: TestServer.options(), targets: [name: TestServer.options()])
        let plan = try ReplicationPlan.resolve(configuration, source: admin)
        #expect(plan.unmatchedMappings.map(\.source.description) == ["\(source).later"])

        let running = RunningReplicator(configuration, targets: connections.targets, source: connections.sourceServers[0])
        defer { running.stop() }
        #expect(waitUntil(30) { (try? admin.query("SELECT v FROM \(target).present").string(0, 0)) == "1" })
        let before = try #require(try StatusReport.read(configuration, connections: connections, maxLag: 60).targets.first)
        #expect(before.awaitedTables == ["\(source).later"])
        #expect(StatusReport(head: nil, targets: [before], maxLag: 60).text().contains { $0.contains("\(source).later: mapped, but no such table") })

        try admin.execute("""
            CREATE TABLE \(source).later (id INT PRIMARY KEY, note VARCHAR(20));
            INSERT INTO \(source).later SELECT seq, CONCAT('n', seq) FROM \(source).seq_1_to_50;
            UPDATE \(source).later SET note = 'changed' WHERE id % 3 = 0; DELETE FROM \(source).later WHERE id > 45
            """)
        func same() -> Bool {
            let expected = try? admin.query("SELECT * FROM \(source).later ORDER BY id").rows
            return expected != nil && expected == (try? admin.query("SELECT * FROM \(target).later ORDER BY id").rows)
        }
        #expect(waitUntil(30, same), "the table created after the start is not replicated")
        let after = try #require(try StatusReport.read(configuration, connections: connections, maxLag: 60).targets.first)
        #expect(after.awaitedTables.isEmpty)
    }
}
