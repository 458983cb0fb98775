@testable import BinlogDecoding
import Testing

/// Collation ids to character sets, names to character sets, and how a character column's bytes become a value.
struct CharsetTests {
    @Test func collationIDsOfMariaDBAndMySQL() {
        let expected: [UInt64: String] = [
            1: "big5", 8: "latin1", 9: "latin2", 13: "sjis", 28: "gbk", 33: "utf8mb3", 35: "ucs2", 45: "utf8mb4", 51: "cp1251",
            54: "utf16", 56: "utf16le", 60: "utf32", 63: "binary", 95: "cp932", 97: "eucjpms", 83: "utf8mb3", 246: "utf8mb4",
            // MariaDB's NO PAD collations (1024 + the PAD SPACE id) and its UCA 14.0.0 blocks (10.10+, 11.x).
            1037: "sjis", 1057: "utf8mb3", 1112: "sjis", 1270: "utf8mb4", 2048: "utf8mb3", 2303: "utf8mb3", 2304: "utf8mb4",
            2560: "ucs2", 2816: "utf16", 3327: "utf32",
            // MySQL 8 only: utf8mb3_tolower_ci, gb18030, utf8mb4_0900_ai_ci, the last of 8.0.30's additions.
            76: "utf8mb3", 248: "gb18030", 250: "gb18030", 255: "utf8mb4", 323: "utf8mb4",
        ]
        for (id, name) in expected { #expect(Charset.forCollation(id)?.name == name, "collation \(id)") }
        for unknown: UInt64 in [0, 17, 100, 251, 324, 1024, 4000, 1 << 40] { #expect(Charset.forCollation(unknown) == nil, "collation \(unknown)") }
    }

    @Test func namesAsInformationSchemaReportsThem() {
        #expect(Charset.named("utf8") == .utf8mb3)
        #expect(Charset.named("UTF8MB4") == .utf8mb4)
        #expect(Charset.named("sjis")?.name == "sjis")
        #expect(Charset.named("gb18030")?.name == "gb18030")
        #expect(Charset.named("klingon") == nil)
        #expect(Charset.named("sjis X'00'; DROP TABLE t") == nil)
        #expect(CharsetTables.names.count == 41)
    }

    @Test func encodingsByCharset() {
        #expect(TextEncoding(collationID: 13) == .other(Charset.named("sjis")!))
        #expect(TextEncoding(collationID: 8) == .latin1)
        #expect(TextEncoding(collationID: 63) == .binary)
        #expect(TextEncoding(collationID: 224) == .utf8(.utf8mb4))
        #expect(TextEncoding(collationID: 11) == .other(Charset.named("ascii")!))
        #expect(TextEncoding(collationID: 9999) == .unknown)
        #expect(TextEncoding(characterSetName: "utf8mb3") == .utf8(.utf8mb3))
        #expect(TextEncoding(characterSetName: nil) == .unknown)
    }

    private func read(_ bytes: [UInt8], _ encoding: TextEncoding) -> ColumnValue {
        ColumnReader.text(0..<bytes.count, in: bytes, encoding: encoding)
    }

    /// The bytes the issue saw go wrong: ucs2 `AB` and latin2 C3 A9 stay exactly those bytes.
    @Test func valuesKeepTheirBytes() {
        let ucs2 = Charset.named("ucs2")!, latin2 = Charset.named("latin2")!
        #expect(read([0x00, 0x41, 0x00, 0x42], .other(ucs2)) == .encoded([0x00, 0x41, 0x00, 0x42], charset: ucs2))
        #expect(read([0xC3, 0xA9], .other(latin2)) == .encoded([0xC3, 0xA9], charset: latin2))
        #expect(read([0xC3, 0xA9], .utf8(.utf8mb4)) == .text("é"))
        #expect(read([0xFF, 0x41], .utf8(.utf8mb3)) == .encoded([0xFF, 0x41], charset: .utf8mb3))
        #expect(read([0xE9], .latin1) == .text("é"))
        #expect(read([0xC3, 0xA9], .unknown) == .encoded([0xC3, 0xA9], charset: nil))
        #expect(read([0xC3, 0xA9], .binary) == .bytes([0xC3, 0xA9]))
    }
}

/// Text as the server's `CONVERT(… USING utf8mb4)` gives it, only where tablemirror converts losslessly.
struct CharsetTextTests {
    private func text(_ bytes: [UInt8], _ name: String) -> String? { CharsetText.utf8(bytes, in: Charset.named(name)!) }

    @Test func unicodeEncodings() {
        #expect(text([0x00, 0x41, 0x00, 0x42], "ucs2") == "AB")
        #expect(text([0xD8, 0x3D], "ucs2") == nil)
        #expect(text([0xD8, 0x3D, 0xDE, 0x00], "utf16") == "😀")
        #expect(text([0x3D, 0xD8, 0x00, 0xDE, 0x41, 0x00], "utf16le") == "😀A")
        #expect(text([0xD8, 0x3D], "utf16") == nil)
        #expect(text([0xDE, 0x00, 0xD8, 0x3D], "utf16") == nil)
        #expect(text([0x00, 0x00, 0x26, 0x03, 0x00, 0x02, 0x00, 0x0B], "utf32") == "☃𠀋")
        #expect(text([0x00, 0x11, 0x00, 0x00], "utf32") == nil)
        #expect(text([0x00, 0x41, 0x00], "ucs2") == nil)
        #expect(text([], "utf32") == "")
    }

    @Test func singleByteSetsFromTheServersTables() {
        #expect(text([0xC0, 0xFF], "cp1251") == "Ая")
        #expect(text([0xC1], "koi8r") == "а")
        #expect(text([0xC3, 0xA9], "latin2") == "ĂŠ")
        #expect(text([0x5B, 0x5D, 0x7D], "swe7") == "ÄÅå")
        #expect(text([0x41, 0x80], "ascii") == nil)
        #expect(text([0xE9, 0x80], "latin1") == "é€")
        #expect(text([0xFF], "utf8mb4") == nil)
    }

    /// sjis, cp932, big5, gbk and gb2312 through iconv, except the characters where it disagrees with the server
    /// (sjis 0x5C is a backslash to the server and a yen sign to iconv's SHIFT_JIS); the other East Asian sets not.
    @Test func eastAsianSetsWhereIconvAgrees() {
        #expect(text([0x95, 0x5C, 0x83, 0x5C, 0x41], "sjis") == "表ソA")
        #expect(text([0x5C], "sjis") == nil)
        #expect(text([0x81, 0x5F], "sjis") == nil)
        #expect(text([0x81, 0x5F], "cp932") == "＼")
        #expect(text([0xB3, 0x5C], "big5") == "許")
        #expect(text([0xD6, 0xD0], "gbk") == "中")
        #expect(text([0x80], "gbk") == nil)
        #expect(text([0xD6, 0xD0], "gb2312") == "中")
        #expect(text([0x95], "sjis") == nil)
        #expect(text([], "gbk") == "")
        for name in ["euckr", "ujis", "eucjpms", "gb18030"] {
            #expect(text([0x41], name) == nil, "\(name)")
        }
    }

    @Test func everySingleByteTableHas256Entries() {
        #expect(CharsetTables.singleByte.count == 24)
        #expect(CharsetTables.singleByte.values.allSatisfy { $0.count == 256 })
    }
}
