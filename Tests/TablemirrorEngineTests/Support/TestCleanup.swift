import MariaDBClient
@testable import TablemirrorEngine

/// Removes a test's databases and what tablemirror kept about its targets. Replica databases go after their
/// TRUNCATE guards (whose foreign keys would refuse the drop).
func removeTestDatabases(_ connection: MariaDBConnection, source: String, replicas: [String], targets: [String]) {
    for database in replicas {
        let guards = try? connection.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '_tablemirror' AND TABLE_NAME LIKE 'guard\\_\(database)\\_%'")
        for row in guards?.rows.indices ?? 0..<0 {
            if let name = guards?.string(row, 0) { _ = try? connection.execute("DROP TABLE _tablemirror.`\(name)`") }
        }
    }
    for database in [source] + replicas { _ = try? connection.execute("DROP DATABASE IF EXISTS \(database)") }
    let names = targets.map(SQLLiteral.quotedString).joined(separator: ", ")
    for table in ["checkpoint", "copy", "schema_history", "schema_change", "table_activity", "replica"] {
        _ = try? connection.execute("DELETE FROM _tablemirror.\(table) WHERE target IN (\(names))")
    }
}
