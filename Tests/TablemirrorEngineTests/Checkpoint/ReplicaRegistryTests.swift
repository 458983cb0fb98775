import BinlogDecoding
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Who a table in a target belongs to, on a real server: only what the registry records (by name, or by InnoDB
/// id after a rename), what an interrupted schema change lists, or a claim whose table exists.
@Suite("Replica registry", .serialized, .enabled(if: TestServer.isConfigured))
struct ReplicaRegistryTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var database: String { "tm_reg_\(id)" }
    var target: String { "reg_\(id)" }

    private func table(_ name: String) -> QualifiedTableName { QualifiedTableName(database: database, table: name) }

    @Test func onlyRecordedRenamedListedOrClaimedTablesAreOurs() throws {
        let connection = try TestServer.connect()
        try ControlSchema.ensure(connection)
        try connection.execute("CREATE DATABASE \(database); CREATE TABLE \(database).app (id INT PRIMARY KEY); CREATE TABLE \(database).made (id INT PRIMARY KEY)")
        defer { removeTestDatabases(connection, source: database, replicas: [], targets: [target]) }
        let ownership = { (name: String) in try ReplicaRegistry.ownership(of: table(name), target: target, on: connection) }

        #expect(try ownership("none") == .absent)
        #expect(try ownership("app") == .foreign)
        try ReplicaRegistry.record(target: target, replicas: [table("made")], on: connection)
        #expect(try ownership("made") == .ours)
        #expect(try ReplicaRegistry.ownership(of: table("made"), target: "other_\(id)", on: connection) == .foreign)

        // A crash between a RENAME and its record: the same InnoDB table under a new name.
        try connection.execute("RENAME TABLE \(database).made TO \(database).moved")
        #expect(try ownership("moved") == .ours)

        // A schema change interrupted before its bookkeeping owns the tables its marker lists, unless refused.
        let plan = SchemaChangePlan(statements: ["CREATE TABLE x"], replicas: [table("app")], routes: [:], changed: [], removed: [], recreated: [])
        try SchemaChangeMarker.write(target: target, position: BinlogPosition(file: "bin.000001", offset: 4),
                                     plan: SchemaChangeMarker.planText(of: plan), step: 0, connectionID: 1, definitionsBefore: "",
                                     on: connection)
        #expect(try ownership("app") == .ours)
        try SchemaChangeMarker.recordFailure(target: target, tables: [], on: connection)
        #expect(try ownership("app") == .foreign)
        try connection.execute(SchemaChangeMarker.clearStatement(target: target))

        // A claim counts while its table exists; one whose table never came is dropped at start.
        try ReplicaRegistry.claim(target: target, replica: table("app"), on: connection)
        #expect(try ownership("app") == .ours)
        try ReplicaRegistry.claim(target: target, replica: table("never"), on: connection)
        try ReplicaRegistry.dropStaleClaims(target: target, on: connection)
        let claimed = try ReplicaRegistry.entries(target: target, on: connection).map(\.replica.table).sorted()
        #expect(claimed == ["app", "made"])
    }
}
