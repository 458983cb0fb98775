import BinlogDecoding
import MariaDBClient

/// Checkpoints live in the target database, in tablemirror's own schema, one row per target name (several
/// targets may share a server). The row is written by the same transaction as the rows it accounts for, so
/// after a crash the target's data and its checkpoint always agree: nothing is applied twice or lost.
public enum CheckpointStore {
    public static let schema = "_tablemirror"

    public static let createStatements = [
        "CREATE DATABASE IF NOT EXISTS `\(schema)`",
        """
        CREATE TABLE IF NOT EXISTS `\(schema)`.`checkpoint` (
          `target` VARCHAR(64) NOT NULL PRIMARY KEY,
          `binlog_file` VARCHAR(255) NOT NULL,
          `binlog_position` BIGINT UNSIGNED NOT NULL,
          `gtid` MEDIUMTEXT NULL,
          `source_timestamp` INT UNSIGNED NOT NULL,
          `updated_at` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """,
    ]

    public static func read(target: String, from connection: MariaDBConnection) throws(MariaDBError) -> Checkpoint? {
        var sql = "SELECT binlog_file, binlog_position, gtid, source_timestamp FROM `\(schema)`.`checkpoint` WHERE target = "
        SQLLiteral.quoted(target, into: &sql)
        let result = try connection.query(sql)
        guard !result.rows.isEmpty, let file = result.string(0, 0),
              let offset = result.string(0, 1).flatMap({ UInt64($0) }) else { return nil }
        return Checkpoint(position: BinlogPosition(file: file, offset: offset), gtid: result.string(0, 2),
                          sourceTimestamp: result.string(0, 3).flatMap { UInt32($0) } ?? 0)
    }

    /// The statement that records `checkpoint` inside the applying transaction. It only ever moves a checkpoint
    /// forward: a write for an older position leaves the row as it is (binlog file names sort in order).
    /// The assignments run left to right and later ones see earlier results, so the position columns, which
    /// the comparison reads, are assigned last (file after position).
    public static func writeStatement(target: String, _ checkpoint: Checkpoint) -> String {
        var values = ""
        SQLLiteral.quoted(target, into: &values)
        values += ", "
        SQLLiteral.quoted(checkpoint.position.file, into: &values)
        values += ", \(checkpoint.position.offset), "
        if let gtid = checkpoint.gtid { SQLLiteral.quoted(gtid, into: &values) } else { values += "NULL" }
        values += ", \(checkpoint.sourceTimestamp)"
        let newer = "(VALUES(binlog_file) > binlog_file OR (VALUES(binlog_file) = binlog_file AND VALUES(binlog_position) > binlog_position))"
        return """
            INSERT INTO `\(schema)`.`checkpoint` (target, binlog_file, binlog_position, gtid, source_timestamp) VALUES (\(values)) \
            ON DUPLICATE KEY UPDATE \
            gtid = IF(\(newer), VALUES(gtid), gtid), \
            source_timestamp = IF(\(newer), VALUES(source_timestamp), source_timestamp), \
            binlog_position = IF(\(newer), VALUES(binlog_position), binlog_position), \
            binlog_file = IF(\(newer), VALUES(binlog_file), binlog_file)
            """
    }

    /// The statement that moves a checkpoint to the same GTID position on another source server (after a failover):
    /// positions of different servers do not compare, so this one replaces the row whatever it held.
    static func relocateStatement(target: String, _ checkpoint: Checkpoint) -> String {
        var sql = "UPDATE `\(schema)`.`checkpoint` SET binlog_file = "
        SQLLiteral.quoted(checkpoint.position.file, into: &sql)
        sql += ", binlog_position = \(checkpoint.position.offset), gtid = "
        if let gtid = checkpoint.gtid { SQLLiteral.quoted(gtid, into: &sql) } else { sql += "NULL" }
        sql += " WHERE target = "
        SQLLiteral.quoted(target, into: &sql)
        return sql
    }
}
