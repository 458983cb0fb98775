import Foundation
import MariaDBClient

/// When a change to each source table was last committed in a target, written in the committing transaction
/// (one row per table), so `status` can say it even while the daemon is down.
public enum TableActivityStore {
    static let table = "`\(CheckpointStore.schema)`.`table_activity`"

    static let createStatement = """
        CREATE TABLE IF NOT EXISTS \(table) (
          `target` VARCHAR(64) NOT NULL,
          `source_table` VARCHAR(130) NOT NULL,
          `applied_at` DOUBLE NOT NULL,
          PRIMARY KEY (`target`, `source_table`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """

    /// The statement recording that these tables changed now; nil for none.
    static func writeStatement(target: String, tables: some Collection<String>, at time: Date) -> String? {
        guard !tables.isEmpty else { return nil }
        let rows = tables.sorted().map { "(\(SQLLiteral.quotedString(target)), \(SQLLiteral.quotedString($0)), \(time.timeIntervalSince1970))" }
        return "INSERT INTO \(table) (target, source_table, applied_at) VALUES \(rows.joined(separator: ", ")) ON DUPLICATE KEY UPDATE applied_at = VALUES(applied_at)"
    }

    /// Source table (`db.table`) → when a change to it was last committed in `target` (seconds since the epoch).
    public static func read(target: String, on connection: MariaDBConnection) throws -> [String: Double] {
        let result = try connection.query("SELECT source_table, applied_at FROM \(table) WHERE target = \(SQLLiteral.quotedString(target))")
        var times: [String: Double] = [:]
        for row in result.rows.indices {
            if let name = result.string(row, 0), let time = result.string(row, 1).flatMap(Double.init) { times[name] = time }
        }
        return times
    }
}
