import BinlogDecoding
import MariaDBClient

/// Errors the engine reports to operators, each with where it happened.
public enum EngineError: Error, CustomStringConvertible {
    case io(path: String, detail: String)
    case truncatedFile(path: String, offset: UInt64, pendingBytes: Int)
    /// An event that cannot be decoded; the stream stops there rather than skipping it.
    case corruptEvent(source: String, position: BinlogPosition, underlying: BinlogDecodingError)
    case database(MariaDBError)
    case invalidArgument(String)
    /// A schema change the target refused (or that cannot be replayed there): the target stops at it.
    case schemaChange(target: String, position: BinlogPosition, sourceStatement: String, statement: String, reason: String)
    /// A character column whose character set tablemirror does not know: its bytes are not written anywhere as a guess.
    case unknownCharacterSet(table: String, column: String, detail: String)
    /// A MySQL partial JSON update without the document it changes, for a MariaDB target (`UnwritableValue`).
    case partialJSONWithoutDocument(table: String, column: String)

    public var description: String {
        switch self {
        case let .io(path, detail):
            return "\(path): \(detail)"
        case let .truncatedFile(path, offset, pending):
            return "\(path): file ends inside an event at offset \(offset) (\(pending) bytes of an incomplete event)"
        case let .corruptEvent(source, position, underlying):
            return "\(source): cannot decode the event at \(position): \(underlying)"
        case let .database(error):
            return error.description
        case let .invalidArgument(text):
            return text
        case let .unknownCharacterSet(table, column, detail):
            return "column \(column) of \(table) has a character set tablemirror does not know (\(detail)): its values are not replicated as a guess"
        case let .partialJSONWithoutDocument(table, column):
            return "column \(column) of \(table) came as a MySQL partial JSON update (binlog_row_value_options=PARTIAL_JSON) without the document it changes (binlog_row_image is not FULL): a MariaDB target cannot rebuild it exactly. Set binlog_row_image=FULL (or binlog_row_value_options='') on the source, then resync the table"
        case let .schemaChange(target, position, sourceStatement, statement, reason):
            let replayed = statement == sourceStatement ? "" : " (run there as: \(statement))"
            return "schema change at \(position) failed on target \(target): \(sourceStatement)\(replayed): \(reason); `tablemirror resync` of the table recovers"
        }
    }
}
