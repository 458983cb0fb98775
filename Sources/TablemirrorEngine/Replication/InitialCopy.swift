import BinlogDecoding
import MariaDBClient

/// Fills a target's replica tables from one consistent snapshot of the source and returns the snapshot's
/// position, from which the stream continues. Replica tables are created anew from the source's structure.
enum InitialCopy {
    static let rowsPerStatement = 1_000

    static func run(routes: [ReplicationPlan.Route], source: MariaDBConnection, target: MariaDBConnection,
                    writer: String) throws -> ConsistentSnapshot {
        let snapshot = try ConsistentSnapshot.begin(on: source)
        defer { try? source.execute("COMMIT") }
        for route in routes.sorted(by: { $0.source.description < $1.source.description }) {
            let sourceName = SQLLiteral.identifier(route.source.database) + "." + SQLLiteral.identifier(route.source.table)
            guard let create = try source.query("SHOW CREATE TABLE \(sourceName)").string(0, 1) else {
                throw EngineError.invalidArgument("cannot read the structure of \(route.source)")
            }
            try target.execute("CREATE DATABASE IF NOT EXISTS \(SQLLiteral.identifier(route.apply.database))")
            try ReadOnlyGuard.removeTruncateGuard(on: target, database: route.apply.database, table: route.apply.table)
            try target.execute("DROP TABLE IF EXISTS \(route.apply.qualifiedName)")
            try target.execute(try ReplicaTableDefinition.createStatement(showCreateTable: create, database: route.apply.database,
                                                                          table: route.apply.table))
            try copyRows(of: route, from: sourceName, source: source, target: target)
            try ReadOnlyGuard.install(on: target, database: route.apply.database, table: route.apply.table, writer: writer)
        }
        return snapshot
    }

    private static func copyRows(of route: ReplicationPlan.Route, from sourceName: String, source: MariaDBConnection,
                                 target: MariaDBConnection) throws {
        let binaryColumns = try binaryColumnFlags(route.source, source: source)
        let columns = try source.query("SELECT * FROM \(sourceName) LIMIT 0").columns.map(SQLLiteral.identifier)
        let prefix = "INSERT INTO \(route.apply.qualifiedName) (\(columns.joined(separator: ", "))) VALUES "
        var statement = prefix
        var rows = 0
        let filter = route.rowFilter.map { " WHERE \($0)" } ?? ""
        try source.streamRows("SELECT * FROM \(sourceName)\(filter)") { cells in
            if rows > 0 { statement += ", " }
            statement += "("
            for (index, cell) in cells.enumerated() {
                if index > 0 { statement += ", " }
                guard let cell else { statement += "NULL"; continue }
                if index < binaryColumns.count && binaryColumns[index] {
                    SQLLiteral.hex(cell, into: &statement)
                } else {
                    SQLLiteral.quoted(String(decoding: cell, as: UTF8.self), into: &statement)
                }
            }
            statement += ")"
            rows += 1
            if rows == rowsPerStatement {
                try target.execute(statement)
                statement = prefix
                rows = 0
            }
            return true
        }
        if rows > 0 { try target.execute(statement) }
    }

    /// Columns whose values are bytes rather than text: written back as hex literals.
    private static func binaryColumnFlags(_ table: QualifiedTableName, source: MariaDBConnection) throws -> [Bool] {
        let result = try source.query("""
            SELECT DATA_TYPE, CHARACTER_SET_NAME FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(table.database)) AND TABLE_NAME = \(SQLLiteral.quotedString(table.table))
            ORDER BY ORDINAL_POSITION
            """)
        let binaryTypes: Set<String> = ["binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit", "geometry",
                                        "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                                        "geometrycollection"]
        return result.rows.indices.map { binaryTypes.contains((result.string($0, 0) ?? "").lowercased()) }
    }
}
