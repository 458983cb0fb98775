/// One decoded binlog event: its header and a typed body.
public struct DecodedEvent: Sendable {
    public var header: EventHeader
    public var body: BinlogEvent
}

/// The typed body of an event. Types the decoder does not interpret are `.skipped`, by length, never guessed.
public enum BinlogEvent: Sendable {
    case formatDescription(FormatDescription)
    case rotate(RotateEvent)
    case query(QueryEvent)
    case xid(transactionID: UInt64)
    case mariadbGTID(MariaDBGTIDEvent)
    case mariadbGTIDList([MariaDBGTID])
    case binlogCheckpoint(fileName: String)
    case annotateRows(statement: String)
    case mysqlGTID(MySQLGTIDEvent)
    case mysqlPreviousGTIDs(MySQLGTIDSet)
    case tableMap(TableMap)
    case rows(RowsEvent)
    case heartbeat(fileName: String)
    case stop
    /// A MySQL transaction payload, already decompressed and decoded into the events it carries.
    case transactionPayload([DecodedEvent])
    case skipped(typeCode: UInt8)
}

public struct RotateEvent: Sendable, Equatable {
    public var position: UInt64
    public var nextFileName: String
}

public struct QueryEvent: Sendable, Equatable {
    public var threadID: UInt32
    public var executionSeconds: UInt32
    public var errorCode: UInt16
    public var database: String
    public var statement: String
    public var session = QuerySessionSettings()
}

public struct MariaDBGTID: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var domainID: UInt32
    public var serverID: UInt32
    public var sequence: UInt64

    public init(domainID: UInt32, serverID: UInt32, sequence: UInt64) {
        self.domainID = domainID
        self.serverID = serverID
        self.sequence = sequence
    }

    public var description: String { "\(domainID)-\(serverID)-\(sequence)" }
}

public struct MariaDBGTIDEvent: Sendable, Equatable {
    public var gtid: MariaDBGTID
    public var flags: UInt8
    public var commitID: UInt64?

    /// FL_STANDALONE: the event group has no BEGIN/COMMIT (a DDL statement).
    public var isStandalone: Bool { flags & 0x01 != 0 }
}

public struct MySQLGTIDEvent: Sendable, Equatable {
    public var isAnonymous: Bool
    public var serverUUID: [UInt8]
    public var transactionNumber: Int64
    /// Source commit time in microseconds since the epoch, when the server wrote it (8.0.1+).
    public var immediateCommitMicroseconds: UInt64?
    /// The GTID's tag (MySQL 8.3+ `uuid:tag:number`, from a tagged GTID event); empty for untagged GTIDs.
    public var tag = ""

    public var gtidText: String? {
        isAnonymous ? nil : "\(UUIDText.format(serverUUID))" + (tag.isEmpty ? "" : ":" + tag) + ":\(transactionNumber)"
    }
}

/// A MySQL GTID set (`uuid:1-5:7-9,uuid:tag:1-3`) as written in a previous-GTIDs event.
public struct MySQLGTIDSet: Sendable, Equatable, CustomStringConvertible {
    public struct Interval: Sendable, Equatable {
        public var start: Int64
        /// Exclusive end, as stored.
        public var end: Int64
    }

    public struct Entry: Sendable, Equatable {
        public var uuid: [UInt8]
        /// MySQL 8.3+ GTID tag; empty for untagged GTIDs.
        public var tag: String
        public var intervals: [Interval]
    }

    public var entries: [Entry]

    public var description: String {
        entries.map { entry in
            let ranges = entry.intervals.map { $0.end - 1 == $0.start ? "\($0.start)" : "\($0.start)-\($0.end - 1)" }
            return ([UUIDText.format(entry.uuid)] + (entry.tag.isEmpty ? [] : [entry.tag]) + ranges).joined(separator: ":")
        }.joined(separator: ",")
    }
}

enum UUIDText {
    static func format(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { byte -> String in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        guard hex.count == 16 else { return hex.joined() }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }
}
