import MariaDBClient

/// One statement for the target, with the rows it reads when it is a `LOAD DATA LOCAL` (see `LoadDataRows`).
struct TargetStatement: Equatable {
    var sql: String
    var rows: LocalRows?

    init(sql: String, rows: LocalRows? = nil) {
        self.sql = sql
        self.rows = rows
    }
}

/// One round trip to the target: statements joined into one text, and the rows its load reads. A load is the last
/// statement of its text (see `GroupStatements.append`), so at most one, but the connection takes any number.
struct TargetText: Equatable {
    var sql: String
    var rows: [LocalRows] = []

    /// What the round trip carries, rows included.
    var byteCount: Int { sql.utf8.count + rows.reduce(0) { $0 + $1.bytes.count } }
}
