import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// MySQL 8 DDL replayed on the live MariaDB target: every Query event of the MySQL-written fixture binlogs, and a
/// list taken from MySQL 8.0/8.4's reference manual (CREATE TABLE, ALTER TABLE, CREATE/DROP INDEX), parsed,
/// translated and planned as the daemon does, then run on the target where MariaDB has an equivalent — each result
/// checked in the replica's SHOW CREATE TABLE — and refused, with the documented reason, where it has none.
@Suite("MySQL DDL on a MariaDB target", .serialized, .enabled(if: TestTargetServer.isConfigured))
struct MySQLDialectLiveTests {
    private let scratch = "tm_dialect_\(UInt32.random(in: 0..<UInt32.max))"

    /// Replays statements in order through the planner, every source table routed to a replica of the same name
    /// in the scratch database (its source database joined in front: `db__table`).
    private final class Replay {
        let target: MariaDBConnection
        let dialect: MySQLDialect
        let scratch: String
        var routes: [QualifiedTableName: ReplicationPlan.Route] = [:]
        let planner: SchemaChangePlanner

        init(target: MariaDBConnection, scratch: String) {
            self.target = target
            self.scratch = scratch
            dialect = MySQLDialect(target: ServerVersion(target.serverVersion))
            planner = SchemaChangePlanner(routeFor: { table in
                ReplicationPlan.Route(source: table, apply: TableApplyPlan(database: scratch, table: String("\(table.database)__\(table.table)".prefix(64)),
                                                                            keyColumns: []))
            }, databaseCharset: { _ in "CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci" })
        }

        enum Outcome: Equatable {
            case applied([String])
            case notATableStatement
            case refused(String)
            case failedOnTarget(String)
        }

        func run(_ text: String, database: String, session: QuerySessionSettings = QuerySessionSettings()) -> Outcome {
            let plan: SchemaChangePlan?
            do {
                let statement = try SchemaStatement.parse(text, database: database, session: session, dialect: dialect)
                if statement == .other { return .notATableStatement }
                plan = try planner.plan(statement, routes: routes, suspended: [])
            } catch {
                return .refused("\(error)")
            }
            guard let plan, plan.recreated.isEmpty else { return .notATableStatement }
            for statement in plan.statements {
                do {
                    try target.execute(statement)
                } catch {
                    return .failedOnTarget("\(statement): \(error.message)")
                }
            }
            routes = plan.routes
            return .applied(plan.statements)
        }

        func definition(_ table: String) throws -> String {
            try target.query("SHOW CREATE TABLE `\(scratch)`.`product__\(table)`").string(0, 1) ?? ""
        }
    }

    private func withReplay(_ body: (Replay) throws -> Void) throws {
        let target = try TestTargetServer.connect()
        try target.execute("CREATE DATABASE `\(scratch)`")
        defer { try? target.execute("DROP DATABASE `\(scratch)`") }
        try body(Replay(target: target, scratch: scratch))
    }

