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
        let body = body(condition: try writerCondition(on: connection), database: database, table: table)
        try removeTriggers(on: connection, database: database, table: table)
        for (event, suffix) in [("INSERT", "i"), ("UPDATE", "u"), ("DELETE", "d")] {
            let trigger = SQLLiteral.identifier(database) + "." + SQLLiteral.identifier(GuardNames.trigger(database, table, suffix))
            try connection.execute("CREATE TRIGGER \(trigger) BEFORE \(event) ON \(qualified) FOR EACH ROW\n\(body)")
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

    /// Which of tablemirror's triggers the replica lacks, or has with another body than tablemirror writes for this
    /// session (altered by someone, or testing for another host or login, or an earlier version's test).
    static func missingTriggers(on connection: MariaDBConnection, database: String, table: String) throws -> [String] {
        missingTriggers(in: try triggers(on: connection, database: database, table: table), condition: try writerCondition(on: connection),
                        database: database, table: table)
    }

    /// The same, over the table's triggers (`triggers(on:…)`) and the writer's condition already read.
    static func missingTriggers(in present: [String: String], condition: String, database: String, table: String) -> [String] {
        let expected = body(condition: condition, database: database, table: table)
        return ["i", "u", "d"].map { GuardNames.trigger(database, table, $0) }.filter { present[$0] != expected }
    }

    /// Triggers on the replica that are not tablemirror's: one that runs first could rewrite the rows tablemirror
    /// writes.
    static func foreignTriggers(in present: [String: String], database: String, table: String) -> [String] {
        let ours = Set(["i", "u", "d"].map { GuardNames.trigger(database, table, $0) })
        return present.keys.filter { !ours.contains($0) }.sorted()
    }

    /// Lifts every guard — triggers and TRUNCATE guard — before tablemirror changes the table's structure or name
    /// (a rename would carry the triggers along under the old table's names; a key change needs the guard gone).
    public static func remove(on connection: MariaDBConnection, database: String, table: String) throws {
        try removeTriggers(on: connection, database: database, table: table)
        try removeTruncateGuard(on: connection, database: database, table: table)
    }

    /// Drops the triggers under today's names and those earlier versions gave — only those on this very table:
    /// another table's name could be made to collide with them.
    private static func removeTriggers(on connection: MariaDBConnection, database: String, table: String) throws {
        let ours = Set(["i", "u", "d"].flatMap { [GuardNames.trigger(database, table, $0), GuardNames.legacyTrigger(table, $0)] })
        for name in try triggers(on: connection, database: database, table: table).keys where ours.contains(name) {
            try connection.execute("DROP TRIGGER IF EXISTS \(SQLLiteral.identifier(database)).\(SQLLiteral.identifier(name))")
        }
    }

    /// The triggers on a table: name → body.
    static func triggers(on connection: MariaDBConnection, database: String, table: String) throws -> [String: String] {
        let result = try connection.query("""
            SELECT TRIGGER_NAME, ACTION_STATEMENT FROM information_schema.TRIGGERS
            WHERE BINARY EVENT_OBJECT_SCHEMA = BINARY \(SQLLiteral.quotedString(database))
              AND BINARY EVENT_OBJECT_TABLE = BINARY \(SQLLiteral.quotedString(table))
            """)
        var triggers: [String: String] = [:]
        for row in result.rows.indices {
            if let name = result.string(row, 0) { triggers[name] = result.string(row, 1) ?? "" }
        }
        return triggers
    }

    /// Removes the TRUNCATE guard, so tablemirror itself can drop or recreate the table (resync, DDL): the tables
    /// in `_tablemirror` whose foreign key references this one, whatever they are called.
    public static func removeTruncateGuard(on connection: MariaDBConnection, database: String, table: String) throws {
        let guards = try connection.query("""
            SELECT DISTINCT TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE
            WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(CheckpointStore.schema))
              AND BINARY REFERENCED_TABLE_SCHEMA = BINARY \(SQLLiteral.quotedString(database))
              AND BINARY REFERENCED_TABLE_NAME = BINARY \(SQLLiteral.quotedString(table))
            """)
        for name in guards.rows.indices.compactMap({ guards.string($0, 0) }) {
            try connection.execute("DROP TABLE IF EXISTS \(SQLLiteral.identifier(CheckpointStore.schema)).\(SQLLiteral.identifier(name))")
        }
    }

    /// Whether the replica carries a full set of tablemirror's triggers, under today's names or an earlier
    /// version's, whatever they test: how replicas made before the registry are recognised.
    static func hasTablemirrorTriggers(on connection: MariaDBConnection, database: String, table: String) throws -> Bool {
        // Names can be guessed; the refusal tablemirror writes into its triggers must be there too.
        let present = try triggers(on: connection, database: database, table: table)
            .filter { $0.value.contains(SQLLiteral.quotedString(refusalText(database, table))) }
        let namings: [(String) -> String] = [{ GuardNames.trigger(database, table, $0) }, { GuardNames.legacyTrigger(table, $0) }]
        return namings.contains { name in ["i", "u", "d"].allSatisfy { present[name($0)] != nil } }
    }

    private static func refusalText(_ database: String, _ table: String) -> String {
        "\(database).\(table) is a read-only replica maintained by tablemirror"
    }

    /// A trigger's body as tablemirror writes it (`ACTION_STATEMENT` shows it so).
    private static func body(condition: String, database: String, table: String) -> String {
        """
        IF \(condition) THEN
          SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = \(SQLLiteral.quotedString(refusalText(database, table)));
        END IF
        """
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
