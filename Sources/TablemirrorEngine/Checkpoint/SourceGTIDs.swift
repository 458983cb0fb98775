import BinlogDecoding
import MariaDBClient

/// What a checkpoint records of the source's GTIDs after the last transaction it applied — the whole state, not
/// one transaction's GTID, so that a reader can continue from it by GTID: MariaDB's position (the last transaction
/// of each domain) or MySQL's executed set (every transaction, tagged ones included).
enum SourceGTIDs: Equatable, CustomStringConvertible {
    case mariaDB(MariaDBGTIDPosition)
    case mysql(MySQLGTIDSet)

    /// A checkpoint's or a server's text, read as the given server writes it; nil when it is not that.
    init?(_ text: String, flavor: ServerFlavor) {
        if flavor.isMySQL {
            guard let set = MySQLGTIDSet(text: text) else { return nil }
            self = .mysql(set)
        } else {
            guard let position = MariaDBGTIDPosition(text) else { return nil }
            self = .mariaDB(position)
        }
    }

    /// The state after the transaction `gtid` (`domain-server-sequence`, or `uuid[:tag]:number`); nil when the GTID
    /// is not of this state's kind.
    func advanced(by gtid: String) -> SourceGTIDs? {
        switch self {
        case let .mariaDB(position):
            return MariaDBGTIDPosition.GTID(gtid).map { .mariaDB(position.advanced(by: $0)) }
        case let .mysql(set):
            guard let one = MySQLGTIDSet(text: gtid), one.entries.count == 1, let entry = one.entries.first,
                  entry.intervals.count == 1, let interval = entry.intervals.first, interval.end == interval.start + 1 else { return nil }
            return .mysql(set.inserting(uuid: entry.uuid, tag: entry.tag, number: interval.start))
        }
    }

    var mariaDBPosition: MariaDBGTIDPosition? {
        if case let .mariaDB(position) = self { return position }
        return nil
    }

    var description: String {
        switch self {
        case let .mariaDB(position): return position.description
        case let .mysql(set): return set.description
        }
    }
}
