@testable import MariaDBClient
import Testing

/// Statement choice per server kind. Only MariaDB runs here; the MySQL names are those of MySQL's reference manual
/// (`SHOW BINARY LOG STATUS` from 8.2, `SHOW MASTER STATUS` removed in 8.4; `source_` variable names from 8.0.26).
struct ServerFlavorTests {
    @Test(arguments: [
        ("10.11.6-MariaDB-0+deb12u1", ServerFlavor.mariaDB), ("11.4.2-MariaDB-log", .mariaDB),
        ("5.7.44-log", .mysql8_0), ("8.0.40-0ubuntu0.22.04.1", .mysql8_0), ("8.1.0", .mysql8_0),
        ("8.2.0-commercial", .mysql8_4), ("8.4.3", .mysql8_4), ("9.1.0", .mysql8_4),
    ])
    func isTakenFromTheVersionString(version: String, flavor: ServerFlavor) {
        #expect(ServerFlavor(version: version) == flavor)
    }

    @Test func binlogHeadAndGTIDStateStatements() {
        #expect(ServerFlavor.mariaDB.binlogHeadStatement == "SHOW MASTER STATUS")
        #expect(ServerFlavor.mysql8_0.binlogHeadStatement == "SHOW MASTER STATUS")
        #expect(ServerFlavor.mysql8_4.binlogHeadStatement == "SHOW BINARY LOG STATUS")
        #expect(ServerFlavor.mariaDB.gtidStateQuery == "SELECT @@global.gtid_binlog_pos")
        #expect(ServerFlavor.mysql8_4.gtidStateQuery == "SELECT @@global.gtid_executed")
        #expect(ServerFlavor.mariaDB.gtidModeQuery == nil && ServerFlavor.mysql8_0.gtidModeQuery == "SELECT @@global.gtid_mode")
        #expect(ServerFlavor.mariaDB.purgedGTIDsQuery == nil && ServerFlavor.mysql8_4.purgedGTIDsQuery == "SELECT @@global.gtid_purged")
    }

    @Test func aMariaDBReplicaSessionNamesItsCapabilityAndGTIDStart() throws {
        let statements = try ServerFlavor.mariaDB.replicaSessionStatements(heartbeatNanoseconds: 1_000_000_000, replicaUUID: "x",
                                                                       mariaDBStartPosition: "0-1-5,1-2-7")
        #expect(statements == [
            "SET @master_binlog_checksum = @@global.binlog_checksum", "SET @master_heartbeat_period = 1000000000",
            "SET @mariadb_slave_capability = 4", "SET @slave_connect_state = '0-1-5,1-2-7'",
            "SET @slave_gtid_strict_mode = 0", "SET @slave_gtid_ignore_duplicates = 0",
        ])
        // A position is digits, `-` and `,`: anything else is refused, never put in the literal.
        #expect(throws: MariaDBError.self) {
            try ServerFlavor.mariaDB.replicaSessionStatements(heartbeatNanoseconds: nil, replicaUUID: "x", mariaDBStartPosition: "0-1-5' OR '1")
        }
    }

    @Test(arguments: [ServerFlavor.mysql8_0, .mysql8_4])
    func aMySQLReplicaSessionSetsBothNamesOfEachVariable(flavor: ServerFlavor) throws {
        let uuid = BinlogStream.replicaUUID(serverID: 0x12345)
        #expect(uuid == "7461626c-656d-6972-726f-720000012345")
        let statements = try flavor.replicaSessionStatements(heartbeatNanoseconds: nil, replicaUUID: uuid, mariaDBStartPosition: nil)
        #expect(statements == [
            "SET @master_binlog_checksum = @@global.binlog_checksum", "SET @source_binlog_checksum = @@global.binlog_checksum",
            "SET @slave_uuid = '\(uuid)'", "SET @replica_uuid = '\(uuid)'",
        ])
    }

    @Test func privilegesNamedPerServer() {
        #expect(ServerFlavor.mariaDB.replicationPrivileges == "REPLICATION SLAVE, BINLOG MONITOR")
        #expect(ServerFlavor.mysql8_4.replicationPrivileges == "REPLICATION SLAVE, REPLICATION CLIENT")
    }
}

struct BinlogStreamPrivilegeTests {
    @Test func accessDeniedNamesThePrivilegesOfTheServersKind() {
        let denied = MariaDBError(code: 1227, sqlState: "42000", message: "Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s) for this operation",
                                  context: "requesting the binlog")
        #expect(BinlogStream.namingPrivileges(denied, flavor: .mysql8_4).message.hasSuffix("(a binlog reader of MySQL 8.4 needs REPLICATION SLAVE, REPLICATION CLIENT ON *.*)"))
        #expect(BinlogStream.namingPrivileges(denied, flavor: .mariaDB).message.hasSuffix("needs REPLICATION SLAVE, BINLOG MONITOR ON *.*)"))
        let other = MariaDBError(code: 1236, sqlState: "HY000", message: "purged", context: "")
        #expect(BinlogStream.namingPrivileges(other, flavor: .mariaDB).message == "purged")
    }
}

struct ServerFlavorSnapshotTests {
    @Test func snapshotsAndDictionaryNamesPerServer() {
        #expect(ServerFlavor.mariaDB.reportsSnapshotPosition && !ServerFlavor.mysql8_4.reportsSnapshotPosition)
        #expect(ServerFlavor.mariaDB.gtidPositionQuery(fileLiteral: "'b.000002'", offset: 400) == "SELECT BINLOG_GTID_POS('b.000002', 400)")
        #expect(ServerFlavor.mysql8_0.gtidPositionQuery(fileLiteral: "'b.000002'", offset: 400) == nil)
        #expect(ServerFlavor.mariaDB.innodbTablesView == "INNODB_SYS_TABLES" && ServerFlavor.mysql8_0.innodbTablesView == "INNODB_TABLES")
        #expect(ServerFlavor.mariaDB.hasSetStatement && !ServerFlavor.mysql8_4.hasSetStatement)
    }
}
