import BinlogDecoding
import Foundation
import MariaDBClient

/// Compares one source table with one replica without locking either: both are walked in chunks of the primary
/// key, each chunk summarised on each side by a row count and an order-independent 64-bit checksum; only
/// chunks that differ are read row by row (key and row hash) to name the rows. A row that differs is read
/// again after the target has caught up with the source, a few times: a change still in flight is not drift.
struct TableVerifier {
    static let chunkRows = 5_000
    /// Reads of a differing row before it is reported.
    static let rechecks = 3

    let route: ReplicationPlan.Route
    let targetName: String
    let format: SnapshotRowFormat
    let source: MariaDBConnection
    let target: MariaDBConnection
    /// How long to wait for the target to catch up before a re-check.
    var catchUpSeconds: Double = 30

    init(route: ReplicationPlan.Route, targetName: String, source: MariaDBConnection, target: MariaDBConnection) throws {
        self.route = route
        self.targetName = targetName
        self.source = source
        self.target = target
        format = try SnapshotRowFormat.read(route.source, from: source)
        for connection in [source, target] { try connection.execute("SET SESSION time_zone = '+00:00'") }
    }

    private var keyColumns: [String] { route.apply.keyColumns.map { SQLLiteral.identifier(format.columns[$0]) } }
    private var sourceTable: String { SQLLiteral.identifier(route.source.database) + "." + SQLLiteral.identifier(route.source.table) }

    func run() throws -> TableComparison {
        var comparison = TableComparison(target: targetName, source: route.source,
                                         replica: QualifiedTableName(database: route.apply.database, table: route.apply.table),
                                         keyColumns: route.apply.keyColumns.map { format.columns[$0] })
        guard !route.apply.keyColumns.isEmpty else { return try compareWhole(comparison) }
        var lower: [String]? = nil
        var suspects = RowDifferences()
        while true {
            let upper = try chunkEnd(after: lower)
            let range = KeyRange.between(keyColumns, after: lower, upTo: upper)
            let (sourceSummary, replicaSummary) = (try summary(sourceTable, range, filtered: true, on: source),
                                                   try summary(route.apply.qualifiedName, range, filtered: false, on: target))
            comparison.chunks += 1
            comparison.sourceRows += sourceSummary.rows
            if sourceSummary != replicaSummary {
                suspects.merge(try compareRows(range).differences)
            }
            guard let upper else { break }
            lower = upper
        }
        (comparison.differences, comparison.unsettledRows) = try recheck(suspects)
        return comparison
    }

    /// The key that ends the chunk after `lower`, or nil when the rest of the table fits in one chunk.
    private func chunkEnd(after lower: [String]?) throws -> [String]? {
        var conditions: [String] = []
        if let filter = route.rowFilter { conditions.append("(\(filter))") }
        if let lower { conditions.append(KeyRange.after(keyColumns, lower)) }
        let result = try source.query("""
            SELECT \(keyColumns.joined(separator: ", ")) FROM \(sourceTable)\(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            ORDER BY \(keyColumns.joined(separator: ", ")) LIMIT 1 OFFSET \(Self.chunkRows - 1)
            """)
        guard let row = result.rows.first else { return nil }
        return route.apply.keyColumns.indices.map { literal(row[$0], column: route.apply.keyColumns[$0]) }
    }

    private struct Summary: Equatable {
        var rows: Int
        var checksum: String
    }

    private func summary(_ table: String, _ range: String?, filtered: Bool, on connection: MariaDBConnection) throws -> Summary {
        let result = try connection.query("SELECT COUNT(*), COALESCE(BIT_XOR(\(format.rowHash)), 0) FROM \(table)\(whereClause(range, filtered: filtered))")
        return Summary(rows: result.string(0, 0).flatMap { Int($0) } ?? 0, checksum: result.string(0, 1) ?? "")
    }

    private func whereClause(_ condition: String?, filtered: Bool) -> String {
        var conditions: [String] = []
        if filtered, let filter = route.rowFilter { conditions.append("(\(filter))") }
        if let condition { conditions.append(condition) }
        return conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }

    /// Keys and row hashes of both sides where `condition` holds, compared.
    /// The differing rows where `condition` holds, and the source's row hashes there (for the re-checks).
    private func compareRows(_ condition: String?) throws -> (differences: RowDifferences, source: [[String]: String]) {
        let select = "SELECT \(keyColumns.joined(separator: ", ")), \(format.rowHash) FROM "
        let order = " ORDER BY \(keyColumns.joined(separator: ", "))"
        let left = try hashes(source.query(select + sourceTable + whereClause(condition, filtered: true) + order))
        let right = try hashes(target.query(select + route.apply.qualifiedName + whereClause(condition, filtered: false) + order))
        var differences = RowDifferences()
        for (key, hash) in left {
            if let other = right[key] {
                if other != hash { differences.different.append(key) }
            } else {
                differences.onlyInSource.append(key)
            }
        }
        differences.onlyInReplica = right.keys.filter { left[$0] == nil }
        return (differences, left)
    }

