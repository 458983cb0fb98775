/// Settings of the session that ran a statement, from its query event's status variables: what a replica needs
/// to read and run the statement as the source did (how it quotes, its time zone). Only what tablemirror uses
/// is kept. Each variable's length depends on its code, so the walk stops at a code it does not know, keeping
/// what it read before (the server writes sql_mode and the time zone early, in code order).
public struct QuerySessionSettings: Sendable, Equatable {
    /// The session's sql_mode bits, as the server numbers them.
    public var sqlMode: UInt64?
    /// The session's time zone, when the statement used one (`+02:00`, `Europe/Paris`).
    public var timeZone: String?
    /// The collation id of the client's character set: the encoding of the statement's bytes.
    public var clientCollation: UInt16?

    public init(sqlMode: UInt64? = nil, timeZone: String? = nil, clientCollation: UInt16? = nil) {
        self.sqlMode = sqlMode
        self.timeZone = timeZone
        self.clientCollation = clientCollation
    }

    /// The statement was written in a character set whose multi-byte characters may end in an ASCII byte — a
    /// quote or a backslash to a reader of UTF-8 (big5, sjis, gbk, cp932, gb18030, and their no-pad collations):
    /// read as UTF-8 its boundaries could be misjudged.
    public var hasAmbiguousBytes: Bool {
        clientCollation.map { Self.ambiguousCollations.contains($0) } ?? false
    }

    static let ambiguousCollations: Set<UInt16> = [1, 84, 13, 88, 28, 87, 95, 96, 248, 249, 250, 1025, 1108, 1037, 1112, 1052, 1111, 1119, 1120]

    /// `"…"` quotes identifiers, not strings.
    public var ansiQuotes: Bool { (sqlMode ?? 0) & (1 << 2) != 0 }
    /// A backslash in a string is an ordinary character (bit 20, 1048576; bit 21 is STRICT_TRANS_TABLES, which
    /// an earlier version took for it, so every statement from a strict session was read without escapes).
    public var noBackslashEscapes: Bool { (sqlMode ?? 0) & (1 << 20) != 0 }

    /// Reads the status variables block; never fails (a damaged block gives what could be read).
    static func decode(_ block: ByteReader) -> QuerySessionSettings {
        var reader = block
        var settings = QuerySessionSettings()
        do throws(BinlogDecodingError) {
            while !reader.isAtEnd {
                switch try reader.uint8("status variable code") {
                case 0: try reader.skip(4, "flags2")
                case 1: settings.sqlMode = try reader.uint64("sql_mode")
                case 2: try reader.skip(Int(try reader.uint8("catalog length")) + 1, "catalog")
                case 3: try reader.skip(4, "auto_increment settings")
                case 4:
                    settings.clientCollation = try reader.uint16("character_set_client")
                    try reader.skip(4, "collation_connection and collation_server")
                case 5: settings.timeZone = try reader.string(Int(try reader.uint8("time zone length")), "time zone")
                case 6: try reader.skip(Int(try reader.uint8("catalog length")), "catalog")
                case 7, 8: try reader.skip(2, "lc_time_names or database collation")
                case 9: try reader.skip(8, "table map for update")
                case 10: try reader.skip(4, "master data written")
                case 11:
                    try reader.skip(Int(try reader.uint8("invoker user length")), "invoker user")
                    try reader.skip(Int(try reader.uint8("invoker host length")), "invoker host")
                case 12:
                    let count = try reader.uint8("updated databases")
                    // 254: more databases than the server lists.
                    for _ in 0..<(count == 254 ? 0 : count) {
                        while try reader.uint8("updated database name") != 0 {}
                    }
                case 13, 128: try reader.skip(3, "microseconds")
                case 129: try reader.skip(8, "xid")
                default: return settings
                }
            }
        } catch {
            return settings
        }
        return settings
    }
}
