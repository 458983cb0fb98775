import BinlogDecoding
import MariaDBClient

/// DDL commits on its own, so a schema change cannot share a transaction with the checkpoint. Before each of a
/// change's statements, the applier records which one it is about to run, how the replicas it touches are
/// defined and the target connection that runs it; if the daemon dies before the checkpoint moves past the
/// change, the next run finds the marker, waits until that connection's statement has ended on the server (a
/// DDL goes on after its client is gone), and compares: definitions that have moved on mean the statement
/// ran (MariaDB's DDL is atomic) and must not run twice; the change goes on from the statement after it.
enum SchemaChangeMarker {
    static let table = "`\(CheckpointStore.schema)`.`schema_change`"

    static let createStatement = """
        CREATE TABLE IF NOT EXISTS \(table) (
          `target` VARCHAR(64) NOT NULL PRIMARY KEY,
          `binlog_file` VARCHAR(255) NOT NULL,
          `binlog_position` BIGINT UNSIGNED NOT NULL,
          `plan` LONGTEXT NOT NULL COMMENT 'the statements of the change and the replicas they touch',
          `step` INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'the statement of the change about to run, from 0',
          `connection_id` BIGINT UNSIGNED NULL COMMENT 'the target connection running it',
          `definitions_before` LONGTEXT NOT NULL,
          `failed_tables` TEXT NULL COMMENT 'source tables of a change that failed: resync recreates them'
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """

    struct Marker: Equatable {
        var position: BinlogPosition
        /// `planText` of the change it is about: a change planned differently after a restart starts over.
        var plan: String
        var step: Int
        var connectionID: UInt64?
        var definitionsBefore: String
        var failedTables: [QualifiedTableName]
        /// The target refused the statement at `step`: it did not run.
        var refused: Bool

        /// Whether the change lists `replica` among the tables it touches.
        func lists(_ replica: QualifiedTableName) -> Bool {
            plan.components(separatedBy: SchemaChangeMarker.planSeparator).contains(replica.quoted)
        }
    }

    static let planSeparator = "\n;\n"

    /// A change as its marker records it — its statements, then the replicas they touch — so that a change
    /// planned differently after a restart starts over.
    static func planText(of plan: SchemaChangePlan) -> String {
        (plan.statements + plan.replicas.map(\.quoted)).joined(separator: planSeparator)
    }

    static func read(target: String, on connection: MariaDBConnection) throws(MariaDBError) -> Marker? {
        let result = try connection.query("""
            SELECT binlog_file, binlog_position, definitions_before, failed_tables, step, connection_id, plan FROM \(table)
            WHERE target = \(SQLLiteral.quotedString(target))
            """)
        guard !result.rows.isEmpty, let file = result.string(0, 0), let offset = result.string(0, 1).flatMap({ UInt64($0) }) else {
            return nil
        }
        let failed = (result.string(0, 3) ?? "").split(separator: "\n").compactMap { line -> QualifiedTableName? in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return parts.count == 2 ? QualifiedTableName(database: parts[0], table: parts[1]) : nil
        }
        return Marker(position: BinlogPosition(file: file, offset: offset), plan: result.string(0, 6) ?? "",
                      step: result.string(0, 4).flatMap { Int($0) } ?? 0,
                      connectionID: result.string(0, 5).flatMap { UInt64($0) }, definitionsBefore: result.string(0, 2) ?? "",
                      failedTables: failed, refused: result.string(0, 3) != nil)
    }

    static func write(target: String, position: BinlogPosition, plan: String, step: Int, connectionID: UInt64, definitionsBefore: String,
                      on connection: MariaDBConnection) throws(MariaDBError) {
        try connection.execute("""
            REPLACE INTO \(table) (target, binlog_file, binlog_position, plan, step, connection_id, definitions_before)
            VALUES (\(SQLLiteral.quotedString(target)), \(SQLLiteral.quotedString(position.file)), \(position.offset),
                    \(SQLLiteral.quotedString(plan)), \(step), \(connectionID), \(SQLLiteral.quotedString(definitionsBefore)))
            """)
    }

