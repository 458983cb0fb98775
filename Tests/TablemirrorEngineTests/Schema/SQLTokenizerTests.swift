import Testing
@testable import TablemirrorEngine

struct SQLTokenizerTests {
    private func kinds(_ text: String) throws -> [String] {
        try SQLTokenizer.tokens(text).map { token in
            switch token.kind {
            case .word: "w:\(token.text)"
            case .quotedIdentifier: "q:\(token.text)"
            case .string: "s:\(token.text)"
            case .number: "n:\(token.text)"
            case .symbol: token.text
            }
        }
    }

    @Test func wordsQuotedNamesStringsNumbersAndSymbols() throws {
        #expect(try kinds("ALTER TABLE `my``t`.t2 ADD c VARCHAR(20) DEFAULT 'it''s', ADD `1st` INT") == [
            "w:ALTER", "w:TABLE", "q:my`t", ".", "w:t2", "w:ADD", "w:c", "w:VARCHAR", "(", "n:20", ")", "w:DEFAULT",
            "s:it's", ",", "w:ADD", "q:1st", "w:INT",
        ])
    }

    /// The server reads bytes: a quote followed by a combining mark is still a quote (one `Character` in Swift),
    /// and a no-break space is part of a name, not a space.
    @Test func quotesAreFoundWhateverFollowsThem() throws {
        #expect(try kinds("COMMENT '\u{301}x' , `a`\u{301}b") == ["w:COMMENT", "s:\u{301}x", ",", "q:a", "w:\u{301}b"])
        #expect(try kinds("SELECT a\u{A0}b") == ["w:SELECT", "w:a\u{A0}b"])
        #expect(try kinds("x'41' 'a\\nb\\%'") == ["w:x", "s:41", "s:a\nb\\%"])
    }

    @Test func backslashEscapesInStringsButNotInIdentifiers() throws {
        #expect(try kinds(#"COMMENT 'a\'b' `c\`"#) == ["w:COMMENT", "s:a'b", #"q:c\"#])
    }

    @Test func theSessionsSqlModeDecidesWhatQuotesMean() throws {
        #expect(try SQLTokenizer.tokens(#"ALTER TABLE "t" DEFAULT 'a\b'"#, ansiQuotes: true, noBackslashEscapes: true).map(\.kind) == [
            .word, .word, .quotedIdentifier, .word, .string,
        ])
        #expect(try SQLTokenizer.tokens(#"'a\'"#, noBackslashEscapes: true).map(\.text) == [#"a\"#])
        #expect(try kinds(#"ALTER TABLE "t""#) == ["w:ALTER", "w:TABLE", "s:t"])
    }

    @Test func aNameMayBeginWithDigits() throws {
        #expect(try kinds("DROP TABLE 2026_batch, 1db.t1 WAIT 5.5") == [
            "w:DROP", "w:TABLE", "w:2026_batch", ",", "w:1db", ".", "w:t1", "w:WAIT", "n:5.5",
        ])
    }

    @Test func commentsAreSkippedButExecutableCommentsAreCode() throws {
        #expect(try kinds("DROP /* not this */ TABLE -- nor this\n t # nor this") == ["w:DROP", "w:TABLE", "w:t"])
        #expect(try kinds("/*!40000 ALTER TABLE t DISABLE KEYS */;") == ["w:ALTER", "w:TABLE", "w:t", "w:DISABLE", "w:KEYS", ";"])
        #expect(try kinds("CREATE TABLE t (a INT) /*M!100100 ENGINE=Aria */") == [
            "w:CREATE", "w:TABLE", "w:t", "(", "w:a", "w:INT", ")", "w:ENGINE", "=", "w:Aria",
        ])
    }

    @Test func aDoubleDashWithoutSpaceIsTwoMinusSigns() throws {
        #expect(try kinds("a--1") == ["w:a", "-", "-", "n:1"])
    }

    @Test func rangesPointAtTheTextWritten() throws {
        let text = "RENAME TABLE `a` TO b"
        let tokens = try SQLTokenizer.tokens(text)
        #expect(tokens.map { String(text[$0.range]) } == ["RENAME", "TABLE", "`a`", "TO", "b"])
    }

    @Test(arguments: ["SELECT 'open", "ALTER TABLE `t", "DROP /* open", #"SELECT "a\"#])
    func unterminatedTextIsAnError(_ text: String) {
        #expect(throws: SQLTokenizer.Unreadable.self) { try SQLTokenizer.tokens(text) }
    }
}
