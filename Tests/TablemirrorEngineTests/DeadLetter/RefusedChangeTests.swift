import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A constraint the source does not have, added to two replicas by hand, then a source transaction that breaks
/// it: with `on_error: dead-letter` the refused change goes to the dead letters and everything else goes on
/// (the other row of the same transaction included); with `stop` the target stops right at that transaction.
@Suite("Refused changes", .serialized, .enabled(if: TestServer.isConfigured))
struct RefusedChangeTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_rsrc_dl_\(id)" }
    var lettered: String { "tm_rdl_\(id)" }
    var stopping: String { "tm_rst_\(id)" }

    @Test func deadLetterGoesOnAndStopStopsAtTheTransaction() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let admin = try TestServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(lettered); CREATE DATABASE \(stopping);
            CREATE TABLE \(source).items (id INT PRIMARY KEY, price INT); INSERT INTO \(source).items VALUES (1, 1), (2, 2), (3, 3)
            """)
        defer {
            for database in [lettered, stopping] { try? admin.execute("DROP TABLE IF EXISTS _tablemirror.`guard_\(database)_items`") }
            try? admin.execute("DROP DATABASE \(source); DROP DATABASE \(lettered); DROP DATABASE \(stopping)")
            try? admin.execute("DELETE FROM _tablemirror.checkpoint WHERE target IN ('dl_\(id)', 'st_\(id)'); DELETE FROM _tablemirror.dead_letter WHERE target = 'dl_\(id)'")
        }
        var configuration = try ConfigurationParser(file: "refused.yaml").parse("""
            source: { user: tm, server_id: \(3000 + id % 1000) }
            targets:
              dl_\(id): { user: tm, database: \(lettered) }
              st_\(id): { user: tm, database: \(stopping) }
            mappings:
              - { source: \(source).items, targets: [dl_\(id)], on_error: dead-letter }
              - { source: \(source).items, targets: [st_\(id)] }
            """)
        configuration.alerts.channels = [.webhook(url: receiver.url)]
        let running = RunningReplicator(configuration, targets: ["dl_\(id)": TestServer.options(), "st_\(id)": TestServer.options()],
                                        source: TestServer.options())
        defer { running.stop() }
        func ids(_ database: String) -> [String] {
            (try? admin.query("SELECT id FROM \(database).items ORDER BY id").rows.map { String(decoding: $0[0] ?? [], as: UTF8.self) }) ?? []
        }
        #expect(waitUntil(60) { ids(lettered).count == 3 && ids(stopping).count == 3 })
        for database in [lettered, stopping] {
            try admin.execute("ALTER TABLE \(database).items ADD CONSTRAINT positive CHECK (price >= 0)")
        }
        try admin.execute("""
            INSERT INTO \(source).items VALUES (4, 4);
            BEGIN; INSERT INTO \(source).items VALUES (5, -5); INSERT INTO \(source).items VALUES (6, 6); COMMIT;
            UPDATE \(source).items SET price = 10 WHERE id = 1;
            INSERT INTO \(source).items VALUES (7, 7)
            """)
        #expect(waitUntil(60) { ids(lettered) == ["1", "2", "3", "4", "6", "7"] }, "dead-letter target: \(ids(lettered))")
        let letters = try DeadLetterStore.list(target: "dl_\(id)", on: admin)
        #expect(letters.count == 1)
        #expect(letters.first?.errorCode == 4025)
        #expect(letters.first?.keys == [["5"]])
        #expect(letters.first?.change.contains("\"price\":-5") == true)
        #expect(try admin.query("SELECT price FROM \(lettered).items WHERE id = 1").string(0, 0) == "10")

        #expect(waitUntil(60) {
            if case .stopped = running.status.snapshot()["st_\(id)"]?.state { return true } else { return false }
        }, "the stop target did not stop")
        #expect(ids(stopping) == ["1", "2", "3", "4"], "the stop target applied past the refused transaction: \(ids(stopping))")
        #expect(running.status.snapshot()["dl_\(id)"]?.deadLetters == 1)
        func firing(_ key: String) -> Bool {
            receiver.received.contains { $0.contains("\"key\":\"\(key)\"") && $0.contains("\"state\":\"firing\"") }
        }
        #expect(waitUntil(20) { firing("dead-letter:dl_\(id)") && firing("target-stopped:st_\(id)") }, "alerts: \(receiver.received)")

        // The operator lifts the constraint and retries: the row comes from the source, through the daemon.
        try admin.execute("ALTER TABLE \(lettered).items DROP CONSTRAINT positive")
        let plan = try ReplicationPlan.resolve(configuration, source: admin)
        let connections = Replicator.Connections(source: TestServer.options(), targets: ["dl_\(id)": TestServer.options(), "st_\(id)": TestServer.options()])
        let requested = try DeadLetterActions.retry(letters, plan: plan, connections: connections)
        #expect(try CopyRequests.wait(for: requested, connections: connections, timeout: 60) { _ in })
        #expect(ids(lettered) == ["1", "2", "3", "4", "5", "6", "7"])
        #expect(try DeadLetterStore.count(target: "dl_\(id)", on: admin) == 0)
        #expect(waitUntil(20) { receiver.received.contains { $0.contains("\"key\":\"dead-letter:dl_\(id)\"") && $0.contains("\"state\":\"resolved\"") } },
                "no resolved dead-letter alert")
    }
}
