/// A position in the source's binlog.
public struct BinlogPosition: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var offset: UInt64

    public init(file: String, offset: UInt64) {
        self.file = file
        self.offset = offset
    }

    public var description: String { "\(file):\(offset)" }
}

/// What the change stream produces, in source order.
public enum Change: Sendable {
    case begin(TransactionStart)
    case row(RowChangeMessage)
    case ddl(DDLMessage)
    case commit(TransactionCommit)
}

public struct TransactionStart: Sendable, Equatable {
    public var position: BinlogPosition
    public var gtid: String?
    public var timestamp: UInt32
}

public struct TransactionCommit: Sendable, Equatable {
    /// The position after the commit event: where a reader resumes to get the next transaction.
    public var endPosition: BinlogPosition
    public var gtid: String?
    public var xid: UInt64?
    public var timestamp: UInt32
}

/// One row inserted, updated or deleted by the source.
public struct RowChangeMessage: Sendable {
    public enum Operation: String, Sendable {
        case insert, update, delete
    }

    public var database: String
    public var table: String
    public var operation: Operation
    public var columnNames: [String]
    public var before: RowImage?
    public var after: RowImage?
    /// The rows event that carried this change: file, start and end offsets.
    public var file: String
    public var startOffset: UInt64
    public var endOffset: UInt64
    public var gtid: String?
    /// Where the enclosing transaction began; unique per transaction even without GTIDs.
    public var transactionStart: BinlogPosition?
    /// Server time of the event, seconds since the epoch.
    public var timestamp: UInt32

    public init(database: String, table: String, operation: Operation, columnNames: [String], before: RowImage?,
                after: RowImage?, file: String, startOffset: UInt64, endOffset: UInt64, gtid: String?,
                transactionStart: BinlogPosition?, timestamp: UInt32) {
        self.database = database
        self.table = table
        self.operation = operation
        self.columnNames = columnNames
        self.before = before
        self.after = after
        self.file = file
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.gtid = gtid
        self.transactionStart = transactionStart
        self.timestamp = timestamp
    }
}

/// A statement other than transaction control: DDL, in practice, under row-based logging.
public struct DDLMessage: Sendable, Equatable {
    public var database: String
    public var statement: String
    public var file: String
    public var startOffset: UInt64
    public var endOffset: UInt64
    public var gtid: String?
    public var timestamp: UInt32
    /// How the source's session read and ran the statement.
    public var session = QuerySessionSettings()
}
