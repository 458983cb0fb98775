import BinlogDecoding
import Logging
import MariaDBClient

/// Fills a target's replica tables from one consistent snapshot of the source and returns the snapshot's
/// position, from which the stream continues. Replica tables are created anew from the source's structure.
enum InitialCopy {
    static let rowsPerStatement = 1_000

    static func run(routes: [ReplicationPlan.Route], source: MariaDBConnection, target: MariaDBConnection,
                    snapshot method: ConsistentSnapshot.Method, logger: Logger, target name: String) throws -> ConsistentSnapshot {
        // TIMESTAMPs are read and written as UTC text (the applier's session is UTC too).
        try source.execute("SET SESSION time_zone = '+00:00'")
        let snapshot = try ConsistentSnapshot.begin(on: source, tables: Array(Set(routes.map(\.source))).sorted { $0.description < $1.description },
                                                    method: method)
        if let held = snapshot.lockHeldSeconds {
            logger.info("initial copy into \(name): \(routes.count) tables locked \(String(format: "%.1f", held * 1000)) ms for the snapshot")
        }
        defer { try? source.execute("COMMIT") }
        for route in routes.sorted(by: { $0.source.description < $1.source.description }) {
            try ReplicaTableSetup.create(route, source: source, target: target, targetName: name)
            var progress = ProgressReport(total: try TableSize.estimatedRows(route.source, on: source))
            let label = "initial copy of \(route.source) into \(name):\(route.apply.database).\(route.apply.table)"
            let rows = try copyRows(of: route, source: source, target: target) { rows in
                if let line = progress.line(rows: rows, finished: false) { logger.info("\(label): \(line)") }
            }
            if let line = progress.line(rows: rows, finished: true) { logger.info("\(label): \(line)") }
        }
        return snapshot
    }

    /// Copies the rows; returns how many.
    private static func copyRows(of route: ReplicationPlan.Route, source: MariaDBConnection, target: MariaDBConnection,
                                 progress: (Int) -> Void) throws -> Int {
        let sourceName = SQLLiteral.identifier(route.source.database) + "." + SQLLiteral.identifier(route.source.table)
        let format = try SnapshotRowFormat.read(route.source, from: source)
        let prefix = "INSERT INTO \(route.apply.qualifiedName) \(format.columnList) VALUES "
        var statement = prefix
        var rows = 0, copied = 0
        let filter = route.rowFilter.map { " WHERE \($0)" } ?? ""
        try source.streamRows("SELECT \(format.selectList) FROM \(sourceName)\(filter)") { cells in
            if rows > 0 { statement += ", " }
            format.renderRow(cells, into: &statement)
            rows += 1
            if rows == rowsPerStatement || statement.utf8.count >= RowChangeSQL.statementSizeLimit {
                try target.execute(statement)
                statement = prefix
                copied += rows
                rows = 0
                progress(copied)
            }
            return true
        }
        if rows > 0 { try target.execute(statement) }
        return copied + rows
    }
}
