/// A JSON document as MySQL stores it in a JSON column, including the MySQL-specific scalars
/// (DECIMAL, temporal and opaque values) that its binary format can carry.
///
/// `jsonText()` prints the value the way MySQL's `SELECT` prints a JSON column:
/// `{"a": 1, "b": [1, 2.5, "x"]}`.
public indirect enum JSONValue: Equatable, Sendable {
    /// One member of an object. Objects keep their members in stored order (MySQL stores keys
    /// sorted by length, then by bytes).
    public struct Member: Equatable, Sendable {
        public var key: String
        public var value: JSONValue

        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    case null
    case bool(Bool)
    case int64(Int64)
    case uint64(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([Member])
    /// A DECIMAL value, as its digits (`-12.50`); printed unquoted.
    case decimal(String)
    /// A DATE value, `YYYY-MM-DD`; printed quoted.
    case date(String)
    /// A TIME value, `[-]HH:MM:SS.ffffff`; printed quoted.
    case time(String)
    /// A DATETIME value, `YYYY-MM-DD HH:MM:SS.ffffff`; printed quoted.
    case datetime(String)
    /// A TIMESTAMP value, `YYYY-MM-DD HH:MM:SS.ffffff`; printed quoted.
    case timestamp(String)
    /// Any other MySQL value stored opaquely: its field type code and raw bytes.
    /// Printed as MySQL does, `"base64:type<code>:<base64 of the bytes>"`.
    case opaque(typeCode: UInt8, bytes: [UInt8])

    /// The value as MySQL prints a JSON column.
    public func jsonText() -> String {
        var output: [UInt8] = []
        write(to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the UTF-8 of `jsonText()` to `output`. Nesting is bounded by whoever built the
    /// value (the binary decoder caps it at `MySQLJSONBinary.maximumDepth`).
    public func write(to output: inout [UInt8]) {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case let .bool(value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case let .int64(value):
            output.append(contentsOf: String(value).utf8)
        case let .uint64(value):
            output.append(contentsOf: String(value).utf8)
        case let .double(value):
            output.append(contentsOf: JSONText.double(value).utf8)
        case let .string(value):
            JSONText.appendQuoted(value.utf8, to: &output)
        case let .array(elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case let .object(members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
                JSONText.appendQuoted(member.key.utf8, to: &output)
                output.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        case let .decimal(digits):
            output.append(contentsOf: digits.utf8)
        case let .date(text), let .time(text), let .datetime(text), let .timestamp(text):
            JSONText.appendQuoted(text.utf8, to: &output)
        case let .opaque(typeCode, bytes):
            let text = "base64:type\(typeCode):" + JSONText.base64(bytes)
            JSONText.appendQuoted(text.utf8, to: &output)
        }
    }
}

/// Text forms MySQL uses when it prints JSON.
enum JSONText {
    /// A JSON string literal: `"` and `\` escaped, the control characters U+0000–U+001F as
    /// `\b \t \n \f \r` or `\u00xx` (lowercase hex); everything else, non-ASCII included, as is.
    static func appendQuoted<Bytes: Collection>(_ text: Bytes, to output: inout [UInt8]) where Bytes.Element == UInt8 {
        output.append(UInt8(ascii: "\""))
        for byte in text {
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else {
                output.append(byte)
                continue
            }
            output.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x22, 0x5C: output.append(byte)
            case 0x08: output.append(UInt8(ascii: "b"))
            case 0x09: output.append(UInt8(ascii: "t"))
            case 0x0A: output.append(UInt8(ascii: "n"))
            case 0x0C: output.append(UInt8(ascii: "f"))
            case 0x0D: output.append(UInt8(ascii: "r"))
            default:
                output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                           hexDigit(byte >> 4), hexDigit(byte & 0x0F)])
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x57 + nibble
    }

    private static let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with `=` padding and, as MySQL's encoder does, a newline before every
    /// group that would start past 76 characters on the current line.
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4 + bytes.count / 57 + 1)
        var lineLength = 0
        var index = 0
        while index < bytes.count {
            if lineLength == 76 {
                out.append(0x0A)
                lineLength = 0
            }
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(base64Alphabet[Int(group >> 18 & 0x3F)])
            out.append(base64Alphabet[Int(group >> 12 & 0x3F)])
            out.append(remaining > 1 ? base64Alphabet[Int(group >> 6 & 0x3F)] : 0x3D)
            out.append(remaining > 2 ? base64Alphabet[Int(group & 0x3F)] : 0x3D)
            index += 3
            lineLength += 4
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A double as MySQL prints one in JSON: the shortest digits that round-trip, laid out as
    /// MySQL's `my_gcvt` does with its widest field (plain notation when the decimal exponent is
    /// within -14...15 or the point falls inside the digits, else `1.5e-20` / `1e300` with no `+`
    /// and no exponent padding), then `.0` appended when that shows neither a point nor an
    /// exponent, so `3.0` stays distinguishable from the integer `3`.
    /// Non-finite values (which MySQL cannot store) print as MySQL's converter would: `0.0`.
    static func double(_ value: Double) -> String {
        guard value.isFinite else { return "0.0" }
        let negative = value.sign == .minus
        if value == 0 { return negative ? "-0.0" : "0.0" }
        let (digits, pointPosition) = shortestDigits(value.magnitude)
        var text = negative ? "-" : ""
        let count = digits.count
        if (-14...15).contains(pointPosition) || (pointPosition > 0 && pointPosition < count) {
            if pointPosition <= 0 {
                text += "0."
                text += String(repeating: "0", count: -pointPosition)
                text += String(decoding: digits, as: UTF8.self)
            } else if pointPosition < count {
                text += String(decoding: digits[0..<pointPosition], as: UTF8.self)
                text += "."
                text += String(decoding: digits[pointPosition...], as: UTF8.self)
            } else {
                text += String(decoding: digits, as: UTF8.self)
                text += String(repeating: "0", count: pointPosition - count)
                text += ".0"
            }
        } else {
            text.unicodeScalars.append(Unicode.Scalar(digits[0]))
            if count > 1 {
                text += "."
                text += String(decoding: digits[1...], as: UTF8.self)
            }
            text += "e"
            let exponent = pointPosition - 1
            text += String(exponent)
        }
        return text
    }

    /// The shortest round-trip decimal digits of a positive finite double (no leading or trailing
    /// zeros) and the position of the decimal point relative to them: value = 0.DIGITS × 10^point.
    /// Swift's `description` already gives the shortest round-trip digits; this only normalizes
    /// its layout (`1.5`, `1e-05`, `1.2345e+20`, `100.0`).
    static func shortestDigits(_ value: Double) -> (digits: [UInt8], pointPosition: Int) {
        let text = Array(value.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            var sign = 1
            var cursor = e + 1
            if cursor < text.count, text[cursor] == UInt8(ascii: "+") || text[cursor] == UInt8(ascii: "-") {
                if text[cursor] == UInt8(ascii: "-") { sign = -1 }
                cursor += 1
            }
            var magnitude = 0
            while cursor < text.count {
                magnitude = magnitude * 10 + Int(text[cursor] &- 0x30)
                cursor += 1
            }
            exponent = sign * magnitude
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(mantissa.count)
        var integerDigits = 0
        var seenPoint = false
        for byte in mantissa {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else {
                digits.append(byte)
                if !seenPoint { integerDigits += 1 }
            }
        }
        var pointPosition = integerDigits + exponent
        var leading = 0
        while leading < digits.count - 1, digits[leading] == UInt8(ascii: "0") {
            leading += 1
            pointPosition -= 1
        }
        var trailing = digits.count
        while trailing > leading + 1, digits[trailing - 1] == UInt8(ascii: "0") {
            trailing -= 1
        }
        return (Array(digits[leading..<trailing]), pointPosition)
    }
}
