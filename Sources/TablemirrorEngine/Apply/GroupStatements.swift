import BinlogDecoding

/// The SQL of one target transaction, built up as source transactions arrive and sent in as few round trips
/// as possible: statements are joined into one multi-statement text, and changes by exact primary key are
/// folded per table (see `FoldedTableChanges`) until the group commits or a fold grows large.
struct GroupStatements {
    /// A fold is written out at this many keys or bytes of rows, so a transaction of any size holds bounded memory.
    static let foldLimit = 4096
    static let foldBytes = 4 << 20
    /// Pending text is worth a round trip at this size (statements themselves stop near 1 MiB; the server's
    /// max_allowed_packet is 16 MiB by default).
    static let sendSize = 2 << 20

    /// Texts to send, one round trip each, in order: statements joined into multi-statement texts, except a statement
    /// of `sendSize` or more, which is a text of its own (joining it would copy it).
    private var texts: [TargetText] = []
    private var folds: [QualifiedTableName: FoldedTableChanges] = [:]

    /// Pending text big enough to be sent now (folds stay open).
    var isWorthSending: Bool { texts.count > 1 || (texts.last?.byteCount ?? 0) >= Self.sendSize }

    /// Adds one table's changes, in source order.
    mutating func add(_ changes: [RowChangeMessage], to table: QualifiedTableName, plan: TableApplyPlan) {
        var fold = folds.removeValue(forKey: table) ?? FoldedTableChanges(plan: plan)
        var builder = RowChangeSQL.Builder(plan: plan)
        for change in changes {
            let foldable = FoldedTableChanges.canFold(change, plan: plan)
            if foldable && (fold.isEmpty || fold.columnNames == change.columnNames) {
                builder.flush()
                fold.add(change)
                if fold.count >= Self.foldLimit || fold.bytes >= Self.foldBytes { fold.drain(into: &builder) }
            } else {
                // Order matters between a folded run and a change after it: the run goes first.
                fold.drain(into: &builder)
                if foldable { fold.add(change) } else { builder.add(change) }
            }
        }
        append(builder.finish())
        if !fold.isEmpty { folds[table] = fold }
        // Many tables' folds together stay within one fold's bytes too.
        if folds.values.reduce(0, { $0 + $1.bytes }) >= Self.foldBytes { closeFolds() }
    }

    /// Adds statements to run after everything added so far.
    mutating func append(_ statements: [String]) {
        append(statements.map { TargetStatement(sql: $0) })
    }

    /// A load ends its text: whether it wrote every row is known only once its result is read, and the server runs
    /// the statements after it in the same text (the COMMIT among them) whatever the client makes of that result.
    mutating func append(_ statements: [TargetStatement]) {
        for statement in statements {
            let size = statement.sql.utf8.count + (statement.rows?.bytes.count ?? 0)
            if size >= Self.sendSize || texts.isEmpty || texts[texts.count - 1].byteCount >= Self.sendSize
                || !texts[texts.count - 1].rows.isEmpty {
                texts.append(TargetText(sql: statement.sql))
            } else {
                texts[texts.count - 1].sql += ";\n" + statement.sql
            }
            if let rows = statement.rows { texts[texts.count - 1].rows.append(rows) }
        }
    }

    /// Writes out every open fold (at the group's end, before the checkpoint and COMMIT are appended).
    mutating func closeFolds() {
        for var fold in folds.values {
            var builder = RowChangeSQL.Builder(plan: fold.plan)
            fold.drain(into: &builder)
            append(builder.finish())
        }
        folds.removeAll(keepingCapacity: true)
    }

    /// The pending texts, which are then sent in order; open folds stay open.
    mutating func take() -> [TargetText] {
        defer { texts = [] }
        return texts
    }

    mutating func discard() {
        texts = []
        folds.removeAll()
    }
}
