import BinlogDecoding
import MariaDBClient

/// Reads a table's next chunk from a consistent snapshot of the source, each chunk from its own snapshot at
/// its own exact binlog position, and builds the statements that put it in place in a target. The table's
/// columns and key are read inside each snapshot too, so a chunk always has the structure the table had at its
/// position, however the table changes while it is copied. Chunks are bounded in rows and in bytes
/// (`ChunkSizing`); a table without a primary key is read whole from one snapshot, streamed in pieces of bounded
/// size (`streamWhole`).
struct TableChunkReader {
    /// Rows per chunk at most (fewer when rows are large).
    static let chunkRows = 2_000

    var route: ReplicationPlan.Route
    let target: String
    var sizing = ChunkSizing(maxRows: Self.chunkRows, bytes: MemoryBudget.chunkBytes)
    /// How each chunk's snapshot finds its binlog position.
    let snapshotMethod: ConsistentSnapshot.Method
    /// The target server's version: a rebuilt replica's definition from a MySQL source is translated for MariaDB.
    let targetVersion: ServerVersion

    init(route: ReplicationPlan.Route, target: String, snapshot: ConsistentSnapshot.Method = .auto,
         targetVersion: ServerVersion = ServerVersion("")) {
        self.route = route
        self.target = target
        snapshotMethod = snapshot
        self.targetVersion = targetVersion
    }

    /// A snapshot open on the source connection, with the table's columns as of its position and, for a rebuild,
    /// its definition. The table is open in it: its metadata lock keeps the table unchanged until `close`.
    struct OpenRead {
        var snapshot: ConsistentSnapshot
        var format: SnapshotRowFormat
        var recreated: TableChunk.RecreatedTable?
    }

    /// Opens a fresh snapshot and reads the table's structure in it. A table changed after the snapshot began
    /// refuses the read (ER_TABLE_DEF_CHANGED); once read, the snapshot's metadata lock keeps it unchanged until
    /// the snapshot ends, so structure and rows agree.
    /// - Parameter lock: the connection the table lock is taken on (`table-lock` method), kept by the caller.
    func open(source: MariaDBConnection, lock: MariaDBConnection? = nil, recreate: Bool) throws -> OpenRead {
        try source.execute("SET SESSION time_zone = '+00:00'")
        let snapshot = try ConsistentSnapshot.begin(on: source, tables: [route.source], method: snapshotMethod, lock: lock)
        do {
            let format = try SnapshotRowFormat.read(route.source, from: source)
            var recreated: TableChunk.RecreatedTable?
            if recreate {
                guard let definition = try ReplicaTableDefinition.showCreateTable(route.source.quoted, on: source),
                      let structure = try SchemaHintLoader.load(route.source, from: source) else {
                    throw EngineError.invalidArgument("cannot read the structure of \(route.source)")
                }
                recreated = TableChunk.RecreatedTable(
                    createStatement: try ReplicaTableDefinition.createStatement(
                        showCreateTable: definition, database: route.apply.database, table: route.apply.table,
                        dialect: MySQLDialect.between(sourceIsMariaDB: source.isMariaDB, target: targetVersion)),
                    structure: structure)
            }
            return OpenRead(snapshot: snapshot, format: format, recreated: recreated)
        } catch {
            close(source: source)
            throw error
        }
    }

    /// Ends the snapshot (it only ever read).
    func close(source: MariaDBConnection) {
        try? source.execute("ROLLBACK")
    }

