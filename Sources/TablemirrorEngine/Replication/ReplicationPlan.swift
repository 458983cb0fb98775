import BinlogDecoding
import MariaDBClient

/// The configuration resolved against the source: for every target, which source tables land where, and
/// how their rows are identified (primary key columns).
public struct ReplicationPlan: Sendable {
    public struct Route: Sendable, Equatable {
        public var source: QualifiedTableName
        public var apply: TableApplyPlan
        /// Only source rows for which this SQL condition holds are in this replica.
        public var rowFilter: String?
        /// What a change that the target refuses (a permanent error) does: stop the target, or go to its dead letters.
        public var onError: Configuration.ErrorPolicy = .stop
    }

    public struct TargetPlan: Sendable {
        public var target: Configuration.Target
        public var routes: [QualifiedTableName: Route]
    }

    public var targets: [TargetPlan]

    /// Mapped source tables without a primary key (replicated by matching whole rows).
    public var tablesWithoutKey: [QualifiedTableName] {
        Set(targets.flatMap { $0.routes.values.filter { $0.apply.keyColumns.isEmpty }.map(\.source) })
            .sorted { $0.description < $1.description }
    }

    /// Lists the source's tables, matches them against the mappings, and reads each table's key.
    public static func resolve(_ configuration: Configuration, source: MariaDBConnection) throws -> ReplicationPlan {
        let tables = try source.query("""
            SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
            WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
            ORDER BY TABLE_SCHEMA, TABLE_NAME
            """)
        var targets = configuration.targets.map { TargetPlan(target: $0, routes: [:]) }
        for row in tables.rows.indices {
            guard let database = tables.string(row, 0), let table = tables.string(row, 1) else { continue }
            let name = QualifiedTableName(database: database, table: table)
            let mappings = configuration.mappings.filter { $0.source.matches(database: database, table: table) }
            guard !mappings.isEmpty else { continue }
            let key = try SchemaHintLoader.load(name, from: source)?.primaryKey ?? []
            for mapping in mappings {
                for destination in mapping.destinations {
                    guard let index = targets.firstIndex(where: { $0.target.name == destination.target }),
                          targets[index].routes[name] == nil else { continue }  // the first matching mapping wins
                    let apply = TableApplyPlan(database: destination.database ?? targets[index].target.database,
                                               table: destination.table ?? table, keyColumns: key)
                    targets[index].routes[name] = Route(source: name, apply: apply, rowFilter: mapping.rowFilter,
                                                            onError: mapping.onError)
                }
            }
        }
        return ReplicationPlan(targets: targets)
    }
}
