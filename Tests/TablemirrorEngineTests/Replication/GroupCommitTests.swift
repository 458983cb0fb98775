import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A backlog of small source transactions is applied in fewer, larger target transactions (each still whole).
@Suite("Group commit", .serialized, .enabled(if: TestServer.isConfigured))
struct GroupCommitTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    @Test func aBacklogIsAppliedInGroups() throws {
        let source = "tm_gsrc_\(id)", target = "tm_gtgt_\(id)", name = "group_\(id)"
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(source); CREATE DATABASE \(target); CREATE TABLE \(source).t (id INT PRIMARY KEY, v INT)")
        defer {
            try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(target)_t`")
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(target); DELETE FROM _tablemirror.checkpoint WHERE target = '\(name)'")
        }
        let configuration = try ConfigurationParser(file: "group.yaml").parse("""
            source: { user: tm, server_id: \(9500 + id % 400) }
            targets: { \(name): { user: tm, database: \(target) } }
            mappings: [ { source: \(source).t, targets: [\(name)] } ]
            """)
        func runReplicator(until condition: () -> Bool) throws -> ReplicatorStatus.Target? {
            let running = RunningReplicator(configuration, targets: [name: TestServer.options()], source: TestServer.options())
            let reached = waitUntil(120, condition)
            try #require(reached, "the replicator did not get there within 120 s")
            running.stop()
            return running.status.snapshot()[name]
        }
        // First run: the initial copy and a checkpoint.
        _ = try runReplicator { (try? CheckpointStore.read(target: name, from: admin)) != nil }
        // A backlog of 500 one-row transactions while it is down.
        let writer = try TestServer.connect(database: source)
        for row in 1...500 { try writer.execute("INSERT INTO t VALUES (\(row), \(row))") }
        let status = try runReplicator { (try? admin.query("SELECT COUNT(*) FROM \(target).t").string(0, 0)) == "500" }
        #expect(try admin.query("SELECT COUNT(*), SUM(v) FROM \(target).t").rows == admin.query("SELECT COUNT(*), SUM(v) FROM \(source).t").rows)
        #expect(status?.appliedTransactions == 500)
        #expect((status?.targetTransactions ?? 500) < 250, "500 source transactions took \(status?.targetTransactions ?? 0) target transactions")
    }
}
