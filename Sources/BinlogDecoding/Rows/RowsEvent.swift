/// A decoded rows event: the table it applies to and its row changes in order.
public struct RowsEvent: Sendable {
    public enum Kind: Sendable, Equatable {
        case insert, update, delete
    }

    public var kind: Kind
    public var tableID: UInt64
    public var flags: UInt16
    public var database: String
    public var table: String
    public var columnNames: [String]
    public var rows: [RowChange]

}

public struct RowChange: Sendable, Equatable {
    /// The row before the change (updates and deletes).
    public var before: RowImage?
    /// The row after the change (inserts and updates).
    public var after: RowImage?
}

/// A table map turned into what rows decoding needs, built once per table map event.
struct RowLayout: Sendable {
    let map: TableMap
    let readers: [ColumnReader]
    let columnNames: [String]
    let jsonColumns: [Int]

    init(_ map: TableMap) throws(BinlogDecodingError) {
        self.map = map
        var readers: [ColumnReader] = []
        readers.reserveCapacity(map.columns.count)
        for (index, column) in map.columns.enumerated() {
            readers.append(try ColumnReader(column, index: index))
        }
        self.readers = readers
        columnNames = map.columnNames
        jsonColumns = map.columns.indices.filter { map.columns[$0].realType == .json }
    }
}
