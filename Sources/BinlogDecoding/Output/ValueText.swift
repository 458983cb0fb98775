/// The text form of values, as the `mariadb` client prints them for a SELECT (TIMESTAMP in UTC).
extension ColumnValue {
    /// nil for NULL and for values that are bytes rather than text (see `isBinary`).
    public var sqlText: String? {
        switch self {
        case .null: return nil
        case let .signed(value): return String(value)
        case let .unsigned(value): return String(value)
        case let .float(value): return FloatText.format(value)
        case let .double(value): return FloatText.format(value)
        case let .decimal(text), let .text(text), let .json(text): return text
        case .bytes, .geometry, .bit: return nil
        case let .year(value): return TemporalText.digits(Int(value), 4)
        case let .date(date): return TemporalText.date(date)
        case let .time(time): return TemporalText.time(time)
        case let .datetime(datetime): return TemporalText.datetime(datetime)
        case let .timestamp(seconds, micros, precision): return TemporalText.timestamp(seconds: seconds, microseconds: micros, precision: precision)
        case let .enumeration(index, name): return name ?? String(index)
        case let .set(bits, members): return members?.joined(separator: ",") ?? String(bits)
        }
    }

    /// The bytes of a binary value (BINARY, VARBINARY, BLOB, GEOMETRY, BIT as SELECT returns it).
    public var binaryBytes: [UInt8]? {
        switch self {
        case let .bytes(bytes), let .geometry(bytes): return bytes
        case let .bit(value, width):
            let count = max(1, (width + 7) / 8)
            return (0..<count).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (count - 1 - $0))) }
        default: return nil
        }
    }
}

enum FloatText {
    /// Shortest text that reads back to the same value; integral values without a fraction, like SELECT.
    static func format<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) -> String {
        if value.isNaN || value.isInfinite { return String(value) }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        var text = String(value)
        // Swift writes 1e-05 as "1e-05"; SELECT writes "1e-5" and "1e20" as "1e20".
        if let exponent = text.firstIndex(of: "e") {
            var mantissa = String(text[..<exponent])
            var power = String(text[text.index(after: exponent)...])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            let negative = power.hasPrefix("-")
            power = String(power.drop { $0 == "-" || $0 == "+" || $0 == "0" })
            text = mantissa + "e" + (negative ? "-" : "") + (power.isEmpty ? "0" : power)
        }
        return text
    }
}

enum TemporalText {
    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func fraction(_ microseconds: UInt32, precision: UInt8) -> String {
        guard precision > 0 else { return "" }
        let text = digits(Int(microseconds), 6)
        return "." + text.prefix(Int(min(precision, 6)))
    }

    static func date(_ date: MySQLDate) -> String {
        "\(digits(Int(date.year), 4))-\(digits(Int(date.month), 2))-\(digits(Int(date.day), 2))"
    }

    static func time(_ time: MySQLTime) -> String {
        (time.isNegative ? "-" : "") + "\(digits(Int(time.hours), 2)):\(digits(Int(time.minutes), 2)):\(digits(Int(time.seconds), 2))"
            + fraction(time.microseconds, precision: time.precision)
    }

    static func datetime(_ value: MySQLDateTime) -> String {
        date(value.date) + " \(digits(Int(value.hours), 2)):\(digits(Int(value.minutes), 2)):\(digits(Int(value.seconds), 2))"
            + fraction(value.microseconds, precision: value.precision)
    }

    static func timestamp(seconds: UInt32, microseconds: UInt32, precision: UInt8) -> String {
        // TIMESTAMP 0 is the zero value, not the epoch.
        guard seconds != 0 || microseconds != 0 else {
            return "0000-00-00 00:00:00" + fraction(0, precision: precision)
        }
        let days = Int(seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        let civil = civilDate(daysSinceEpoch: days)
        return datetime(MySQLDateTime(
            date: MySQLDate(year: UInt16(civil.year), month: UInt8(civil.month), day: UInt8(civil.day)),
            hours: UInt8(secondOfDay / 3600), minutes: UInt8(secondOfDay / 60 % 60), seconds: UInt8(secondOfDay % 60),
            microseconds: microseconds, precision: precision))
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil-from-days algorithm).
    static func civilDate(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
