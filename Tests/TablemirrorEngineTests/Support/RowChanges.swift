import BinlogDecoding

/// A row change of `product.items` as the decoder would produce it, for tests of what is built from changes.
func rowChange(_ operation: RowChangeMessage.Operation, names: [String] = ["id", "name"], before: [ColumnValue?]? = nil,
               after: [ColumnValue?]? = nil) -> RowChangeMessage {
    RowChangeMessage(database: "product", table: "items", operation: operation, columnNames: names,
                     before: before.map(RowImage.init), after: after.map(RowImage.init), file: "f", startOffset: 0,
                     endOffset: 0, gtid: nil, transactionStart: nil, timestamp: 0)
}
