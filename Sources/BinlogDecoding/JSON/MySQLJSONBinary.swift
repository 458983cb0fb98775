/// Decodes MySQL's binary JSON format, the value a MySQL JSON column (type 245) holds in a rows event.
///
/// A document is one type byte followed by the value:
/// - `0x00`/`0x01` small/large object, `0x02`/`0x03` small/large array: element count and byte size
///   (2 bytes each when small, 4 when large), for objects one key entry per member (offset, then a
///   2-byte length), one value entry per element (a type byte, then an offset or, for small scalars,
///   the value itself), then the keys and the values. Offsets count from the start of the container
///   (its count field).
/// - `0x04` literal (`0x00` null, `0x01` true, `0x02` false); `0x05`–`0x0a` int16, uint16, int32,
///   uint32, int64, uint64 and `0x0b` double, all little-endian; `0x0c` string: length in 7-bit
///   groups, low group first, high bit set on all but the last, then UTF-8; `0x0f` opaque: a MySQL
///   field type byte, a length in the same 7-bit form, then the data.
///
/// Every offset and length is checked against the bytes it points into; corrupt input throws a
/// `BinlogDecodingError`. Nesting is capped at `maximumDepth`, and values that several entries share
/// (which MySQL never writes) are rejected, so output can never grow beyond what the input justifies.
public enum MySQLJSONBinary {
    /// The deepest nesting of arrays and objects accepted; MySQL refuses to store deeper documents.
    public static let maximumDepth = 100

    /// The document in `bytes`. No bytes means JSON `null` (what MySQL reads from an empty JSON value).
    /// Bytes after the top-level value are ignored, as MySQL does.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(BinlogDecodingError) -> JSONValue {
        guard let first = bytes.indices.first else { return .null }
        var decoder = BinaryJSONDecoder(bytes: bytes, budget: bytes.count - 1)
        return try decoder.value(type: bytes[first], at: first + 1, end: bytes.endIndex, depth: 0)
    }
}

/// Binary JSON type bytes.
enum BinaryJSONType {
    static let smallObject: UInt8 = 0x00
    static let largeObject: UInt8 = 0x01
    static let smallArray: UInt8 = 0x02
    static let largeArray: UInt8 = 0x03
    static let literal: UInt8 = 0x04
    static let int16: UInt8 = 0x05
    static let uint16: UInt8 = 0x06
    static let int32: UInt8 = 0x07
    static let uint32: UInt8 = 0x08
    static let int64: UInt8 = 0x09
    static let uint64: UInt8 = 0x0A
    static let double: UInt8 = 0x0B
    static let string: UInt8 = 0x0C
    static let opaque: UInt8 = 0x0F

    static let literalNull: UInt8 = 0x00
    static let literalTrue: UInt8 = 0x01
    static let literalFalse: UInt8 = 0x02
}

/// MySQL field type codes that opaque JSON values give special meaning to.
enum OpaqueFieldType {
    static let timestamp: UInt8 = 7
    static let date: UInt8 = 10
    static let time: UInt8 = 11
    static let datetime: UInt8 = 12
    static let newDecimal: UInt8 = 246
    /// Strings stored opaquely print as plain JSON strings.
    static let varString: UInt8 = 253
}

private struct BinaryJSONDecoder {
    let bytes: ArraySlice<UInt8>
    /// Input bytes not yet accounted to a decoded part. Headers, keys and scalar data of a well-formed
    /// document occupy disjoint bytes, so they never spend more than the input holds; entries that
    /// point at the same bytes more than once would, and are rejected before they can multiply work.
    var budget: Int

