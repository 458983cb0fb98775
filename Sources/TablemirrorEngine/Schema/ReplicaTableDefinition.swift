import MariaDBClient

/// The CREATE TABLE for a replica: the source's `SHOW CREATE TABLE`, with the table named for the target and
/// only what cannot hold there removed — foreign keys (the tables they point at may not be replicated, and
/// the replica must accept rows in the source's commit order whatever they reference) and the
/// AUTO_INCREMENT counter (the replica never generates ids: it receives them).
///
/// The statement is rebuilt from the definition's tokens (see `SQLRendering`), never cut from its text: a table
/// or column named ``x` (a int);DROP TABLE t;#`` stays one quoted name.
public enum ReplicaTableDefinition {
    /// `SHOW CREATE TABLE` of `table` (quoted) as a session with an empty sql_mode writes it — backquoted names,
    /// backslash escapes, every option — whatever the server's default mode; nil when there is no such table.
    public static func showCreateTable(_ table: String, on connection: MariaDBConnection) throws(MariaDBError) -> String? {
        do throws(MariaDBError) {
            return try connection.query("SET STATEMENT sql_mode = '' FOR SHOW CREATE TABLE \(table)").string(0, 1)
        } catch {
            if error.code == 1146 { return nil }  // ER_NO_SUCH_TABLE
            throw error
        }
    }

    /// The replica's CREATE TABLE from `showCreateTable` as `showCreateTable(_:on:)` reads it, for a session that
    /// reads backslash escapes (the applier's).
    public static func createStatement(showCreateTable: String, database: String, table: String) throws(EngineError) -> String {
        let tokens: [SQLToken]
        do {
            tokens = try SQLTokenizer.singleStatement(showCreateTable)
        } catch {
            throw .invalidArgument("cannot read the table definition: \(error)")
        }
        guard tokens.count > 3, tokens[0].isKeyword("CREATE"), tokens[1].isKeyword("TABLE"), tokens[2].isName,
              tokens[3].isSymbol("("), let close = closingParenthesis(tokens, from: 3) else {
            throw .invalidArgument("not a CREATE TABLE statement with column definitions")
        }
        let rendering = SQLRendering(noBackslashEscapes: false)
        let elements = topLevelItems(tokens[4..<close]).filter { !isForeignKey($0) }.map { rendering.text($0) }
        let options = removingAutoIncrementOption(Array(tokens[(close + 1)...]))
        return "CREATE TABLE \(SQLLiteral.identifier(database)).\(SQLLiteral.identifier(table)) (\n  "
            + elements.joined(separator: ",\n  ") + "\n)" + (options.isEmpty ? "" : " " + rendering.text(options))
    }

    private static func closingParenthesis(_ tokens: [SQLToken], from open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.count {
            if tokens[index].isSymbol("(") { depth += 1 }
            if tokens[index].isSymbol(")") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    /// The definitions between commas at parenthesis depth 0.
    private static func topLevelItems(_ tokens: ArraySlice<SQLToken>) -> [ArraySlice<SQLToken>] {
        var items: [ArraySlice<SQLToken>] = []
        var depth = 0
        var start = tokens.startIndex
        for index in tokens.indices {
            if tokens[index].isSymbol("(") { depth += 1 }
            if tokens[index].isSymbol(")") { depth -= 1 }
            if depth == 0 && tokens[index].isSymbol(",") {
                items.append(tokens[start..<index])
                start = index + 1
            }
        }
        items.append(tokens[start..<tokens.endIndex])
        return items.filter { !$0.isEmpty }
    }

    /// `[CONSTRAINT [symbol]] FOREIGN KEY …`.
    private static func isForeignKey(_ element: ArraySlice<SQLToken>) -> Bool {
        guard let first = element.first else { return false }
        if first.isKeyword("FOREIGN") { return true }
        return first.isKeyword("CONSTRAINT") && element.dropFirst().prefix(2).contains { $0.isKeyword("FOREIGN") }
    }

    /// `ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=…` → without `AUTO_INCREMENT=42`.
    static func removingAutoIncrementOption(_ options: [SQLToken]) -> [SQLToken] {
        var kept: [SQLToken] = []
        var index = 0
        while index < options.count {
            if options[index].isKeyword("AUTO_INCREMENT") {
                index += 1
                if index < options.count, options[index].isSymbol("=") { index += 1 }
                index += 1  // the number
                continue
            }
            kept.append(options[index])
            index += 1
        }
        return kept
    }
}
