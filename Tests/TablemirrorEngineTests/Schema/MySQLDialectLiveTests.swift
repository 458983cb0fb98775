import BinlogDecoding
import Foundation
import MariaDBClient
import Testing
import TestSupport
@testable import TablemirrorEngine

/// MySQL 8.0/8.4 DDL replayed on a live MariaDB target: statements from the MySQL reference manual and every
/// statement of the MySQL-written fixture binlogs are translated, parsed and planned as the pipeline does, and
/// what is planned runs on the target in a scratch database, producing the structure MySQL's statement meant.
@Suite("MySQL DDL on a MariaDB target", .enabled(if: TestServer.isConfigured), .serialized)
struct MySQLDialectLiveTests {
    /// What a statement should come to on the target.
    enum Outcome {
        /// The replica `table`'s SHOW CREATE TABLE then has each of `has` and none of `lacks`.
        case table(String, has: [String], lacks: [String] = [])
        /// The replica is gone.
        case gone(String)
        /// Refused; the reason begins so.
        case refused(String)
        /// Not table DDL: nothing to replay.
        case other
    }

    /// Statements as a MySQL 8.0/8.4 server logs them (the manual's CREATE TABLE, ALTER TABLE, CREATE/DROP INDEX,
    /// RENAME TABLE, TRUNCATE and DROP TABLE syntax), run in order in the database `product`.
    static let manual: [(mysql: String, outcome: Outcome)] = [
        ("""
         CREATE TABLE items (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) COLLATE utf8mb4_0900_as_cs, note TEXT,
           price DECIMAL(10,2) DEFAULT (0), hidden INT /*!80023 INVISIBLE */, KEY by_name (name) INVISIBLE,
           CONSTRAINT positive CHECK (price >= 0) ENFORCED, CONSTRAINT loose CHECK (price < 1000) NOT ENFORCED)
           ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci /*!80016 ENCRYPTION='N' */
         """,
         .table("items", has: ["COLLATE utf8mb4_uca1400_nopad_as_cs DEFAULT NULL", "`hidden` int(11) INVISIBLE", "KEY `by_name` (`name`) IGNORED",
                               "CONSTRAINT `positive` CHECK", "COLLATE=utf8mb4_uca1400_nopad_ai_ci", "DEFAULT 0"], lacks: ["loose"])),
        ("ALTER TABLE items ADD COLUMN added INT AFTER name, ALGORITHM=INSTANT", .table("items", has: ["`added` int(11) DEFAULT NULL"])),
        ("ALTER TABLE items ALTER INDEX by_name VISIBLE", .table("items", has: ["KEY `by_name` (`name`)"], lacks: ["IGNORED"])),
        ("ALTER TABLE items ALTER INDEX by_name INVISIBLE, LOCK=NONE", .table("items", has: ["KEY `by_name` (`name`) IGNORED"])),
        ("ALTER TABLE items RENAME COLUMN note TO remark", .table("items", has: ["`remark` text"], lacks: ["`note`"])),
        ("ALTER TABLE items RENAME INDEX by_name TO by_name2", .table("items", has: ["KEY `by_name2` (`name`) IGNORED"])),
        ("ALTER TABLE items RENAME KEY by_name2 TO by_name3", .table("items", has: ["KEY `by_name3`"])),
        ("ALTER TABLE items ADD INDEX by_price (price) VISIBLE, ALGORITHM=INPLACE, LOCK=SHARED", .table("items", has: ["KEY `by_price` (`price`),"])),
        ("CREATE INDEX by_remark ON items (remark(20)) INVISIBLE ALGORITHM=INPLACE LOCK=DEFAULT",
         .table("items", has: ["KEY `by_remark` (`remark`(20)) IGNORED"])),
        ("DROP INDEX by_remark ON items ALGORITHM=INSTANT LOCK=DEFAULT", .table("items", has: [], lacks: ["by_remark"])),
        ("ALTER TABLE items ALTER COLUMN added SET DEFAULT (price * 2)", .table("items", has: ["`added` int(11) DEFAULT (`price` * 2)"])),
        ("ALTER TABLE items ALTER COLUMN hidden SET VISIBLE", .refused("MySQL's ALTER COLUMN … SET VISIBLE/INVISIBLE has no MariaDB equivalent")),
        ("ALTER TABLE items ADD CONSTRAINT cap CHECK (price < 100000) NOT ENFORCED", .table("items", has: [], lacks: ["`cap`"])),
        ("ALTER TABLE items DROP CHECK positive", .table("items", has: [], lacks: ["`positive`"])),
        ("ALTER TABLE items ADD CONSTRAINT positive2 CHECK (price >= 0)", .table("items", has: ["CONSTRAINT `positive2` CHECK"])),
        ("ALTER TABLE items ALTER CHECK positive2 NOT ENFORCED", .table("items", has: [], lacks: ["`positive2`"])),
        ("ALTER TABLE items ALTER CHECK loose ENFORCED", .refused("MySQL's ALTER CHECK … ENFORCED has no MariaDB equivalent")),
        ("CREATE INDEX by_lower ON items ((lower(name)))", .refused("MySQL's functional key part has no MariaDB equivalent: ((lower(name)))")),
        ("ALTER TABLE items ADD INDEX by_expr ((price * 2))", .refused("MySQL's functional key part has no MariaDB equivalent")),
        ("ALTER TABLE items CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_as_ci",
         .table("items", has: ["COLLATE=utf8mb4_uca1400_nopad_as_ci", "`name` varchar(50) DEFAULT NULL"], lacks: ["nopad_as_cs"])),
        ("ALTER TABLE items ADD COLUMN tag VARCHAR(10) NOT NULL DEFAULT '' NOT SECONDARY, SECONDARY_ENGINE=NULL",
         .table("items", has: ["`tag` varchar(10) NOT NULL DEFAULT ''"])),
        ("ALTER TABLE items ADD UNIQUE INDEX u_tag (tag) USING BTREE COMMENT 'tags' INVISIBLE",
         .table("items", has: ["UNIQUE KEY `u_tag` (`tag`) USING BTREE COMMENT 'tags' IGNORED"])),
        ("ALTER TABLE items ADD COLUMN ghost INT INVISIBLE", .table("items", has: ["`ghost` int(11) INVISIBLE DEFAULT NULL"])),
        ("ALTER TABLE items MODIFY COLUMN ghost BIGINT VISIBLE", .table("items", has: ["`ghost` bigint(20) DEFAULT NULL"])),
        ("ALTER TABLE items ADD COLUMN v INT GENERATED ALWAYS AS (price + 1) VIRTUAL, ADD INDEX by_v (v)",
         .table("items", has: ["`v` int(11) GENERATED ALWAYS AS (`price` + 1) VIRTUAL", "KEY `by_v` (`v`)"])),
        ("RENAME TABLE items TO goods", .table("goods", has: ["`tag` varchar(10)"])),
        ("TRUNCATE TABLE goods", .table("goods", has: ["`tag` varchar(10)"])),
        ("ALTER TABLE goods SECONDARY_LOAD", .table("goods", has: ["`tag` varchar(10)"])),
        ("CREATE TABLE places (id INT PRIMARY KEY, spot POINT NOT NULL SRID 4326, SPATIAL INDEX (spot))",
         .table("places", has: ["`spot` point NOT NULL", "SPATIAL KEY `spot` (`spot`)"])),
        ("""
         CREATE TABLE logs (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, body JSON, at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) ENGINE_ATTRIBUTE='{}')
           ENGINE=InnoDB AUTOEXTEND_SIZE=4M STATS_AUTO_RECALC=1 ENGINE_ATTRIBUTE='{}' COMPRESSION='zlib'
         """, .table("logs", has: ["`at` datetime(6) DEFAULT current_timestamp(6)", "STATS_AUTO_RECALC=1"])),
        ("CREATE TABLE copies (a INT, b VARCHAR(10)) START TRANSACTION", .table("copies", has: ["`a` int(11) DEFAULT NULL"])),
        ("CREATE TABLE docs (id INT PRIMARY KEY, body JSON, title VARCHAR(100) AS (body->>'$.title'), pages INT AS (body->'$.pages') STORED)",
         .table("docs", has: ["GENERATED ALWAYS AS (json_unquote(json_extract(`body`,'$.title'))) VIRTUAL",
                              "GENERATED ALWAYS AS (json_extract(`body`,'$.pages')) STORED"])),
        ("CREATE TABLE zones (Offset INT SIGNED DEFAULT 0 NOT NULL, position INT, PRIMARY KEY (Offset))", .table("zones", has: ["PRIMARY KEY (`Offset`)"])),
        ("""
         CREATE TABLE gipk (my_row_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT /*!80023 INVISIBLE */, a INT COLUMN_FORMAT DYNAMIC STORAGE MEMORY,
           shapes GEOMCOLLECTION, PRIMARY KEY (my_row_id)) /*!50100 TABLESPACE `innodb_system` */ TABLESPACE=innodb_file_per_table
         """, .table("gipk", has: ["`my_row_id` bigint(20) unsigned NOT NULL INVISIBLE AUTO_INCREMENT", "`shapes` geometrycollection DEFAULT NULL"])),
        ("CREATE TABLE words (a TEXT, FULLTEXT KEY f (a) WITH PARSER ngram)", .refused("MySQL's full-text parser ngram has no MariaDB equivalent")),
        ("ALTER TABLE zones ALTER Offset SET DEFAULT 1, ADD COLUMN slot INT AFTER Offset", .table("zones", has: ["`Offset` int(11) NOT NULL DEFAULT 1,\n  `slot`"])),
        ("ALTER TABLE zones RENAME COLUMN slot TO slots, DROP COLUMN position", .table("zones", has: ["`slots` int(11)"], lacks: ["`position`"])),
        ("CREATE TABLE embeddings (id SERIAL, e VECTOR(3) NOT NULL)", .refused("MySQL's VECTOR type has no MariaDB equivalent before MariaDB 11.7")),
        ("CREATE TABLE secret (a INT) ENCRYPTION='Y'", .refused("MySQL's ENCRYPTION='Y' has no MariaDB equivalent")),
        ("""
         CREATE TABLE nordic (a VARCHAR(10) COLLATE utf8mb4_sv_0900_as_cs, b VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_es_trad_0900_ai_ci,
           d VARCHAR(5) COLLATE utf8mb4_0900_bin)
         """, .table("nordic", has: ["COLLATE utf8mb4_uca1400_swedish_nopad_as_cs", "COLLATE utf8mb4_uca1400_spanish2_nopad_ai_ci",
                                      "COLLATE utf8mb4_nopad_bin"])),
        ("CREATE TABLE russian (a TEXT COLLATE utf8mb4_ru_0900_ai_ci)", .refused("MySQL's collation utf8mb4_ru_0900_ai_ci has no MariaDB equivalent")),
        ("CREATE TABLE parts (id INT PRIMARY KEY, item INT, CONSTRAINT fk FOREIGN KEY (item) REFERENCES goods (id) ON DELETE CASCADE)",
         .table("parts", has: ["`item` int(11) DEFAULT NULL"], lacks: ["FOREIGN KEY"])),
        ("""
         CREATE TABLE IF NOT EXISTS parted (id INT NOT NULL, y INT) /*!50100 PARTITION BY RANGE (y)
           (PARTITION p0 VALUES LESS THAN (2000) ENGINE = InnoDB, PARTITION p1 VALUES LESS THAN MAXVALUE ENGINE = InnoDB) */
         """, .table("parted", has: ["PARTITION BY RANGE (`y`)"])),
        ("CREATE TABLE goods_copy LIKE goods", .table("goods_copy", has: ["`tag` varchar(10)"])),
        ("ALTER TABLE goods ALTER COLUMN added DROP DEFAULT, ADD COLUMN shape GEOMETRY NOT NULL SRID 0",
         .table("goods", has: ["`added` int(11) DEFAULT NULL", "`shape` geometry NOT NULL"], lacks: ["`price` * 2"])),
        ("DROP TABLE parts, parted RESTRICT", .gone("parts")),
        ("CREATE DATABASE other DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci /*!80016 DEFAULT ENCRYPTION='N' */", .other),
        ("CREATE TEMPORARY TABLE scratch (a INT, KEY ((a + 1)))", .other),
    ]