    mutating func value(type: UInt8, at start: Int, end: Int, depth: Int) throws(BinlogDecodingError) -> JSONValue {
        switch type {
        case BinaryJSONType.smallObject:
            return try container(isObject: true, large: false, at: start, end: end, depth: depth)
        case BinaryJSONType.largeObject:
            return try container(isObject: true, large: true, at: start, end: end, depth: depth)
        case BinaryJSONType.smallArray:
            return try container(isObject: false, large: false, at: start, end: end, depth: depth)
        case BinaryJSONType.largeArray:
            return try container(isObject: false, large: true, at: start, end: end, depth: depth)
        case BinaryJSONType.literal:
            try take(1, at: start, end: end, "JSON literal")
            return try literal(bytes[start])
        case BinaryJSONType.int16:
            try take(2, at: start, end: end, "JSON int16")
            return .int64(Int64(Int16(truncatingIfNeeded: integer(at: start, width: 2))))
        case BinaryJSONType.uint16:
            try take(2, at: start, end: end, "JSON uint16")
            return .uint64(integer(at: start, width: 2))
        case BinaryJSONType.int32:
            try take(4, at: start, end: end, "JSON int32")
            return .int64(Int64(Int32(truncatingIfNeeded: integer(at: start, width: 4))))
        case BinaryJSONType.uint32:
            try take(4, at: start, end: end, "JSON uint32")
            return .uint64(integer(at: start, width: 4))
        case BinaryJSONType.int64:
            try take(8, at: start, end: end, "JSON int64")
            return .int64(Int64(bitPattern: integer(at: start, width: 8)))
        case BinaryJSONType.uint64:
            try take(8, at: start, end: end, "JSON uint64")
            return .uint64(integer(at: start, width: 8))
        case BinaryJSONType.double:
            try take(8, at: start, end: end, "JSON double")
            let value = Double(bitPattern: integer(at: start, width: 8))
            guard value.isFinite else {
                throw .malformed(what: "JSON double", detail: "\(value) is not a number JSON can hold")
            }
            return .double(value)
        case BinaryJSONType.string:
            let (length, width) = try variableLength(at: start, end: end, "JSON string length")
            try take(width + length, at: start, end: end, "JSON string")
            let text = start + width
            return .string(String(decoding: bytes[text..<(text + length)], as: UTF8.self))
        case BinaryJSONType.opaque:
            try require(1, at: start, end: end, "JSON opaque value type")
            let fieldType = bytes[start]
            let (length, width) = try variableLength(at: start + 1, end: end, "JSON opaque value length")
            try take(1 + width + length, at: start, end: end, "JSON opaque value")
            let data = start + 1 + width
            return try opaque(fieldType: fieldType, data: bytes[data..<(data + length)])
        default:
            throw .malformed(what: "JSON value", detail: "unknown type byte \(type)")
        }
    }

    private mutating func container(isObject: Bool, large: Bool, at start: Int, end: Int,
                                    depth: Int) throws(BinlogDecodingError) -> JSONValue {
        let what: StaticString = isObject ? "JSON object" : "JSON array"
        let depth = depth + 1
        guard depth <= MySQLJSONBinary.maximumDepth else {
            throw .malformed(what: "JSON document", detail: "nested deeper than \(MySQLJSONBinary.maximumDepth) levels")
        }
        let offsetSize = large ? 4 : 2
        try require(2 * offsetSize, at: start, end: end, what)
        let count = Int(integer(at: start, width: offsetSize))
        let size = Int(integer(at: start + offsetSize, width: offsetSize))
        guard size <= end - start else {
            throw .truncated(what: String(describing: what), needed: size, available: end - start)
        }
        let keyEntrySize = isObject ? offsetSize + 2 : 0
        let valueEntrySize = 1 + offsetSize
        // count < 2^32 and entries are at most 11 bytes, so this cannot overflow.
        let headerSize = 2 * offsetSize + count * (keyEntrySize + valueEntrySize)
        guard headerSize <= size else {
            throw .malformed(what: String(describing: what), detail: "\(count) elements need a \(headerSize)-byte header, but it is \(size) bytes long")
        }
        try spend(headerSize, what)
        let containerEnd = start + size

        var keys: [String] = []
        if isObject {
            keys.reserveCapacity(count)
            for index in 0..<count {
                let entry = start + 2 * offsetSize + index * keyEntrySize
                let keyOffset = Int(integer(at: entry, width: offsetSize))
                let keyLength = Int(integer(at: entry + offsetSize, width: 2))
                guard keyOffset >= headerSize, keyOffset <= size, keyLength <= size - keyOffset else {
                    throw .malformed(what: "JSON object key",
                                     detail: "key \(index) (offset \(keyOffset), \(keyLength) bytes) lies outside the \(size)-byte object")
                }
                try spend(keyLength, "JSON object key")
                let keyStart = start + keyOffset
                keys.append(String(decoding: bytes[keyStart..<(keyStart + keyLength)], as: UTF8.self))
            }
        }

        let valueEntries = start + 2 * offsetSize + count * keyEntrySize
        var values: [JSONValue] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            let entry = valueEntries + index * valueEntrySize
            let type = bytes[entry]
            let field = entry + 1
            switch type {
            case BinaryJSONType.literal:
                values.append(try literal(bytes[field]))
            case BinaryJSONType.int16:
                values.append(.int64(Int64(Int16(truncatingIfNeeded: integer(at: field, width: 2)))))
            case BinaryJSONType.uint16:
                values.append(.uint64(integer(at: field, width: 2)))
            case BinaryJSONType.int32 where large:
                values.append(.int64(Int64(Int32(truncatingIfNeeded: integer(at: field, width: 4)))))
            case BinaryJSONType.uint32 where large:
                values.append(.uint64(integer(at: field, width: 4)))
            default:
                let offset = Int(integer(at: field, width: offsetSize))
                guard offset >= headerSize, offset < size else {
                    throw .malformed(what: "JSON value offset",
                                     detail: "element \(index) points at offset \(offset), outside the value area \(headerSize)..<\(size)")
                }
                values.append(try value(type: type, at: start + offset, end: containerEnd, depth: depth))
            }
        }

