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
        case let .schemaChange(target, position, sourceStatement, statement, reason):
            let replayed = statement == sourceStatement ? "" : " (run there as: \(statement))"
            return "schema change at \(position) failed on target \(target): \(sourceStatement)\(replayed): \(reason); `tablemirror resync` of the table recovers"
        }
    }
}
