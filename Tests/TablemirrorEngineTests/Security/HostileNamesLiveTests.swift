import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// Tables and columns named with backticks, quotes, parentheses, semicolons, comment markers, `#`, newlines,
/// control characters and non-ASCII — some there at the initial copy, some created, renamed, altered, truncated,
/// dropped and moved in from another database while rows flow, under a pattern mapping — end with every replica
/// defined and filled as its source table, and a sentinel table and a "victim" in the target database untouched.
@Suite("Hostile names", .serialized, .enabled(if: TestServer.isConfigured))
struct HostileNamesLiveTests {
    let id = UInt32.random(in: 0..<UInt32.max)
    var source: String { "tm_hsrc_\(id)" }
    var elsewhere: String { "tm_hout_\(id)" }
    var replicas: String { "tm_hdst_\(id)" }
    var target: String { "hostile_\(id)" }

    /// Names a table may have (MariaDB takes any character but NUL in a quoted name, none ending in a space).
    var tableNames: [String] {
        [
            "batch_(a int);DROP TABLE \(replicas).victim;#",
            "t`q'u\"o;te",
            "t -- c /* x */ */",
            "t#h\nnewline\ttab\u{1}",
            "é名`\u{301}x",
        ]
    }

    let columnNames = ["c`);DROP TABLE x;--", "c'\"#", "c\nline", "c\u{1}ctl", "ç`\u{301}"]

    func q(_ name: String) -> String { SQLLiteral.identifier(name) }
    func table(_ name: String, in database: String? = nil) -> String { q(database ?? source) + "." + q(name) }

    private func createStatement(_ name: String, in database: String? = nil) -> String {
        let columns = columnNames.enumerated().map { index, column in
            "\(q(column)) VARCHAR(40) DEFAULT \(SQLLiteral.quotedString("'); DROP TABLE v; -- \(index)")) COMMENT \(SQLLiteral.quotedString("*/ # \(column)"))"
        }
        return "CREATE TABLE \(table(name, in: database)) (id INT PRIMARY KEY, \(columns.joined(separator: ", "))) COMMENT 'x'';DROP TABLE y;#'"
    }

    private func insert(_ name: String, ids: ClosedRange<Int>) -> String {
        let rows = ids.map { id in
            "(\(id), " + columnNames.indices.map { SQLLiteral.quotedString("v\(id)`');DROP TABLE z;#\n\u{301}\($0)") }.joined(separator: ", ") + ")"
        }
        return "INSERT INTO \(table(name)) (id, \(columnNames.map(q).joined(separator: ", "))) VALUES \(rows.joined(separator: ", "))"
    }

    @Test func everyReplicaEndsIdenticalAndNothingElseIsTouched() throws {
        let admin = try TestServer.connect()
        try admin.execute("CREATE DATABASE \(source) CHARACTER SET utf8mb4; CREATE DATABASE \(elsewhere) CHARACTER SET utf8mb4; CREATE DATABASE \(replicas) CHARACTER SET utf8mb4")
        defer {
            removeTestDatabases(admin, source: source, replicas: [replicas, elsewhere], targets: [target])
        }
        try admin.execute("""
            CREATE TABLE \(replicas).sentinel (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO \(replicas).sentinel VALUES (1, 'keep'), (2, 'me');
            CREATE TABLE \(replicas).victim (id INT PRIMARY KEY); INSERT INTO \(replicas).victim VALUES (7)
            """)
        let sentinelBefore = try admin.query("CHECKSUM TABLE \(replicas).sentinel, \(replicas).victim").rows.map { $0[1] }
        // Two tables there from the start: the initial copy builds their replicas from SHOW CREATE TABLE.
        for name in tableNames.prefix(2) {
            try admin.execute(createStatement(name))
            try admin.execute(insert(name, ids: 1...20))
        }
        let replicator = try start()
        defer { replicator.stop() }
        #expect(waitUntil(60) { differences(admin).isEmpty }, "initial copy: \(differences(admin))")

        // Created by statements in the stream, with rows; altered with hostile columns; renamed; truncated.
        for name in tableNames.dropFirst(2) {
            try admin.execute(createStatement(name))
            try admin.execute(insert(name, ids: 1...10))
        }
        try admin.execute("ALTER TABLE \(table(tableNames[2])) ADD COLUMN \(q("n`);DROP TABLE \(replicas).sentinel;#")) INT DEFAULT 5 COMMENT ';', DROP COLUMN \(q(columnNames[1]))")
        try admin.execute("UPDATE \(table(tableNames[2])) SET \(q(columnNames[0])) = 'after;alter' WHERE id < 5")
        try admin.execute("RENAME TABLE \(table(tableNames[3])) TO \(table("renamed`);DROP TABLE \(replicas).victim;#"))")
        try admin.execute("DELETE FROM \(table(tableNames[0])) WHERE id % 3 = 0")
        try admin.execute("TRUNCATE TABLE \(table(tableNames[1]))")
        try admin.execute(insert(tableNames[1], ids: 100...105))
        // Moved in from an unmapped database: copied anew, its replica built from SHOW CREATE TABLE.
        let moved = "moved*/;DROP DATABASE \(replicas);--"
        try admin.execute(createStatement(moved, in: elsewhere))
        try admin.execute("INSERT INTO \(table(moved, in: elsewhere)) (id) VALUES (1), (2)")
        try admin.execute("RENAME TABLE \(table(moved, in: elsewhere)) TO \(table(moved))")
        try admin.execute("UPDATE \(table(moved)) SET \(q(columnNames[2])) = 'moved\\n;' WHERE id = 2")
        try admin.execute("DROP TABLE \(table(tableNames[4]))")

        #expect(waitUntil(90) { differences(admin).isEmpty }, "\(differences(admin))")
        #expect(try admin.query("CHECKSUM TABLE \(replicas).sentinel, \(replicas).victim").rows.map { $0[1] } == sentinelBefore)
        let status = replicator.status.snapshot()[target]
        #expect(status?.lastError == nil, "\(status?.lastError ?? "")")
    }

    /// What differs between the source's tables and the replicas (the sentinel and victim aside).
    func differences(_ connection: MariaDBConnection) -> [String] {
        do {
            let names = { (database: String) throws -> [String] in
                let result = try connection.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(database))")
                return result.rows.indices.compactMap { result.string($0, 0) }.sorted()
            }
            let expected = try names(source)
            let have = try names(replicas).filter { $0 != "sentinel" && $0 != "victim" }
            guard have == expected else { return ["replicas \(have.map(\.debugDescription)), expected \(expected.map(\.debugDescription))"] }
            var found: [String] = []
            for name in expected {
                let definition = { (database: String) throws -> String in
                    let text = try ReplicaTableDefinition.showCreateTable(table(name, in: database), on: connection) ?? ""
                    return try ReplicaTableDefinition.createStatement(showCreateTable: text, database: "d", table: name)
                }
                if try definition(source) != definition(replicas) { found.append("\(name.debugDescription) is defined differently") }
                let rows = { (database: String) throws in try connection.query("SELECT * FROM \(table(name, in: database)) ORDER BY id").rows }
                if try rows(source) != rows(replicas) { found.append("\(name.debugDescription) has other rows") }
            }
            return found
        } catch {
            return ["\(error)"]
        }
    }
}
