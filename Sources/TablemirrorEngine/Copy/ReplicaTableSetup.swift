import BinlogDecoding
import MariaDBClient

/// Creates a replica table in a target with its source table's structure, guarded read-only.
enum ReplicaTableSetup {
    /// Replaces any table of that name in the target with an empty one shaped like the source's.
    static func create(_ route: ReplicationPlan.Route, source: MariaDBConnection, target: MariaDBConnection,
                       writer: String) throws {
        let sourceName = SQLLiteral.identifier(route.source.database) + "." + SQLLiteral.identifier(route.source.table)
        guard let create = try source.query("SHOW CREATE TABLE \(sourceName)").string(0, 1) else {
            throw EngineError.invalidArgument("cannot read the structure of \(route.source)")
        }
        try target.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(route.apply.database))")
        try ReadOnlyGuard.removeTruncateGuard(on: target, database: route.apply.database, table: route.apply.table)
        try target.execute("DROP TABLE IF EXISTS \(route.apply.qualifiedName)")
        try target.execute(try ReplicaTableDefinition.createStatement(showCreateTable: create, database: route.apply.database,
                                                                      table: route.apply.table))
        try ReadOnlyGuard.install(on: target, database: route.apply.database, table: route.apply.table, writer: writer)
    }

    /// Whether the target has the replica table.
    static func exists(_ route: ReplicationPlan.Route, in target: MariaDBConnection) throws -> Bool {
        !(try target.query("""
            SELECT 1 FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(route.apply.database)) AND TABLE_NAME = \(SQLLiteral.quotedString(route.apply.table))
            """).rows.isEmpty)
    }
}
