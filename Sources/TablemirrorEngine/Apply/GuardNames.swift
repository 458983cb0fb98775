/// Names of tablemirror's own objects for a replica — its three triggers, its TRUNCATE guard table and that
/// table's foreign key — that fit the server's 64-character limit whatever the replica's name, and never collide:
/// a readable part (letters, digits and `_` of the names, cut short) and a hash of the full qualified name.
enum GuardNames {
    /// The trigger for `event` (`i`, `u` or `d`), in the replica's database.
    static func trigger(_ database: String, _ table: String, _ event: String) -> String {
        "tm_ro_\(event)_\(readable(table, 30))_\(hash(database, table))"
    }

    /// The guard table, in `_tablemirror`.
    static func guardTable(_ database: String, _ table: String) -> String {
        "guard_\(readable(database, 20))_\(readable(table, 20))_\(hash(database, table))"
    }

    static func guardConstraint(_ database: String, _ table: String) -> String {
        "tm_fk_\(hash(database, table))"
    }

    /// The trigger name earlier versions gave (cut at a fixed length), removed wherever tablemirror removes its
    /// guards. (Guard tables of any name are found by their foreign key.)
    static func legacyTrigger(_ table: String, _ event: String) -> String {
        "tm_ro_\(event)_" + String(table.prefix(50))
    }

    private static func readable(_ name: String, _ length: Int) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.filter {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
        }).prefix(length))
    }

    /// 48 bits of FNV-1a over `database`, a NUL and `table` (UTF-8), as 12 hex digits.
    static func hash(_ database: String, _ table: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(database.utf8) + [0] + Array(table.utf8) {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        let hex = String(value >> 16, radix: 16)
        return String(repeating: "0", count: 12 - hex.count) + hex
    }
}