    /// Replays statements as a pipeline would: every table of every source database is replicated into
    /// `scratch`, named `name(table)`.
    private final class Replay {
        let connection: MariaDBConnection
        let scratch: String
        let dialect: MySQLDialect
        let name: (QualifiedTableName) -> String
        var routes: [QualifiedTableName: ReplicationPlan.Route] = [:]
        let planner: SchemaChangePlanner

        init(connection: MariaDBConnection, scratch: String, name: @escaping (QualifiedTableName) -> String) throws {
            self.connection = connection
            self.scratch = scratch
            self.name = name
            dialect = MySQLDialect(target: ServerVersion(connection.serverVersion))
            let dialect = dialect
            planner = SchemaChangePlanner(routeFor: { table in
                ReplicationPlan.Route(source: table, apply: TableApplyPlan(database: scratch, table: name(table), keyColumns: []))
            }, databaseCharset: { _ in
                // A MySQL 8 database's default, as the pipeline translates it.
                "CHARACTER SET utf8mb4 COLLATE \(try dialect.collations.targetName("utf8mb4_0900_ai_ci"))"
            })
            try connection.execute("CREATE DATABASE \(SQLLiteral.identifier(scratch))")
        }

        /// The statement's plan, run on the target; nil when the statement is not table DDL.
        func replay(_ text: String, database: String, session: QuerySessionSettings = QuerySessionSettings()) throws -> SchemaChangePlan? {
            let statement = try SchemaStatement.parse(text, database: database, session: session, translating: dialect).statement
            guard statement != .other else { return nil }
            guard let plan = try planner.plan(statement, routes: routes) else { return nil }
            for sql in plan.statements { try connection.execute(sql) }
            routes = plan.routes
            return plan
        }