    /// The chunk after `lastKey` (from the start when nil) of a table with a primary key, read through `read`, and
    /// the key of its last row.
    mutating func next(after lastKey: [String]?, in read: OpenRead, estimatedRows: Int?, generation: String,
                       source: MariaDBConnection) throws -> (TableChunk, [String]?) {
        let format = read.format
        // A key that changed shape (a new primary key) starts the copy over.
        let after = lastKey?.count == format.keyColumns.count ? lastKey : nil
        let limit = sizing.nextLimit
        let select = selectRows(format, after.map { KeyRange.after(keyNames(format), $0) })
            + " ORDER BY \(keyNames(format).joined(separator: ", ")) LIMIT \(limit)"
        var copied = CopiedRows(format: format, replica: route.apply.qualifiedName)
        // Only the last row's key is needed: its cells are kept, and rendered once the chunk is read.
        var lastKeyCells: [QueryResult.Cell]?
        var isFull = false
        try source.streamRows(select) { cells in
            copied.add(cells)
            lastKeyCells = format.keyColumns.map { cells[$0] }
            isFull = sizing.isFull(copied.bytes)
            return !isFull
        }
        let rows = copied.rows
        sizing.record(rows: rows, bytes: copied.bytes)
        let isLast = !isFull && rows < limit
        let newLastKey = lastKeyCells.map { cells in
            zip(format.keyColumns, cells).map { index, cell in
                var literal = ""
                format.render(cell, column: index, into: &literal)
                return literal
            }
        } ?? after
        let range = KeyRange.between(keyNames(format), after: after, upTo: isLast ? nil : newLastKey)
        let statements = [deleteStatement(range)] + copied.take() + [
            CopyProgressStore.chunkStatement(target: target, source: route.source, generation: generation, lastKey: newLastKey,
                                             rows: rows, isLast: isLast, estimatedRows: estimatedRows)]
        let chunk = TableChunk(source: route.source, position: read.snapshot.position, gtid: read.snapshot.gtidPosition,
                               statements: statements, rowCount: rows, isLast: isLast, recreated: read.recreated)
        return (chunk, newLastKey)
    }

    /// A table without a primary key, whole, through `read`: its rows stream from the source and go to `deliver` in
    /// pieces of about `MemoryBudget.chunkBytes`, all at the snapshot's position and meant for one target
    /// transaction (every piece but the last `continues`); the first replaces the replica's rows, the last records
    /// the copy done. Returns the rows copied.
    func streamWhole(_ read: OpenRead, estimatedRows: Int?, generation: String, source: MariaDBConnection,
                     deliver: (TableChunk) throws -> Void) throws -> Int {
        var copied = CopiedRows(format: read.format, replica: route.apply.qualifiedName)
        var pieces = 0, total = 0
        func handOver(isLast: Bool) throws {
            let rows = copied.rows
            total += rows
            var statements = (pieces == 0 ? [deleteStatement(nil)] : []) + copied.take()
            if isLast {
                statements.append(CopyProgressStore.chunkStatement(target: target, source: route.source, generation: generation, lastKey: nil,
                                                                   rows: total, isLast: true, estimatedRows: estimatedRows))
            }
            try deliver(TableChunk(source: route.source, position: read.snapshot.position, gtid: read.snapshot.gtidPosition,
                                   statements: statements, rowCount: rows, isLast: isLast, recreated: pieces == 0 ? read.recreated : nil,
                                   continues: !isLast))
            pieces += 1
        }
        try source.streamRows(selectRows(read.format, nil)) { cells in
            copied.add(cells)
            if sizing.isFull(copied.bytes) { try handOver(isLast: false) }
            return true
        }
        try handOver(isLast: true)
        return total
    }

    /// A repair: the rows with these keys as the source has them (absent ones deleted), as one chunk.
    func rows(withKeys keys: [[String]], generation: String, source: MariaDBConnection,
              lock: MariaDBConnection? = nil) throws -> TableChunk {
        let read = try open(source: source, lock: lock, recreate: false)
        defer { close(source: source) }
        let format = read.format
        guard !format.keyColumns.isEmpty, keys.allSatisfy({ $0.count == format.keyColumns.count }) else {
            throw EngineError.invalidArgument("\(route.source) has no primary key of that shape: rows cannot be repaired one by one; resync it")
        }
        let among = KeyRange.among(keyNames(format), keys)
        var copied = CopiedRows(format: format, replica: route.apply.qualifiedName)
        try source.streamRows(selectRows(format, among)) { cells in
            copied.add(cells)
            return true
        }
        let rows = copied.rows
        let statements = [deleteStatement(among)] + copied.take() + [
            CopyProgressStore.chunkStatement(target: target, source: route.source, generation: generation, lastKey: nil,
                                             rows: rows, isLast: true, estimatedRows: keys.count)]
        return TableChunk(source: route.source, position: read.snapshot.position, gtid: read.snapshot.gtidPosition, statements: statements,
                          rowCount: rows, isLast: true, recreated: nil)
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

    /// Deletes the replica's rows matching `condition` (all when nil), before the copied rows take their place.
    private func deleteStatement(_ condition: String?) -> String {
        "DELETE FROM \(route.apply.qualifiedName)" + (condition.map { " WHERE " + $0 } ?? "")
    }
}
