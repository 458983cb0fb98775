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

    func matches(_ value: ColumnValue) -> Bool {
        switch (self, value) {
        case (.unknownCharacterSet, .encoded(_, charset: nil)), (.partialJSON, .jsonDiff): return true
        default: return false
        }
    }

    /// The column of the first such value in the changes' images.
    func firstColumn(in changes: [RowChangeMessage]) -> String? {
        for change in changes {
            for image in [change.before, change.after] {
                guard let values = image?.values, let index = values.firstIndex(where: { $0.map(matches) ?? false }) else { continue }
                return index < change.columnNames.count ? change.columnNames[index] : "@\(index + 1)"
            }
        }
        return nil
    }
}
