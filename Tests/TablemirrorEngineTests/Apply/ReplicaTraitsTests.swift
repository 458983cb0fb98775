import BinlogDecoding
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Folded updates become upserts only where the replica itself has no unique key but its primary key; new rows are
/// loaded only into an InnoDB replica.
@Suite("What a replica allows, live", .serialized, .enabled(if: TestServer.isConfigured))
struct ReplicaTraitsTests {
    @Test func onlyAPrimaryKeyWithoutAnotherUniqueKeyAllowsUpserts() throws {
        let database = TestServer.uniqueDatabase("tm_unique")
        let connection = try TestServer.connect()
        try connection.execute("CREATE DATABASE \(database)")
        defer { try? connection.execute("DROP DATABASE \(database)") }
        for statement in [
            "CREATE TABLE \(database).plain (id INT PRIMARY KEY, grp INT, KEY (grp))",
            "CREATE TABLE \(database).`composite key` (a INT, b INT, PRIMARY KEY (a, b))",
            "CREATE TABLE \(database).with_unique (id INT PRIMARY KEY, sku VARCHAR(20), UNIQUE KEY (sku))",
            "CREATE TABLE \(database).keyless (id INT, UNIQUE KEY (id))",
            "CREATE TABLE \(database).nothing (id INT)",
            "CREATE TABLE \(database).aria (id INT PRIMARY KEY) ENGINE=Aria",
        ] { try connection.execute(statement) }
        func traits(_ table: String) throws -> ReplicaTraits {
            try ReplicaTraits.read(of: QualifiedTableName(database: database, table: table), on: connection)
        }
        func check(_ table: String) throws -> Bool { try traits(table).primaryKeyIsOnlyUniqueKey }
        #expect(try check("plain"))
        #expect(try check("composite key"))
        #expect(try !check("with_unique"))
        #expect(try !check("keyless"))
        #expect(try !check("nothing"))
        #expect(try !check("missing"))
        try connection.execute("ALTER TABLE \(database).plain ADD UNIQUE KEY (grp)")
        #expect(try !check("plain"))
        #expect(try traits("plain").isTransactional && traits("nothing").isTransactional)
        #expect(try !traits("aria").isTransactional && !traits("missing").isTransactional)
    }
}
