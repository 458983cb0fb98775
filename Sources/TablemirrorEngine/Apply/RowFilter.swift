import BinlogDecoding
import MariaDBClient

/// A mapping's `where` condition applied to row changes. The condition is evaluated by the target server
/// itself, over the decoded values put in a temporary table shaped like the replica, so it means exactly what
/// the same WHERE means on the source: ENUM and SET by their members, BIT as bits, text under the column's
/// collation, DECIMAL and temporal values by their types, NULLs as NULLs.
/// An update that moves a row into the filter becomes an insert there, one that moves it out a delete.
struct RowFilter {
    let condition: String
    /// The replica (`db`.`table`, quoted) whose columns the temporary table copies.
    let replica: String
    /// Rows evaluated per query.
    static let batchSize = 256
    /// tablemirror's own temporary table, in its control schema: a session's temporary table hides a real
    /// table of the same name, so it must never share a name with one that might exist in a replicated database.
    static let imageTable = "\(SQLLiteral.identifier(CheckpointStore.schema)).`row_filter_images`"
    static let rowNumberColumn = "__tablemirror_row"

    /// Why `condition` cannot be a row filter, or nil. It is the operator's SQL, run on the source (the copy's
    /// WHERE) and on the target (the stream's test), so it must stay one condition over the row: one statement,
    /// balanced parentheses, no subquery, no assignment.
    static func problem(in condition: String) -> String? {
        let tokens: [SQLToken]
        do {
            tokens = try SQLTokenizer.tokens(condition)
        } catch {
            return "cannot be read as SQL: \(error)"
        }
        var depth = 0
        for (index, token) in tokens.enumerated() {
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth < 0 { return "has a ')' without its '('" }
            if token.isSymbol(";") { return "must be one condition, without ';'" }
            if token.isKeyword("SELECT") || token.isKeyword("UNION") { return "must be a condition on the row, without a subquery" }
            if token.isSymbol(":"), index + 1 < tokens.count, tokens[index + 1].isSymbol("=") { return "must not assign variables" }
        }
        return depth == 0 ? nil : "has a '(' without its ')'"
    }

    /// The changes as they apply to the filtered replica.
    func apply(to changes: [RowChangeMessage], using connection: MariaDBConnection) throws -> [RowChangeMessage] {
        var images: [(RowImage, [String])] = []
        for change in changes {
            if let before = change.before { images.append((before, change.columnNames)) }
            if let after = change.after { images.append((after, change.columnNames)) }
        }
        var verdicts: [Bool] = []
        var start = 0
        while start < images.count {
            let end = min(images.count, start + Self.batchSize)
            verdicts += try evaluate(Array(images[start..<end]), using: connection)
            start = end
        }
        var result: [RowChangeMessage] = []
        var index = 0
        for change in changes {
            let before = change.before.map { _ -> Bool in defer { index += 1 }; return verdicts[index] }
            let after = change.after.map { _ -> Bool in defer { index += 1 }; return verdicts[index] }
            let wasIn = before ?? false, isIn = after ?? false
            switch change.operation {
            case .insert where isIn, .delete where wasIn:
                result.append(change)
            case .update where wasIn && isIn:
                result.append(change)
            case .update where wasIn:
                var delete = change
                delete.operation = .delete
                delete.after = nil
                result.append(delete)
            case .update where isIn:
                var insert = change
                insert.operation = .insert
                insert.before = nil
                result.append(insert)
            default:
                break
            }
        }
        return result
    }

    /// Each image's verdict: the images go into a temporary table made with `CREATE TEMPORARY TABLE … SELECT *
    /// FROM replica LIMIT 0`, which copies every column's type, character set and collation (not keys, not
    /// triggers), and the condition is read from there. Temporary tables neither commit the open transaction nor
    /// reach other sessions.
    private func evaluate(_ images: [(RowImage, [String])], using connection: MariaDBConnection) throws -> [Bool] {
        guard let names = images.first?.1 else { return [] }
        guard !names.contains(Self.rowNumberColumn) else {
            throw EngineError.invalidArgument("\(replica) has a column named \(Self.rowNumberColumn), which its row filter needs for itself")
        }
        var insert = "INSERT INTO \(Self.imageTable) (\(SQLLiteral.identifier(Self.rowNumberColumn)), "
            + names.map(SQLLiteral.identifier).joined(separator: ", ") + ") VALUES "
        for (number, (image, _)) in images.enumerated() {
            insert += number == 0 ? "(" : ", ("
            insert += String(number)
            for (index, value) in image.values.enumerated() {
                // A partial image (binlog_row_image MINIMAL or NOBLOB) would be judged on defaults: refuse it.
                guard let value else {
                    throw EngineError.invalidArgument(
                        "the row filter on \(replica) needs whole row images, and the source logged \(names[index]) without its value "
                            + "(set binlog_row_image=FULL on the source)")
                }
                insert += ", "
                SQLLiteral.render(value, column: names[index], into: &insert)
            }
            insert += ")"
        }
        // One round trip to make and fill the table (the applier's connection sends statements together), one to
        // read the verdicts. The table stays until the next batch replaces it, or the session ends.
        try connection.execute("""
            DROP TEMPORARY TABLE IF EXISTS \(Self.imageTable);
            CREATE TEMPORARY TABLE \(Self.imageTable) (\(SQLLiteral.identifier(Self.rowNumberColumn)) BIGINT UNSIGNED NOT NULL) \
            SELECT * FROM \(replica) LIMIT 0;
            \(insert)
            """)
        let result = try connection.query(
            "SELECT (\(condition)) IS TRUE FROM \(Self.imageTable) ORDER BY \(SQLLiteral.identifier(Self.rowNumberColumn))")
        return result.rows.indices.map { result.string($0, 0) == "1" }
    }
}
