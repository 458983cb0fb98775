import MariaDBClient

/// Makes a replica table read-only for everyone but tablemirror's own target account:
/// - triggers refuse INSERT, UPDATE and DELETE from any other session. A trigger runs as its definer, so
///   `CURRENT_USER()` inside it names the definer, not the writer; `USER()` names the writer's session as
///   user@client-host, and the server maps one user name from one client host to exactly one account. The
///   triggers compare `USER()` exactly (binary: letter case counts) with what tablemirror's own session shows,
///   so another account — `MIRROR`, or `mirror` from another host — is refused;
/// - TRUNCATE fires no trigger, so an empty guard table in `_tablemirror` holds a foreign key to the replica's
///   primary key: the server refuses to truncate (or drop) a table that a foreign key references.
/// A replica without a primary key, or a partitioned one, gets the triggers but cannot be guarded against TRUNCATE.
public enum ReadOnlyGuard {
    public static func install(on connection: MariaDBConnection, database: String, table: String) throws {
        let qualified = SQLLiteral.identifier(database) + "." + SQLLiteral.identifier(table)
        let condition = try writerCondition(on: connection)
        let message = SQLLiteral.quotedString("\(database).\(table) is a read-only replica maintained by tablemirror")
        try removeTriggers(on: connection, database: database, table: table)
        for (event, suffix) in [("INSERT", "i"), ("UPDATE", "u"), ("DELETE", "d")] {
            let trigger = SQLLiteral.identifier(database) + "." + SQLLiteral.identifier(GuardNames.trigger(database, table, suffix))
            try connection.execute("""
                CREATE TRIGGER \(trigger) BEFORE \(event) ON \(qualified) FOR EACH ROW
                IF \(condition) THEN
                  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = \(message);
                END IF
                """)
        }
        try installTruncateGuard(on: connection, database: database, table: table)
    }

    /// The triggers' test: the writing session is not tablemirror's (`USER()` of this connection, exactly).
    static func writerCondition(on connection: MariaDBConnection) throws -> String {
        guard let writer = try connection.query("SELECT USER()").string(0, 0) else {
            throw EngineError.invalidArgument("the target did not say which account this session is")
        }
        return "BINARY USER() <> BINARY \(SQLLiteral.quotedString(writer))"
    }

    /// Which of tablemirror's triggers the replica lacks, or has with another test than this session's (a daemon
    /// moved to another host, another target login, or a version that tested less).
    static func missingTriggers(on connection: MariaDBConnection, database: String, table: String) throws -> [String] {
        let condition = try writerCondition(on: connection)
        let result = try connection.query("""
            SELECT TRIGGER_NAME, ACTION_STATEMENT FROM information_schema.TRIGGERS
            WHERE EVENT_OBJECT_SCHEMA = \(SQLLiteral.quotedString(database)) AND EVENT_OBJECT_TABLE = \(SQLLiteral.quotedString(table))
            """)
        var present = Set<String>()
        for row in result.rows.indices where result.string(row, 1)?.contains(condition) == true {
            if let name = result.string(row, 0) { present.insert(name) }
        }
        return ["i", "u", "d"].map { GuardNames.trigger(database, table, $0) }.filter { !present.contains($0) }
    }

    /// Lifts every guard — triggers and TRUNCATE guard — before tablemirror changes the table's structure or name
    /// (a rename would carry the triggers along under the old table's names; a key change needs the guard gone).
    public static func remove(on connection: MariaDBConnection, database: String, table: String) throws {
        try removeTriggers(on: connection, database: database, table: table)
        try removeTruncateGuard(on: connection, database: database, table: table)
    }

    /// Drops the triggers under today's names and those earlier versions gave.
    private static func removeTriggers(on connection: MariaDBConnection, database: String, table: String) throws {
        for suffix in ["i", "u", "d"] {
            for name in [GuardNames.trigger(database, table, suffix), GuardNames.legacyTrigger(table, suffix)] {
                try connection.execute("DROP TRIGGER IF EXISTS \(SQLLiteral.identifier(database)).\(SQLLiteral.identifier(name))")
            }
        }
    }

