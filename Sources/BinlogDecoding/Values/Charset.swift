/// A character set the server knows, by the name `SHOW CHARACTER SET` prints. Only names from tablemirror's
/// tables are ever made, so a name is safe to write as a character-set introducer (`_sjis X'…'`).
public struct Charset: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    private init(_ name: String) {
        self.name = name
    }

    public var description: String { name }

    /// The character set of a name as information_schema reports it (`utf8` is MySQL 5.7's `utf8mb3`).
    public static func named(_ name: String) -> Charset? {
        let lowered = name.lowercased()
        let canonical = lowered == "utf8" ? "utf8mb3" : lowered
        return CharsetTables.names.contains(canonical) ? Charset(canonical) : nil
    }

    /// The character set of a collation id as table-map metadata writes it; nil for an id tablemirror does not know.
    public static func forCollation(_ id: UInt64) -> Charset? {
        CharsetTables.byCollation[id].map(Charset.init)
    }

    public static let utf8mb3 = Charset("utf8mb3")
    public static let utf8mb4 = Charset("utf8mb4")
    public static let latin1 = Charset("latin1")
    public static let binary = Charset("binary")
}

/// Which character set each collation id belongs to: MariaDB's ids as the server lists them (generated), MariaDB
/// 11's UCA 14.0.0 ids by their documented layout, and MySQL 8's ids from its documented collation table.
enum CharsetTables {
    /// Every character set name: MariaDB 10.11's `SHOW CHARACTER SET`, and MySQL 8's gb18030.
    static let names: Set<String> = Set(serverCollations.map { $0.2 } + ["gb18030"])

    /// MariaDB 10.10+ numbers its UCA 14.0.0 collations in blocks of 256 ids per character set, from 2048.
    private static let uca1400Blocks: [(UInt16, UInt16, String)] = [
        (2048, 2303, "utf8mb3"), (2304, 2559, "utf8mb4"), (2560, 2815, "ucs2"), (2816, 3071, "utf16"), (3072, 3327, "utf32"),
    ]

    /// Ids MySQL 8 uses that MariaDB does not (MySQL's other ids mean the same character set in both).
    private static let mysqlOnly: [(UInt16, UInt16, String)] = [
        (76, 76, "utf8mb3"),        // utf8mb3_tolower_ci
        (248, 250, "gb18030"),      // gb18030_chinese_ci, gb18030_bin, gb18030_unicode_520_ci
        (255, 323, "utf8mb4"),      // utf8mb4_0900_ai_ci … and the 8.0.30 additions
    ]

    /// Single-byte character sets: the Unicode scalar of each byte, 0xFFFF where it does not convert both ways.
    static let singleByte: [String: [UInt16]] = singleByteDifferences.reduce(into: [:]) { tables, entry in
        let unmapped = singleByteUnmapped[entry.key] ?? []
        tables[entry.key] = (0...255).map { (byte: UInt8) in
            unmapped.contains { $0.contains(byte) } ? 0xFFFF : entry.value[byte] ?? UInt16(byte)
        }
    }

    static let byCollation: [UInt64: String] = {
        var table: [UInt64: String] = [:]
        for (first, last, name) in mysqlOnly + uca1400Blocks + serverCollations {
            for id in first...last { table[UInt64(id)] = name }
        }
        return table
    }()
}
