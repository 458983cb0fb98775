import Foundation
import Logging
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// A daemon that dies right after its initial copy, before its stream starts, and comes back once the source has
/// renamed one table and dropped another: the next daemon knows the replicas the copy made (from the schema
/// history written with the copy's checkpoint) and replays the RENAME and DROP onto them, leaving nothing behind.
@Suite("Restart right after the initial copy", .enabled(if: TestServer.isConfigured && DaemonProcess.isBuilt))
struct RestartAfterInitialCopyTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_rsrc_\(id)" }
    var replicas: String { "tm_rdst_\(id)" }
    var target: String { "restart_\(id)" }

    private var yaml: String {
        let server = TestServer.options()
        return """
            source: { host: \(server.host), port: \(server.port), user: \(server.user), password_env: TM_TEST_PASSWORD, server_id: \(7900 + id % 90) }
            targets:
              \(target): { host: \(server.host), port: \(server.port), user: \(server.user), password_env: TM_TEST_PASSWORD, database: \(replicas) }
            admin: { listen: "127.0.0.1:\(adminTestPort(id))" }
            mappings:
              - { source: "\(source).*", targets: [\(target)] }
            """
    }

    private func replicaTables(_ admin: MariaDBConnection) -> [String] {
        let result = try? admin.query("""
            SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(replicas)) ORDER BY 1
            """)
        return result.map { result in result.rows.indices.compactMap { result.string($0, 0) } } ?? []
    }

    @Test func theStreamsRenameAndDropReachTheReplicasTheCopyMade() throws {
        let admin = try TestServer.connect()
        try admin.execute("""
            CREATE DATABASE \(source); CREATE DATABASE \(replicas);
            CREATE TABLE \(source).old_name (id INT PRIMARY KEY, v INT); INSERT INTO \(source).old_name VALUES (1, 1);
            CREATE TABLE \(source).doomed (id INT PRIMARY KEY); INSERT INTO \(source).doomed VALUES (1)
            """)
        defer { removeTestDatabases(admin, source: source, replicas: [replicas], targets: [target]) }
        let configuration = try ConfigurationParser(file: "test.yaml").parse(yaml)
        let connections = try Replicator.Connections(configuration)
        let plan = try ReplicationPlan.resolve(configuration, source: MariaDBConnection(connections.sourceServers[0]))
        let options = try #require(connections.targets[target])
        // What a daemon does first, and nothing more: the initial copy and its checkpoint.
        let applier = try TargetApplier(plan: try #require(plan.targets.first), options: options, status: ReplicatorStatus(),
                                        logger: Logger(label: "test"), metrics: ReplicatorMetrics())
        try applier.prepare(onCopy: {}) { try MariaDBConnection(connections.sourceServers[0]) }
        applier.close()
        #expect(replicaTables(admin) == ["doomed", "old_name"])

        try admin.execute("""
            RENAME TABLE \(source).old_name TO \(source).new_name; DROP TABLE \(source).doomed;
            INSERT INTO \(source).new_name VALUES (2, 2)
            """)
        let daemon = try DaemonProcess(yaml: yaml)
        defer { daemon.stop() }
        #expect(waitUntil(60) {
            replicaTables(admin) == ["new_name"] && (try? admin.query("SELECT COUNT(*) FROM \(replicas).new_name").string(0, 0)) == "2"
        }, "replicas: \(replicaTables(admin))")
    }
}
