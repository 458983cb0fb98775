import BinlogDecoding
import MariaDBClient

/// What the replica itself allows the applier: read from the target, since that is where a row could collide and
/// where a failed statement must roll back.
struct ReplicaTraits: Equatable {
    /// The replica has a primary key and no other unique key (`TableApplyPlan.primaryKeyIsOnlyUniqueKey`).
    var primaryKeyIsOnlyUniqueKey: Bool
    /// The replica is InnoDB: a statement that wrote some of its rows and then failed is undone with its
    /// transaction. A load (`LoadDataRows`) writes every row it can before its outcome is known, so only such a
    /// replica gets loads.
    var isTransactional: Bool

    static func read(of replica: QualifiedTableName, on connection: MariaDBConnection) throws -> ReplicaTraits {
        let schema = SQLLiteral.quotedString(replica.database), table = SQLLiteral.quotedString(replica.table)
        let result = try connection.query("""
            SELECT SUM(INDEX_NAME = 'PRIMARY'), SUM(INDEX_NAME <> 'PRIMARY'),
                   (SELECT ENGINE FROM information_schema.TABLES
                    WHERE BINARY TABLE_SCHEMA = BINARY \(schema) AND BINARY TABLE_NAME = BINARY \(table))
            FROM (SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS
                  WHERE BINARY TABLE_SCHEMA = BINARY \(schema) AND BINARY TABLE_NAME = BINARY \(table) AND NON_UNIQUE = 0) AS unique_keys
            """)
        return ReplicaTraits(primaryKeyIsOnlyUniqueKey: result.string(0, 0) == "1" && result.string(0, 1) == "0",
                             isTransactional: result.string(0, 2) == "InnoDB")
    }
}
