import BinlogDecoding

/// Values the applier stops on, naming the column, rather than write something it would have to guess:
/// character bytes whose character set is not known (`ColumnValue.encoded` without one), and — on a MariaDB
/// target — a MySQL partial JSON update that came without the document it changes (`ColumnValue.jsonDiff`: the
/// source logs PARTIAL_JSON with binlog_row_image other than FULL). A MySQL target applies such a diff with
/// MySQL's own JSON functions, exactly as a MySQL replica does; MariaDB's functions of the same names work on
/// text and would leave a document MySQL would not, so no diff is applied there.
enum UnwritableValue {
    case unknownCharacterSet
    case partialJSON

    /// What `value` is, if it is one of these (a diff only where the target does not apply diffs).
    static func kind(of value: ColumnValue, refusingPartialJSON: Bool) -> UnwritableValue? {
        switch value {
        case .encoded(_, charset: nil): return .unknownCharacterSet
        case .jsonDiff where refusingPartialJSON: return .partialJSON
        default: return nil
        }
    }

    /// The first such value in the changes' images — one pass over a batch's values — and its column.
    static func first(in changes: [RowChangeMessage], refusingPartialJSON: Bool) -> (kind: UnwritableValue, column: String)? {
        for change in changes {
            for image in [change.before, change.after] {
                guard let values = image?.values else { continue }
                for (index, value) in values.enumerated() {
                    guard let value, let kind = kind(of: value, refusingPartialJSON: refusingPartialJSON) else { continue }
                    return (kind, index < change.columnNames.count ? change.columnNames[index] : "@\(index + 1)")
                }
            }
        }
        return nil
    }
}
