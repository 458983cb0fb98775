import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Replica tables refuse INSERT, UPDATE, DELETE and TRUNCATE from every other account — another user, tablemirror's
/// user name in another letter case, the same name from another host — reads work, and tablemirror's own session
/// writes as before.
@Suite("Read-only replicas", .serialized, .enabled(if: TestServer.isConfigured))
struct ReadOnlyGuardTests {
    @Test func everyOtherAccountIsRefused() throws {
        let database = TestServer.uniqueDatabase("tm_ro")
        let suffix = UInt16.random(in: 0..<UInt16.max)
        let user = "app_\(suffix)", twin = "tmw_\(suffix)", twinUpper = "TMW_\(suffix)"
        let admin = try TestServer.connect()
        try ControlSchema.ensure(admin)
        // The writer: an account like tablemirror's target user, reached over TCP from 127.0.0.1.
        try admin.execute("""
            CREATE DATABASE \(database);
            CREATE TABLE \(database).items (id INT, sku VARCHAR(20) CHARSET utf8mb4, name TEXT, PRIMARY KEY (id, sku));
            INSERT INTO \(database).items VALUES (1, 'a', 'one'), (2, 'b', 'two');
            CREATE USER '\(user)'@'127.0.0.1' IDENTIFIED BY 'app-pw';
            GRANT ALL PRIVILEGES ON \(database).* TO '\(user)'@'127.0.0.1';
            CREATE USER '\(twin)'@'127.0.0.1' IDENTIFIED BY 'twin-pw';
            GRANT ALL PRIVILEGES ON *.* TO '\(twin)'@'127.0.0.1';
            CREATE USER '\(twin)'@'localhost' IDENTIFIED BY 'twin-local-pw';
            GRANT ALL PRIVILEGES ON \(database).* TO '\(twin)'@'localhost';
            CREATE USER '\(twinUpper)'@'127.0.0.1' IDENTIFIED BY 'upper-pw';
            GRANT ALL PRIVILEGES ON \(database).* TO '\(twinUpper)'@'127.0.0.1'
            """)
        defer {
            try? ReadOnlyGuard.removeTruncateGuard(on: admin, database: database, table: "items")
            try? admin.execute("DROP DATABASE \(database); DROP USER '\(user)'@'127.0.0.1', '\(twin)'@'127.0.0.1', '\(twin)'@'localhost', '\(twinUpper)'@'127.0.0.1'")
        }
        func connect(_ name: String, _ password: String, socket: Bool = false) throws -> MariaDBConnection {
            var options = TestServer.options(database: database)
            options.user = name
            options.password = password
            if socket { options.unixSocket = TestServer.socketPath }
            return try MariaDBConnection(options)
        }
        let writer = try connect(twin, "twin-pw")
        try ReadOnlyGuard.install(on: writer, database: database, table: "items")

        let others = [("another account", try connect(user, "app-pw")),
                      ("the writer's name in capitals", try connect(twinUpper, "upper-pw")),
                      ("the writer's name from localhost", try connect(twin, "twin-local-pw", socket: true))]
        for (who, app) in others {
            for statement in ["INSERT INTO items VALUES (3, 'c', 'three')", "UPDATE items SET name = 'x' WHERE id = 1",
                              "DELETE FROM items WHERE id = 2", "TRUNCATE TABLE items"] {
                do {
                    try app.execute(statement)
                    Issue.record("\(statement) succeeded for \(who)")
                } catch {
                    #expect(error.code == 1644 || error.code == 1701, "\(who): \(statement): \(error)")
                    if error.code == 1644 { #expect(error.message.contains("read-only replica maintained by tablemirror")) }
                }
            }
            #expect(try app.query("SELECT COUNT(*) FROM items").string(0, 0) == "2")
        }

        // tablemirror's own session still writes.
        try writer.execute("INSERT INTO items VALUES (3, 'c', 'three')")
        try writer.execute("UPDATE items SET name = 'uno' WHERE id = 1")
        try writer.execute("DELETE FROM items WHERE id = 2")
        #expect(try admin.query("SELECT GROUP_CONCAT(name ORDER BY id) FROM \(database).items").string(0, 0) == "uno,three")
        #expect(try ReadOnlyGuard.missingTriggers(on: writer, database: database, table: "items").isEmpty)
        // Another session's view: the triggers do not test for it.
        #expect(try ReadOnlyGuard.missingTriggers(on: others[0].1, database: database, table: "items").count == 3)
    }
}
