/// Writes change messages as one JSON object per line (the `decode --json` format).
public enum JSONLineWriter {
    public static func line(for message: RowChangeMessage) -> String {
        var out = "{"
        out += "\"file\":"; appendString(message.file, to: &out)
        out += ",\"pos\":\(message.startOffset),\"end_pos\":\(message.endOffset)"
        out += ",\"gtid\":"; appendOptional(message.gtid, to: &out)
        out += ",\"ts\":\(message.timestamp)"
        out += ",\"db\":"; appendString(message.database, to: &out)
        out += ",\"table\":"; appendString(message.table, to: &out)
        out += ",\"op\":\"\(message.operation.rawValue)\""
        if let before = message.before {
            out += ",\"before\":"; appendImage(before, names: message.columnNames, to: &out)
        }
        if let after = message.after {
            out += ",\"after\":"; appendImage(after, names: message.columnNames, to: &out)
        }
        out += "}"
        return out
    }

    public static func line(for ddl: DDLMessage) -> String {
        var out = "{\"file\":"
        appendString(ddl.file, to: &out)
        out += ",\"pos\":\(ddl.startOffset),\"end_pos\":\(ddl.endOffset),\"gtid\":"
        appendOptional(ddl.gtid, to: &out)
        out += ",\"ts\":\(ddl.timestamp),\"op\":\"ddl\",\"db\":"
        appendString(ddl.database, to: &out)
        out += ",\"sql\":"
        appendString(ddl.statement, to: &out)
        out += "}"
        return out
    }

    private static func appendImage(_ image: RowImage, names: [String], to out: inout String) {
        out += "{"
        var first = true
        for (index, value) in image.values.enumerated() {
            guard let value else { continue }  // absent from a partial image: not written, not null
            if !first { out += "," }
            first = false
            appendString(index < names.count ? names[index] : "@\(index + 1)", to: &out)
            out += ":"
            appendValue(value, to: &out)
        }
        out += "}"
    }

    static func appendValue(_ value: ColumnValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case let .signed(number): out += String(number)
        case let .unsigned(number): out += String(number)
        case let .float(number): out += number.isFinite ? FloatText.format(number) : "null"
        case let .double(number): out += number.isFinite ? FloatText.format(number) : "null"
        case .bytes, .geometry, .bit:
            out += "\""; out += Base64.encode(value.binaryBytes ?? []); out += "\""
        case let .set(_, members?):
            appendString(members.joined(separator: ","), to: &out)
        case let .year(year): out += String(year)
        default:
            appendString(value.sqlText ?? "", to: &out)
        }
    }

    private static func appendOptional(_ text: String?, to out: inout String) {
        if let text { appendString(text, to: &out) } else { out += "null" }
    }

    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        // Most values need no escaping: copy them whole instead of scalar by scalar.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 2 < bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(chunk >> UInt32(shift)) & 63]) }
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
        return String(decoding: out, as: UTF8.self)
    }
}
