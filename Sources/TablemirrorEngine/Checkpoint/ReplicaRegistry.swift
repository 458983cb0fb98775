import BinlogDecoding
import MariaDBClient

/// The tables in a target that tablemirror made — its replicas — with the InnoDB table id and the definition
/// each had when tablemirror last changed it. tablemirror drops, replaces, renames over, truncates or fills only
/// a table recorded here (or adopted into it by an operator); the audit compares each replica with its record.
public enum ReplicaRegistry {
    static let table = "`\(CheckpointStore.schema)`.`replica`"

    static let createStatement = """
        CREATE TABLE IF NOT EXISTS \(table) (
          `target` VARCHAR(64) NOT NULL,
          `replica_database` VARCHAR(64) NOT NULL,
          `replica_table` VARCHAR(64) NOT NULL,
          `table_id` BIGINT UNSIGNED NULL,
          `definition` LONGTEXT NOT NULL,
          `recorded_at` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
          PRIMARY KEY (`target`, `replica_database`, `replica_table`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
        """

    /// Who a table in the target belongs to.
    public enum Ownership: Equatable, Sendable {
        /// No table of that name.
        case absent
        /// A replica tablemirror made for this target.
        case ours
        /// Somebody else's table.
        case foreign
    }

    /// A replica as recorded.
    struct Entry: Equatable {
        var replica: QualifiedTableName
        var tableID: String?
        var definition: String
    }

    /// Ours when the name is recorded for `target`; when the table under it is a recorded one renamed (same
    /// InnoDB id: a crash between a RENAME and its record); or when a schema change a crash interrupted before
    /// its bookkeeping lists it (a table that change made, not yet recorded; a refused change's list is not
    /// trusted).
    public static func ownership(of replica: QualifiedTableName, target: String, on connection: MariaDBConnection) throws -> Ownership {
        guard try ReplicaTableSetup.exists(replica, in: connection) else { return .absent }
        let entries = try self.entries(target: target, on: connection)
        if entries.contains(where: { $0.replica == replica }) { return .ours }
        if let id = SchemaChangeMarker.tableIDs(of: [replica], on: connection)[replica],
           entries.contains(where: { $0.tableID == id }) {
            return .ours
        }
        if let marker = try SchemaChangeMarker.read(target: target, on: connection), !marker.refused, marker.lists(replica) { return .ours }
        return .foreign
    }

    static func entries(target: String, on connection: MariaDBConnection) throws(MariaDBError) -> [Entry] {
        let result = try connection.query("""
            SELECT replica_database, replica_table, table_id, definition FROM \(table)
            WHERE target = \(SQLLiteral.quotedString(target)) AND replica_database <> '' ORDER BY replica_database, replica_table
            """)
        return result.rows.indices.compactMap { row in
            guard let database = result.string(row, 0), let name = result.string(row, 1), let definition = result.string(row, 3) else { return nil }
            return Entry(replica: QualifiedTableName(database: database, table: name), tableID: result.string(row, 2), definition: definition)
        }
    }

    /// What the replica is now, as the registry keeps it: its InnoDB id and its definition without what changes
    /// by itself (the AUTO_INCREMENT counter); nil when there is no such table.
    static func current(_ replica: QualifiedTableName, on connection: MariaDBConnection) throws -> Entry? {
        guard let definition = try definition(of: replica, on: connection) else { return nil }
        return Entry(replica: replica, tableID: SchemaChangeMarker.tableIDs(of: [replica], on: connection)[replica], definition: definition)
    }

    /// The replica's definition as the registry keeps it (normalized, without the AUTO_INCREMENT counter).
    static func definition(of replica: QualifiedTableName, on connection: MariaDBConnection) throws -> String? {
        guard let text = try ReplicaTableDefinition.showCreateTable(replica.quoted, on: connection) else { return nil }
        return try ReplicaTableDefinition.createStatement(showCreateTable: text, database: replica.database, table: replica.table, toRun: false)
    }

    /// Records each replica as it is now (one that no longer exists is forgotten): after tablemirror created,
    /// altered or renamed it. A statement, so it can join the transaction that moves the checkpoint.
    static func recordStatements(target: String, replicas: [QualifiedTableName], on connection: MariaDBConnection) throws -> [String] {
        var statements: [String] = []
        for replica in replicas {
            guard let entry = try current(replica, on: connection) else {
                statements.append(forgetStatement(target: target, replica: replica))
                continue
            }
            statements.append("""
                REPLACE INTO \(table) (target, replica_database, replica_table, table_id, definition) VALUES (\
                \(SQLLiteral.quotedString(target)), \(SQLLiteral.quotedString(replica.database)), \
                 \(SQLLiteral.quotedString(replica.table)), \(entry.tableID.flatMap { UInt64($0) }.map(String.init) ?? "NULL"), \(SQLLiteral.quotedString(entry.definition)))
                """)
        }
        return statements
    }

    /// Claims a replica's name before tablemirror creates the table under it (a name it checked was free or its
    /// own): a crash between the CREATE and its record then leaves a table the registry knows, not a "foreign" one.
    static func claim(target: String, replica: QualifiedTableName, on connection: MariaDBConnection) throws(MariaDBError) {
        try connection.execute("""
            INSERT IGNORE INTO \(table) (target, replica_database, replica_table, definition) VALUES (\
            \(SQLLiteral.quotedString(target)), \(SQLLiteral.quotedString(replica.database)), \(SQLLiteral.quotedString(replica.table)), \(SQLLiteral.quotedString(claimMark)))
            """)
    }

    /// Claims whose table was never created (a crash, or a CREATE that failed) are dropped: the name must not
    /// count as tablemirror's for a table someone else creates later.
    static func dropStaleClaims(target: String, on connection: MariaDBConnection) throws {
        for entry in try entries(target: target, on: connection) where entry.definition == claimMark {
            if try !ReplicaTableSetup.exists(entry.replica, in: connection) {
                try connection.execute(forgetStatement(target: target, replica: entry.replica))
            }
        }
    }

    static let claimMark = "(being created)"

    static func record(target: String, replicas: [QualifiedTableName], on connection: MariaDBConnection) throws {
        for statement in try recordStatements(target: target, replicas: replicas, on: connection) { try connection.execute(statement) }
    }

    /// The target's registry has been set up (a row with no table): from then on, replicas are recognised by
    /// their record only, never again by the triggers an earlier version put on them.
    static func isInitialised(target: String, on connection: MariaDBConnection) throws(MariaDBError) -> Bool {
        !(try connection.query("SELECT 1 FROM \(table) WHERE target = \(SQLLiteral.quotedString(target)) AND replica_database = ''").rows.isEmpty)
    }

    static func markInitialised(target: String, on connection: MariaDBConnection) throws(MariaDBError) {
        try connection.execute("""
            INSERT IGNORE INTO \(table) (target, replica_database, replica_table, definition)
            VALUES (\(SQLLiteral.quotedString(target)), '', '', '(registry set up)')
            """)
    }

    static func forgetStatement(target: String, replica: QualifiedTableName) -> String {
        """
        DELETE FROM \(table) WHERE target = \(SQLLiteral.quotedString(target)) \
        AND replica_database = \(SQLLiteral.quotedString(replica.database)) AND replica_table = \(SQLLiteral.quotedString(replica.table))
        """
    }
}
