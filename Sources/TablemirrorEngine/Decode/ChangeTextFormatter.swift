import BinlogDecoding

/// The human-readable form of `tablemirror decode` (without --json).
public enum ChangeTextFormatter {
    public static func text(for change: Change) -> String? {
        switch change {
        case let .begin(start):
            return "BEGIN at \(start.position)" + (start.gtid.map { " gtid \($0)" } ?? "")
        case let .commit(commit):
            return "COMMIT at \(commit.endPosition)" + (commit.xid.map { " xid \($0)" } ?? "")
        case let .ddl(ddl):
            return "DDL at \(ddl.file):\(ddl.startOffset) [\(ddl.database)] \(SecretRedaction.redact(ddl.statement))"
        case let .row(row):
            var lines = ["\(row.operation.rawValue.uppercased()) \(row.database).\(row.table) at \(row.file):\(row.startOffset)"]
            if let before = row.before { lines.append("  before: " + image(before, names: row.columnNames)) }
            if let after = row.after { lines.append("  after:  " + image(after, names: row.columnNames)) }
            return lines.joined(separator: "\n")
        }
    }

    private static func image(_ image: RowImage, names: [String]) -> String {
        image.values.enumerated().compactMap { index, value -> String? in
            guard let value else { return nil }
            let name = index < names.count ? names[index] : "@\(index + 1)"
            return "\(name)=\(literal(value))"
        }.joined(separator: " ")
    }

    private static func literal(_ value: ColumnValue) -> String {
        if case .null = value { return "NULL" }
        if let bytes = value.binaryBytes { return hex(bytes) }
        if case let .encoded(bytes, charset) = value, value.sqlText == nil {
            return (charset.map { "_\($0.name) " } ?? "") + hex(bytes)
        }
        switch value {
        case .signed, .unsigned, .float, .double, .decimal, .year: return value.sqlText ?? ""
        default: return "'" + (value.sqlText ?? "").doubling("'") + "'"
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        "x'" + bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined() + "'"
    }
}
