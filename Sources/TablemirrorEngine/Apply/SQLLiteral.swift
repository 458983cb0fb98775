import BinlogDecoding

/// Decoded values as SQL literals that write back exactly the value the source had. The applying session
/// must use `SET NAMES utf8mb4` and `SET time_zone = '+00:00'` (TIMESTAMPs are rendered in UTC).
public enum SQLLiteral {
    public static func render(_ value: ColumnValue, column: String, into out: inout String) {
        switch value {
        case .null:
            out += "NULL"
        case let .signed(number):
            out += String(number)
        case let .unsigned(number):
            out += String(number)
        case let .float(number):
            // Shortest text that reads back as the same FLOAT.
            out += number.isFinite ? number.description : "NULL"
        case let .double(number):
            out += number.isFinite ? number.description : "NULL"
        case let .decimal(digits):
            out += digits
        case let .year(year):
            out += String(year)
        case let .enumeration(index, _):
            // The index names the member exactly, whatever the member's text or collation.
            out += String(index)
        case let .set(bits, _):
            out += String(bits)
        case let .bit(bits, _):
            out += String(bits)
        case .bytes, .geometry:
            hex(value.binaryBytes ?? [], into: &out)
        case let .encoded(bytes, charset):
            // The exact bytes, introduced as the column's character set: nothing converts them on the way in,
            // whatever the session's character set. (The applier refuses values whose set is not known before
            // they get here; rendered, they are plain bytes.)
            if let charset { out += "_" + charset.name + " " }
            hex(bytes, into: &out)
        case let .jsonDiff(diffs):
            out += JSONDiffSQL.expression(diffs, column: column)
        case .text, .json, .date, .time, .datetime, .timestamp:
            quoted(value.sqlText ?? "", into: &out)
        }
    }

    public static func render(_ value: ColumnValue, column: String) -> String {
        var out = ""
        render(value, column: column, into: &out)
        return out
    }

    /// A string literal with every character MariaDB treats specially escaped (backslash escapes are on
    /// unless NO_BACKSLASH_ESCAPES, which the applying session turns off).
    public static func quoted(_ text: String, into out: inout String) {
        out += "'"
        // Every character to escape is ASCII, and an ASCII byte in UTF-8 is always that character: the text is
        // copied in runs between them rather than a scalar at a time.
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let escaped: String
                switch bytes[index] {
                case UInt8(ascii: "'"): escaped = "\\'"
                case UInt8(ascii: "\\"): escaped = "\\\\"
                case 0: escaped = "\\0"
                case UInt8(ascii: "\n"): escaped = "\\n"
                case UInt8(ascii: "\r"): escaped = "\\r"
                case 0x1A: escaped = "\\Z"
                default: continue
                }
                out += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                out += escaped
                runStart = index + 1
            }
            out += String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart...]), as: UTF8.self)
        }
        out += "'"
    }

    /// Whether `text` is a single literal as this file and snapshot reads write them — a number, a hex string,
    /// or a quoted string — and nothing more. Keys read back from tables in a target (copy progress, dead
    /// letters) are checked before they go into SQL run on the source.
    static func isPlainLiteral(_ text: String) -> Bool {
        text.wholeMatch(of: #/-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/#) != nil
            || text.wholeMatch(of: #/(_[a-z0-9]+ )?X'[0-9A-Fa-f]*'/#) != nil
            || text.wholeMatch(of: #/'([^'\\]|\\.)*'/#) != nil
    }

    public static func quotedString(_ text: String) -> String {
        var out = ""
        quoted(text, into: &out)
        return out
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func hex(_ bytes: [UInt8], into out: inout String) {
        // X'' is an empty binary string; a plain '' could be converted through the column's charset.
        out += "X'"
        // Written a piece at a time into `out`, which the caller sized for a large value: a whole second copy of
        // a large blob's hex would not fit the memory bound.
        var start = 0
        while start < bytes.count {
            let end = min(start + 4096, bytes.count)
            out += String(unsafeUninitializedCapacity: 2 * (end - start)) { buffer in
                var position = 0
                for byte in bytes[start..<end] {
                    buffer[position] = hexDigits[Int(byte >> 4)]
                    buffer[position + 1] = hexDigits[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
            start = end
        }
        out += "'"
    }

    /// `name` as a quoted identifier.
    public static func identifier(_ name: String) -> String {
        "`" + name.doubling("`") + "`"
    }
}

/// A MySQL partial JSON update as the expression that applies it to the column's current value.
enum JSONDiffSQL {
    static func expression(_ diffs: [JSONPartialUpdate.Diff], column: String) -> String {
        var expression = SQLLiteral.identifier(column)
        for diff in diffs {
            var path = ""
            SQLLiteral.quoted(diff.path, into: &path)
            switch diff.operation {
            case .replace, .insert:
                var value = ""
                SQLLiteral.quoted(diff.value?.jsonText() ?? "null", into: &value)
                let function = diff.operation == .replace ? "JSON_REPLACE" : "JSON_INSERT"
                expression = "\(function)(\(expression), \(path), JSON_EXTRACT(\(value), '$'))"
            case .remove:
                expression = "JSON_REMOVE(\(expression), \(path))"
            }
        }
        return expression
    }
}

extension String {
    /// Every `quote` written twice: how SQL escapes a quote character inside text quoted with it. By Unicode
    /// scalars, as the server reads them: a quote followed by a combining mark is one `Character` in Swift but
    /// still a quote to the server.
    func doubling(_ quote: Unicode.Scalar) -> String {
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            out.append(scalar)
            if scalar == quote { out.append(quote) }
        }
        return String(out)
    }
}
