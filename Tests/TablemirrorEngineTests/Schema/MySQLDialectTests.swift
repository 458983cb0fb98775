import BinlogDecoding
import Testing
@testable import TablemirrorEngine

/// A MySQL 8 source's table DDL spelled for a MariaDB target, without a server: the text a statement becomes
/// (rendered from the translated tokens: a token left out leaves a space where it stood), or why it is refused.
struct MySQLDialectTests {
    private let dialect = MySQLDialect(target: ServerVersion("10.11.6-MariaDB"))

    private func translated(_ text: String, by dialect: MySQLDialect? = nil) throws -> (text: String, changes: [String]) {
        let translation = try (dialect ?? self.dialect).translate(SQLTokenizer.tokens(text))
        return (SQLRendering(noBackslashEscapes: false).text(translation.tokens), translation.changes)
    }

    /// `text` translated is `expected`.
    private func expect(_ text: String, by dialect: MySQLDialect? = nil, becomes expected: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try translated(text, by: dialect).text
        #expect(result == expected, sourceLocation: sourceLocation)
    }

    private func refusal(_ text: String) throws -> String? {
        let tokens = try SQLTokenizer.tokens(text)
        do {
            _ = try dialect.translate(tokens)
            return nil
        } catch {
            return error.description
        }
    }

    /// From the review: rewrites inside a part that is left out go with it; a column named like an attribute after
    /// AFTER is a name.
    @Test func rewritesInsideADroppedCheckAndNamesAfterAfterStayWhole() throws {
        try expect("CREATE TABLE t (j JSON, CONSTRAINT c CHECK (j->>'$.a' <> '') NOT ENFORCED)", becomes: "CREATE TABLE t (`j` JSON )")
        try expect("ALTER TABLE t ADD COLUMN x INT AFTER visible", becomes: "ALTER TABLE t ADD COLUMN `x` INT AFTER `visible`")
    }

    /// utf8mb4 without a collation is MySQL 8's utf8mb4_0900_ai_ci (NO PAD), not MariaDB's default (PAD SPACE).
    @Test func utf8mb4WithoutACollationGetsMySQLsDefaultWrittenOut() throws {
        let result = try translated("CREATE TABLE t (k VARCHAR(10) CHARACTER SET utf8mb4 PRIMARY KEY, b TEXT CHARSET utf8mb4 COLLATE utf8mb4_bin) DEFAULT CHARSET=utf8mb4").text
        #expect(result.contains("CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_nopad_ai_ci PRIMARY KEY"), "\(result)")
        #expect(result.contains("CHARSET utf8mb4 COLLATE utf8mb4_bin"), "\(result)")
        #expect(result.hasSuffix("DEFAULT CHARSET=utf8mb4 COLLATE utf8mb4_uca1400_nopad_ai_ci"), "\(result)")
        let kept = try translated("CREATE TABLE t (a INT) DEFAULT CHARSET=utf8mb4 ENGINE=InnoDB COLLATE=utf8mb4_0900_as_cs").text
        #expect(kept.hasSuffix("DEFAULT CHARSET=utf8mb4 ENGINE=InnoDB COLLATE=utf8mb4_uca1400_nopad_as_cs"), "\(kept)")
        let converted = try translated("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4").text
        #expect(converted == "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_nopad_ai_ci", "\(converted)")
        #expect(try translated("CREATE TABLE t (a TEXT CHARACTER SET latin1)").text == "CREATE TABLE t (`a` TEXT CHARACTER SET latin1)")
    }

