import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// tablemirror never replaces a table it did not make: an application table where a replica should go keeps its
/// rows, that mapping is set aside for the target (status and alert name both), the rest replicates; `adopt`
/// takes over an identical table and refuses a different one.
@Suite("Ownership", .serialized, .enabled(if: TestServer.isConfigured))
struct OwnershipLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_osrc_\(id)" }
    var replicas: String { "tm_odst_\(id)" }
    var target: String { "own_\(id)" }

    private var configuration: Configuration {
        get throws {
            try ConfigurationParser(file: "test.yaml").parse("""
                source: { user: tm, server_id: \(7500 + id % 400) }
                targets:
                  \(target): { user: tm, database: \(replicas) }
                mappings:
                  - { source: "\(source).items", targets: [\(target)] }
                  - { source: "\(source).batch_*", targets: [\(target)] }
                """)
        }
    }

    private var connections: Replicator.Connections {
        Replicator.Connections(source: TestServer.options(), targets: [target: TestServer.options()])
    }

    private func count(_ connection: MariaDBConnection, _ table: String) -> String? {
        try? connection.query("SELECT COUNT(*) FROM \(replicas).\(table)").string(0, 0)
    }

    @Test func anApplicationTableKeepsItsRowsAndCanBeAdoptedOnlyWhenIdentical() throws {
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(source); CREATE DATABASE \(replicas)")
        defer { removeTestDatabases(admin, source: source, replicas: [replicas], targets: [target]) }
        try admin.execute("""
            USE \(source);
            CREATE TABLE \(source).items (id INT PRIMARY KEY, name VARCHAR(20));
            INSERT INTO \(source).items SELECT seq, CONCAT('item ', seq) FROM seq_1_to_50;
            CREATE TABLE \(source).batch_a (id INT PRIMARY KEY);
            INSERT INTO \(source).batch_a VALUES (1), (2);
            CREATE TABLE \(replicas).items (id INT PRIMARY KEY, name VARCHAR(20));
            INSERT INTO \(replicas).items VALUES (1, 'the application''s');
            CREATE TABLE \(replicas).batch_apps (id INT PRIMARY KEY, owner VARCHAR(20));
            INSERT INTO \(replicas).batch_apps VALUES (1, 'app'), (2, 'app')
            """)
        var replicator = RunningReplicator(try configuration, targets: [target: TestServer.options()], source: TestServer.options())
        #expect(waitUntil(30) { count(admin, "batch_a") == "2" }, "batch_a was not copied")
        // A foreign `items` at the initial copy, a foreign `batch_apps` for a table created later.
        try admin.execute("CREATE TABLE \(source).batch_apps (id INT PRIMARY KEY, qty INT); INSERT INTO \(source).batch_apps VALUES (9, 9); INSERT INTO \(source).batch_a VALUES (3)")
        #expect(waitUntil(30) { count(admin, "batch_a") == "3" })
        let foreign = replicator.status.snapshot()[target]?.foreignTables ?? [:]
        #expect(foreign["\(source).items"] == "\(replicas).items", "\(foreign)")
        #expect(foreign["\(source).batch_apps"] == "\(replicas).batch_apps", "\(foreign)")
        #expect(try admin.query("SELECT GROUP_CONCAT(owner) FROM \(replicas).batch_apps").string(0, 0) == "app,app")
        #expect(try admin.query("SELECT name FROM \(replicas).items").string(0, 0) == "the application's")
        #expect(DaemonStatusDocument.json(replicator.status.snapshot()).contains("\"foreign_tables\":{\"\(source).batch_apps\":\"\(replicas).batch_apps\""))
        let conditions = AlertMonitor.conditions(replicator.status.snapshot(), deadLetters: [:], alerts: Configuration.Alerts(), now: Date())
        let alert = conditions.first { $0.kind == "replica-foreign-table" }
        #expect(alert?.message.contains("\(replicas).batch_apps") == true && alert?.message.contains("\(source).batch_apps") == true,
                "\(conditions)")

        // adopt refuses a table that differs from the source's …
        let plan = try ReplicationPlan.resolve(try configuration, source: try MariaDBConnection(TestServer.options()))
        let items = try TableSelection.resolve(["\(source).items"], target: target, plan: plan).entries
        #expect {
            try ReplicaAdoption.adopt(items[0], connections: connections)
        } throws: { error in
            "\(error)".contains("not adopted") && "\(error)".contains("differs from \(source).items in 50 row(s)")
        }
        // … and takes one that is identical, which then follows the stream.
        try admin.execute("DELETE FROM \(replicas).items; INSERT INTO \(replicas).items SELECT * FROM \(source).items")
        let message = try ReplicaAdoption.adopt(items[0], connections: connections)
        #expect(message.contains("adopted"), "\(message)")
        try admin.execute("INSERT INTO \(source).items VALUES (51, 'after adoption'); UPDATE \(source).items SET name = 'changed' WHERE id = 1")
        #expect(waitUntil(30) { (try? admin.query("SELECT name FROM \(replicas).items WHERE id IN (1, 51) ORDER BY id").rows.count) == 2 })
        #expect(waitUntil(30) { (try? admin.query("SELECT name FROM \(replicas).items WHERE id = 1").string(0, 0)) == "changed" })
        #expect(waitUntil(10) { replicator.status.snapshot()[target]?.foreignTables["\(source).items"] == nil })
        // Adopted tables are read-only like the others; a restart keeps both decisions.
        #expect(throws: MariaDBError.self) {
            var other = TestServer.options()
            other.user = "root"
            other.unixSocket = TestServer.socketPath
            try MariaDBConnection(other).execute("INSERT INTO \(replicas).items VALUES (99, 'x')")
        }
        replicator.stop()
        replicator = RunningReplicator(try configuration, targets: [target: TestServer.options()], source: TestServer.options())
        defer { replicator.stop() }
        try admin.execute("INSERT INTO \(source).items VALUES (52, 'after restart'); INSERT INTO \(source).batch_apps VALUES (10, 10)")
        #expect(waitUntil(30) { count(admin, "items") == "52" })
        #expect(waitUntil(10) { replicator.status.snapshot()[target]?.foreignTables["\(source).batch_apps"] != nil })
        #expect(try admin.query("SELECT GROUP_CONCAT(owner) FROM \(replicas).batch_apps").string(0, 0) == "app,app")
        #expect(replicator.status.snapshot()[target]?.lastError == nil)
    }
}
