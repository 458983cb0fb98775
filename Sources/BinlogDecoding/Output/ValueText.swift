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
        case let .encoded(bytes, charset): return charset.flatMap { CharsetText.utf8(bytes, in: $0) }
        case let .year(value): return value == 0 ? "0000" : String(value)
        case let .date(date): return TemporalText.date(date)
        case let .time(time): return TemporalText.time(time)
        case let .datetime(datetime): return TemporalText.datetime(datetime)
        case let .timestamp(seconds, micros, precision): return TemporalText.timestamp(seconds: seconds, microseconds: micros, precision: precision)
        case let .enumeration(index, name): return name ?? String(index)
        case let .set(bits, members): return members?.joined(separator: ",") ?? String(bits)
        case let .jsonDiff(diffs): return JSONPartialUpdate.diffDocument(diffs).jsonText()
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
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        // Swift's description is plain text in this range and uses an exponent outside it.
        if abs(value) >= 1e-4 && abs(value) < 1e16 { return value.description }
        return mysqlExponent(value.description)
    }

    static func format(_ value: Float) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        if abs(value) >= 1e-4 && abs(value) < 1e16 { return value.description }
        return mysqlExponent(value.description)
    }

    /// Swift writes exponents as "1e-05" and "1e+20"; SELECT writes "1e-5" and "1e20".
    private static func mysqlExponent(_ text: String) -> String {
        guard let exponent = text.firstIndex(of: "e") else { return text }
        var mantissa = text[..<exponent]
        let power = text[text.index(after: exponent)...]
        if mantissa.hasSuffix(".0") { mantissa = mantissa.dropLast(2) }
        let negative = power.hasPrefix("-")
        let digits = power.drop { $0 == "-" || $0 == "+" || $0 == "0" }
        return mantissa + "e" + (negative ? "-" : "") + (digits.isEmpty ? "0" : digits)
    }
}

/// Temporal values in the `mariadb` client's form, written as bytes (the String forms wrap these).
enum TemporalText {
    static func date(_ date: MySQLDate) -> String { string { appendDate(date, to: $0) } }
    static func time(_ time: MySQLTime) -> String { string { appendTime(time, to: $0) } }
    static func datetime(_ value: MySQLDateTime) -> String { string { appendDatetime(value, to: $0) } }
    static func timestamp(seconds: UInt32, microseconds: UInt32, precision: UInt8) -> String {
        string { appendTimestamp(seconds: seconds, microseconds: microseconds, precision: precision, to: $0) }
    }

    private static func string(_ write: (ByteSink) -> Void) -> String {
        let sink = ByteSink(capacity: 32)
        write(sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    static func appendFraction(_ microseconds: UInt32, precision: UInt8, to out: ByteSink) {
        guard precision > 0 else { return }
        let digits = Int(min(precision, 6))
        var divisor: UInt32 = 1
        for _ in 0..<(6 - digits) { divisor *= 10 }
        out.append(UInt8(ascii: "."))
        out.appendPadded(UInt64(microseconds / divisor), width: digits)
    }

    static func appendDate(_ date: MySQLDate, to out: ByteSink) {
        out.appendPadded(UInt64(date.year), width: 4)
        out.append(UInt8(ascii: "-"))
        out.appendPadded(UInt64(date.month), width: 2)
        out.append(UInt8(ascii: "-"))
        out.appendPadded(UInt64(date.day), width: 2)
    }

    private static func appendClock(hours: UInt64, minutes: UInt8, seconds: UInt8, to out: ByteSink) {
        out.appendPadded(hours, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendPadded(UInt64(minutes), width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendPadded(UInt64(seconds), width: 2)
    }

    static func appendTime(_ time: MySQLTime, to out: ByteSink) {
        if time.isNegative { out.append(UInt8(ascii: "-")) }
        appendClock(hours: UInt64(time.hours), minutes: time.minutes, seconds: time.seconds, to: out)
        appendFraction(time.microseconds, precision: time.precision, to: out)
    }

    static func appendDatetime(_ value: MySQLDateTime, to out: ByteSink) {
        appendDate(value.date, to: out)
        out.append(UInt8(ascii: " "))
        appendClock(hours: UInt64(value.hours), minutes: value.minutes, seconds: value.seconds, to: out)
        appendFraction(value.microseconds, precision: value.precision, to: out)
    }

    static func appendTimestamp(seconds: UInt32, microseconds: UInt32, precision: UInt8, to out: ByteSink) {
        // TIMESTAMP 0 is the zero value, not the epoch.
        guard seconds != 0 || microseconds != 0 else {
            out.appendASCII("0000-00-00 00:00:00")
            appendFraction(0, precision: precision, to: out)
            return
        }
        let days = Int(seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        let civil = civilDate(daysSinceEpoch: days)
        appendDatetime(MySQLDateTime(
            date: MySQLDate(year: UInt16(civil.year), month: UInt8(civil.month), day: UInt8(civil.day)),
            hours: UInt8(secondOfDay / 3600), minutes: UInt8(secondOfDay / 60 % 60), seconds: UInt8(secondOfDay % 60),
            microseconds: microseconds, precision: precision), to: out)
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
