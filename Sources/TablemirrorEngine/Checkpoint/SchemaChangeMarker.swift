import BinlogDecoding
import MariaDBClient

/// DDL commits on its own, so a schema change cannot share a transaction with the checkpoint. Before each of a
/// change's statements, the applier records which one it is about to run, how the replicas it touches are
/// defined and the target connection that runs it; if the daemon dies before the checkpoint moves past the
/// change, the next run finds the marker, waits until that connection's statement has ended on the server (a
/// DDL goes on after its client is gone), and compares: definitions that have moved on mean the statement
/// ran (MariaDB's DDL is atomic) and must not run twice; the change goes on from the statement after it.
enum SchemaChangeMarker {
    static let table = "`\(CheckpointStore.schema)`.`schema_change`"

    static let createStatement = """
        CREATE TABLE IF NOT EXISTS \(table) (
          `target` VARCHAR(64) NOT NULL PRIMARY KEY,
          `binlog_file` VARCHAR(255) NOT NULL,
          `binlog_position` BIGINT UNSIGNED NOT NULL,
          `step` INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'the statement of the change about to run, from 0',
          `connection_id` BIGINT UNSIGNED NULL COMMENT 'the target connection running it',
          `definitions_before` LONGTEXT NOT NULL,
          `failed_tables` TEXT NULL COMMENT 'source tables of a change that failed: resync recreates them'
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """

    struct Marker: Equatable {
        var position: BinlogPosition
        var step: Int
        var connectionID: UInt64?
        var definitionsBefore: String
        var failedTables: [QualifiedTableName]
    }

    static func read(target: String, on connection: MariaDBConnection) throws(MariaDBError) -> Marker? {
        let result = try connection.query("""
            SELECT binlog_file, binlog_position, definitions_before, failed_tables, step, connection_id FROM \(table)
            WHERE target = \(SQLLiteral.quotedString(target))
            """)
        guard !result.rows.isEmpty, let file = result.string(0, 0), let offset = result.string(0, 1).flatMap({ UInt64($0) }) else {
            return nil
        }
        let failed = (result.string(0, 3) ?? "").split(separator: "\n").compactMap { line -> QualifiedTableName? in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return parts.count == 2 ? QualifiedTableName(database: parts[0], table: parts[1]) : nil
        }
        return Marker(position: BinlogPosition(file: file, offset: offset), step: result.string(0, 4).flatMap { Int($0) } ?? 0,
                      connectionID: result.string(0, 5).flatMap { UInt64($0) }, definitionsBefore: result.string(0, 2) ?? "",
                      failedTables: failed)
    }

    static func write(target: String, position: BinlogPosition, step: Int, connectionID: UInt64, definitionsBefore: String,
                      on connection: MariaDBConnection) throws(MariaDBError) {
        try connection.execute("""
            REPLACE INTO \(table) (target, binlog_file, binlog_position, step, connection_id, definitions_before)
            VALUES (\(SQLLiteral.quotedString(target)), \(SQLLiteral.quotedString(position.file)), \(position.offset), \(step),
                    \(connectionID), \(SQLLiteral.quotedString(definitionsBefore)))
            """)
    }

    /// Whether the connection `id` is still running a statement on the target's server.
    static func isRunning(connection id: UInt64, on connection: MariaDBConnection) throws(MariaDBError) -> Bool {
        let result = try connection.query("SELECT COMMAND FROM information_schema.PROCESSLIST WHERE ID = \(id)")
        return result.rows.indices.contains { result.string($0, 0) != "Sleep" }
    }

    /// Remembers that the change failed on these source tables (a resync of one of them copies it anew).
    static func recordFailure(target: String, tables: [QualifiedTableName], on connection: MariaDBConnection) throws(MariaDBError) {
        let list = tables.map { "\($0.database)\t\($0.table)" }.joined(separator: "\n")
        try connection.execute("UPDATE \(table) SET failed_tables = \(SQLLiteral.quotedString(list)) WHERE target = \(SQLLiteral.quotedString(target))")
    }

    static func clearStatement(target: String) -> String {
        "DELETE FROM \(table) WHERE target = \(SQLLiteral.quotedString(target))"
    }

    /// How the replica tables are defined now (`SHOW CREATE TABLE`, or absent), to tell whether a change ran.
    static func definitions(of replicas: [String], on connection: MariaDBConnection) throws(MariaDBError) -> String {
        var lines: [String] = []
        for replica in replicas {
            lines.append(try definition(of: replica, on: connection) ?? "absent: \(replica)")
        }
        return lines.joined(separator: "\n--\n")
    }

    /// `SHOW CREATE TABLE`'s text; nil when there is no such table.
    static func definition(of replica: String, on connection: MariaDBConnection) throws(MariaDBError) -> String? {
        do throws(MariaDBError) {
            return try connection.query("SHOW CREATE TABLE \(replica)").string(0, 1)
        } catch {
            if error.code == 1146 { return nil }
            throw error
        }
    }
}
