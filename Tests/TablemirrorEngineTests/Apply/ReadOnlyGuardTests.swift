import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Replica tables refuse INSERT, UPDATE, DELETE and TRUNCATE from any other user; reads work; tablemirror's
/// own user writes as before.
@Suite("Read-only replicas", .serialized, .enabled(if: TestServer.isConfigured))
struct ReadOnlyGuardTests {
    @Test func otherUsersCannotWriteButCanRead() throws {
        let database = TestServer.uniqueDatabase("tm_ro")
        let user = "app_\(UInt16.random(in: 0..<UInt16.max))"
        let admin = try TestServer.connect()
        try ControlSchema.ensure(admin)
        try admin.execute("""
            CREATE DATABASE \(database);
            CREATE TABLE \(database).items (id INT, sku VARCHAR(20) CHARSET utf8mb4, name TEXT, PRIMARY KEY (id, sku));
            INSERT INTO \(database).items VALUES (1, 'a', 'one'), (2, 'b', 'two');
            CREATE USER '\(user)'@'127.0.0.1' IDENTIFIED BY 'app-pw';
            GRANT ALL PRIVILEGES ON \(database).* TO '\(user)'@'127.0.0.1'
            """)
        defer {
            try? ReadOnlyGuard.removeTruncateGuard(on: admin, database: database, table: "items")
            try? admin.execute("DROP DATABASE \(database); DROP USER '\(user)'@'127.0.0.1'")
        }
        try ReadOnlyGuard.install(on: admin, database: database, table: "items", writer: TestServer.options().user)

        var appOptions = TestServer.options(database: database)
        appOptions.user = user
        appOptions.password = "app-pw"
        let app = try MariaDBConnection(appOptions)
        for statement in ["INSERT INTO items VALUES (3, 'c', 'three')", "UPDATE items SET name = 'x' WHERE id = 1",
                          "DELETE FROM items WHERE id = 2", "TRUNCATE TABLE items"] {
            do {
                try app.execute(statement)
                Issue.record("\(statement) succeeded for another user")
            } catch {
                #expect(error.code == 1644 || error.code == 1701, "\(statement): \(error)")
                if error.code == 1644 { #expect(error.message.contains("read-only replica maintained by tablemirror")) }
            }
        }
        #expect(try app.query("SELECT COUNT(*) FROM items").string(0, 0) == "2")

        // tablemirror's own user still writes.
        try admin.execute("INSERT INTO \(database).items VALUES (3, 'c', 'three'); UPDATE \(database).items SET name = 'uno' WHERE id = 1; DELETE FROM \(database).items WHERE id = 2")
        #expect(try admin.query("SELECT GROUP_CONCAT(name ORDER BY id) FROM \(database).items").string(0, 0) == "uno,three")
    }
}
