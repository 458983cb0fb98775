import BinlogDecoding

/// Which kind of server a connection reached, and every statement and name that differs between them — in one
/// place, so that a reader, a snapshot or an error message never guesses a server's dialect on its own.
///
/// MySQL 8.2 is where the 8.4 long-term release's names begin (`SHOW BINARY LOG STATUS`; 8.4 dropped
/// `SHOW MASTER STATUS`), so 8.2 and 8.3 count as `mysql8_4`.
public enum ServerFlavor: Sendable, Equatable, CustomStringConvertible {
    case mariaDB
    /// MySQL 5.7 to 8.1.
    case mysql8_0
    /// MySQL 8.2 and later (8.4 LTS, 9.x).
    case mysql8_4

    public init(version: String) {
        let parsed = ServerVersion(version)
        if parsed.isMariaDB {
            self = .mariaDB
        } else {
            self = parsed.isAtLeast(8, 2) ? .mysql8_4 : .mysql8_0
        }
    }

    public var description: String {
        switch self {
        case .mariaDB: return "MariaDB"
        case .mysql8_0: return "MySQL 8.0"
        case .mysql8_4: return "MySQL 8.4"
        }
    }

    public var isMySQL: Bool { self != .mariaDB }

    /// The statement whose first row gives the binlog's current file and position (MySQL: and its executed GTID set).
    public var binlogHeadStatement: String {
        self == .mysql8_4 ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS"
    }

    /// The query for the server's GTID state as a replica would continue from it: MariaDB's position (the last
    /// transaction of each domain), MySQL's executed set.
    public var gtidStateQuery: String {
        isMySQL ? "SELECT @@global.gtid_executed" : "SELECT @@global.gtid_binlog_pos"
    }

    /// Whether transactions get GTIDs: MariaDB always logs them; MySQL only with `gtid_mode=ON`.
    public var gtidModeQuery: String? {
        isMySQL ? "SELECT @@global.gtid_mode" : nil
    }

    /// MySQL transactions a server no longer has in its binlog (MariaDB has no such set).
    public var purgedGTIDsQuery: String? {
        isMySQL ? "SELECT @@global.gtid_purged" : nil
    }

    /// Session statements a replica runs before asking for the binlog: the checksum it understands, the idle
    /// heartbeat, and who it is. All are user variables the dump thread reads; MySQL 8.0.26+ reads the `source_`
    /// names first and older servers the `master_`/`slave_` ones, so a MySQL reader sets both (setting a user
    /// variable never fails).
    /// A MariaDB start position goes into a string literal: only digits, `-` and `,` are taken (anything else is
    /// an error, not a literal).
    public func replicaSessionStatements(heartbeatNanoseconds: UInt64?, replicaUUID: String,
                                         mariaDBStartPosition: String?) throws(MariaDBError) -> [String] {
        var statements = ["SET @master_binlog_checksum = @@global.binlog_checksum"]
        if isMySQL { statements.append("SET @source_binlog_checksum = @@global.binlog_checksum") }
        if let heartbeatNanoseconds {
            statements.append("SET @master_heartbeat_period = \(heartbeatNanoseconds)")
            if isMySQL { statements.append("SET @source_heartbeat_period = \(heartbeatNanoseconds)") }
        }
        switch self {
        case .mariaDB:
            // 4: we understand GTID events and the annotate/checkpoint events of MariaDB 10.
            statements.append("SET @mariadb_slave_capability = 4")
            if let mariaDBStartPosition {
                guard mariaDBStartPosition.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "-" || $0 == "," }) else {
                    throw MariaDBError(code: 0, sqlState: "", message: "not a MariaDB GTID position: \(mariaDBStartPosition)",
                                       context: "asking for the binlog")
                }
                statements.append("SET @slave_connect_state = '\(mariaDBStartPosition)'")
                statements.append("SET @slave_gtid_strict_mode = 0")
                statements.append("SET @slave_gtid_ignore_duplicates = 0")
            }
        case .mysql8_0, .mysql8_4:
            // The server ends an older dump thread with the same replica UUID: a reader that reconnects replaces
            // its own stale session instead of leaving two.
            let uuid = replicaUUID.filter { $0.isHexDigit || $0 == "-" }
            statements.append("SET @slave_uuid = '\(uuid)'")
            statements.append("SET @replica_uuid = '\(uuid)'")
        }
        return statements
    }

    /// Whether a consistent snapshot reports its binlog position (`binlog_snapshot_file/position`, MariaDB only);
    /// elsewhere a snapshot takes the table lock.
    public var reportsSnapshotPosition: Bool { self == .mariaDB }

    /// The query for the GTID position exactly at a place in the binlog (MariaDB's `BINLOG_GTID_POS`; MySQL's
    /// comes with the binlog head itself), its arguments given as literals.
    public func gtidPositionQuery(fileLiteral: String, offset: UInt64) -> String? {
        self == .mariaDB ? "SELECT BINLOG_GTID_POS(\(fileLiteral), \(offset))" : nil
    }

    /// InnoDB's dictionary view of tables (MySQL 8 renamed it).
    public var innodbTablesView: String { isMySQL ? "INNODB_TABLES" : "INNODB_SYS_TABLES" }

    /// Whether one statement can run under its own session variables (`SET STATEMENT … FOR`, MariaDB only).
    public var hasSetStatement: Bool { self == .mariaDB }

    /// What the reading account needs, for error messages and the README.
    public var replicationPrivileges: String {
        isMySQL ? "REPLICATION SLAVE, REPLICATION CLIENT" : "REPLICATION SLAVE, BINLOG MONITOR"
    }

    /// What a table-lock snapshot's lock connection needs besides SELECT.
    public var snapshotLockPrivileges: String { "LOCK TABLES" }
}