    private func hashes(_ result: QueryResult) -> [[String]: String] {
        var hashes: [[String]: String] = [:]
        let width = route.apply.keyColumns.count
        for row in result.rows {
            let key = (0..<width).map { literal(row[$0], column: route.apply.keyColumns[$0]) }
            hashes[key] = row[width].map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        return hashes
    }

    /// Reads the differing rows again once the target has caught up with the source. A row fixed by a change
    /// in flight drops out. A row still different is drift if the source's row stood still between two
    /// re-checks; one the source keeps changing is re-checked again, up to `maximumRechecks` times, and then
    /// counted as too busy to compare rather than reported (its next change rewrites the replica's row anyway).
    private func recheck(_ suspects: RowDifferences) throws -> (drift: RowDifferences, unsettled: Int) {
        var remaining = suspects
        var previous: [[String]: String?] = [:]
        var settled = Set<[String]>()
        for round in 0..<Self.maximumRechecks where !remaining.isEmpty {
            try waitForTargetToCatchUp()
            let (differences, sourceHashes) = try compareRows(KeyRange.among(keyColumns, remaining.allKeys))
            settled = Set(differences.allKeys.filter { key in
                guard let before = previous[key] else { return false }
                return before == sourceHashes[key]
            })
            remaining = differences
            previous = Dictionary(uniqueKeysWithValues: differences.allKeys.map { ($0, sourceHashes[$0]) })
            if round + 1 >= Self.rechecks && remaining.allKeys.allSatisfy(settled.contains) { break }
        }
        var drift = remaining
        drift.onlyInSource.removeAll { !settled.contains($0) }
        drift.onlyInReplica.removeAll { !settled.contains($0) }
        drift.different.removeAll { !settled.contains($0) }
        return (drift.sorted(), remaining.count - drift.count)
    }

    /// Re-checks of a row whose source row keeps changing.
    static let maximumRechecks = 10

    /// Waits until the target's checkpoint reaches the source's head as of now; a target too far behind
    /// cannot be verified (its differences would be mostly lag), which is an error rather than drift.
    private func waitForTargetToCatchUp() throws {
        let head = try SourceHead.read(source)
        let deadline = Date().addingTimeInterval(catchUpSeconds)
        while Date() < deadline {
            if let checkpoint = try CheckpointStore.read(target: targetName, from: target), !checkpoint.position.isBefore(head.position) {
                return
            }
            usleep(100_000)
        }
        throw EngineError.invalidArgument(
            "target \(targetName) did not reach the source's position \(head.position) within \(Int(catchUpSeconds)) s: verify it once it has caught up (is the daemon running?)")
    }

    /// A table without a key: compared whole, as multisets of row hashes (a row's "key" is its hash).
    private func compareWhole(_ base: TableComparison) throws -> TableComparison {
        var comparison = base
        comparison.chunks = 1
        var differences = RowDifferences()
        for attempt in 0..<Self.rechecks {
            if attempt > 0 { try waitForTargetToCatchUp() }
            let left = try source.query("SELECT \(format.rowHash) FROM \(sourceTable)\(whereClause(nil, filtered: true))").rows
            let right = try target.query("SELECT \(format.rowHash) FROM \(route.apply.qualifiedName)").rows
            comparison.sourceRows = left.count
            var counts: [String: Int] = [:]
            for row in left { counts[row[0].map { String(decoding: $0, as: UTF8.self) } ?? "", default: 0] += 1 }
            for row in right { counts[row[0].map { String(decoding: $0, as: UTF8.self) } ?? "", default: 0] -= 1 }
            differences = RowDifferences()
            for (hash, count) in counts where count != 0 {
                for _ in 0..<abs(count) {
                    if count > 0 { differences.onlyInSource.append(["row hash \(hash)"]) } else { differences.onlyInReplica.append(["row hash \(hash)"]) }
                }
            }
            if differences.isEmpty { break }
        }
        comparison.differences = differences.sorted()
        return comparison
    }

    private func literal(_ cell: QueryResult.Cell, column: Int) -> String {
        var text = ""
        format.render(cell, column: column, into: &text)
        return text
    }
}
