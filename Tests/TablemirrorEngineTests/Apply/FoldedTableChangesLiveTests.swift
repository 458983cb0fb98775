import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// What the target itself logs when a backlog of updates is applied: rows of a replica whose only unique key is
/// its primary key are updated in place (upserts); a replica with another unique key gets its rows deleted and
/// inserted again, as before. Read from the test server's own binlog, where the replicas' writes land too.
@Suite("Folded updates on a live target", .serialized, .enabled(if: TestServer.isConfigured))
struct FoldedTableChangesLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)

    @Test func updatesAreUpsertsOnlyWhereThePrimaryKeyIsTheOnlyUniqueKey() throws {
        let source = "tm_fsrc_\(id)", target = "tm_ftgt_\(id)", name = "fold_\(id)"
        let admin = try TestServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(target);
            CREATE TABLE \(source).plain (id INT PRIMARY KEY, v INT, KEY (v));
            CREATE TABLE \(source).uniq (id INT PRIMARY KEY, u INT, UNIQUE KEY (u));
            INSERT INTO \(source).plain SELECT seq, seq FROM \(source).seq_1_to_100;
            INSERT INTO \(source).uniq SELECT seq, seq FROM \(source).seq_1_to_100
            """)
        defer { removeTestDatabases(admin, source: source, replicas: [target], targets: [name]) }
        let configuration = try ConfigurationParser(file: "fold.yaml").parse("""
            source: { user: tm, server_id: \(9100 + id % 300) }
            targets: { \(name): { user: tm, database: \(target) } }
            mappings: [ { source: "\(source).*", targets: [\(name)] } ]
            """)
        func runReplicator(until condition: () -> Bool) throws {
            let running = RunningReplicator(configuration, targets: [name: TestServer.options()], source: TestServer.options())
            let reached = waitUntil(120, condition)
            running.stop()
            try #require(reached, "the replicator did not get there within 120 s")
        }
        _ = try runReplicator { (try? CheckpointStore.read(target: name, from: admin)) != nil }

        // A backlog while it is down: every row of both tables updated (the unique values all moved), each in one
        // source transaction, so each table's changes fold into one run.
        try admin.execute("UPDATE \(source).plain SET v = v + 1000")
        try admin.execute("UPDATE \(source).uniq SET u = u + 1000")
        let start = try TestServer.currentPosition(admin)
        try runReplicator {
            (try? admin.query("SELECT COUNT(*) FROM \(target).plain WHERE v > 1000").string(0, 0)) == "100"
                && (try? admin.query("SELECT COUNT(*) FROM \(target).uniq WHERE u > 1000").string(0, 0)) == "100"
        }

        // What the target server logged for the replicas, from before the catch-up.
        let stream = try RemoteEventSource(TestServer.options(), request: BinlogStreamRequest(
            start: .position(file: start.file, offset: start.offset), serverID: UInt32.random(in: 6_000_000..<7_000_000), heartbeatSeconds: 0, stopAtEnd: true))
        var operations: [String: [RowChangeMessage.Operation: Int]] = [:]
        try DecodeSession(schemaConnection: try TestServer.connect()).run(stream) { change in
            if case let .row(row) = change, row.database == target { operations[row.table, default: [:]][row.operation, default: 0] += 1 }
        }
        #expect(operations["plain"] == [.update: 100], "plain: \(operations["plain"] ?? [:])")
        #expect(operations["uniq"] == [.delete: 100, .insert: 100], "uniq: \(operations["uniq"] ?? [:])")
    }
}
