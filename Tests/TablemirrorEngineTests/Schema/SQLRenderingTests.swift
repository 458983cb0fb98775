import Testing
@testable import TablemirrorEngine

/// Statements are rebuilt from their tokens: what the server reads is exactly what the tokenizer understood.
struct SQLRenderingTests {
    private func rendered(_ text: String, noBackslashEscapes: Bool = false, ansiQuotes: Bool = false) throws -> String {
        let tokens = try SQLTokenizer.singleStatement(text, ansiQuotes: ansiQuotes, noBackslashEscapes: noBackslashEscapes)
        return SQLRendering(noBackslashEscapes: noBackslashEscapes).text(tokens)
    }

    @Test func namesAndStringsAreQuotedAnewAndTouchingTokensStayTogether() throws {
        #expect(try rendered("ALTER TABLE t ADD `a``b` INT DEFAULT 'it''s' COMMENT \"x\", ADD c BIT DEFAULT b'101', ADD d FLOAT DEFAULT 1.5e-3")
            == "ALTER TABLE t ADD `a``b` INT DEFAULT 'it\\'s' COMMENT 'x', ADD c BIT DEFAULT b'101', ADD d FLOAT DEFAULT 1.5e-3")
        #expect(try rendered("ALTER TABLE \"t\" COMMENT 'a\\b'", noBackslashEscapes: true, ansiQuotes: true) == "ALTER TABLE `t` COMMENT 'a\\b'")
    }

    @Test func commentsGoAndExecutableCommentsStayAsCode() throws {
        #expect(try rendered("ALTER /* x */ TABLE t -- y\n ADD c INT # z\n") == "ALTER TABLE t ADD c INT")
        #expect(try rendered("/*!40000 ALTER TABLE t DISABLE KEYS */") == "ALTER TABLE t DISABLE KEYS")
    }

    @Test func aSecondStatementIsRefused() throws {
        for text in ["ALTER TABLE t ADD c INT; DROP TABLE victim", "TRUNCATE t;;DROP TABLE x", "ALTER TABLE `a`;DROP TABLE b"] {
            #expect(throws: SQLTokenizer.Unreadable.self, "\(text)") { try SQLTokenizer.singleStatement(text) }
        }
        #expect(try rendered("TRUNCATE t;") == "TRUNCATE t")
        #expect(try rendered("ALTER TABLE t COMMENT 'a;b'") == "ALTER TABLE t COMMENT 'a;b'")
    }

    /// Whatever a name or comment holds, the rebuilt text reads back as the same tokens.
    @Test(arguments: ["batch_(a int);DROP TABLE orders.victim;#", "x`\u{301}; DROP TABLE t", "a\nb", "*/ DROP", "'\"\\", "é\u{A0}名"])
    func hostileTextReadsBackAsTheSameTokens(_ hostile: String) throws {
        let statement = "ALTER TABLE \(SQLLiteral.identifier(hostile)) ADD \(SQLLiteral.identifier(hostile + "2")) INT COMMENT \(SQLLiteral.quotedString(hostile))"
        let original = try SQLTokenizer.singleStatement(statement)
        let again = try SQLTokenizer.singleStatement(SQLRendering(noBackslashEscapes: false).text(original))
        #expect(again.map(\.text) == original.map(\.text))
        #expect(again.map(\.kind) == original.map(\.kind))
        #expect(original.filter { $0.kind == .quotedIdentifier }.map(\.text) == [hostile, hostile + "2"])
    }
}

/// Clauses that reach beyond the replica are refused; everything else a replica's DDL says is kept.
struct ReplayedClausesTests {
    private func problem(_ text: String) throws -> String? {
        ReplayedClauses.problem(in: try SQLTokenizer.tokens(text))
    }

    @Test func clausesThatReachOtherTablesServersOrFilesAreRefused() throws {
        for text in ["CREATE TABLE t (a INT) ENGINE=MRG_MyISAM UNION=(db.victim) INSERT_METHOD=LAST",
                     "ALTER TABLE t ENGINE = FEDERATED CONNECTION='mysql://u@h/db/t'", "ALTER TABLE t ENGINE SPIDER",
                     "ALTER TABLE t CONVERT TABLE db.x TO PARTITION p2 VALUES LESS THAN (200)",
                     "ALTER TABLE t CONVERT PARTITION p1 TO TABLE db.y", "CREATE TABLE t (a INT) DATA DIRECTORY = '/tmp'",
                     "ALTER TABLE t ENGINE=CONNECT", "ALTER TABLE t ENGINE 'SPIDER' COMMENT='srv \"s1\"'", "ALTER TABLE t ENGINE \"MRG_MyISAM\"",
                     "ALTER TABLE t ADD COLUMN z BIGINT DEFAULT SETVAL(app.seq, 99)", "CREATE TABLE t (a INT DEFAULT NEXT VALUE FOR s)",
                     "CREATE TABLE t (a INT DEFAULT nextval(`db`.`s`))", "ALTER TABLE t IMPORT TABLESPACE", "ALTER TABLE t DISCARD TABLESPACE"] {
            #expect(try problem(text) != nil, "\(text)")
        }
    }

    @Test func ordinaryDefinitionsPass() throws {
        for text in ["CREATE TABLE t (engine INT, `union` INT, connection INT, directory INT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                     "ALTER TABLE t ADD COLUMN nextval INT, ADD COLUMN setval INT, ADD COLUMN next INT, ADD COLUMN previous INT",
                     "ALTER TABLE t ADD COLUMN engine VARCHAR(10), CONVERT TO CHARACTER SET utf8mb4, ENGINE=Aria, ENGINE 'InnoDB'",
                     "CREATE TABLE t (a INT) PARTITION BY RANGE (a) (PARTITION p0 VALUES LESS THAN (10) ENGINE = InnoDB)"] {
            #expect(try problem(text) == nil, "\(text)")
        }
    }

    /// A versioned comment still marked in the binlog ran on the source (a skipped one is logged as a plain
    /// comment): its content is code, after exactly five or six version digits, as the server reads it. Nesting
    /// the tokenizer cannot follow as the server does is refused.
    @Test func executableCommentsAreCodeAfterTheirVersion() throws {
        #expect(try SQLTokenizer.tokens("/*!40000 ALTER TABLE t DISABLE KEYS */").count == 5)
        #expect(try SQLTokenizer.tokens("ALTER TABLE t ADD COLUMN /*!0000001x*/ INT").map(\.text) == ["ALTER", "TABLE", "t", "ADD", "COLUMN", "1x", "INT"])
        #expect(try SQLTokenizer.tokens("ALTER TABLE t /*M!110400 ADD c INT */").map(\.text).suffix(3) == ["ADD", "c", "INT"])
        for text in ["ALTER TABLE t COMMENT 'a' /*!40000 /* */ , ENGINE=InnoDB */", "ALTER TABLE t /* 50700 /* x */ , DROP y */"] {
            #expect(throws: SQLTokenizer.Unreadable.self, "\(text)") { try SQLTokenizer.tokens(text) }
        }
    }

    @Test func touchingStringsStayTwoStrings() throws {
        let tokens = try SQLTokenizer.tokens("COMMENT 'a'\"b\"")
        #expect(SQLRendering(noBackslashEscapes: false).text(tokens) == "COMMENT 'a' 'b'")
    }
}
