import BinlogDecoding

/// Finds character values whose character set is not known (`ColumnValue.encoded` without one): the applier stops
/// on them, naming the column, rather than write bytes whose meaning it would have to guess.
enum UnknownCharsetColumn {
    static func first(in changes: [RowChangeMessage]) -> String? {
        for change in changes {
            for image in [change.before, change.after] {
                guard let values = image?.values else { continue }
                for (index, value) in values.enumerated() {
                    guard case .encoded(_, charset: nil) = value else { continue }
                    return index < change.columnNames.count ? change.columnNames[index] : "@\(index + 1)"
                }
            }
        }
        return nil
    }
}
