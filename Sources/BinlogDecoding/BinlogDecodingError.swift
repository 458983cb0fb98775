/// Why an event could not be decoded. Every decoding failure is one of these; none traps.
public enum BinlogDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The event ended before a field it declares.
    case truncated(what: String, needed: Int, available: Int)
    /// A field holds a value the format does not allow.
    case malformed(what: String, detail: String)
    /// The event's CRC32 does not match its bytes.
    case checksumMismatch(expected: UInt32, actual: UInt32)
    /// The file does not start with the binlog magic bytes.
    case notABinlogFile
    /// A rows event names a table id no table map event announced.
    case unknownTableID(UInt64)
    /// A column type this decoder does not know how to read; its length cannot be known, so the row cannot be skipped.
    case unsupportedColumnType(typeCode: UInt8, column: Int)
    /// A compressed event or payload could not be decompressed.
    case decompressionFailed(String)

    public var description: String {
        switch self {
        case let .truncated(what, needed, available):
            return "truncated event: \(what) needs \(needed) bytes, \(available) left"
        case let .malformed(what, detail):
            return "malformed \(what): \(detail)"
        case let .checksumMismatch(expected, actual):
            return "CRC32 mismatch: event says \(hex(expected)), bytes give \(hex(actual))"
        case .notABinlogFile:
            return "not a binlog file (missing magic header)"
        case let .unknownTableID(id):
            return "rows event for table id \(id) without a preceding table map event"
        case let .unsupportedColumnType(typeCode, column):
            return "column \(column + 1) has unsupported type code \(typeCode)"
        case let .decompressionFailed(detail):
            return "decompression failed: \(detail)"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
