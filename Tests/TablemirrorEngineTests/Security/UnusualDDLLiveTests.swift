import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Legal but unusual statements and names, under a pattern mapping: string literals starting with a combining
/// mark, every comment form, both quoting modes and both escaping modes; names of 64 characters and names that
/// share their first 50. Every replica ends defined and filled as its source table, and stays guarded.
extension HostileNamesLiveTests {
    @Test func unusualStatementsEndWithIdenticalReplicas() throws {
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(source) CHARACTER SET utf8mb4; CREATE DATABASE \(replicas) CHARACTER SET utf8mb4")
        defer { removeTestDatabases(admin, source: source, replicas: [replicas], targets: [target]) }
        try admin.execute("CREATE TABLE \(source).base (id INT PRIMARY KEY, v VARCHAR(20)) COMMENT '\u{301}x'; INSERT INTO \(source).base VALUES (1, '\u{301}a')")
        let running = try start()
        defer { running.stop() }
        #expect(waitUntil(60) { differences(admin).isEmpty }, "initial copy: \(differences(admin))")

        let writer = try TestServer.connect(database: source)
        // A raw literal: what follows is exactly the SQL text sent (one backslash is one backslash).
        try writer.execute(#"""
            CREATE TABLE combining (id INT PRIMARY KEY, c VARCHAR(10) DEFAULT '\#u{301}' COMMENT '\#u{301}x') COMMENT = '\#u{301}\#u{301}';
            ALTER TABLE base /* a plain comment ) ; */ ADD COLUMN f INT DEFAULT 1 -- a dash comment ; DROP TABLE base
            , ADD COLUMN g VARCHAR(5) DEFAULT 'it''s' # a hash comment )
            ;
            /*!100100 ALTER TABLE base ADD COLUMN h INT DEFAULT 2 */;
            /*M!100100 ALTER TABLE base ADD COLUMN i INT DEFAULT 3 */;
            ALTER TABLE base /*!100100 ADD COLUMN j VARCHAR(9) DEFAULT 'a\'b' */, COMMENT 'tab\there';
            INSERT INTO combining VALUES (1, '\#u{301}'), (2, DEFAULT);
            INSERT INTO base (id, v) VALUES (2, 'b');
            SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES');
            CREATE TABLE "ansi ""quoted""" ("id" INT PRIMARY KEY, "c`x" VARCHAR(10) DEFAULT 'dq"in' COMMENT 'x"y');
            ALTER TABLE "ansi ""quoted""" ADD COLUMN "d" INT DEFAULT 4 COMMENT '\#u{301}';
            INSERT INTO "ansi ""quoted""" ("id") VALUES (1);
            SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');
            CREATE TABLE backslash (id INT PRIMARY KEY, p VARCHAR(10) DEFAULT 'C:\dir\' COMMENT 'one \ two');
            ALTER TABLE backslash ADD COLUMN q VARCHAR(10) DEFAULT '\''' ;
            INSERT INTO backslash (id) VALUES (1)
            """#)
        #expect(waitUntil(60) { differences(admin).isEmpty }, "\(differences(admin))")
        #expect(running.status.snapshot()[target]?.lastError == nil, "\(running.status.snapshot()[target]?.lastError ?? "")")
    }

    @Test func longNamesReplicateAndStayGuarded() throws {
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(source) CHARACTER SET utf8mb4; CREATE DATABASE \(replicas) CHARACTER SET utf8mb4")
        let user = "tm_app_\(id % 100_000)"
        defer {
            removeTestDatabases(admin, source: source, replicas: [replicas], targets: [target])
            try? admin.execute("DROP USER '\(user)'@'127.0.0.1'")
        }
        let prefix = String(repeating: "p", count: 45) + "_long"  // 50 characters
        let names = [prefix + "_first_of_one1", prefix + "_second_of_one", String(repeating: "x", count: 64),
                     String(repeating: "é", count: 60) + "_new"]
        #expect(names.allSatisfy { $0.count == 64 })
        for name in names.prefix(2) {
            try admin.execute("CREATE TABLE \(table(name)) (id INT PRIMARY KEY, v INT); INSERT INTO \(table(name)) VALUES (1, 1), (2, 2)")
        }
        let running = try start()
        defer { running.stop() }
        #expect(waitUntil(60) { differences(admin).isEmpty }, "initial copy: \(differences(admin))")
        // Created in the stream, then changed: the replicas get their guards with the CREATE.
        for name in names.suffix(2) {
            try admin.execute("CREATE TABLE \(table(name)) (id INT PRIMARY KEY, v INT); INSERT INTO \(table(name)) VALUES (1, 1), (2, 2)")
        }
        for name in names { try admin.execute("UPDATE \(table(name)) SET v = v * 10; INSERT INTO \(table(name)) VALUES (3, 3)") }
        #expect(waitUntil(60) { differences(admin).isEmpty }, "\(differences(admin))")
        #expect(running.status.snapshot()[target]?.lastError == nil, "\(running.status.snapshot()[target]?.lastError ?? "")")

        // Guarded: distinct triggers and guard tables for each, and another account refused on every replica.
        let triggers = try admin.query("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = \(SQLLiteral.quotedString(replicas))")
        #expect(Set(triggers.rows.indices.compactMap { triggers.string($0, 0) }).count == 3 * names.count)
        try admin.execute("CREATE USER '\(user)'@'127.0.0.1' IDENTIFIED BY 'app-pw'; GRANT ALL PRIVILEGES ON \(replicas).* TO '\(user)'@'127.0.0.1'")
        var options = TestServer.options(database: replicas)
        options.user = user
        options.password = "app-pw"
        let app = try MariaDBConnection(options)
        for name in names {
            for statement in ["INSERT INTO \(q(name)) VALUES (9, 9)", "UPDATE \(q(name)) SET v = 0", "DELETE FROM \(q(name))", "TRUNCATE TABLE \(q(name))"] {
                do {
                    try app.execute(statement)
                    Issue.record("\(statement) succeeded for another account")
                } catch {
                    #expect(error.code == 1644 || error.code == 1701, "\(statement): \(error)")
                }
            }
        }
        #expect(differences(admin).isEmpty)
    }

    /// A replicator of every table of the source database (a pattern mapping) into the replicas' database.
    func start() throws -> RunningReplicator {
        let configuration = try ConfigurationParser(file: "test.yaml").parse("""
            source: { user: tm, server_id: \(7000 + id % 1000) }
            targets:
              \(target): { user: tm, database: \(replicas) }
            mappings:
              - { source: "\(source).*", targets: [\(target)] }
            """)
        return RunningReplicator(configuration, targets: [target: TestServer.options()], source: TestServer.options())
    }
}
