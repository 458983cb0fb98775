import MariaDBClient

/// Rows read from a snapshot, written as the statements that put them in a replica as they arrive: multi-row
/// REPLACEs that stop near `RowChangeSQL.statementSizeLimit` however wide the rows, and their size, which the
/// copy's byte budget counts. Only the SQL is kept, never the rows read.
struct CopiedRows {
    let format: SnapshotRowFormat
    let replica: String
    private(set) var statements: [String] = []
    private var current = ""
    /// Rows and bytes since the last `take`.
    private(set) var rows = 0
    private(set) var bytes = 0

    init(format: SnapshotRowFormat, replica: String) {
        self.format = format
        self.replica = replica
    }

    mutating func add(_ cells: [QueryResult.Cell]) {
        let before = current.utf8.count
        if current.isEmpty {
            current = "REPLACE INTO \(replica) \(format.columnList) VALUES "
        } else {
            current += ", "
        }
        // A large row's text is sized once (hex doubles it), not grown step by step through copies of itself.
        let rowBytes = cells.reduce(0) { $0 + ($1?.count ?? 4) }
        if rowBytes >= MemoryBudget.largeRow { current.reserveCapacity(current.utf8.count + 2 * rowBytes + 8 * cells.count + 16) }
        format.renderRow(cells, into: &current)
        let size = current.utf8.count
        bytes += size - before
        rows += 1
        if size >= RowChangeSQL.statementSizeLimit {
            statements.append(current)
            current = ""
        }
    }

    /// The statements so far; starts over.
    mutating func take() -> [String] {
        if !current.isEmpty { statements.append(current) }
        defer {
            statements = []
            current = ""
            rows = 0
            bytes = 0
        }
        return statements
    }
}
