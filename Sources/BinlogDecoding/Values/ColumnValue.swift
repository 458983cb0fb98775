/// One column's value from a row image, typed exactly: no value passes through a lossy conversion.
public enum ColumnValue: Sendable, Equatable {
    case null
    case signed(Int64)
    case unsigned(UInt64)
    case float(Float)
    case double(Double)
    /// DECIMAL digits exactly as the server prints them (`-12.340`).
    case decimal(String)
    case text(String)
    /// A character value kept as its exact bytes with its character set (every set but utf8mb3/utf8mb4 text,
    /// latin1 and binary); nil when the character set is not known (see `TextEncoding.unknown`).
    case encoded([UInt8], charset: Charset?)
    case bytes([UInt8])
    case year(UInt16)
    case date(MySQLDate)
    case time(MySQLTime)
    case datetime(MySQLDateTime)
    /// TIMESTAMP: seconds since the epoch (UTC), with its fractional part and declared precision.
    case timestamp(seconds: UInt32, microseconds: UInt32, precision: UInt8)
    /// ENUM by its 1-based index (0 is the empty error value), with its name when known.
    case enumeration(index: UInt16, name: String?)
    /// SET as its bitmask, with the member names when known.
    case set(bits: UInt64, members: [String]?)
    /// BIT(n): the value and the column's width in bits.
    case bit(UInt64, width: Int)
    /// JSON as text: MySQL's binary JSON decoded, or MariaDB's stored text.
    case json(String)
    /// GEOMETRY as stored: 4-byte SRID followed by WKB, as SELECT returns it.
    case geometry([UInt8])
    /// A MySQL partial JSON update whose before value the event does not carry (binlog_row_image=MINIMAL):
    /// the diffs themselves, to apply to the value the reader already has.
    case jsonDiff([JSONPartialUpdate.Diff])
}

/// A row image: one entry per table column; nil where the image does not carry the column
/// (binlog_row_image MINIMAL or NOBLOB), which is different from a NULL value.
public struct RowImage: Sendable, Equatable {
    public var values: [ColumnValue?]

    public init(values: [ColumnValue?]) {
        self.values = values
    }
}

public struct MySQLDate: Sendable, Equatable {
    public var year: UInt16
    public var month: UInt8
    public var day: UInt8
}

public struct MySQLTime: Sendable, Equatable {
    public var isNegative: Bool
    public var hours: UInt32
    public var minutes: UInt8
    public var seconds: UInt8
    public var microseconds: UInt32
    public var precision: UInt8
}

public struct MySQLDateTime: Sendable, Equatable {
    public var date: MySQLDate
    public var hours: UInt8
    public var minutes: UInt8
    public var seconds: UInt8
    public var microseconds: UInt32
    public var precision: UInt8
}