    /// Whether the connection `id` is still running one of `statements` — ours, not another connection that
    /// got the same id after the target server restarted.
    static func isRunning(connection id: UInt64, oneOf statements: (String) -> Bool,
                          on connection: MariaDBConnection) throws(MariaDBError) -> Bool {
        let result = try connection.query("""
            SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = \(id) AND ID <> CONNECTION_ID() AND COMMAND <> 'Sleep'
            """)
        return result.rows.indices.contains { result.string($0, 0).map(statements) ?? false }
    }

    /// Remembers that the change failed on these source tables (a resync of one of them copies it anew).
    static func recordFailure(target: String, tables: [QualifiedTableName], on connection: MariaDBConnection) throws(MariaDBError) {
        let list = tables.map { "\($0.database)\t\($0.table)" }.joined(separator: "\n")
        try connection.execute("UPDATE \(table) SET failed_tables = \(SQLLiteral.quotedString(list)) WHERE target = \(SQLLiteral.quotedString(target))")
    }

    static func clearStatement(target: String) -> String {
        "DELETE FROM \(table) WHERE target = \(SQLLiteral.quotedString(target))"
    }

    /// How the replica tables are defined now (`SHOW CREATE TABLE`, or absent) and which table each name is,
    /// to tell whether a statement ran.
    static func definitions(of replicas: [QualifiedTableName], on connection: MariaDBConnection) throws(MariaDBError) -> String {
        let ids = tableIDs(of: replicas, on: connection)
        var lines: [String] = []
        for replica in replicas {
            lines.append((try definition(of: replica.quoted, on: connection) ?? "absent: \(replica.quoted)") + (ids[replica].map { "\n(table id \($0))" } ?? ""))
        }
        return lines.joined(separator: "\n--\n")
    }

    /// InnoDB's table ids, which follow a table through a rename: a RENAME that swaps two tables of the same
    /// definition leaves the definitions as they were, not the ids. Empty where the target user may not read
    /// them (they need the PROCESS privilege); ids of names with characters other than ASCII letters, digits
    /// and punctuation are left out (InnoDB stores such names encoded).
    static func tableIDs(of replicas: [QualifiedTableName], on connection: MariaDBConnection) -> [QualifiedTableName: String] {
        var byName: [String: QualifiedTableName] = [:]
        for replica in replicas {
            if let database = innodbName(replica.database), let table = innodbName(replica.table) { byName[database + "/" + table] = replica }
        }
        guard !byName.isEmpty else { return [:] }
        do throws(MariaDBError) {
            let view = connection.flavor.innodbTablesView
            let result = try connection.query("SELECT NAME, TABLE_ID FROM information_schema.\(view) WHERE NAME IN ("
                + byName.keys.sorted().map(SQLLiteral.quotedString).joined(separator: ", ") + ")")
            var ids: [QualifiedTableName: String] = [:]
            for row in result.rows.indices {
                if let name = result.string(row, 0), let replica = byName[name], let id = result.string(row, 1) { ids[replica] = id }
            }
            return ids
        } catch {
            return [:]
        }
    }

    /// A name as InnoDB's dictionary spells it: ASCII letters, digits and `_` as they are, other ASCII
    /// characters as `@00xx`; nil for anything else.
    private static func innodbName(_ name: String) -> String? {
        var encoded = ""
        for scalar in name.unicodeScalars {
            guard scalar.isASCII else { return nil }
            let character = Character(scalar)
            if character.isLetter || character.isNumber || character == "_" {
                encoded.append(character)
            } else {
                encoded += "@" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            }
        }
        return encoded
    }

    /// `SHOW CREATE TABLE`'s text; nil when there is no such table.
    static func definition(of replica: String, on connection: MariaDBConnection) throws(MariaDBError) -> String? {
        try ReplicaTableDefinition.showCreateTable(replica, on: connection)
    }
}
