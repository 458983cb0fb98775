import BinlogDecoding
import MariaDBClient

/// How big a source table is, for a copy's progress and time left.
enum TableSize {
    /// The source's estimate of the table's rows (InnoDB's TABLE_ROWS: approximate, and free to read).
    static func estimatedRows(_ table: QualifiedTableName, on source: MariaDBConnection) throws -> Int? {
        try source.query("""
            SELECT TABLE_ROWS FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(table.database)) AND TABLE_NAME = \(SQLLiteral.quotedString(table.table))
            """).string(0, 0).flatMap { Int($0) }
    }
}
