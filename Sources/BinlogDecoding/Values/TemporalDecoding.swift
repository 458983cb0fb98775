/// The temporal storage forms: the old integer forms and the packed big-endian forms with fractional seconds.
enum TemporalDecoding {
    /// Microseconds from the 0...3 fractional bytes that precision 0...6 uses.
    static func fraction(_ reader: inout ByteReader, precision: Int) throws(BinlogDecodingError) -> UInt32 {
        switch precision {
        case 0: return 0
        case 1, 2: return UInt32(try reader.uintBE(1, "fractional seconds")) * 10_000
        case 3, 4: return UInt32(try reader.uintBE(2, "fractional seconds")) * 100
        case 5, 6: return UInt32(try reader.uintBE(3, "fractional seconds"))
        default: throw .malformed(what: "temporal precision", detail: "\(precision) is over 6")
        }
    }

    static func date(_ reader: inout ByteReader) throws(BinlogDecodingError) -> MySQLDate {
        let packed = try reader.uintLE(3, "date")
        return MySQLDate(year: UInt16(packed >> 9), month: UInt8((packed >> 5) & 0x0F), day: UInt8(packed & 0x1F))
    }

    static func datetime2(_ reader: inout ByteReader, precision: Int) throws(BinlogDecodingError) -> MySQLDateTime {
        let raw = try reader.uintBE(5, "datetime")
        let value = Int64(raw) - 0x80_0000_0000
        let micros = try fraction(&reader, precision: precision)
        // A negative packed datetime does not occur for valid values; keep its magnitude rather than trap.
        let magnitude = UInt64(value.magnitude)
        let yearMonthDay = magnitude >> 17
        let yearMonth = yearMonthDay >> 5
        let hms = magnitude & 0x1FFFF
        return MySQLDateTime(
            date: MySQLDate(year: UInt16(truncatingIfNeeded: yearMonth / 13), month: UInt8(yearMonth % 13),
                            day: UInt8(yearMonthDay & 0x1F)),
            hours: UInt8(truncatingIfNeeded: hms >> 12), minutes: UInt8((hms >> 6) & 0x3F), seconds: UInt8(hms & 0x3F),
            microseconds: micros, precision: UInt8(precision))
    }

    static func datetimeOld(_ reader: inout ByteReader) throws(BinlogDecodingError) -> MySQLDateTime {
        // YYYYMMDDhhmmss as a decimal number in eight bytes.
        let value = try reader.uint64("datetime")
        let datePart = value / 1_000_000
        let timePart = value % 1_000_000
        return MySQLDateTime(
            date: MySQLDate(year: UInt16(truncatingIfNeeded: datePart / 10_000), month: UInt8(datePart / 100 % 100),
                            day: UInt8(datePart % 100)),
            hours: UInt8(timePart / 10_000), minutes: UInt8(timePart / 100 % 100), seconds: UInt8(timePart % 100),
            microseconds: 0, precision: 0)
    }

    static func time2(_ reader: inout ByteReader, precision: Int) throws(BinlogDecodingError) -> MySQLTime {
        let integral = Int64(try reader.uintBE(3, "time")) - 0x80_0000
        var packed: Int64
        switch precision {
        case 0:
            packed = integral << 24
        case 1, 2, 3, 4:
            let width = precision <= 2 ? 1 : 2
            let scale: Int64 = precision <= 2 ? 10_000 : 100
            var fraction = Int64(try reader.uintBE(width, "time fraction"))
            var whole = integral
            // Negative times store the fraction counted back from the next whole second (for sort order).
            if whole < 0 && fraction != 0 {
                whole += 1
                fraction -= 1 << (8 * width)
            }
            packed = (whole << 24) + fraction * scale
        case 5, 6:
            let rawFraction = Int64(try reader.uintBE(3, "time fraction"))
            packed = ((integral << 24) + rawFraction)
        default:
            throw .malformed(what: "time precision", detail: "\(precision) is over 6")
        }
        let isNegative = packed < 0
        if isNegative { packed = -packed }
        let hms = packed >> 24
        let micros = packed & 0xFF_FFFF
        return MySQLTime(isNegative: isNegative, hours: UInt32(truncatingIfNeeded: (hms >> 12) & 0x3FF),
                         minutes: UInt8((hms >> 6) & 0x3F), seconds: UInt8(hms & 0x3F),
                         microseconds: UInt32(truncatingIfNeeded: micros), precision: UInt8(precision))
    }

    static func timeOld(_ reader: inout ByteReader) throws(BinlogDecodingError) -> MySQLTime {
        // [-]HHMMSS as a signed decimal number in three bytes.
        let raw = Int32(truncatingIfNeeded: try reader.uintLE(3, "time"))
        let value = raw >= 0x80_0000 ? raw - 0x100_0000 : raw
        let magnitude = UInt32(value.magnitude)
        return MySQLTime(isNegative: value < 0, hours: magnitude / 10_000, minutes: UInt8(magnitude / 100 % 100),
                         seconds: UInt8(magnitude % 100), microseconds: 0, precision: 0)
    }
}
