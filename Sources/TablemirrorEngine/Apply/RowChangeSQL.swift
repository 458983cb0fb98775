import BinlogDecoding

/// Where one source table's rows go in one target, and how rows are identified there.
public struct TableApplyPlan: Sendable, Equatable {
    public var database: String
    public var table: String
    /// Column indexes of the primary key; empty for a table without one (rows are then matched whole).
    public var keyColumns: [Int]
    /// The replica has no unique key but its primary key, as read from the replica itself (false until then):
    /// a folded update may then be written as an upsert, since no other row can collide with it — about half the
    /// server's work of a delete and an insert.
    public var primaryKeyIsOnlyUniqueKey: Bool
    /// The target's session may write runs of new rows by `LOAD DATA LOCAL` (its server allows `local_infile`).
    public var loadsNewRows: Bool

    public init(database: String, table: String, keyColumns: [Int], primaryKeyIsOnlyUniqueKey: Bool = false,
                loadsNewRows: Bool = false) {
        self.database = database
        self.table = table
        self.keyColumns = keyColumns
        self.primaryKeyIsOnlyUniqueKey = primaryKeyIsOnlyUniqueKey
        self.loadsNewRows = loadsNewRows
    }

    var qualifiedName: String { SQLLiteral.identifier(database) + "." + SQLLiteral.identifier(table) }
}

/// The SQL that applies one table's row changes, in source order. Consecutive inserts become one multi-row
/// INSERT, consecutive key-preserving full-row updates one multi-row upsert, consecutive deletes by key one
/// DELETE … IN; nothing is reordered, so unique keys and foreign ordering behave as on the source.
public enum RowChangeSQL {
    /// Statements grow to about this size before a new one starts (well under max_allowed_packet).
    public static let statementSizeLimit = 1 << 20

    public static func statements(for changes: [RowChangeMessage], plan: TableApplyPlan) -> [String] {
        var builder = Builder(plan: plan)
        for change in changes { builder.add(change) }
        // `add` writes SQL text only: loads come from `addLoaded` alone.
        return builder.finish().map(\.sql)
    }

    /// Accumulates statements; consecutive changes of one kind share a statement.
    struct Builder {
        enum Run: Equatable { case none, insert, upsert, delete, load }

        let plan: TableApplyPlan
        var statements: [TargetStatement] = []
        var run = Run.none
        var current = ""
        /// The rows of the current load (`run == .load`).
        private var load: LoadDataRows?

        init(plan: TableApplyPlan) {
            self.plan = plan
        }

        mutating func add(_ change: RowChangeMessage) {
            switch change.operation {
            case .insert:
                guard let after = change.after else { return }
                addInsert(after, names: change.columnNames)
            case .delete:
                guard let before = change.before else { return }
                addDelete(before, names: change.columnNames)
            case .update:
                guard let before = change.before, let after = change.after else { return }
                if !plan.keyColumns.isEmpty, isComplete(after), hasKey(before),
                   plan.keyColumns.allSatisfy({ before.values[$0] == after.values[$0] }) {
                    appendRow(after, names: change.columnNames, as: .upsert)
                } else {
                    flush()
                    statements.append(TargetStatement(sql: update(before: before, after: after, names: change.columnNames)))
                }
            }
        }

        mutating func addInsert(_ after: RowImage, names: [String]) {
            appendRow(after, names: names, as: .insert)
        }

        /// A new row, loaded with the other new rows around it where it can be (see `LoadDataRows`), else inserted.
        mutating func addLoaded(_ after: RowImage, names: [String]) {
            guard LoadDataRows.canLoad(after) else { return addInsert(after, names: names) }
            if run != .load || load?.accepts(after) != true || (load?.byteCount ?? 0) >= RowChangeSQL.statementSizeLimit {
                flush()
                load = LoadDataRows(plan: plan, names: names, columns: after.values.indices.filter { after.values[$0] != nil })
                run = .load
            }
            load?.add(after)
        }

        /// The row as it must end, whether or not its key exists: `INSERT … ON DUPLICATE KEY UPDATE` every column.
        mutating func addUpsert(_ after: RowImage, names: [String]) {
            appendRow(after, names: names, as: .upsert)
        }

        /// Deletes by key where the image has one (batched), else by the whole row, one at a time.
        mutating func addDelete(_ before: RowImage, names: [String]) {
            if plan.keyColumns.isEmpty || !hasKey(before) {
                flush()
                statements.append(TargetStatement(sql: "DELETE FROM \(plan.qualifiedName) WHERE \(match(before, names: names)) LIMIT 1"))
            } else {
                appendKey(before, names: names)
            }
        }

