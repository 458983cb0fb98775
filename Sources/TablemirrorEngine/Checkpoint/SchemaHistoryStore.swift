import BinlogDecoding
import Foundation
import MariaDBClient

/// The structure of every replicated table at every schema change, kept in the target beside the checkpoint and
/// written by the same transaction that moves the checkpoint past the change. A reader that starts from the
/// checkpoint — after a crash in the middle of a run of schema changes, say — decodes the events after it with
/// the columns the tables had there, whatever the source's tables look like by now. It is also the record of
/// what changed when (`SELECT * FROM _tablemirror.schema_history`).
public enum SchemaHistoryStore {
    static let table = "`\(CheckpointStore.schema)`.`schema_history`"

    static let createStatement = """
        CREATE TABLE IF NOT EXISTS \(table) (
          \(ControlSchema.recordColumns),
          `binlog_file` VARCHAR(255) NOT NULL,
          `binlog_position` BIGINT UNSIGNED NOT NULL,
          `statement` MEDIUMTEXT NOT NULL,
          `columns` LONGTEXT NULL COMMENT 'JSON; NULL: no longer replicated into this target',
          `recorded_at` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          UNIQUE KEY `change` (`target`, `binlog_file`, `binlog_position`, `source_database`, `source_table`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """

    /// Records `table`'s structure (nil: gone from this target) as of the change at `position`; run in the
    /// transaction that moves the checkpoint past it. Recording the same change again keeps one row.
    static func recordStatement(target: String, table: QualifiedTableName, position: BinlogPosition, statement: String,
                                structure: TableSchemaHint?) -> String {
        let columns = structure.flatMap { try? JSONEncoder().encode($0) }.map { SQLLiteral.quotedString(String(decoding: $0, as: UTF8.self)) } ?? "NULL"
        let values = [target, table.database, table.table, position.file].map(SQLLiteral.quotedString)
            + [String(position.offset), SQLLiteral.quotedString(statement), columns]
        return """
            INSERT INTO \(Self.table) (target, source_database, source_table, binlog_file, binlog_position, statement, columns)
            VALUES (\(values.joined(separator: ", "))) ON DUPLICATE KEY UPDATE columns = VALUES(columns)
            """
    }

    /// Each table's latest recorded structure for `target` (nil: the table left this target).
    static func latest(target: String, on connection: MariaDBConnection) throws(MariaDBError) -> [QualifiedTableName: TableSchemaHint?] {
        let result = try connection.query("""
            SELECT h.source_database, h.source_table, h.columns FROM \(table) h
            JOIN (SELECT MAX(id) AS id FROM \(table) WHERE target = \(SQLLiteral.quotedString(target))
                  GROUP BY source_database, source_table) latest ON latest.id = h.id
            """)
        var structures: [QualifiedTableName: TableSchemaHint?] = [:]
        for row in result.rows.indices {
            guard let database = result.string(row, 0), let name = result.string(row, 1) else { continue }
            let columns = result.string(row, 2).flatMap { try? JSONDecoder().decode(TableSchemaHint.self, from: Data($0.utf8)) }
            structures[QualifiedTableName(database: database, table: name)] = .some(columns)
        }
        return structures
    }

    public struct Change: Sendable, Equatable {
        public var table: QualifiedTableName
        public var position: BinlogPosition
        public var statement: String
        public var recordedAt: String
    }

    /// The latest `limit` schema changes recorded for `target`, newest first (one per statement, the first table
    /// it touched; bookkeeping records — "(initial copy)", "(replica as found at start)" — are not changes).
    public static func recent(target: String, limit: Int, on connection: MariaDBConnection) throws -> [Change] {
        let result = try connection.query("""
            SELECT source_database, source_table, binlog_file, binlog_position, statement, CAST(recorded_at AS CHAR) FROM \(table)
            WHERE target = \(SQLLiteral.quotedString(target)) AND statement NOT LIKE '(%'
            ORDER BY id DESC LIMIT \(max(0, limit) * 4)
            """)
        var changes: [Change] = []
        for row in result.rows.indices {
            let position = BinlogPosition(file: result.string(row, 2) ?? "", offset: result.string(row, 3).flatMap { UInt64($0) } ?? 0)
            if changes.last?.position == position { continue }
            changes.append(Change(table: QualifiedTableName(database: result.string(row, 0) ?? "", table: result.string(row, 1) ?? ""),
                                  position: position, statement: SecretRedaction.redact(result.string(row, 4) ?? ""),
                                  recordedAt: result.string(row, 5) ?? ""))
            if changes.count == limit { break }
        }
        return changes
    }
}