        guard isObject else { return .array(values) }
        var members: [JSONValue.Member] = []
        members.reserveCapacity(count)
        for index in 0..<count {
            members.append(JSONValue.Member(keys[index], values[index]))
        }
        return .object(members)
    }

    private func literal(_ byte: UInt8) throws(BinlogDecodingError) -> JSONValue {
        switch byte {
        case BinaryJSONType.literalNull: return .null
        case BinaryJSONType.literalTrue: return .bool(true)
        case BinaryJSONType.literalFalse: return .bool(false)
        default: throw .malformed(what: "JSON literal", detail: "unknown literal \(byte)")
        }
    }

    private func opaque(fieldType: UInt8, data: ArraySlice<UInt8>) throws(BinlogDecodingError) -> JSONValue {
        switch fieldType {
        case OpaqueFieldType.newDecimal:
            return .decimal(try decimal(data))
        case OpaqueFieldType.date:
            return .date(PackedTemporal.date(try packed(data)))
        case OpaqueFieldType.time:
            return .time(PackedTemporal.time(try packed(data)))
        case OpaqueFieldType.datetime:
            return .datetime(PackedTemporal.datetime(try packed(data)))
        case OpaqueFieldType.timestamp:
            return .timestamp(PackedTemporal.datetime(try packed(data)))
        case OpaqueFieldType.varString:
            return .string(String(decoding: data, as: UTF8.self))
        default:
            return .opaque(typeCode: fieldType, bytes: Array(data))
        }
    }

    /// DECIMAL in JSON: a precision byte, a scale byte, then exactly the binary decimal.
    private func decimal(_ data: ArraySlice<UInt8>) throws(BinlogDecodingError) -> String {
        guard data.count >= 2 else {
            throw .truncated(what: "JSON decimal", needed: 2, available: data.count)
        }
        let precision = Int(data[data.startIndex])
        let scale = Int(data[data.startIndex + 1])
        var reader = ByteReader(Array(data.dropFirst(2)))
        let text = try DecimalDecoding.decode(&reader, precision: precision, scale: scale)
        guard reader.isAtEnd else {
            throw .malformed(what: "JSON decimal", detail: "\(reader.remaining) bytes left after DECIMAL(\(precision),\(scale))")
        }
        return text
    }

    /// Temporal values in JSON: the server's packed 64-bit integer, little-endian.
    private func packed(_ data: ArraySlice<UInt8>) throws(BinlogDecodingError) -> Int64 {
        guard data.count >= 8 else {
            throw .truncated(what: "JSON temporal value", needed: 8, available: data.count)
        }
        var value: UInt64 = 0
        for index in (0..<8).reversed() {
            value = value << 8 | UInt64(data[data.startIndex + index])
        }
        return Int64(bitPattern: value)
    }

    // MARK: - Bounds-checked access

    private func require(_ count: Int, at position: Int, end: Int, _ what: StaticString) throws(BinlogDecodingError) {
        guard count >= 0, position <= end, end - position >= count else {
            throw .truncated(what: String(describing: what), needed: count, available: max(0, end - position))
        }
    }

    /// Checks that `count` bytes at `position` are there and accounts them to the budget.
    private mutating func take(_ count: Int, at position: Int, end: Int, _ what: StaticString) throws(BinlogDecodingError) {
        try require(count, at: position, end: end, what)
        try spend(count, what)
    }

    private mutating func spend(_ count: Int, _ what: StaticString) throws(BinlogDecodingError) {
        budget -= count
        guard budget >= 0 else {
            throw .malformed(what: String(describing: what),
                             detail: "entries overlap or share bytes, so the document would decode to more than its input holds")
        }
    }

    /// A little-endian unsigned integer whose bytes the caller has already checked.
    private func integer(at position: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        var index = position + width - 1
        while index >= position {
            value = value << 8 | UInt64(bytes[index])
            index -= 1
        }
        return value
    }

    /// A length in 7-bit groups, low group first; at most 5 bytes, and it must fit in 32 bits.
    private func variableLength(at position: Int, end: Int, _ what: StaticString) throws(BinlogDecodingError) -> (Int, Int) {
        var value: UInt64 = 0
        for index in 0..<5 {
            try require(index + 1, at: position, end: end, what)
            let byte = bytes[position + index]
            value |= UInt64(byte & 0x7F) << UInt64(7 * index)
            if byte & 0x80 == 0 {
                guard value <= UInt64(UInt32.max) else {
                    throw .malformed(what: String(describing: what), detail: "\(value) does not fit in 32 bits")
                }
                return (Int(value), index + 1)
            }
        }
        throw .malformed(what: String(describing: what), detail: "longer than 5 bytes")
    }
}

