import BinlogDecoding
import MariaDBClient

/// Creates a replica table in a target with its source table's structure, guarded read-only.
enum ReplicaTableSetup {
    /// Replaces the replica (a table tablemirror made, if one is there) with an empty one shaped like the source's,
    /// recorded as tablemirror's. A table of that name that tablemirror did not make is refused, never dropped.
    static func create(_ route: ReplicationPlan.Route, source: MariaDBConnection, target: MariaDBConnection,
                       targetName: String) throws {
        let sourceName = SQLLiteral.identifier(route.source.database) + "." + SQLLiteral.identifier(route.source.table)
        guard let create = try ReplicaTableDefinition.showCreateTable(sourceName, on: source) else {
            throw EngineError.invalidArgument("cannot read the structure of \(route.source)")
        }
        try target.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(route.apply.database))")
        guard try ReplicaRegistry.ownership(of: route.apply.replica, target: targetName, on: target) != .foreign else {
            throw EngineError.invalidArgument("\(route.apply.replica) in target \(targetName) is not a table tablemirror made; not replacing it")
        }
        // Built before anything is dropped: a definition a replica may not have leaves the target as it was.
        let statement = try ReplicaTableDefinition.createStatement(showCreateTable: create, database: route.apply.database,
                                                                   table: route.apply.table, dialect: MySQLDialect.between(sourceIsMariaDB: source.isMariaDB, target: ServerVersion(target.serverVersion)))
        try ReplicaRegistry.claim(target: targetName, replica: route.apply.replica, on: target)
        try ReadOnlyGuard.removeTruncateGuard(on: target, database: route.apply.database, table: route.apply.table)
        try target.execute("DROP TABLE IF EXISTS \(route.apply.qualifiedName)")
        try target.executeAlone(statement)
        try ReplicaRegistry.record(target: targetName, replicas: [route.apply.replica], on: target)
        try ReadOnlyGuard.install(on: target, database: route.apply.database, table: route.apply.table)
    }

    /// Whether the target has the replica table.
    static func exists(_ route: ReplicationPlan.Route, in target: MariaDBConnection) throws -> Bool {
        try exists(route.apply.replica, in: target)
    }

    static func exists(_ table: QualifiedTableName, in target: MariaDBConnection) throws -> Bool {
        !(try target.query("""
            SELECT 1 FROM information_schema.TABLES
            WHERE BINARY TABLE_SCHEMA = BINARY \(SQLLiteral.quotedString(table.database))
              AND BINARY TABLE_NAME = BINARY \(SQLLiteral.quotedString(table.table))
            """).rows.isEmpty)
    }
}