    /// From MySQL 8.0/8.4's reference manual: statement, and nil where it runs on MariaDB (checked by the clause
    /// its replica's definition must then hold), or the reason it is refused.
    private static let manual: [(statement: String, holds: String?, refused: String?)] = [
        ("CREATE TABLE t1 (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) COLLATE utf8mb4_0900_ai_ci, "
            + "c INT, KEY k_c (c) INVISIBLE, CONSTRAINT ck_c CHECK (c >= 0) ENFORCED) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
         "KEY `k_c` (`c`) IGNORED", nil),
        ("ALTER TABLE t1 ALTER INDEX k_c VISIBLE", "KEY `k_c` (`c`),", nil),
        ("ALTER TABLE t1 ADD COLUMN d INT DEFAULT (c + 1), ALGORITHM=INSTANT", "`d` int(11) DEFAULT (`c` + 1)", nil),
        ("ALTER TABLE t1 ADD COLUMN e INT AFTER id, ALGORITHM=INPLACE, LOCK=NONE", "`e` int(11) DEFAULT NULL", nil),
        ("ALTER TABLE t1 RENAME COLUMN e TO e2", "`e2` int(11)", nil),
        ("ALTER TABLE t1 RENAME INDEX k_c TO k_c2", "KEY `k_c2`", nil),
        ("ALTER TABLE t1 MODIFY name VARCHAR(60) COLLATE utf8mb4_0900_as_cs", "COLLATE utf8mb4_uca1400_as_cs", nil),
        ("ALTER TABLE t1 MODIFY name VARCHAR(60) CHARACTER SET utf8mb4 COLLATE utf8mb4_de_pb_0900_ai_ci", "utf8mb4_uca1400_german2_ai_ci", nil),
        ("ALTER TABLE t1 ADD INDEX k_d (d) INVISIBLE, ADD COLUMN f INT INVISIBLE", "`f` int(11) INVISIBLE DEFAULT NULL", nil),
        ("CREATE INDEX k_e ON t1 (e2) INVISIBLE ALGORITHM=INPLACE LOCK=DEFAULT", "KEY `k_e` (`e2`) IGNORED", nil),
        ("DROP INDEX k_e ON t1 ALGORITHM=INPLACE", nil, nil),
        // Nothing is left for the replica: MySQL does not hold the rows to it.
        ("ALTER TABLE t1 ADD CONSTRAINT ck_d CHECK (d < 1000) NOT ENFORCED", nil, "nothing"),
        ("ALTER TABLE t1 DROP CHECK ck_c", nil, nil),
        ("ALTER TABLE t1 ALTER COLUMN d SET DEFAULT 5", "DEFAULT 5", nil),
        ("ALTER TABLE t1 ALTER COLUMN f SET VISIBLE", nil, "SET VISIBLE/INVISIBLE"),
        ("ALTER TABLE t1 ALTER CHECK ck_d ENFORCED", nil, "ENFORCED"),
        ("ALTER TABLE t1 ADD INDEX k_fn ((c + 1))", nil, "functional key part"),
        ("CREATE INDEX k_lower ON t1 ((lower(name)))", nil, "functional key part"),
        ("ALTER TABLE t1 ADD INDEX k_mixed (c, (d * 2))", nil, "functional key part"),
        ("ALTER TABLE t1 MODIFY name VARCHAR(60) COLLATE utf8mb4_ja_0900_as_cs", nil, "no MariaDB counterpart"),
        ("CREATE TABLE g1 (id INT PRIMARY KEY, p POINT NOT NULL SRID 4326, SPATIAL INDEX (p))", "`p` point NOT NULL", nil),
        ("CREATE TABLE t8 (id INT PRIMARY KEY, doc JSON, name VARCHAR(100) AS (doc->>'$.name'), age INT AS (doc->'$.age') STORED)",
         "json_unquote(json_extract(`doc`,'$.name'))", nil),
        ("CREATE TABLE t9 (id INT PRIMARY KEY, Offset INT, Window INT)", "`Offset` int(11)", nil),
        ("CREATE TABLE t10 (id SERIAL, v VECTOR(3) NOT NULL)", nil, "VECTOR type needs MariaDB 11.7"),
        ("CREATE TABLE t2 (id INT PRIMARY KEY, v JSON, w VARCHAR(10) DEFAULT (UUID()), x DOUBLE DEFAULT (RAND())) "
            + "ENGINE=InnoDB AUTOEXTEND_SIZE=4M ENCRYPTION='N' /*!80016 DEFAULT ENCRYPTION='N' */ STATS_PERSISTENT=1",
         "STATS_PERSISTENT=1", nil),
        ("CREATE TABLE t3 (id INT PRIMARY KEY, n INT) START TRANSACTION", "CREATE TABLE", nil),
        ("CREATE TABLE t4 LIKE t1", "KEY `k_c2`", nil),
        ("ALTER TABLE t4 ADD COLUMN g INT FIRST, ALGORITHM=INSTANT", "`g` int(11)", nil),
        ("RENAME TABLE t4 TO t5", nil, nil),
        ("ALTER TABLE t5 RENAME TO t6", nil, nil),
        ("TRUNCATE TABLE t6", nil, nil),
        ("ALTER TABLE t6 ENGINE=InnoDB, ALGORITHM=COPY", nil, nil),
        ("ALTER TABLE t6 CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_ci", "utf8mb4_uca1400_as_ci", nil),
        ("CREATE TABLE t7 (id INT PRIMARY KEY, a INT) PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN MAXVALUE)",
         "PARTITION BY RANGE", nil),
        ("ALTER TABLE t7 ADD COLUMN b INT, ALGORITHM=INSTANT", "`b` int(11)", nil),
        ("DROP TABLE t6, t7", nil, nil),
    ]

