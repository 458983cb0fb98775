#if canImport(Glibc)
import Glibc
#endif
/// How to read one column's value, worked out once per table map so the per-row loop does no type dispatch
/// on metadata bytes and no lookups.
enum ColumnReader: Sendable {
    case integer(width: Int, unsigned: Bool)
    case float
    case double
    case decimal(precision: Int, scale: Int)
    case year
    case date
    case timeOld
    case time2(precision: Int)
    case datetimeOld
    case datetime2(precision: Int)
    case timestampOld
    case timestamp2(precision: Int)
    /// VARCHAR / CHAR: a 1- or 2-byte length prefix.
    case shortString(lengthWidth: Int, encoding: TextEncoding)
    /// BINARY(n): stored without its trailing zero bytes, which SELECT gives back; padded here to `length`.
    case fixedBinary(lengthWidth: Int, length: Int)
    /// BLOB / TEXT: a 1- to 4-byte length prefix.
    case blob(lengthWidth: Int, encoding: TextEncoding)
    case enumeration(width: Int, names: [String]?)
    case set(width: Int, names: [String]?)
    case bit(width: Int, byteCount: Int)
    case mysqlJSON(lengthWidth: Int)
    case geometry(lengthWidth: Int)
    case vector(lengthWidth: Int)

    init(_ column: ColumnDefinition, index: Int) throws(BinlogDecodingError) {
        let meta = Int(column.metadata)
        let unsigned = column.isUnsigned ?? false
        switch column.realType {
        case .tiny: self = .integer(width: 1, unsigned: unsigned)
        case .short: self = .integer(width: 2, unsigned: unsigned)
        case .int24: self = .integer(width: 3, unsigned: unsigned)
        case .long: self = .integer(width: 4, unsigned: unsigned)
        case .longLong: self = .integer(width: 8, unsigned: unsigned)
        case .float: self = .float
        case .double: self = .double
        case .newDecimal: self = .decimal(precision: meta >> 8, scale: meta & 0xFF)
        case .year: self = .year
        case .date, .newDate: self = .date
        case .time: self = .timeOld
        case .time2: self = .time2(precision: meta)
        case .datetime: self = .datetimeOld
        case .datetime2: self = .datetime2(precision: meta)
        case .timestamp: self = .timestampOld
        case .timestamp2: self = .timestamp2(precision: meta)
        case .string where column.textEncoding == .binary:
            self = .fixedBinary(lengthWidth: meta > 255 ? 2 : 1, length: meta)
        case .varchar, .varString, .string:
            self = .shortString(lengthWidth: meta > 255 ? 2 : 1, encoding: column.textEncoding)
        case .blob, .tinyBlob, .mediumBlob, .longBlob:
            guard (1...4).contains(meta) else { throw .malformed(what: "blob metadata", detail: "length width \(meta)") }
            // MariaDB stores JSON as LONGTEXT; its text comes through here.
            self = .blob(lengthWidth: meta, encoding: column.textEncoding)
        case .enumeration:
            self = .enumeration(width: meta & 0xFF, names: column.enumValues)
        case .set:
            self = .set(width: meta & 0xFF, names: column.setValues)
        case .bit:
            let bits = (meta >> 8) + (meta & 0xFF) * 8
            self = .bit(width: bits, byteCount: (bits + 7) / 8)
        case .json:
            guard (1...4).contains(meta) else { throw .malformed(what: "json metadata", detail: "length width \(meta)") }
            self = .mysqlJSON(lengthWidth: meta)
        case .geometry:
            guard (1...4).contains(meta) else { throw .malformed(what: "geometry metadata", detail: "length width \(meta)") }
            self = .geometry(lengthWidth: meta)
        case .vector:
            guard (1...4).contains(meta) else { throw .malformed(what: "vector metadata", detail: "length width \(meta)") }
            self = .vector(lengthWidth: meta)
        case .oldDecimal, .null, .typedArray:
            throw .unsupportedColumnType(typeCode: column.realType.rawValue, column: index)
        }
    }

