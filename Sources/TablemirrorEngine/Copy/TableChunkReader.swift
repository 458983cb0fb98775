import BinlogDecoding
import MariaDBClient

/// Reads a table's next chunk from a consistent snapshot of the source, each chunk from its own snapshot at
/// its own exact binlog position, and builds the statements that put it in place in a target.
struct TableChunkReader {
    /// Rows per chunk; a table without a primary key is copied as one chunk.
    static let chunkRows = 2_000

    let route: ReplicationPlan.Route
    let format: SnapshotRowFormat
    let target: String

    init(route: ReplicationPlan.Route, target: String, source: MariaDBConnection) throws {
        self.route = route
        self.target = target
        format = try SnapshotRowFormat.read(route.source, from: source)
    }

    private var keyColumns: [String] { route.apply.keyColumns.map { SQLLiteral.identifier(format.columns[$0]) } }

    /// The chunk after `lastKey` (from the start when nil), and the key of its last row.
    func next(after lastKey: [String]?, estimatedRows: Int?, source: MariaDBConnection) throws -> (TableChunk, [String]?) {
        let keyed = !route.apply.keyColumns.isEmpty
        var conditions: [String] = []
        if let filter = route.rowFilter { conditions.append("(\(filter))") }
        if let lastKey, keyed { conditions.append(Self.after(keyColumns, lastKey)) }
        var select = "SELECT \(format.selectList) FROM \(SQLLiteral.identifier(route.source.database)).\(SQLLiteral.identifier(route.source.table))"
        if !conditions.isEmpty { select += " WHERE " + conditions.joined(separator: " AND ") }
        if keyed { select += " ORDER BY \(keyColumns.joined(separator: ", ")) LIMIT \(Self.chunkRows)" }

        try source.execute("SET SESSION time_zone = '+00:00'")
        let snapshot = try ConsistentSnapshot.begin(on: source)
        let rows: QueryResult
        do {
            rows = try source.query(select)
            try source.execute("COMMIT")
        } catch {
            try? source.execute("ROLLBACK")
            throw error
        }

        let isLast = !keyed || rows.rows.count < Self.chunkRows
        let newLastKey = rows.rows.last.map { row in
            route.apply.keyColumns.map { index in
                var literal = ""
                format.render(row[index], column: index, into: &literal)
                return literal
            }
        } ?? lastKey
        var statements = [replaceRange(after: keyed ? lastKey : nil, upTo: isLast ? nil : newLastKey)]
        if !rows.rows.isEmpty {
            var insert = "REPLACE INTO \(route.apply.qualifiedName) \(format.columnList) VALUES "
            for (index, row) in rows.rows.enumerated() {
                if index > 0 { insert += ", " }
                format.renderRow(row, into: &insert)
            }
            statements.append(insert)
        }
        statements.append(CopyProgressStore.chunkStatement(target: target, source: route.source, lastKey: newLastKey,
                                                           rows: rows.rows.count, isLast: isLast, estimatedRows: estimatedRows))
        let chunk = TableChunk(source: route.source, position: snapshot.position, statements: statements,
                               rowCount: rows.rows.count, isLast: isLast)
        return (chunk, newLastKey)
    }

    /// Deletes the replica's rows in the chunk's key range, which the chunk's rows then replace.
    private func replaceRange(after lastKey: [String]?, upTo endKey: [String]?) -> String {
        var conditions: [String] = []
        if let lastKey { conditions.append(Self.after(keyColumns, lastKey)) }
        if let endKey { conditions.append("NOT " + Self.after(keyColumns, endKey)) }
        let condition = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return "DELETE FROM \(route.apply.qualifiedName)\(condition)"
    }

    /// `key > values` in key order, spelled out (`a > x OR (a = x AND b > y)`) so the server uses a range scan.
    static func after(_ columns: [String], _ values: [String]) -> String {
        let alternatives = columns.indices.map { last in
            (0..<last).map { "\(columns[$0]) = \(values[$0])" } + ["\(columns[last]) > \(values[last])"]
        }
        return "(" + alternatives.map { "(" + $0.joined(separator: " AND ") + ")" }.joined(separator: " OR ") + ")"
    }
}