    @Test func theManualsStatementsRunOrAreRefusedAsDocumented() throws {
        try withReplay { replay in
            for (statement, holds, refused) in Self.manual {
                let outcome = replay.run(statement, database: "product")
                if refused == "nothing" {
                    #expect(outcome == .notATableStatement, "\(statement): \(outcome)")
                    continue
                }
                if let refused {
                    guard case let .refused(reason) = outcome else {
                        Issue.record("\(statement): \(outcome), expected a refusal (\(refused))")
                        continue
                    }
                    #expect(reason.contains(refused), "\(statement): \(reason)")
                    continue
                }
                guard case .applied = outcome else {
                    Issue.record("\(statement): \(outcome)")
                    continue
                }
                if let holds {
                    // The table the statement makes or changes: the first of t1…t7, g1 it names, after any RENAME.
                    let names = statement.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
                    let table = names.first { $0.count == 2 && ($0.hasPrefix("t") || $0.hasPrefix("g")) && $0.last?.isNumber == true } ?? "t1"
                    let definition = try replay.definition(table)
                    #expect(definition.contains(holds), "\(statement): \(definition)")
                }
            }
            // The NOT ENFORCED check never reached the replica; the one dropped was; the SRID is MariaDB's.
            let definition = try replay.definition("t1")
            #expect(!definition.contains("ck_d") && !definition.contains("ck_c"), "\(definition)")
            let srid = try replay.target.query("SELECT SRID FROM information_schema.GEOMETRY_COLUMNS WHERE F_TABLE_SCHEMA = '\(scratch)' AND F_TABLE_NAME = 'product__g1'")
            #expect(srid.string(0, 0) == "4326")
        }
    }

    /// Every Query event of the fixtures written by MySQL (5.1 to 9.6): statements about tables are translated,
    /// planned and run in file order (each file in a scratch database of its own), others recognized as such;
    /// none fails on the target.
    @Test(.enabled(if: FixtureBinlogs.isAvailable))
    func everyFixtureStatementReplaysOrIsRefusedWithItsReason() throws {
        var applied = 0, others = 0
        var refusals: [String] = []
        for path in FixtureBinlogs.files() {
            let queries = try FixtureBinlogs.mysqlQueries(path)
            guard !queries.isEmpty else { continue }
            try withReplay { replay in
                for query in queries {
                    switch replay.run(query.statement, database: query.database, session: query.session) {
                    case .applied: applied += 1
                    case .notATableStatement: others += 1
                    case let .refused(reason): refusals.append("\(path): \(query.statement.prefix(80)): \(reason)")
                    case let .failedOnTarget(error): Issue.record("\(path): \(query.statement.prefix(200)) failed on the target: \(error)")
                    }
                }
            }
            try TestTargetServer.connect().execute("DROP DATABASE IF EXISTS `\(scratch)`")
        }
        #expect(applied > 0, "no fixture statement was replayed")
        // The fixtures' refusals: engines that reach beyond a replica (PERFORMANCE_SCHEMA, NDB), a functional index,
        // MySQL 9's VECTOR type.
        let reasons = ["is not one of the local engines", "functional key part", "VECTOR type"]
        for refusal in refusals where !reasons.contains(where: refusal.contains) { Issue.record("refused for another reason: \(refusal)") }
        print("MySQL fixture statements: \(applied) replayed on MariaDB, \(others) not about tables, \(refusals.count) refused")
        for refusal in refusals { print("  refused: \(refusal)") }
    }
}

/// The MySQL-written binlogs among the shared fixtures, and their Query events.
enum FixtureBinlogs {
    static var root: String { (ProcessInfo.processInfo.environment["TM_TEST_FIXTURES"] ?? "/work/shared/fixtures") + "/binlogs" }
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: root) }

    static func files() -> [String] {
        let directories = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return directories.sorted().flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + directory)) ?? []).sorted()
                .filter { !$0.hasSuffix(".txt") }.map { root + "/" + directory + "/" + $0 }
        }
    }

    /// The file's Query events other than BEGIN/COMMIT/ROLLBACK/XA, when a MySQL server wrote it.
    static func mysqlQueries(_ path: String) throws -> [QueryEvent] {
        guard let reader = try? BinlogFileReader(path: path) else { return [] }
        var decoder = BinlogEventDecoder()
        var queries: [QueryEvent] = []
        while let next = try? reader.next() {
            guard let event = try? decoder.decode(next.bytes) else { break }
            if case .formatDescription = event.body, decoder.format.isMariaDB { return [] }
            guard case let .query(query) = event.body else { continue }
            let word = query.statement.split(separator: " ").first?.uppercased() ?? ""
            if ["BEGIN", "COMMIT", "ROLLBACK", "XA", "SAVEPOINT"].contains(word) { continue }
            queries.append(query)
        }
        return queries
    }
}