    @Test func mysql0900CollationsBecomeMariaDBsNoPadUCA1400OnesWithTheSameSensitivity() throws {
        let result = try translated("""
            CREATE TABLE t (a VARCHAR(10) COLLATE utf8mb4_0900_as_cs, b TEXT CHARACTER SET utf8mb4 COLLATE 'utf8mb4_0900_bin',
              c CHAR(3) COLLATE utf8mb4_sv_0900_ai_ci) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci
            """)
        #expect(result.text == """
            CREATE TABLE t (`a` VARCHAR(10) COLLATE utf8mb4_uca1400_nopad_as_cs, `b` TEXT CHARACTER SET utf8mb4 COLLATE 'utf8mb4_nopad_bin', \
            `c` CHAR(3) COLLATE utf8mb4_uca1400_swedish_nopad_ai_ci) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci
            """)
        #expect(result.changes.contains("utf8mb4_0900_ai_ci → utf8mb4_uca1400_nopad_ai_ci"))
        // A string that merely looks like a collation is data.
        #expect(try translated("ALTER TABLE t ADD c VARCHAR(20) DEFAULT 'utf8mb4_0900_ai_ci'").changes.isEmpty)
    }

    @Test func collationsBeforeMariaDB1010AreUnicode520OrBinaryAndLanguagesAreRefused() throws {
        let old = MySQLDialect(target: ServerVersion("10.6.18-MariaDB"))
        try expect("ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci", by: old,
                   becomes: "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_nopad_ci")
        #expect(old.collations.mariaDB(for: "utf8mb4_0900_as_ci") == .mapped("utf8mb4_nopad_bin"))
        #expect(old.collations.mariaDB(for: "utf8mb4_de_pb_0900_ai_ci")
            == .refused("MySQL's collation utf8mb4_de_pb_0900_ai_ci has no MariaDB equivalent before MariaDB 10.10 (the target is 10.6)"))
        #expect(dialect.collations.mariaDB(for: "utf8mb4_de_pb_0900_as_cs") == .mapped("utf8mb4_uca1400_german2_nopad_as_cs"))
        #expect(dialect.collations.mariaDB(for: "utf8mb4_es_trad_0900_ai_ci") == .mapped("utf8mb4_uca1400_spanish2_nopad_ai_ci"))
        #expect(dialect.collations.mariaDB(for: "utf8mb4_general_ci") == .unchanged)
        #expect(try refusal("CREATE TABLE t (a TEXT COLLATE utf8mb4_ru_0900_ai_ci)")?
            .hasPrefix("MySQL's collation utf8mb4_ru_0900_ai_ci has no MariaDB equivalent") == true)
        #expect(try refusal("CREATE TABLE t (a TEXT COLLATE utf8mb4_ja_0900_as_cs_ks)") != nil)
    }

    @Test func indexVisibilityBecomesIgnoredAndColumnInvisibleStays() throws {
        try expect("CREATE TABLE t (a INT, b INT INVISIBLE, c INT VISIBLE, KEY k (a) INVISIBLE, UNIQUE KEY u (c) COMMENT 'x' VISIBLE)",
                   becomes: "CREATE TABLE t (`a` INT, `b` INT INVISIBLE, `c` INT , KEY k (`a`) IGNORED, UNIQUE KEY u (`c`) COMMENT 'x' )")
        try expect("CREATE INDEX k ON t (a, b(10) DESC) INVISIBLE", becomes: "CREATE INDEX k ON t (`a`, `b`(10) DESC) IGNORED")
        try expect("ALTER TABLE t ADD INDEX k (a) INVISIBLE, ADD COLUMN h INT INVISIBLE",
                   becomes: "ALTER TABLE t ADD INDEX k (`a`) IGNORED, ADD COLUMN `h` INT INVISIBLE")
        let altered = try translated("ALTER TABLE t ALTER INDEX k VISIBLE, ALTER INDEX j INVISIBLE")
        #expect(altered.text == "ALTER TABLE t ALTER INDEX k NOT IGNORED, ALTER INDEX j IGNORED")
        #expect(altered.changes == ["ALTER INDEX … VISIBLE → NOT IGNORED", "ALTER INDEX … INVISIBLE → IGNORED"])
    }

    @Test func aColumnsVisibilityChangeByAlterColumnIsRefused() throws {
        #expect(try refusal("ALTER TABLE t ALTER COLUMN c SET INVISIBLE")?
            .hasPrefix("MySQL's ALTER COLUMN … SET VISIBLE/INVISIBLE has no MariaDB equivalent") == true)
        #expect(try refusal("ALTER TABLE t ALTER c SET VISIBLE") != nil)
        #expect(try refusal("ALTER TABLE t ALTER c SET DEFAULT 1") == nil)
    }

    @Test func functionalKeyPartsAreRefused() throws {
        #expect(try refusal("CREATE INDEX i ON t ((lower(a)))") == "MySQL's functional key part has no MariaDB equivalent: ((lower(a)))")
        #expect(try refusal("CREATE TABLE t (a INT, j JSON, INDEX zips ((CAST(j->'$.zip' AS UNSIGNED ARRAY))))") != nil)
        #expect(try refusal("ALTER TABLE t ADD UNIQUE KEY u (a, (b + 1))") != nil)
        #expect(try refusal("ALTER TABLE t ADD KEY p (a(10))") == nil)
    }

    @Test func algorithmAndLockAreLeftOutAndColumnsNamedSoStay() throws {
        try expect("ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT, LOCK=NONE", becomes: "ALTER TABLE t ADD COLUMN `c` INT")
        try expect("ALTER TABLE t ALGORITHM INPLACE, LOCK = SHARED, DROP c", becomes: "ALTER TABLE t DROP `c`")
        try expect("ALTER TABLE t ALGORITHM=COPY", becomes: "ALTER TABLE t")
        try expect("CREATE INDEX k ON t (a) ALGORITHM=INPLACE LOCK=NONE", becomes: "CREATE INDEX k ON t (`a`)")
        try expect("DROP INDEX k ON t ALGORITHM=INSTANT", becomes: "DROP INDEX k ON t")
        #expect(try translated("ALTER TABLE t CHANGE lock algorithm INT, ADD COLUMN `lock` INT").changes.isEmpty)
        #expect(try translated("CREATE TABLE p (a INT) PARTITION BY KEY ALGORITHM=2 (a) PARTITIONS 4").changes.isEmpty)
    }

    @Test func createTableStartTransactionLosesTheClause() throws {
        let result = try translated("CREATE TABLE `t2` (\n  `a` int DEFAULT NULL\n) START TRANSACTION")
        #expect(result.text == "CREATE TABLE `t2` ( `a` int DEFAULT NULL )")
        #expect(result.changes == ["START TRANSACTION left out"])
    }

    @Test func checksAreKeptEnforcedAndLeftOutWhenNotEnforced() throws {
        try expect("CREATE TABLE t (a INT CHECK (a > 0) ENFORCED, b INT CHECK (b > 0) NOT ENFORCED, CONSTRAINT c1 CHECK (a < b) NOT ENFORCED, CHECK (a < 9))",
                   becomes: "CREATE TABLE t (`a` INT CHECK (a > 0) , `b` INT , CHECK (a < 9))")
        try expect("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT ENFORCED, ADD COLUMN d INT", becomes: "ALTER TABLE t ADD COLUMN `d` INT")
        try expect("ALTER TABLE t DROP CHECK c, ALTER CHECK d NOT ENFORCED", becomes: "ALTER TABLE t DROP CONSTRAINT c, DROP CONSTRAINT d")
        #expect(try refusal("ALTER TABLE t ALTER CHECK d ENFORCED")?.hasPrefix("MySQL's ALTER CHECK … ENFORCED has no MariaDB equivalent") == true)
    }

    @Test func sridBecomesRefSystemIDAfterTheType() throws {
        try expect("CREATE TABLE g (id INT PRIMARY KEY, p POINT NOT NULL SRID 4326, SPATIAL INDEX (p))",
                   becomes: "CREATE TABLE g (`id` INT PRIMARY KEY, `p` POINT REF_SYSTEM_ID=4326 NOT NULL , SPATIAL INDEX (`p`))")
        try expect("ALTER TABLE g MODIFY p GEOMETRY SRID 0 NOT NULL", becomes: "ALTER TABLE g MODIFY `p` GEOMETRY REF_SYSTEM_ID=0 NOT NULL")
    }

    @Test func mysqlOnlyStorageOptionsAreLeftOutAndEncryptionYesIsRefused() throws {
        try expect("CREATE TABLE t (a INT ENGINE_ATTRIBUTE='{}', KEY k (a) ENGINE_ATTRIBUTE '{}') AUTOEXTEND_SIZE=4M, ENGINE=InnoDB SECONDARY_ENGINE=RAPID ENCRYPTION='N' COMPRESSION='zlib'",
                   becomes: "CREATE TABLE t (`a` INT , KEY k (`a`) ) ENGINE=InnoDB")
        try expect("ALTER TABLE t AUTOEXTEND_SIZE=8M, ADD c INT NOT SECONDARY, SECONDARY_LOAD", becomes: "ALTER TABLE t ADD `c` INT")
        #expect(try translated("ALTER TABLE t ADD COLUMN compression VARCHAR(10)").changes.isEmpty)
        #expect(try refusal("CREATE TABLE t (a INT) ENCRYPTION='Y'")?.hasPrefix("MySQL's ENCRYPTION='Y' has no MariaDB equivalent") == true)
    }

    @Test func jsonArrowsBecomeTheFunctionsMySQLDefinesThemAs() throws {
        let result = try translated("CREATE TABLE t (j JSON, n VARCHAR(100) AS (j->>'$.name'), a INT AS (t.j -> '$.age'), b INT AS (j - >1))")
        #expect(result.text == """
            CREATE TABLE t (`j` JSON, `n` VARCHAR(100) AS ( JSON_UNQUOTE(JSON_EXTRACT( j, '$.name' )) ), \
            `a` INT AS ( JSON_EXTRACT( t.j , '$.age' ) ), `b` INT AS (j - >1))
            """)
        #expect(result.changes == ["->> → JSON_UNQUOTE(JSON_EXTRACT(…))", "-> → JSON_EXTRACT(…)"])
    }

    @Test func columnNamesAreQuotedSinceMariaDBReservesWordsMySQLDoesNot() throws {
        try expect("CREATE TABLE tz (Offset int signed DEFAULT 0 NOT NULL, PRIMARY KEY p (Offset))",
                   becomes: "CREATE TABLE tz (`Offset` int signed DEFAULT 0 NOT NULL, PRIMARY KEY p (`Offset`))")
        try expect("ALTER TABLE tz CHANGE Offset offset2 INT AFTER position, ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))",
                   becomes: "ALTER TABLE tz CHANGE `Offset` `offset2` INT AFTER `position`, ADD PARTITION (PARTITION p3 VALUES LESS THAN (30))")
        try expect("ALTER TABLE tz DROP COLUMN offset, DROP position, DROP INDEX i, ALTER Offset SET DEFAULT 1, RENAME COLUMN slot TO slots",
                   becomes: "ALTER TABLE tz DROP COLUMN `offset`, DROP `position`, DROP INDEX i, ALTER `Offset` SET DEFAULT 1, RENAME COLUMN `slot` TO `slots`")
        try expect("CREATE TABLE t (LIKE o)", becomes: "CREATE TABLE t (LIKE o)")
    }

    @Test func ndbColumnStorageAndTablespacesAreLeftOutAndGeomcollectionIsSpelledOut() throws {
        try expect("CREATE TABLE t (a INT COLUMN_FORMAT FIXED STORAGE DISK, g GEOMCOLLECTION) TABLESPACE=innodb_file_per_table ENGINE=InnoDB",
                   becomes: "CREATE TABLE t (`a` INT , `g` GEOMETRYCOLLECTION) ENGINE=InnoDB")
        try expect("ALTER TABLE t TABLESPACE ts1, ADD COLUMN tablespace VARCHAR(10)", becomes: "ALTER TABLE t ADD COLUMN `tablespace` VARCHAR(10)")
        #expect(try translated("ALTER TABLE t DISCARD TABLESPACE").changes.isEmpty)
    }

    @Test func fullTextParsersAreRefused() throws {
        #expect(try refusal("CREATE TABLE t (a TEXT, FULLTEXT KEY f (a) WITH PARSER ngram)") == "MySQL's full-text parser ngram has no MariaDB equivalent: WITH PARSER ngram")
        #expect(try refusal("CREATE FULLTEXT INDEX f ON t (a) WITH PARSER mecab") != nil)
    }

    @Test func vectorColumnsAreRefusedBeforeMariaDB117() throws {
        #expect(try refusal("CREATE TABLE v (id SERIAL, e VECTOR(3) NOT NULL)")?
            .hasPrefix("MySQL's VECTOR type has no MariaDB equivalent before MariaDB 11.7") == true)
        try expect("CREATE TABLE v (e VECTOR(3) NOT NULL)", by: MySQLDialect(target: ServerVersion("11.8.2-MariaDB")),
                   becomes: "CREATE TABLE v (`e` VECTOR(3) NOT NULL)")
    }

    @Test func executableCommentsAreTranslatedAsTheCodeTheyHold() throws {
        try expect("CREATE TABLE t (a INT /*!80023 INVISIBLE */, KEY k (a) /*!80000 INVISIBLE */) /*!80016 ENCRYPTION='N' */",
                   becomes: "CREATE TABLE t (`a` INT INVISIBLE , KEY k (`a`) IGNORED )")
    }

    @Test func statementsMariaDBSpellsAlikePassUntouched() throws {
        for text in ["ALTER TABLE t RENAME COLUMN a TO b, RENAME INDEX i TO j", "ALTER TABLE t ADD c INT DEFAULT (a + 1)",
                     "RENAME TABLE a TO b", "TRUNCATE TABLE t", "DROP TABLE t RESTRICT",
                     "CREATE DATABASE d DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_ru_0900_ai_ci /*!80016 DEFAULT ENCRYPTION='N' */",
                     "CREATE TEMPORARY TABLE t (a INT, KEY ((a + 1)))"] {
            #expect(try translated(text).changes.isEmpty, "\(text)")
        }
    }

    @Test func onlyAMySQLSourceWithAMariaDBTargetIsTranslated() {
        #expect(MySQLDialect.between(sourceIsMariaDB: false, target: ServerVersion("10.11.6-MariaDB")) != nil)
        #expect(MySQLDialect.between(sourceIsMariaDB: false, target: ServerVersion("8.4.3")) == nil)
        #expect(MySQLDialect.between(sourceIsMariaDB: true, target: ServerVersion("10.11.6-MariaDB")) == nil)
    }

    @Test func parsingWithTheDialectTranslatesFirstAndSaysWhatHasNoEquivalent() throws {
        do {
            _ = try SchemaStatement.parse("CREATE INDEX i ON shop.t ((lower(a)))", database: "product", translating: dialect)
            Issue.record("not refused")
        } catch {
            #expect(error.hasNoEquivalent)
            #expect(error.message == "MySQL's functional key part has no MariaDB equivalent: ((lower(a)))")
        }
        let parsed = try SchemaStatement.parse("ALTER TABLE t ADD INDEX k (a) INVISIBLE, ALGORITHM=INPLACE", database: "product", translating: dialect)
        guard case let .alter(alter) = parsed.statement else {
            Issue.record("not an ALTER")
            return
        }
        #expect(alter.specs == [.keep("ADD INDEX k (`a`) IGNORED")])
        #expect(parsed.translations == ["index INVISIBLE → IGNORED", "ALGORITHM=INPLACE left out"])
    }
}