        func showCreateTable(_ table: String) throws -> String? {
            try ReplicaTableDefinition.showCreateTable(QualifiedTableName(database: scratch, table: table).quoted, on: connection)
        }

        func drop() { try? connection.execute("DROP DATABASE IF EXISTS \(SQLLiteral.identifier(scratch))") }
    }

    @Test func everyMappedCollationExistsOnTheTarget() throws {
        let connection = try TestServer.connect()
        let version = ServerVersion(connection.serverVersion)
        try #require(version.isMariaDB)
        let names = try connection.query("""
            SELECT FULL_COLLATION_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY WHERE CHARACTER_SET_NAME = 'utf8mb4'
            """)
        let existing = Set(names.rows.indices.compactMap { names.string($0, 0) })
        var mysql = ["utf8mb4_0900_ai_ci", "utf8mb4_0900_as_ci", "utf8mb4_0900_as_cs", "utf8mb4_0900_bin"]
        for language in MySQLCollations.languages.keys { mysql += ["utf8mb4_\(language)_0900_ai_ci", "utf8mb4_\(language)_0900_as_cs"] }
        for target in [version, ServerVersion("10.6.18-MariaDB")] {
            for name in mysql {
                guard case let .mapped(mapped) = MySQLCollations(target: target).mariaDB(for: name) else { continue }
                #expect(existing.contains(mapped), "\(name) → \(mapped) for \(target.major).\(target.minor)")
            }
        }
        #expect(existing.contains("utf8mb4_uca1400_nopad_ai_ci"))
    }

