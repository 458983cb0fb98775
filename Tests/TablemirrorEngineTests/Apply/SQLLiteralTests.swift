import BinlogDecoding
import Testing
@testable import TablemirrorEngine

struct SQLLiteralTests {
    @Test func stringsEscapeEverythingSpecial() {
        #expect(SQLLiteral.render(.text("it's a \\ \n\r\0\u{1A} é😀"), column: "c") == "'it\\'s a \\\\ \\n\\r\\0\\Z é😀'")
    }

    /// A backtick followed by a combining mark is one `Character` in Swift but a backtick to the server: it
    /// must be doubled all the same, or the name would end there.
    @Test func identifiersDoubleEveryBacktickTheServerSees() {
        #expect(SQLLiteral.identifier("a`\u{301}; DROP TABLE t; #") == "`a``\u{301}; DROP TABLE t; #`")
        #expect(SQLLiteral.identifier("x") == "`x`")
    }

    @Test func binaryIsHexAndExact() {
        #expect(SQLLiteral.render(.bytes([0x00, 0xFF, 0x10]), column: "c") == "X'00FF10'")
        #expect(SQLLiteral.render(.bytes([]), column: "c") == "X''")
        #expect(SQLLiteral.render(.bit(0x1FFF, width: 13), column: "c") == "8191")
    }

    /// Character values in their own set: the exact bytes under the set's introducer, whatever the session's set.
    @Test func encodedValuesAreIntroducedHex() {
        #expect(SQLLiteral.render(.encoded([0x95, 0x5C], charset: Charset.named("sjis")), column: "c") == "_sjis X'955C'")
        #expect(SQLLiteral.render(.encoded([], charset: Charset.named("ucs2")), column: "c") == "_ucs2 X''")
        #expect(SQLLiteral.render(.encoded([0xFF], charset: .utf8mb3), column: "c") == "_utf8mb3 X'FF'")
        #expect(SQLLiteral.isPlainLiteral("_sjis X'955C'"))
        #expect(SQLLiteral.isPlainLiteral("_gb18030 X''"))
        #expect(!SQLLiteral.isPlainLiteral("_sjis X'95'; DROP TABLE t"))
        #expect(!SQLLiteral.isPlainLiteral("_Sjis  X'95'"))
    }

    @Test func numbersAndMembers() {
        #expect(SQLLiteral.render(.unsigned(18_446_744_073_709_551_615), column: "c") == "18446744073709551615")
        #expect(SQLLiteral.render(.decimal("-0.01"), column: "c") == "-0.01")
        #expect(SQLLiteral.render(.enumeration(index: 2, name: "b"), column: "c") == "2")
        #expect(SQLLiteral.render(.set(bits: 5, members: ["x", "z"]), column: "c") == "5")
        #expect(SQLLiteral.render(.null, column: "c") == "NULL")
    }

    @Test func identifiersDoubleBackticks() {
        #expect(SQLLiteral.identifier("we`ird") == "`we``ird`")
    }

    @Test func jsonDiffsBecomeFunctionCalls() throws {
        // REPLACE $.age with the binary JSON int16 26, then REMOVE $.old.
        let bytes: [UInt8] = [0, 5] + Array("$.age".utf8) + [3, 0x05, 26, 0] + [2, 5] + Array("$.old".utf8)
        let diffs = try JSONPartialUpdate.parse(diffs: bytes[...])
        #expect(SQLLiteral.render(.jsonDiff(diffs), column: "doc")
            == "JSON_REMOVE(JSON_REPLACE(`doc`, '$.age', JSON_EXTRACT('26', '$')), '$.old')")
    }
}

struct PlainLiteralTests {
    @Test func acceptsWhatKeysAreWrittenAs() {
        for literal in ["12", "-1.50", "1.100000023841858", "1e-300", "X'00FF'", "X''", "'a'", #"'it\'s \\ ok'"#, "'2024-01-01 00:00:00'"] {
            #expect(SQLLiteral.isPlainLiteral(literal), "\(literal)")
        }
    }

    @Test func refusesAnythingElse() {
        for text in ["1; DROP TABLE t", "'a' OR 1=1", "(SELECT 1)", "'unterminated", #"'a\'"#, "1 --", "X'0G'", "", "NULL"] {
            #expect(!SQLLiteral.isPlainLiteral(text), "\(text)")
        }
    }
}
