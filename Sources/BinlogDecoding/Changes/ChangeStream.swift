/// Follows decoded events and turns them into ordered change messages with positions, GTIDs and
/// transaction boundaries. A plain value: feed it events, read changes out.
public struct ChangeStream: Sendable {
    public private(set) var file: String
    public private(set) var gtid: String?
    public private(set) var transactionStart: BinlogPosition?
    /// Where the next event starts in `file`: the end of the last event placed, nil until one is.
    public private(set) var offset: UInt64?

    public init(file: String) {
        self.file = file
    }

    /// Changes that one event contributes (most contribute none or one).
    public mutating func changes(for event: DecodedEvent) -> [Change] {
        let (start, end) = place(event.header)
        if case let .rotate(rotate) = event.body {
            file = rotate.nextFileName
            offset = rotate.position
            return []
        }
        return changes(for: event, start: start, end: end)
    }

    /// Event types whose zero end position means "not a place in the file" (the stream's made-up format
    /// description and rotate, heartbeats), not "counted from the last one".
    private static let unplacedWhenZero: Set<UInt8> = [
        EventType.formatDescription.rawValue, EventType.rotate.rawValue, EventType.heartbeat.rawValue,
        EventType.heartbeatV2.rawValue,
    ]

    /// The event's start and end offsets. MariaDB 11.4+ (binlog_legacy_event_pos=OFF) writes end position 0
    /// for the events inside a transaction; they follow each other in the file, so their places are counted
    /// from the last real position, never reported as 0.
    private mutating func place(_ header: EventHeader) -> (start: UInt64, end: UInt64) {
        let length = UInt64(header.eventLength)
        if header.nextPosition != 0 {
            let end = UInt64(header.nextPosition)
            offset = end
            return (end >= length ? end - length : 0, end)
        }
        let artificial = header.flags & EventHeader.artificialFlag != 0
        guard !artificial, !Self.unplacedWhenZero.contains(header.typeCode), let start = offset else {
            return (offset ?? 0, offset ?? 0)
        }
        offset = start + length
        return (start, start + length)
    }

    private mutating func changes(for event: DecodedEvent, start: UInt64, end: UInt64) -> [Change] {
        let header = event.header
        switch event.body {
        case .rotate:
            return []
        case let .mariadbGTID(event):
            gtid = event.gtid.description
            return event.isStandalone ? [] : [begin(at: start, timestamp: header.timestamp)]
        case let .mysqlGTID(event):
            gtid = event.gtidText
            return []
        case let .query(query):
            return queryChanges(query, start: start, end: end, timestamp: header.timestamp)
        case let .xid(transactionID):
            return [commit(at: end, xid: transactionID, timestamp: header.timestamp)]
        case let .rows(rows):
            return rows.rows.map { row in
                .row(RowChangeMessage(
                    database: rows.database, table: rows.table, operation: Self.operation(rows.kind),
                    columnNames: rows.columnNames, before: row.before, after: row.after,
                    file: file, startOffset: start, endOffset: end, gtid: gtid,
                    transactionStart: transactionStart, timestamp: header.timestamp))
            }
        case let .transactionPayload(inner):
            // Events inside a payload have no positions of their own: they are at the payload's.
            return inner.flatMap { event in changes(for: event, start: start, end: end) }
        default:
            return []
        }
    }

    private static func operation(_ kind: RowsEvent.Kind) -> RowChangeMessage.Operation {
        switch kind {
        case .insert: return .insert
        case .update: return .update
        case .delete: return .delete
        }
    }

    private mutating func begin(at offset: UInt64, timestamp: UInt32) -> Change {
        let position = BinlogPosition(file: file, offset: offset)
        transactionStart = position
        return .begin(TransactionStart(position: position, gtid: gtid, timestamp: timestamp))
    }

    private mutating func commit(at offset: UInt64, xid: UInt64?, timestamp: UInt32) -> Change {
        let position = BinlogPosition(file: file, offset: offset)
        defer {
            transactionStart = nil
            gtid = nil
        }
        return .commit(TransactionCommit(endPosition: position, gtid: gtid, xid: xid, timestamp: timestamp))
    }

    private mutating func queryChanges(_ query: QueryEvent, start: UInt64, end: UInt64, timestamp: UInt32) -> [Change] {
        switch StatementKind(query.statement) {
        case .begin:
            // MariaDB's GTID event already began the transaction; MySQL's BEGIN follows its GTID event.
            return transactionStart == nil ? [begin(at: start, timestamp: timestamp)] : []
        case .commit, .rollback:
            return transactionStart == nil ? [] : [commit(at: end, xid: nil, timestamp: timestamp)]
        case .ignored:
            // XA COMMIT/ROLLBACK of a prepared transaction: no rows, but a unit of its own with its own GTID, which a
            // checkpoint's GTID state must count (a MySQL set with a gap would ask the server for it forever).
            return transactionStart == nil && gtid != nil ? [commit(at: end, xid: nil, timestamp: timestamp)] : []
        case .other:
            let ddl = Change.ddl(DDLMessage(database: query.database, statement: query.statement, file: file,
                                            startOffset: start, endOffset: end, gtid: gtid, timestamp: timestamp, session: query.session))
            guard transactionStart == nil else { return [ddl] }
            // A statement outside a transaction is its own unit: it commits itself.
            return [ddl, commit(at: end, xid: nil, timestamp: timestamp)]
        }
    }
}

/// Transaction control statements, told apart from everything else (DDL under row-based logging).
enum StatementKind {
    case begin, commit, rollback, ignored, other

    init(_ statement: String) {
        let head = String(statement.prefix(24)).uppercased().drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        switch head {
        case "BEGIN": self = .begin
        case _ where head.hasPrefix("XA START"): self = .begin
        case "COMMIT": self = .commit
        case "ROLLBACK": self = .rollback
        // An XA transaction's rows are logged at PREPARE; its later XA COMMIT/ROLLBACK carries no rows.
        // Treating PREPARE as the commit point is a known limitation for XA ROLLBACK after PREPARE.
        case _ where head.hasPrefix("XA PREPARE"): self = .commit
        case _ where head.hasPrefix("XA "): self = .ignored
        default: self = .other
        }
    }
}
