import Foundation
import MariaDBClient

/// The last verification of each replicated table in a target — when, and what it found — kept in the target, so
/// that the console shows it whether `verify` ran from the command line, from the console or from a repair.
public enum VerificationStore {
    static let table = "`\(CheckpointStore.schema)`.`verification`"

    static let createStatement = """
        CREATE TABLE IF NOT EXISTS \(table) (
          `target` VARCHAR(64) NOT NULL,
          `source_table` VARCHAR(130) NOT NULL,
          `checked_at` DOUBLE NOT NULL,
          `source_rows` BIGINT NOT NULL,
          `only_in_source` BIGINT NOT NULL,
          `only_in_replica` BIGINT NOT NULL,
          `different` BIGINT NOT NULL,
          PRIMARY KEY (`target`, `source_table`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """

    public struct Result: Sendable, Equatable {
        public var checkedAt: Double
        public var sourceRows: Int
        public var onlyInSource: Int
        public var onlyInReplica: Int
        public var different: Int

        public var isIdentical: Bool { onlyInSource == 0 && onlyInReplica == 0 && different == 0 }
    }

    static func writeStatement(_ comparison: TableComparison, at time: Date) -> String {
        let differences = comparison.differences
        let values = [SQLLiteral.quotedString(comparison.target), SQLLiteral.quotedString(comparison.source.description),
                      String(time.timeIntervalSince1970), String(comparison.sourceRows), String(differences.onlyInSource.count),
                      String(differences.onlyInReplica.count), String(differences.different.count)]
        return "REPLACE INTO \(table) (target, source_table, checked_at, source_rows, only_in_source, only_in_replica, different) "
            + "VALUES (\(values.joined(separator: ", ")))"
    }

    /// Source table (`db.table`) → its last verification in `target`.
    public static func read(target: String, on connection: MariaDBConnection) throws -> [String: Result] {
        let result = try connection.query("""
            SELECT source_table, checked_at, source_rows, only_in_source, only_in_replica, different FROM \(table)
            WHERE target = \(SQLLiteral.quotedString(target))
            """)
        var results: [String: Result] = [:]
        for row in result.rows.indices {
            guard let name = result.string(row, 0), let at = result.string(row, 1).flatMap(Double.init) else { continue }
            let counts = (2...5).map { result.string(row, $0).flatMap { Int($0) } ?? 0 }
            results[name] = Result(checkedAt: at, sourceRows: counts[0], onlyInSource: counts[1], onlyInReplica: counts[2], different: counts[3])
        }
        return results
    }
}