    /// Removes the TRUNCATE guard, so tablemirror itself can drop or recreate the table (resync, DDL).
    public static func removeTruncateGuard(on connection: MariaDBConnection, database: String, table: String) throws {
        for name in [GuardNames.guardTable(database, table), GuardNames.legacyGuardTable(database, table)] {
            try connection.execute("DROP TABLE IF EXISTS \(SQLLiteral.identifier(CheckpointStore.schema)).\(SQLLiteral.identifier(name))")
        }
    }

    /// Whether the replica carries a full set of tablemirror's triggers, under today's names or an earlier
    /// version's, whatever they test: how replicas made before the registry are recognised.
    static func hasTablemirrorTriggers(on connection: MariaDBConnection, database: String, table: String) throws -> Bool {
        let result = try connection.query("""
            SELECT TRIGGER_NAME FROM information_schema.TRIGGERS
            WHERE EVENT_OBJECT_SCHEMA = \(SQLLiteral.quotedString(database)) AND EVENT_OBJECT_TABLE = \(SQLLiteral.quotedString(table))
            """)
        let present = Set(result.rows.indices.compactMap { result.string($0, 0) })
        let namings: [(String) -> String] = [{ GuardNames.trigger(database, table, $0) }, { GuardNames.legacyTrigger(table, $0) }]
        return namings.contains { name in ["i", "u", "d"].allSatisfy { present.contains(name($0)) } }
    }

    private static func installTruncateGuard(on connection: MariaDBConnection, database: String, table: String) throws {
        let key = try connection.query("""
            SELECT c.COLUMN_NAME, c.COLUMN_TYPE, c.CHARACTER_SET_NAME, c.COLLATION_NAME
            FROM information_schema.STATISTICS s JOIN information_schema.COLUMNS c
              ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
            WHERE s.TABLE_SCHEMA = \(SQLLiteral.quotedString(database)) AND s.TABLE_NAME = \(SQLLiteral.quotedString(table))
              AND s.INDEX_NAME = 'PRIMARY'
            ORDER BY s.SEQ_IN_INDEX
            """)
        try removeTruncateGuard(on: connection, database: database, table: table)
        guard !key.rows.isEmpty, try !isPartitioned(on: connection, database: database, table: table) else { return }
        var columns: [String] = []
        var names: [String] = []
        for row in key.rows.indices {
            guard let name = key.string(row, 0), let type = key.string(row, 1) else { continue }
            var definition = "\(SQLLiteral.identifier(name)) \(type)"
            if let charset = key.string(row, 2), let collation = key.string(row, 3) {
                definition += " CHARACTER SET \(charset) COLLATE \(collation)"
            }
            columns.append(definition)
            names.append(SQLLiteral.identifier(name))
        }
        let list = names.joined(separator: ", ")
        try connection.execute("""
            CREATE TABLE \(SQLLiteral.identifier(CheckpointStore.schema)).\(SQLLiteral.identifier(GuardNames.guardTable(database, table))) (
              \(columns.joined(separator: ", ")),
              CONSTRAINT \(SQLLiteral.identifier(GuardNames.guardConstraint(database, table))) FOREIGN KEY (\(list)) REFERENCES \(SQLLiteral.identifier(database)).\(SQLLiteral.identifier(table)) (\(list))
            ) ENGINE=InnoDB COMMENT='tablemirror: keeps the replica from being truncated'
            """)
    }

    /// InnoDB refuses foreign keys that reference a partitioned table: such a replica cannot have a TRUNCATE guard.
    private static func isPartitioned(on connection: MariaDBConnection, database: String, table: String) throws -> Bool {
        let options = try connection.query("""
            SELECT CREATE_OPTIONS FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(database)) AND TABLE_NAME = \(SQLLiteral.quotedString(table))
            """).string(0, 0) ?? ""
        return options.contains("partitioned")
    }


}
