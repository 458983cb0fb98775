import MariaDBClient

/// tablemirror's own tables in a target (`_tablemirror`): checkpoints, copy progress, dead letters, table
/// activity, drift, schema history. Created once where work on a target connection begins — never in a polling loop: a DDL
/// statement, even one with nothing to do, takes a metadata lock that waits for open transactions.
public enum ControlSchema {
    public static func ensure(_ connection: MariaDBConnection) throws(MariaDBError) {
        let statements = CheckpointStore.createStatements + LeaseStore.createStatements + [
            CopyProgressStore.createStatement,
            // Added after the first version of the copy table.
            "ALTER TABLE \(CopyProgressStore.table) ADD COLUMN IF NOT EXISTS `only_keys` LONGTEXT NULL AFTER `reason`",
            DeadLetterStore.createStatement,
            TableActivityStore.createStatement,
            VerificationStore.createStatement,
            DriftAlerts.createStatement,
            SchemaHistoryStore.createStatement,
            SchemaChangeMarker.createStatement,
            ReplicaRegistry.createStatement,
            // Added with schema changes: a copy that rebuilds the replica's structure too.
            "ALTER TABLE \(CopyProgressStore.table) ADD COLUMN IF NOT EXISTS `recreate` BOOLEAN NOT NULL DEFAULT FALSE AFTER `only_keys`",
        ]
        for statement in statements { try connection.execute(statement) }
        // A MySQL executed GTID set can outgrow the VARCHAR(4096) of earlier versions (many server UUIDs, gaps), and a
        // cut one would resume from too small a set: widened once, where it is still the old type.
        let gtidType = try connection.query("""
            SELECT DATA_TYPE FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = '\(CheckpointStore.schema)' AND TABLE_NAME = 'checkpoint' AND COLUMN_NAME = 'gtid'
            """).string(0, 0)
        if gtidType?.lowercased() == "varchar" {
            try connection.execute("ALTER TABLE `\(CheckpointStore.schema)`.`checkpoint` MODIFY `gtid` MEDIUMTEXT NULL")
        }
    }

    /// The first columns of the tables that keep records about source tables (dead letters, schema history):
    /// the record's id, the target it belongs to, the source table it is about.
    static let recordColumns = """
        `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, `target` VARCHAR(64) NOT NULL,
          `source_database` VARCHAR(64) NOT NULL, `source_table` VARCHAR(64) NOT NULL
        """
}
