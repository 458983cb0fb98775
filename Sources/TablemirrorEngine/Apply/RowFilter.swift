import BinlogDecoding
import MariaDBClient

/// A mapping's `where` condition applied to row changes. The condition is evaluated by the target server
/// itself, over the decoded values, so it means exactly what it means in SQL (types, collations, NULLs).
/// An update that moves a row into the filter becomes an insert there, one that moves it out a delete.
struct RowFilter {
    let condition: String
    /// Rows evaluated per query.
    static let batchSize = 256

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

    /// `SELECT (condition) IS TRUE FROM (SELECT 0 AS __tm_n, v AS c, … UNION ALL …) r ORDER BY __tm_n`.
    private func evaluate(_ images: [(RowImage, [String])], using connection: MariaDBConnection) throws -> [Bool] {
        var rows: [String] = []
        for (number, (image, names)) in images.enumerated() {
            var select = "SELECT \(number) AS `__tm_n`"
            for (index, value) in image.values.enumerated() {
                guard let value else { continue }
                select += ", " + SQLLiteral.render(value, column: names[index]) + " AS " + SQLLiteral.identifier(names[index])
            }
            rows.append(select)
        }
        let result = try connection.query(
            "SELECT (\(condition)) IS TRUE FROM (\(rows.joined(separator: " UNION ALL "))) AS `__tm_row` ORDER BY `__tm_n`")
        return result.rows.indices.map { result.string($0, 0) == "1" }
    }
}
