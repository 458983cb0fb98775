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
        /// How this target's copies take their snapshots (`source.snapshot`).
        public var snapshot: ConsistentSnapshot.Method = .auto
    }

    public var targets: [TargetPlan]

    /// Mapped source tables without a primary key (replicated by matching whole rows).
    public var tablesWithoutKey: [QualifiedTableName] {
        Set(targets.flatMap { $0.routes.values.filter { $0.apply.keyColumns.isEmpty }.map(\.source) })
            .sorted { $0.description < $1.description }
    }

    /// Mappings whose source matches no table yet (a name not created, a pattern with nothing under it):
    /// nothing is replicated for them until such a table is created, and then from its CREATE TABLE on.
    public var unmatchedMappings: [Configuration.Mapping] = []

    /// Lists the source's tables, matches them against the mappings, and reads each table's key.
    public static func resolve(_ configuration: Configuration, source: MariaDBConnection) throws -> ReplicationPlan {
        let tables = try sourceTables(source)
        var targets = configuration.targets.map { TargetPlan(target: $0, routes: [:], snapshot: configuration.source.snapshot) }
        for name in tables {
            guard configuration.mappings.contains(where: { $0.source.matches(database: name.database, table: name.table) }) else { continue }
            let key = try SchemaHintLoader.load(name, from: source)?.primaryKey ?? []
            for index in targets.indices {
                guard var route = route(for: name, target: targets[index].target, in: configuration) else { continue }
                route.apply.keyColumns = key
                targets[index].routes[name] = route
            }
        }
        return ReplicationPlan(targets: targets, unmatchedMappings: unmatched(configuration.mappings, among: tables))
    }

    /// The source's base tables, outside the server's own schemas.
    static func sourceTables(_ source: MariaDBConnection) throws -> [QualifiedTableName] {
        let tables = try source.query("""
            SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
            WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
            ORDER BY TABLE_SCHEMA, TABLE_NAME
            """)
        return tables.rows.indices.compactMap { row in
            guard let database = tables.string(row, 0), let table = tables.string(row, 1) else { return nil }
            return QualifiedTableName(database: database, table: table)
        }
    }

    static func unmatched(_ mappings: [Configuration.Mapping], among tables: [QualifiedTableName]) -> [Configuration.Mapping] {
        mappings.filter { mapping in !tables.contains { mapping.source.matches(database: $0.database, table: $0.table) } }
    }

    /// For `status`: each target's mappings that match no source table yet (their source names or patterns).
    public static func unmatchedSources(_ configuration: Configuration, source: MariaDBConnection) throws -> [String: [String]] {
        var byTarget: [String: [String]] = [:]
        for mapping in unmatched(configuration.mappings, among: try sourceTables(source)) {
            for destination in mapping.destinations { byTarget[destination.target, default: []].append(mapping.source.description) }
        }
        return byTarget
    }

    /// Where the first mapping that covers `table` and names `target` puts it there (its key columns unknown).
    public static func route(for table: QualifiedTableName, target: Configuration.Target, in configuration: Configuration) -> Route? {
        for mapping in configuration.mappings where mapping.source.matches(database: table.database, table: table.table) {
            guard let destination = mapping.destinations.first(where: { $0.target == target.name }) else { continue }
            let apply = TableApplyPlan(database: destination.database ?? target.database, table: destination.table ?? table.table,
                                       keyColumns: [])
            return Route(source: table, apply: apply, rowFilter: mapping.rowFilter, onError: mapping.onError)
        }
        return nil
    }
}
