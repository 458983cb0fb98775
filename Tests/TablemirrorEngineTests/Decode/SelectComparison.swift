import BinlogDecoding
import MariaDBClient

/// Compares decoded values with what SELECT returns for the same row.
enum SelectComparison {
    /// A description of the first difference, or nil when the decoded value equals the selected one.
    static func difference(decoded: ColumnValue, selected: [UInt8]?, column: String) -> String? {
        guard let selected else {
            return decoded == .null ? nil : "\(column): decoded \(decoded), SELECT gave NULL"
        }
        let text = String(decoding: selected, as: UTF8.self)
        switch decoded {
        case .null:
            return "\(column): decoded NULL, SELECT gave \(text)"
        case let .float(value):
            guard let expected = Float(text), abs(expected - value) <= abs(expected) * 1e-6 else {
                return "\(column): decoded float \(value), SELECT gave \(text)"
            }
            return nil
        case let .double(value):
            return Double(text) == value ? nil : "\(column): decoded double \(value), SELECT gave \(text)"
        default:
            if let bytes = decoded.binaryBytes {
                return bytes == selected ? nil : "\(column): decoded \(bytes.count) bytes \(bytes.prefix(16)), SELECT gave \(selected.count) bytes \(selected.prefix(16))"
            }
            let mine = decoded.sqlText ?? ""
            return mine == text ? nil : "\(column): decoded \(decoded) as '\(mine.prefix(80))', SELECT gave '\(text.prefix(80))'"
        }
    }

    /// Every difference between an image and the selected row; absent columns are checked by the caller.
    static func differences(image: RowImage, names: [String], selected: QueryResult, row: Int) -> [String] {
        var found: [String] = []
        for (index, value) in image.values.enumerated() {
            guard let value else { continue }
            guard let column = selected.columns.firstIndex(of: names[index]) else {
                found.append("column \(names[index]) not in SELECT")
                continue
            }
            if let difference = difference(decoded: value, selected: selected.rows[row][column], column: names[index]) {
                found.append(difference)
            }
        }
        return found
    }
}
