import BinlogDecoding
import Testing
@testable import TablemirrorEngine

/// MySQL 8 DDL as a MariaDB target reads it: translations and refusals, token by token, without a server (the live
/// suite runs the same statements on a real MariaDB).
struct MySQLDialectTests {
    private let dialect = MySQLDialect(target: ServerVersion("10.11.6-MariaDB"))

    /// Rendered as the replay renders tokens: where a dropped token stood, a space may remain.
    private func translated(_ text: String, _ dialect: MySQLDialect? = nil) throws -> String {
        let tokens = try SQLTokenizer.singleStatement(text)
        return SQLRendering(noBackslashEscapes: false).text(try (dialect ?? self.dialect).translate(tokens).tokens)
    }

    private func refusal(_ text: String) -> String? {
        do {
            _ = try translated(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func onlyMySQLSourcesOnMariaDBTargetsAreTranslated() {
        #expect(MySQLDialect.between(source: ServerVersion("8.4.3"), target: ServerVersion("10.11.6-MariaDB")) != nil)
        #expect(MySQLDialect.between(source: ServerVersion("8.4.3"), target: ServerVersion("8.4.3")) == nil)
        #expect(MySQLDialect.between(source: ServerVersion("10.11.6-MariaDB"), target: ServerVersion("10.11.6-MariaDB")) == nil)
    }

    @Test(arguments: [
        ("CREATE TABLE t (a VARCHAR(5) COLLATE utf8mb4_0900_ai_ci) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
         "CREATE TABLE t (`a` VARCHAR(5) COLLATE utf8mb4_uca1400_ai_ci) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_ai_ci"),
        ("ALTER TABLE t MODIFY b TEXT COLLATE utf8mb4_0900_as_cs", "ALTER TABLE t MODIFY `b` TEXT COLLATE utf8mb4_uca1400_as_cs"),
        ("ALTER TABLE t MODIFY b TEXT COLLATE utf8mb4_de_pb_0900_ai_ci", "ALTER TABLE t MODIFY `b` TEXT COLLATE utf8mb4_uca1400_german2_ai_ci"),
        ("ALTER TABLE t MODIFY b TEXT COLLATE utf8mb4_0900_bin", "ALTER TABLE t MODIFY `b` TEXT COLLATE utf8mb4_bin"),
        ("CREATE TABLE t (a INT, KEY k (a) INVISIBLE, KEY j (a) VISIBLE, b INT INVISIBLE)",
         "CREATE TABLE t (`a` INT, KEY k (a) IGNORED, KEY j (a) NOT IGNORED, `b` INT INVISIBLE)"),
        ("ALTER TABLE t ALTER INDEX k INVISIBLE", "ALTER TABLE t ALTER INDEX k IGNORED"),
        ("ALTER TABLE t ADD INDEX k (a) INVISIBLE, ADD COLUMN c INT INVISIBLE", "ALTER TABLE t ADD INDEX k (a) IGNORED, ADD COLUMN `c` INT INVISIBLE"),
        ("CREATE INDEX k ON t (a) INVISIBLE", "CREATE INDEX k ON t (a) IGNORED"),
        ("ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT", "ALTER TABLE t ADD COLUMN `c` INT"),
        ("ALTER TABLE t ALGORITHM=INPLACE, LOCK=NONE, ADD COLUMN c INT", "ALTER TABLE t ADD COLUMN `c` INT"),
        ("CREATE INDEX k ON t (a) ALGORITHM=INPLACE LOCK=NONE", "CREATE INDEX k ON t (a)"),
        ("CREATE TABLE t2 (id INT PRIMARY KEY, v INT) START TRANSACTION", "CREATE TABLE t2 (`id` INT PRIMARY KEY, `v` INT)"),
        ("CREATE TABLE t (a INT, CONSTRAINT c1 CHECK (a > 0) NOT ENFORCED, CHECK (a < 9) ENFORCED)", "CREATE TABLE t (`a` INT , CHECK (a < 9) )"),
        ("ALTER TABLE t DROP CHECK c1", "ALTER TABLE t DROP CONSTRAINT IF EXISTS c1"),
        ("CREATE TABLE g (id INT PRIMARY KEY, p POINT NOT NULL SRID 4326)", "CREATE TABLE g (`id` INT PRIMARY KEY, `p` POINT REF_SYSTEM_ID = 4326 NOT NULL )"),
        ("CREATE TABLE t (a INT) ENGINE=InnoDB AUTOEXTEND_SIZE=4M ENCRYPTION='N' /*!80016 DEFAULT ENCRYPTION='N' */", "CREATE TABLE t (`a` INT) ENGINE=InnoDB"),
        ("ALTER TABLE t RENAME COLUMN a TO b, RENAME INDEX k TO j", "ALTER TABLE t RENAME COLUMN a TO b, RENAME INDEX k TO j"),
        // A name MySQL allows bare that MariaDB reserves is quoted where a column is defined; MySQL's JSON operators become calls.
        ("CREATE TABLE t (Offset INT, d JSON, n INT AS (d->>'$.n'))",
         "CREATE TABLE t (`Offset` INT, `d` JSON, `n` INT AS (JSON_UNQUOTE ( JSON_EXTRACT ( d , '$.n' ) )))"),
        ("CREATE TABLE t (a INT DEFAULT (1 + 2), algorithm INT)", "CREATE TABLE t (`a` INT DEFAULT (1 + 2), `algorithm` INT)"),
    ])
    func translates(mysql: String, mariadb: String) throws {
        let result = try translated(mysql)
        #expect(result == mariadb)
    }

    @Test(arguments: [
        ("CREATE TABLE t (a INT, KEY k ((a + 1)))", "functional key part"),
        ("CREATE INDEX k ON t ((lower(a)))", "functional key part"),
        ("ALTER TABLE t ADD INDEX k (a, (b * 2))", "functional key part"),
        ("ALTER TABLE t ALTER COLUMN c SET INVISIBLE", "SET VISIBLE/INVISIBLE"),
        ("ALTER TABLE t ALTER CHECK c1 NOT ENFORCED", "ENFORCED"),
        ("ALTER TABLE t MODIFY b TEXT COLLATE utf8mb4_ja_0900_as_cs", "no MariaDB counterpart"),
        ("ALTER TABLE t MODIFY b TEXT COLLATE utf8mb4_0900_as_ci_ks", "no MariaDB counterpart"),
    ])
    func refuses(mysql: String, reason: String) {
        #expect(refusal(mysql)?.contains(reason) == true, "\(refusal(mysql) ?? "accepted")")
    }

    @Test func olderTargetsGetTheNearestTheyHave() throws {
        let old = MySQLDialect(target: ServerVersion("10.5.2-MariaDB"))
        #expect(try translated("CREATE TABLE t (a TEXT) COLLATE=utf8mb4_0900_ai_ci", old) == "CREATE TABLE t (`a` TEXT) COLLATE=utf8mb4_unicode_520_ci")
        #expect(throws: MySQLDialect.Refused.self) { try translated("CREATE TABLE t (a INT, KEY k (a) INVISIBLE)", old) }
    }
}
