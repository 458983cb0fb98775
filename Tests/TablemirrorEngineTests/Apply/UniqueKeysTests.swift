import BinlogDecoding
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Folded updates become upserts only where the replica itself has no unique key but its primary key.
@Suite("Unique keys of a replica, live", .serialized, .enabled(if: TestServer.isConfigured))
struct UniqueKeysTests {
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
        ] { try connection.execute(statement) }
        func check(_ table: String) throws -> Bool {
            try UniqueKeys.primaryKeyIsOnlyUniqueKey(of: QualifiedTableName(database: database, table: table), on: connection)
        }
        #expect(try check("plain"))
        #expect(try check("composite key"))
        #expect(try !check("with_unique"))
        #expect(try !check("keyless"))
        #expect(try !check("nothing"))
        #expect(try !check("missing"))
        try connection.execute("ALTER TABLE \(database).plain ADD UNIQUE KEY (grp)")
        #expect(try !check("plain"))
    }
}