    /// Reads one non-NULL value.
    @inline(__always)
    func read(_ reader: inout ByteReader) throws(BinlogDecodingError) -> ColumnValue {
        switch self {
        case let .integer(width, unsigned):
            let raw = try reader.uintLE(width, "integer")
            if unsigned { return .unsigned(raw) }
            let shift = UInt64(64 - 8 * width)
            return .signed(Int64(bitPattern: raw << shift) >> Int64(shift))
        case .float:
            return .float(Float(bitPattern: UInt32(try reader.uintLE(4, "float"))))
        case .double:
            return .double(Double(bitPattern: try reader.uintLE(8, "double")))
        case let .decimal(precision, scale):
            return .decimal(try DecimalDecoding.decode(&reader, precision: precision, scale: scale))
        case .year:
            let raw = try reader.uint8("year")
            return .year(raw == 0 ? 0 : 1900 + UInt16(raw))
        case .date:
            return .date(try TemporalDecoding.date(&reader))
        case .timeOld:
            return .time(try TemporalDecoding.timeOld(&reader))
        case let .time2(precision):
            return .time(try TemporalDecoding.time2(&reader, precision: precision))
        case .datetimeOld:
            return .datetime(try TemporalDecoding.datetimeOld(&reader))
        case let .datetime2(precision):
            return .datetime(try TemporalDecoding.datetime2(&reader, precision: precision))
        case .timestampOld:
            return .timestamp(seconds: try reader.uint32("timestamp"), microseconds: 0, precision: 0)
        case let .timestamp2(precision):
            let seconds = UInt32(try reader.uintBE(4, "timestamp"))
            let micros = try TemporalDecoding.fraction(&reader, precision: precision)
            return .timestamp(seconds: seconds, microseconds: micros, precision: UInt8(precision))
        case let .shortString(lengthWidth, encoding):
            let length = Int(try reader.uintLE(lengthWidth, "string length"))
            return Self.text(try reader.range(length, "string"), in: reader.bytes, encoding: encoding)
        case let .fixedBinary(lengthWidth, fullLength):
            let length = Int(try reader.uintLE(lengthWidth, "binary length"))
            var bytes = try reader.bytes(length, "binary")
            if bytes.count < fullLength { bytes += [UInt8](repeating: 0, count: fullLength - bytes.count) }
            return .bytes(bytes)
        case let .blob(lengthWidth, encoding):
            let length = Int(try reader.uintLE(lengthWidth, "blob length"))
            return Self.text(try reader.range(length, "blob"), in: reader.bytes, encoding: encoding)
        case let .enumeration(width, names):
            guard width == 1 || width == 2 else { throw .malformed(what: "enum", detail: "width \(width)") }
            let index = UInt16(try reader.uintLE(width, "enum"))
            let name = names.flatMap { index >= 1 && Int(index) <= $0.count ? $0[Int(index) - 1] : (index == 0 ? "" : nil) }
            return .enumeration(index: index, name: name)
        case let .set(width, names):
            guard (1...8).contains(width) else { throw .malformed(what: "set", detail: "width \(width)") }
            let bits = try reader.uintLE(width, "set")
            let members = names.map { names in
                names.indices.filter { $0 < 64 && bits & (UInt64(1) << UInt64($0)) != 0 }.map { names[$0] }
            }
            return .set(bits: bits, members: members)
        case let .bit(width, byteCount):
            guard byteCount <= 8 else { throw .malformed(what: "bit", detail: "\(width) bits") }
            return .bit(try reader.uintBE(byteCount, "bit"), width: width)
        case let .mysqlJSON(lengthWidth):
            let length = Int(try reader.uintLE(lengthWidth, "json length"))
            let range = try reader.range(length, "json")
            return .json(try MySQLJSONBinary.decode(reader.bytes[range]).jsonText())
        case let .geometry(lengthWidth):
            let length = Int(try reader.uintLE(lengthWidth, "geometry length"))
            return .geometry(try reader.bytes(length, "geometry"))
        case let .vector(lengthWidth):
            let length = Int(try reader.uintLE(lengthWidth, "vector length"))
            return .bytes(try reader.bytes(length, "vector"))
        }
    }

    @inline(__always)
    static func text(_ range: Range<Int>, in bytes: [UInt8], encoding: TextEncoding) -> ColumnValue {
        switch encoding {
        case .binary:
            return .bytes(Array(bytes[range]))
        case .latin1:
            return .text(Latin1.decode(bytes[range]))
        case let .utf8(charset):
            if let text = UTF8Text.exact(bytes[range]) { return .text(text) }
            return .encoded(Array(bytes[range]), charset: charset)
        case let .other(charset):
            return .encoded(Array(bytes[range]), charset: charset)
        case .unknown:
            return .encoded(Array(bytes[range]), charset: nil)
        }
    }
}

/// Text from bytes that must already be valid UTF-8.
enum UTF8Text {
    /// The string when `bytes` are valid UTF-8, nil otherwise. Decoding with repair and checking that
    /// nothing was repaired is several times cheaper than the standard library's generic validating initializer.
    @inline(__always)
    static func exact(_ bytes: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.count == bytes.count else { return nil }
        // Same length can still hide a repair (a 3-byte invalid run becomes one 3-byte U+FFFD): compare bytes.
        let same = text.utf8.withContiguousStorageIfAvailable { decoded in
            bytes.withUnsafeBufferPointer { original in
                decoded.count == 0 || memcmp(decoded.baseAddress!, original.baseAddress!, decoded.count) == 0  // safe: count > 0
            }
        }
        return same ?? text.utf8.elementsEqual(bytes) ? text : nil
    }
}

/// MySQL's latin1 is Windows-1252: bytes 0x80...0x9F are not the C1 controls.
enum Latin1 {
    private static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        // ASCII is the same bytes in UTF-8: most latin1 text is taken whole, without a scalar at a time.
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let code = (0x80...0x9F).contains(byte) ? high[Int(byte) - 0x80] : UInt32(byte)
            if let scalar = Unicode.Scalar(code) { scalars.append(scalar) }
        }
        return String(scalars)
    }
}