    /// A replica made by a copy from a MySQL 8.4 source: its `SHOW CREATE TABLE` (as MySQL writes it, executable
    /// comments and 0900 collations included) translated, run on the target, and the result MySQL's table.
    @Test func aReplicaFromAMySQLDefinitionIsCreatedOnTheTarget() throws {
        let connection = try TestServer.connect()
        let scratch = TestServer.uniqueDatabase("tm_mysql_copy")
        try connection.execute("CREATE DATABASE `\(scratch)`")
        defer { try? connection.execute("DROP DATABASE `\(scratch)`") }
        let definition = """
            CREATE TABLE `items` (
              `id` int NOT NULL AUTO_INCREMENT,
              `name` varchar(40) COLLATE utf8mb4_0900_ai_ci DEFAULT NULL,
              `hidden` int DEFAULT NULL /*!80023 INVISIBLE */,
              `doc` json DEFAULT NULL,
              `Offset` int DEFAULT NULL,
              PRIMARY KEY (`id`),
              KEY `k_name` (`name`) /*!80000 INVISIBLE */
            ) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci
            """
        let dialect = try #require(MySQLDialect.between(sourceIsMariaDB: false, target: ServerVersion(connection.serverVersion)))
        let statement = try ReplicaTableDefinition.createStatement(showCreateTable: definition, database: scratch, table: "items", dialect: dialect)
        try connection.execute(statement)
        let created = try connection.query("SHOW CREATE TABLE `\(scratch)`.`items`").string(0, 1) ?? ""
        for part in ["utf8mb4_uca1400_nopad_ai_ci", "`hidden` int(11) INVISIBLE DEFAULT NULL", "KEY `k_name` (`name`) IGNORED", "`Offset` int(11)"] {
            #expect(created.contains(part), "\(part): \(created)")
        }
        #expect(!created.contains("AUTO_INCREMENT=42"))
        // The same definition refused where MariaDB has no equivalent, with the reason.
        #expect(throws: EngineError.self) {
            try ReplicaTableDefinition.createStatement(showCreateTable: definition.replacingOccurrences(of: "KEY `k_name` (`name`)", with: "KEY `k_name` ((lower(`name`)))"),
                                                       database: scratch, table: "items", dialect: dialect)
        }
    }

    @Test func manualStatementsGiveTheStructureMySQLMeantOrAreRefused() throws {
        let replay = try Replay(connection: TestServer.connect(), scratch: TestServer.uniqueDatabase("tm_mysql_ddl"), name: \.table)
        defer { replay.drop() }
        for (mysql, outcome) in Self.manual {
            let comment = Comment(rawValue: mysql)
            switch outcome {
            case let .table(table, has, lacks):
                #expect(throws: Never.self, comment) { _ = try replay.replay(mysql, database: "product") }
                let definition = try replay.showCreateTable(table) ?? ""
                for part in has { #expect(definition.contains(part), "\(mysql)\n→ \(definition)") }
                for part in lacks { #expect(!definition.contains(part), "\(mysql)\n→ \(definition)") }
            case let .gone(table):
                #expect(throws: Never.self, comment) { _ = try replay.replay(mysql, database: "product") }
                #expect(try replay.showCreateTable(table) == nil, comment)
            case let .refused(reason):
                do {
                    _ = try replay.replay(mysql, database: "product")
                    Issue.record("not refused: \(mysql)")
                } catch let error as SchemaStatement.ParseError {
                    #expect(error.hasNoEquivalent && error.message.hasPrefix(reason), "\(mysql)\n→ \(error)")
                }
            case .other:
                #expect(try replay.replay(mysql, database: "product") == nil, comment)
            }
        }
        // SHOW CREATE TABLE does not show a column's SRID; the server's geometry columns do.
        let srid = try replay.connection.query("""
            SELECT SRID FROM information_schema.GEOMETRY_COLUMNS WHERE G_TABLE_SCHEMA = \(SQLLiteral.quotedString(replay.scratch)) AND G_TABLE_NAME = 'places'
            """)
        #expect(srid.string(0, 0) == "4326")
    }

    /// Fixture files written by MySQL servers (their format description names no MariaDB).
    private static func mysqlFixtureFiles() -> [String] {
        guard let root = ProcessInfo.processInfo.environment["TM_TEST_FIXTURES"] else { return [] }
        let base = root + "/binlogs"
        let directories = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return directories.sorted().flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: base + "/" + directory)) ?? []).sorted()
                .filter { !$0.hasSuffix(".txt") }.map { base + "/" + directory + "/" + $0 }
        }
    }

    /// Errors of a fixture's statement that say the table or index was made before the fixture's binlog began.
    private static let madeBeforeTheFixture: Set<UInt32> = [1146, 1051, 1091, 1054, 1176, 1060, 1061, 1050]

    @Test(.enabled(if: ProcessInfo.processInfo.environment["TM_TEST_FIXTURES"] != nil))
    func everyStatementOfMySQLWrittenFixturesIsTranslatedParsedAndRunOrRefused() throws {
        let connection = try TestServer.connect()
        var counts = (files: 0, other: 0, replayed: 0, refused: 0, unreplayable: 0, predating: 0)
        var seen: [String] = []
        for path in Self.mysqlFixtureFiles() {
            var decoder = BinlogEventDecoder()
            let reader = try BinlogFileReader(path: path)
            var queries: [QueryEvent] = []
            var isMySQL = false
            while let event = try? reader.next(), let decoded = try? decoder.decode(event.bytes) {
                switch decoded.body {
                case let .formatDescription(format): isMySQL = !format.isMariaDB && !format.serverVersion.isEmpty
                case let .query(query): queries.append(query)
                default: break
                }
            }
            guard isMySQL, !queries.isEmpty else { continue }
            counts.files += 1
            let scratch = TestServer.uniqueDatabase("tm_mysql_fixture")
            let replay = try Replay(connection: connection, scratch: scratch) { table in
                String((table.database + "__" + table.table).prefix(64))
            }
            defer { replay.drop() }
            for query in queries {
                let text = query.statement
                do {
                    guard let plan = try replay.replay(text, database: query.database, session: query.session) else {
                        counts.other += 1
                        continue
                    }
                    counts.replayed += 1
                    for replica in plan.replicas where plan.routes.values.contains(where: { $0.apply.replica == replica }) {
                        #expect(try replay.showCreateTable(replica.table) != nil, "\(path): \(text)")
                    }
                    seen.append(text)
                } catch let error as SchemaStatement.ParseError where error.hasNoEquivalent {
                    counts.refused += 1
                    #expect(error.message.hasPrefix("MySQL's "), "\(path): \(text)")
                    print("refused (\(path)): \(text.prefix(120)) — \(error)")
                } catch let error as SchemaStatement.ParseError {
                    // The parser's own refusals (CREATE … SELECT, a MERGE table…) are the same on every target.
                    counts.unreplayable += 1
                    print("not replayable (\(path)): \(text.prefix(120)) — \(error)")
                } catch let error as MariaDBError where Self.madeBeforeTheFixture.contains(error.code) {
                    counts.predating += 1
                } catch {
                    Issue.record("\(path): \(text)\n→ \(error)")
                }
            }
        }
        print("MySQL fixtures: \(counts)")
        #expect(counts.files > 10 && counts.replayed > 20)
    }
}
