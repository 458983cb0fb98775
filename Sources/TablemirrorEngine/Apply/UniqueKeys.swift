import BinlogDecoding
import MariaDBClient

/// What the replica's own unique keys allow: read from the target, since that is where a row could collide.
enum UniqueKeys {
    /// Whether the replica has a primary key and no other unique key (`TableApplyPlan.primaryKeyIsOnlyUniqueKey`).
    static func primaryKeyIsOnlyUniqueKey(of replica: QualifiedTableName, on connection: MariaDBConnection) throws -> Bool {
        let result = try connection.query("""
            SELECT SUM(INDEX_NAME = 'PRIMARY'), SUM(INDEX_NAME <> 'PRIMARY')
            FROM (SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS
                  WHERE BINARY TABLE_SCHEMA = BINARY \(SQLLiteral.quotedString(replica.database))
                    AND BINARY TABLE_NAME = BINARY \(SQLLiteral.quotedString(replica.table)) AND NON_UNIQUE = 0) AS unique_keys
            """)
        return result.string(0, 0) == "1" && result.string(0, 1) == "0"
    }
}