/// MySQL's packed temporal integers (`TIME_to_longlong_*_packed`), printed as MySQL prints temporal
/// values inside JSON: always with six fractional digits, dates without a time.
enum PackedTemporal {
    /// DATETIME and TIMESTAMP: the magnitude holds, from the top, year×13+month, day (5 bits),
    /// hour (5), minute (6), second (6), then 24 bits of microseconds.
    static func datetime(_ packed: Int64) -> String {
        let parts = dateTimeParts(packed)
        return date(parts) + " " + clock(hour: parts.hour, minute: parts.minute, second: parts.second,
                                         microsecond: parts.microsecond)
    }

    static func date(_ packed: Int64) -> String {
        date(dateTimeParts(packed))
    }

    /// TIME: sign, then hour (10 bits), minute (6), second (6) and 24 bits of microseconds.
    static func time(_ packed: Int64) -> String {
        let magnitude = packed.magnitude
        let hms = magnitude >> 24
        let text = clock(hour: (hms >> 12) % (1 << 10), minute: (hms >> 6) % (1 << 6), second: hms % (1 << 6),
                         microsecond: magnitude % (1 << 24))
        return packed < 0 ? "-" + text : text
    }

    private struct Parts {
        var year, month, day, hour, minute, second, microsecond: UInt64
    }

    private static func dateTimeParts(_ packed: Int64) -> Parts {
        let magnitude = packed.magnitude
        let ymdhms = magnitude >> 24
        let ymd = ymdhms >> 17
        let yearMonth = ymd >> 5
        let hms = ymdhms % (1 << 17)
        return Parts(year: yearMonth / 13, month: yearMonth % 13, day: ymd % (1 << 5),
                     hour: hms >> 12, minute: (hms >> 6) % (1 << 6), second: hms % (1 << 6),
                     microsecond: magnitude % (1 << 24))
    }

    private static func date(_ parts: Parts) -> String {
        padded(parts.year, 4) + "-" + padded(parts.month, 2) + "-" + padded(parts.day, 2)
    }

    private static func clock(hour: UInt64, minute: UInt64, second: UInt64, microsecond: UInt64) -> String {
        padded(hour, 2) + ":" + padded(minute, 2) + ":" + padded(second, 2) + "." + padded(microsecond, 6)
    }

    private static func padded(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
