/// Writes change messages as one JSON object per line (the `decode --json` format), straight into bytes.
public enum JSONLineWriter {
    public static func line(for message: RowChangeMessage) -> String {
        let out = ByteSink(capacity: 256)
        write(message, to: out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    public static func line(for ddl: DDLMessage) -> String {
        let out = ByteSink(capacity: 256)
        write(ddl, to: out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Appends the object for one row change (without the newline).
    public static func write(_ message: RowChangeMessage, to out: ByteSink) {
        writePosition(file: message.file, start: message.startOffset, end: message.endOffset, gtid: message.gtid,
                      timestamp: message.timestamp, to: out)
        out.appendASCII(",\"db\":")
        appendString(message.database, to: out)
        out.appendASCII(",\"table\":")
        appendString(message.table, to: out)
        switch message.operation {
        case .insert: out.appendASCII(",\"op\":\"insert\"")
        case .update: out.appendASCII(",\"op\":\"update\"")
        case .delete: out.appendASCII(",\"op\":\"delete\"")
        }
        if let before = message.before {
            out.appendASCII(",\"before\":")
            appendImage(before, names: message.columnNames, to: out)
        }
        if let after = message.after {
            out.appendASCII(",\"after\":")
            appendImage(after, names: message.columnNames, to: out)
        }
        out.append(UInt8(ascii: "}"))
    }

    public static func write(_ ddl: DDLMessage, to out: ByteSink) {
        writePosition(file: ddl.file, start: ddl.startOffset, end: ddl.endOffset, gtid: ddl.gtid, timestamp: ddl.timestamp, to: out)
        out.appendASCII(",\"op\":\"ddl\",\"db\":")
        appendString(ddl.database, to: out)
        out.appendASCII(",\"sql\":")
        appendString(SecretRedaction.redact(ddl.statement), to: out)
        out.append(UInt8(ascii: "}"))
    }

    private static func writePosition(file: String, start: UInt64, end: UInt64, gtid: String?, timestamp: UInt32,
                                      to out: ByteSink) {
        out.appendASCII("{\"file\":")
        appendString(file, to: out)
        out.appendASCII(",\"pos\":")
        out.appendDecimal(start)
        out.appendASCII(",\"end_pos\":")
        out.appendDecimal(end)
        out.appendASCII(",\"gtid\":")
        if let gtid { appendString(gtid, to: out) } else { out.appendASCII("null") }
        out.appendASCII(",\"ts\":")
        out.appendDecimal(UInt64(timestamp))
    }

    private static func appendImage(_ image: RowImage, names: [String], to out: ByteSink) {
        out.append(UInt8(ascii: "{"))
        let keys = out.objectKeys(for: names)
        var first = true
        for index in image.values.indices {
            guard let value = image.values[index] else { continue }  // absent from a partial image: not written, not null
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            if index < keys.count {
                out.append(keys[index])
            } else {
                out.appendASCII("\"@")
                out.appendDecimal(UInt64(index + 1))
                out.appendASCII("\":")
            }
            appendValue(value, to: out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `"name":` for each column, escaped once.
    static func objectKeys(_ names: [String]) -> [[UInt8]] {
        names.map { name in
            let key = ByteSink(capacity: name.utf8.count + 8)
            appendString(name, to: key)
            key.append(UInt8(ascii: ":"))
            return Array(key.bytes)
        }
    }

    static func appendValue(_ value: ColumnValue, to out: ByteSink) {
        switch value {
        case .null: out.appendASCII("null")
        case let .signed(number): out.appendDecimal(number)
        case let .unsigned(number): out.appendDecimal(number)
        case let .year(year): out.appendDecimal(UInt64(year))
        case let .float(number):
            if number.isFinite { out.appendText(FloatText.format(number)) } else { out.appendASCII("null") }
        case let .double(number):
            if number.isFinite { out.appendText(FloatText.format(number)) } else { out.appendASCII("null") }
        case let .decimal(text), let .text(text), let .json(text):
            appendString(text, to: out)
        case let .date(date):
            quoted(out) { TemporalText.appendDate(date, to: $0) }
        case let .time(time):
            quoted(out) { TemporalText.appendTime(time, to: $0) }
        case let .datetime(datetime):
            quoted(out) { TemporalText.appendDatetime(datetime, to: $0) }
        case let .timestamp(seconds, micros, precision):
            quoted(out) { TemporalText.appendTimestamp(seconds: seconds, microseconds: micros, precision: precision, to: $0) }
        case .bytes, .geometry, .bit:
            quoted(out) { Base64.append(value.binaryBytes ?? [], to: $0) }
        case .enumeration, .set:
            appendString(value.sqlText ?? "", to: out)
        case let .encoded(bytes, charset):
            if let text = value.sqlText {
                appendString(text, to: out)
            } else {
                // Bytes tablemirror does not turn into text, said so: {"base64":"…","charset":"sjis"} (null: not known).
                out.appendASCII("{\"base64\":")
                quoted(out) { Base64.append(bytes, to: $0) }
                out.appendASCII(",\"charset\":")
                if let charset { appendString(charset.name, to: out) } else { out.appendASCII("null") }
                out.append(UInt8(ascii: "}"))
            }
        case let .jsonDiff(diffs):
            // An object rather than a string, so a reader can tell a diff from a whole JSON value.
            out.appendText(JSONPartialUpdate.diffDocument(diffs).jsonText())
        }
    }

    @inline(__always)
    private static func quoted(_ out: ByteSink, _ body: (ByteSink) -> Void) {
        out.append(UInt8(ascii: "\""))
        body(out)
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    /// Bytes that JSON strings must escape: control characters, the quote and the backslash.
    private static let needsEscape: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }

    static func appendString(_ text: String, to out: ByteSink) {
        out.append(UInt8(ascii: "\""))
        var text = text
        let needsEscape = Self.needsEscape
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var runStart = 0
            var index = 0
            while index < bytes.count {
                // Eight bytes at a time while none of them needs escaping (the common case).
                if index + 8 <= bytes.count,
                   !Self.wordNeedsEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                guard needsEscape[Int(byte)] else {
                    index += 1
                    continue
                }
                out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                switch byte {
                case 0x22: out.appendASCII("\\\"")
                case 0x5C: out.appendASCII("\\\\")
                case 0x0A: out.appendASCII("\\n")
                case 0x0D: out.appendASCII("\\r")
                case 0x09: out.appendASCII("\\t")
                default:
                    out.appendASCII("\\u00")
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0F)])
                }
                index += 1
                runStart = index
            }
            out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of eight bytes is a control character, a quote or a backslash (bit tricks on one word).
    @inline(__always)
    private static func wordNeedsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below0x20 = (word &- 0x2020_2020_2020_2020) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        return (below0x20 | hasQuote | hasBackslash) != 0
    }
}

enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        let out = ByteSink(capacity: bytes.count / 3 * 4 + 8)
        append(bytes, to: out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    static func append(_ bytes: [UInt8], to out: ByteSink) {
        var index = 0
        while index + 2 < bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(chunk >> 18) & 63])
            out.append(alphabet[Int(chunk >> 12) & 63])
            out.append(alphabet[Int(chunk >> 6) & 63])
            out.append(alphabet[Int(chunk) & 63])
            index += 3
        }
        let left = bytes.count - index
        if left > 0 {
            var chunk = UInt32(bytes[index]) << 16
            if left == 2 { chunk |= UInt32(bytes[index + 1]) << 8 }
            out.append(alphabet[Int(chunk >> 18) & 63])
            out.append(alphabet[Int(chunk >> 12) & 63])
            out.append(left == 2 ? alphabet[Int(chunk >> 6) & 63] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
    }
}
