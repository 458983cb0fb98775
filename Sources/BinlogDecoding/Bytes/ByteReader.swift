/// A bounds-checked cursor over one event's bytes.
///
/// Every read checks the remaining length first and throws `BinlogDecodingError.truncated`
/// instead of trapping, so corrupt input always ends in a typed error.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    /// One past the last readable byte; may be less than `bytes.count` (a trailing checksum, say).
    public let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = min(max(offset, 0), bytes.count)
        self.end = max(self.offset, min(end ?? bytes.count, bytes.count))
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset >= end }

    @inline(__always)
    func require(_ count: Int, _ what: StaticString) throws(BinlogDecodingError) {
        guard count >= 0, end - offset >= count else {
            throw .truncated(what: String(describing: what), needed: count, available: end - offset)
        }
    }

    public mutating func skip(_ count: Int, _ what: StaticString = "bytes") throws(BinlogDecodingError) {
        try require(count, what)
        offset += count
    }

    public mutating func uint8(_ what: StaticString = "uint8") throws(BinlogDecodingError) -> UInt8 {
        try require(1, what)
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Little-endian unsigned integer of `width` bytes (1...8).
    @inline(__always)
    public mutating func uintLE(_ width: Int, _ what: StaticString = "integer") throws(BinlogDecodingError) -> UInt64 {
        try require(width, what)
        var value: UInt64 = 0
        var index = width - 1
        while index >= 0 {
            value = (value << 8) | UInt64(bytes[offset + index])
            index -= 1
        }
        offset += width
        return value
    }

    /// Big-endian unsigned integer of `width` bytes (1...8), used by the packed temporal and decimal forms.
    @inline(__always)
    public mutating func uintBE(_ width: Int, _ what: StaticString = "integer") throws(BinlogDecodingError) -> UInt64 {
        try require(width, what)
        var value: UInt64 = 0
        for index in 0..<width {
            value = (value << 8) | UInt64(bytes[offset + index])
        }
        offset += width
        return value
    }

    public mutating func uint16(_ what: StaticString = "uint16") throws(BinlogDecodingError) -> UInt16 {
        UInt16(truncatingIfNeeded: try uintLE(2, what))
    }

    public mutating func uint32(_ what: StaticString = "uint32") throws(BinlogDecodingError) -> UInt32 {
        UInt32(truncatingIfNeeded: try uintLE(4, what))
    }

    public mutating func uint64(_ what: StaticString = "uint64") throws(BinlogDecodingError) -> UInt64 {
        try uintLE(8, what)
    }

    /// The protocol's length-encoded integer (1, 3, 4 or 9 bytes).
    public mutating func lengthEncodedInteger(_ what: StaticString = "length-encoded integer") throws(BinlogDecodingError) -> UInt64 {
        let first = try uint8(what)
        switch first {
        case 0..<251: return UInt64(first)
        case 252: return try uintLE(2, what)
        case 253: return try uintLE(3, what)
        case 254: return try uintLE(8, what)
        default: throw .malformed(what: String(describing: what), detail: "length prefix byte \(first) is not valid")
        }
    }

    /// A length-encoded integer used as a count or size: it must fit in what is left of the event,
    /// so that a corrupt length can never drive an allocation larger than the input.
    public mutating func lengthEncodedCount(_ what: StaticString, unitSize: Int = 1) throws(BinlogDecodingError) -> Int {
        let value = try lengthEncodedInteger(what)
        guard value <= UInt64(remaining / max(unitSize, 1)) else {
            throw .truncated(what: String(describing: what), needed: Int(clamping: value), available: remaining)
        }
        return Int(value)
    }

    public mutating func bytes(_ count: Int, _ what: StaticString = "bytes") throws(BinlogDecodingError) -> [UInt8] {
        try require(count, what)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// The range of the next `count` bytes, consumed without copying.
    public mutating func range(_ count: Int, _ what: StaticString = "bytes") throws(BinlogDecodingError) -> Range<Int> {
        try require(count, what)
        defer { offset += count }
        return offset..<(offset + count)
    }

    public mutating func skipToEnd() {
        offset = end
    }

    public mutating func restBytes() -> [UInt8] {
        defer { offset = end }
        return Array(bytes[offset..<end])
    }

    public mutating func string(_ count: Int, _ what: StaticString = "string") throws(BinlogDecodingError) -> String {
        let range = try range(count, what)
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// A string preceded by a one-byte length and followed by a NUL (database and table names).
    public mutating func lengthPrefixedNulTerminatedName(_ what: StaticString) throws(BinlogDecodingError) -> String {
        let length = Int(try uint8(what))
        let name = try string(length, what)
        try skip(1, what)
        return name
    }

    public mutating func restString() -> String {
        defer { offset = end }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }

    /// A sub-reader over the next `count` bytes; this reader moves past them.
    public mutating func subReader(_ count: Int, _ what: StaticString) throws(BinlogDecodingError) -> ByteReader {
        let range = try range(count, what)
        return ByteReader(bytes, offset: range.lowerBound, end: range.upperBound)
    }
}
