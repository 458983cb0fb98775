import BinlogDecoding
import MariaDBClient

/// Reads a table's next chunk from a consistent snapshot of the source, each chunk from its own snapshot at
/// its own exact binlog position, and builds the statements that put it in place in a target. The table's
/// columns and key are read inside each snapshot too, so a chunk always has the structure the table had at its
/// position, however the table changes while it is copied.
struct TableChunkReader {
    /// Rows per chunk; a table without a primary key is copied as one chunk.
    static let chunkRows = 2_000

    var route: ReplicationPlan.Route
    let target: String

    /// The chunk after `lastKey` (from the start when nil), and the key of its last row. With `recreate`, the
    /// chunk also carries the table's definition, to rebuild the replica before the rows.
    func next(after lastKey: [String]?, estimatedRows: Int?, generation: String, recreate: Bool,
              source: MariaDBConnection) throws -> (TableChunk, [String]?) {
        try read(source: source, recreate: recreate) { format in
            let keyed = !format.keyColumns.isEmpty
            // A key that changed shape (a new primary key) starts the copy over.
            let after = lastKey?.count == format.keyColumns.count ? lastKey : nil
            var select = selectRows(format, after.flatMap { keyed ? KeyRange.after(keyNames(format), $0) : nil })
            if keyed { select += " ORDER BY \(keyNames(format).joined(separator: ", ")) LIMIT \(Self.chunkRows)" }
            let rows = try source.query(select)
            let isLast = !keyed || rows.rows.count < Self.chunkRows
            let newLastKey = rows.rows.last.map { row in
                format.keyColumns.map { index in
                    var literal = ""
                    format.render(row[index], column: index, into: &literal)
                    return literal
                }
            } ?? after
            let range = KeyRange.between(keyNames(format), after: keyed ? after : nil, upTo: isLast ? nil : newLastKey)
            let statements = replace(range, with: rows, format: format) + [
                CopyProgressStore.chunkStatement(target: target, source: route.source, generation: generation, lastKey: newLastKey,
                                                 rows: rows.rows.count, isLast: isLast, estimatedRows: estimatedRows)]
            return (statements, rows.rows.count, isLast, newLastKey)
        }
    }

    /// A repair: the rows with these keys as the source has them (absent ones deleted), as one chunk.
    func rows(withKeys keys: [[String]], generation: String, source: MariaDBConnection) throws -> TableChunk {
        try read(source: source, recreate: false) { format in
            guard !format.keyColumns.isEmpty, keys.allSatisfy({ $0.count == format.keyColumns.count }) else {
                throw EngineError.invalidArgument("\(route.source) has no primary key of that shape: rows cannot be repaired one by one; resync it")
            }
            let among = KeyRange.among(keyNames(format), keys)
            let rows = try source.query(selectRows(format, among))
            let statements = replace(among, with: rows, format: format) + [
                CopyProgressStore.chunkStatement(target: target, source: route.source, generation: generation, lastKey: nil,
                                                 rows: rows.rows.count, isLast: true, estimatedRows: keys.count)]
            return (statements, rows.rows.count, true, nil)
        }.0
    }

    private func keyNames(_ format: SnapshotRowFormat) -> [String] {
        format.keyColumns.map { SQLLiteral.identifier(format.columns[$0]) }
    }

    private func selectRows(_ format: SnapshotRowFormat, _ condition: String?) -> String {
        var conditions: [String] = []
        if let filter = route.rowFilter { conditions.append("(\(filter))") }
        if let condition { conditions.append(condition) }
        let select = "SELECT \(format.selectList) FROM \(route.source.quoted)"
        return conditions.isEmpty ? select : select + " WHERE " + conditions.joined(separator: " AND ")
    }

    /// Reads through a fresh consistent snapshot: the structure, then the rows, exactly as of its binlog
    /// position. A table changed after the snapshot began refuses the read (ER_TABLE_DEF_CHANGED); once read,
    /// the snapshot's metadata lock keeps it unchanged until COMMIT, so structure and rows agree.
    private func read(source: MariaDBConnection, recreate: Bool,
                      _ body: (SnapshotRowFormat) throws -> (statements: [String], rows: Int, isLast: Bool, lastKey: [String]?))
        throws -> (TableChunk, [String]?) {
        try source.execute("SET SESSION time_zone = '+00:00'")
        let snapshot = try ConsistentSnapshot.begin(on: source)
        do {
            let format = try SnapshotRowFormat.read(route.source, from: source)
            let (statements, rows, isLast, lastKey) = try body(format)
            var recreated: TableChunk.RecreatedTable?
            if recreate {
                guard let definition = try ReplicaTableDefinition.showCreateTable(route.source.quoted, on: source),
                      let structure = try SchemaHintLoader.load(route.source, from: source) else {
                    throw EngineError.invalidArgument("cannot read the structure of \(route.source)")
                }
                recreated = TableChunk.RecreatedTable(
                    createStatement: try ReplicaTableDefinition.createStatement(showCreateTable: definition, database: route.apply.database,
                                                                                table: route.apply.table),
                    structure: structure)
            }
            try source.execute("COMMIT")
            let chunk = TableChunk(source: route.source, position: snapshot.position, gtid: snapshot.gtidPosition, statements: statements,
                                   rowCount: rows, isLast: isLast, recreated: recreated)
            return (chunk, lastKey)
        } catch {
            try? source.execute("ROLLBACK")
            throw error
        }
    }

    /// Deletes the replica's rows matching `condition` (all when nil) and inserts `rows` in their place.
    private func replace(_ condition: String?, with rows: QueryResult, format: SnapshotRowFormat) -> [String] {
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
