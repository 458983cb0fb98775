import BinlogDecoding

/// What a checkpoint records of the source's GTIDs after the last transaction it applied — the whole state, not
/// one transaction's GTID, so that a reader can continue from it by GTID: MariaDB's position (the last transaction
/// of each domain) or MySQL's executed set (every transaction, tagged ones included).
enum SourceGTIDs: Equatable, CustomStringConvertible {
    case mariaDB(MariaDBGTIDPosition)
    case mysql(MySQLGTIDSet)

    /// The state after the transaction `gtid` (`domain-server-sequence`, or `uuid[:tag]:number`); nil when the GTID
    /// is not of this state's kind.
    func advanced(by gtid: String) -> SourceGTIDs? {
        switch self {
        case let .mariaDB(position):
            return MariaDBGTIDPosition.GTID(gtid).map { .mariaDB(position.advanced(by: $0)) }
        case let .mysql(set):
            return set.inserting(gtid: gtid).map { .mysql($0) }
        }
    }

    var description: String {
        switch self {
        case let .mariaDB(position): return position.description
        case let .mysql(set): return set.description
        }
    }
}
