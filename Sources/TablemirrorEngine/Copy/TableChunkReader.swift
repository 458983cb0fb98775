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

    var keyColumns: [String] { route.apply.keyColumns.map { SQLLiteral.identifier(format.columns[$0]) } }

    /// The chunk after `lastKey` (from the start when nil), and the key of its last row.
    func next(after lastKey: [String]?, estimatedRows: Int?, generation: String,
              source: MariaDBConnection) throws -> (TableChunk, [String]?) {
        let keyed = !route.apply.keyColumns.isEmpty
        var select = selectRows(lastKey.flatMap { keyed ? KeyRange.after(keyColumns, $0) : nil })
        if keyed { select += " ORDER BY \(keyColumns.joined(separator: ", ")) LIMIT \(Self.chunkRows)" }
        let (snapshot, rows) = try read(select, source: source)
        let isLast = !keyed || rows.rows.count < Self.chunkRows
        let newLastKey = rows.rows.last.map { row in
            route.apply.keyColumns.map { index in
                var literal = ""
                format.render(row[index], column: index, into: &literal)
                return literal
            }
        } ?? lastKey
        let range = KeyRange.between(keyColumns, after: keyed ? lastKey : nil, upTo: isLast ? nil : newLastKey)
        let statements = replace(range, with: rows) + [
            CopyProgressStore.chunkStatement(target: target, source: route.source, generation: generation, lastKey: newLastKey,
                                             rows: rows.rows.count, isLast: isLast, estimatedRows: estimatedRows)]
        let chunk = TableChunk(source: route.source, position: snapshot.position, statements: statements,
                               rowCount: rows.rows.count, isLast: isLast)
        return (chunk, newLastKey)
    }

    /// A repair: the rows with these keys as the source has them (absent ones deleted), as one chunk.
    func rows(withKeys keys: [[String]], generation: String, source: MariaDBConnection) throws -> TableChunk {
        guard !route.apply.keyColumns.isEmpty else {
            throw EngineError.invalidArgument("\(route.source) has no primary key: rows cannot be repaired one by one; resync it")
        }
        let among = KeyRange.among(keyColumns, keys)
        let (snapshot, rows) = try read(selectRows(among), source: source)
        let statements = replace(among, with: rows) + [
            CopyProgressStore.chunkStatement(target: target, source: route.source, generation: generation, lastKey: nil,
                                             rows: rows.rows.count, isLast: true, estimatedRows: keys.count)]
        return TableChunk(source: route.source, position: snapshot.position, statements: statements, rowCount: rows.rows.count,
                          isLast: true)
    }

    private func selectRows(_ condition: String?) -> String {
        var conditions: [String] = []
        if let filter = route.rowFilter { conditions.append("(\(filter))") }
        if let condition { conditions.append(condition) }
        let select = "SELECT \(format.selectList) FROM \(SQLLiteral.identifier(route.source.database)).\(SQLLiteral.identifier(route.source.table))"
        return conditions.isEmpty ? select : select + " WHERE " + conditions.joined(separator: " AND ")
    }

    /// Reads through a fresh consistent snapshot: the rows exactly as of its binlog position.
    private func read(_ select: String, source: MariaDBConnection) throws -> (ConsistentSnapshot, QueryResult) {
        try source.execute("SET SESSION time_zone = '+00:00'")
        let snapshot = try ConsistentSnapshot.begin(on: source)
        do {
            let rows = try source.query(select)
            try source.execute("COMMIT")
            return (snapshot, rows)
        } catch {
            try? source.execute("ROLLBACK")
            throw error
        }
    }

    /// Deletes the replica's rows matching `condition` (all when nil) and inserts `rows` in their place.
    private func replace(_ condition: String?, with rows: QueryResult) -> [String] {
        var statements = ["DELETE FROM \(route.apply.qualifiedName)" + (condition.map { " WHERE " + $0 } ?? "")]
        // Statements stop near RowChangeSQL.statementSizeLimit, however wide the rows.
        var insert = ""
        for row in rows.rows {
            if insert.isEmpty {
                insert = "REPLACE INTO \(route.apply.qualifiedName) \(format.columnList) VALUES "
            } else {
                insert += ", "
            }
            format.renderRow(row, into: &insert)
            if insert.utf8.count >= RowChangeSQL.statementSizeLimit {
                statements.append(insert)
                insert = ""
            }
        }
        if !insert.isEmpty { statements.append(insert) }
        return statements
    }
}
