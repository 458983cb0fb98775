import MariaDBClient

/// tablemirror's own tables in a target (`_tablemirror`): checkpoints, copy progress, dead letters, table
/// activity, drift. Created once where work on a target connection begins — never in a polling loop: a DDL
/// statement, even one with nothing to do, takes a metadata lock that waits for open transactions.
public enum ControlSchema {
    public static func ensure(_ connection: MariaDBConnection) throws(MariaDBError) {
        let statements = CheckpointStore.createStatements + [
            CopyProgressStore.createStatement,
            // Added after the first version of the copy table.
            "ALTER TABLE \(CopyProgressStore.table) ADD COLUMN IF NOT EXISTS `only_keys` LONGTEXT NULL AFTER `reason`",
            DeadLetterStore.createStatement,
            TableActivityStore.createStatement,
            DriftAlerts.createStatement,
        ]
        for statement in statements { try connection.execute(statement) }
    }
}
