import BinlogDecoding
import Foundation
import MariaDBClient

/// Changes a target refused (a permanent error on a mapping with `on_error: dead-letter`), kept in the target
/// with their error, written in the same transaction that skips them: nothing is lost, nothing applied twice.
public enum DeadLetterStore {
    public struct Letter: Sendable, Equatable {
        public var id: Int
        public var target: String
        public var source: QualifiedTableName
        public var operation: String
        public var position: BinlogPosition
        public var gtid: String?
        /// The primary keys the change touched (before and after), as SQL literals; empty for a keyless table.
        public var keys: [[String]]
        /// The change as `tablemirror decode --json` prints it.
        public var change: String
        public var errorCode: Int
        public var error: String
        public var createdAt: String
    }

    static let table = "`\(CheckpointStore.schema)`.`dead_letter`"

    static let createStatement = """
        CREATE TABLE IF NOT EXISTS \(table) (
          \(ControlSchema.recordColumns),
          `operation` VARCHAR(8) NOT NULL,
          `binlog_file` VARCHAR(255) NOT NULL,
          `binlog_position` BIGINT UNSIGNED NOT NULL,
          `gtid` VARCHAR(255) NULL,
          `keys` LONGTEXT NOT NULL,
          `change` LONGTEXT NOT NULL,
          `error_code` INT NOT NULL,
          `error` TEXT NOT NULL,
          `created_at` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          KEY (`target`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """

    /// The statement that records a refused change, run in the transaction that goes on without it.
    static func insertStatement(target: String, change: RowChangeMessage, keyColumns: [Int], error: MariaDBError) -> String {
        var keys: [[String]] = []
        if !keyColumns.isEmpty {
            for image in [change.before, change.after].compactMap({ $0 }) {
                let key = keyColumns.compactMap { index in image.values.indices.contains(index) ? image.values[index] : nil }
                if key.count == keyColumns.count { keys.append(key.map { SQLLiteral.render($0, column: "") }) }
            }
        }
        let keysJSON = (try? JSONEncoder().encode(keys)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        let values: [String] = [
            SQLLiteral.quotedString(target), SQLLiteral.quotedString(change.database), SQLLiteral.quotedString(change.table),
            SQLLiteral.quotedString(change.operation.rawValue), SQLLiteral.quotedString(change.file), "\(change.startOffset)",
            change.gtid.map(SQLLiteral.quotedString) ?? "NULL", SQLLiteral.quotedString(keysJSON),
            SQLLiteral.quotedString(JSONLineWriter.line(for: change)), "\(error.code)", SQLLiteral.quotedString(error.message),
        ]
        return "INSERT INTO \(table) (target, source_database, source_table, operation, binlog_file, binlog_position, gtid, `keys`, `change`, error_code, error) VALUES (\(values.joined(separator: ", ")))"
    }

    public static func list(target: String, ids: [Int] = [], limit: Int? = nil, on connection: MariaDBConnection) throws -> [Letter] {
        var sql = """
            SELECT id, source_database, source_table, operation, binlog_file, binlog_position, gtid, `keys`, `change`, error_code, error, created_at
            FROM \(table) WHERE target = \(SQLLiteral.quotedString(target))
            """
        if !ids.isEmpty { sql += " AND id IN (\(ids.map(String.init).joined(separator: ", ")))" }
        let result = try connection.query(sql + " ORDER BY id" + (limit.map { " LIMIT \(max(0, $0))" } ?? ""))
        return result.rows.indices.map { row in
            Letter(id: result.string(row, 0).flatMap { Int($0) } ?? 0, target: target,
                   source: QualifiedTableName(database: result.string(row, 1) ?? "", table: result.string(row, 2) ?? ""),
                   operation: result.string(row, 3) ?? "",
                   position: BinlogPosition(file: result.string(row, 4) ?? "", offset: result.string(row, 5).flatMap { UInt64($0) } ?? 0),
                   gtid: result.string(row, 6),
                   keys: result.string(row, 7).flatMap { try? JSONDecoder().decode([[String]].self, from: Data($0.utf8)) }
                       .flatMap(CopyProgressStore.plainKeys) ?? [],
                   change: result.string(row, 8) ?? "", errorCode: result.string(row, 9).flatMap { Int($0) } ?? 0,
                   error: result.string(row, 10) ?? "", createdAt: result.string(row, 11) ?? "")
        }
    }

    public static func count(target: String, on connection: MariaDBConnection) throws -> Int {
        try connection.query("SELECT COUNT(*) FROM \(table) WHERE target = \(SQLLiteral.quotedString(target))")
            .string(0, 0).flatMap { Int($0) } ?? 0
    }

    public static func discard(target: String, ids: [Int], on connection: MariaDBConnection) throws {
        guard !ids.isEmpty else { return }
        try connection.execute("DELETE FROM \(table) WHERE target = \(SQLLiteral.quotedString(target)) AND id IN (\(ids.map(String.init).joined(separator: ", ")))")
    }
}