        private func hasKey(_ image: RowImage) -> Bool {
            plan.keyColumns.allSatisfy { $0 < image.values.count && image.values[$0] != nil }
        }

        /// Every column present with its whole value (a partial JSON diff needs the stored value: not an upsert).
        private func isComplete(_ image: RowImage) -> Bool {
            image.values.allSatisfy { value in
                guard let value else { return false }
                if case .jsonDiff = value { return false }
                return true
            }
        }

        private mutating func appendRow(_ image: RowImage, names: [String], as kind: Run) {
            let present = image.values.indices.filter { image.values[$0] != nil }
            // One multi-row statement names one column list: a row with other columns starts a new statement.
            if run != kind || present != runColumns || current.utf8.count >= RowChangeSQL.statementSizeLimit { flush() }
            if run == .none {
                runColumns = present
                let columns = present.map { SQLLiteral.identifier(names[$0]) }
                current = "INSERT INTO \(plan.qualifiedName) (\(columns.joined(separator: ", "))) VALUES "
                if kind == .upsert {
                    upsertUpdates = present.map { "\(SQLLiteral.identifier(names[$0])) = VALUES(\(SQLLiteral.identifier(names[$0])))" }
                }
                run = kind
            } else {
                current += ", "
            }
            let size = image.footprint
            if size >= MemoryBudget.largeRow { current.reserveCapacity(current.utf8.count + 2 * size + 64) }
            current += "("
            var first = true
            for (index, value) in image.values.enumerated() {
                guard let value else { continue }
                if !first { current += ", " }
                first = false
                SQLLiteral.render(value, column: names[index], into: &current)
            }
            current += ")"
        }

        /// The column indexes of the rows in the current multi-row statement.
        private var runColumns: [Int] = []
        /// `c = VALUES(c)` for each column of the current upsert.
        private var upsertUpdates: [String] = []

        private mutating func appendKey(_ image: RowImage, names: [String]) {
            if run != .delete || current.utf8.count >= RowChangeSQL.statementSizeLimit { flush() }
            let key = plan.keyColumns.map { SQLLiteral.render(image.values[$0] ?? .null, column: names[$0]) }
            if run == .none {
                let columns = plan.keyColumns.map { SQLLiteral.identifier(names[$0]) }
                current = "DELETE FROM \(plan.qualifiedName) WHERE (\(columns.joined(separator: ", "))) IN ("
                run = .delete
            } else {
                current += ", "
            }
            current += "(" + key.joined(separator: ", ") + ")"
        }

        private func match(_ image: RowImage, names: [String]) -> String {
            let columns = plan.keyColumns.isEmpty || !hasKey(image) ? Array(image.values.indices) : plan.keyColumns
            return columns.compactMap { index -> String? in
                guard let value = image.values[index] else { return nil }
                // <=> matches NULL to NULL, which whole-row matching needs. A FLOAT is compared as the double it
                // is stored as (its short decimal form, `1.1`, is a different double and would match nothing).
                if case let .float(float) = value, float.isFinite {
                    return "\(SQLLiteral.identifier(names[index])) <=> \(Double(float))e0"
                }
                return "\(SQLLiteral.identifier(names[index])) <=> \(SQLLiteral.render(value, column: names[index]))"
            }.joined(separator: " AND ")
        }

        private func update(before: RowImage, after: RowImage, names: [String]) -> String {
            let assignments = after.values.indices.compactMap { index -> String? in
                guard let value = after.values[index] else { return nil }
                return "\(SQLLiteral.identifier(names[index])) = \(SQLLiteral.render(value, column: names[index]))"
            }
            let limit = plan.keyColumns.isEmpty || !hasKey(before) ? " LIMIT 1" : ""
            return "UPDATE \(plan.qualifiedName) SET \(assignments.joined(separator: ", ")) WHERE \(match(before, names: names))\(limit)"
        }

        mutating func flush() {
            switch run {
            case .none:
                return
            case .insert:
                statements.append(TargetStatement(sql: current))
            case .upsert:
                statements.append(TargetStatement(sql: current + " ON DUPLICATE KEY UPDATE " + upsertUpdates.joined(separator: ", ")))
            case .delete:
                statements.append(TargetStatement(sql: current + ")"))
            case .load:
                if let load { statements.append(load.statement()) }
            }
            run = .none
            current = ""
            runColumns = []
            load = nil
        }

        mutating func finish() -> [TargetStatement] {
            flush()
            return statements
        }
    }
}
