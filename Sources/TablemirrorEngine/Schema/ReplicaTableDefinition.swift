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
    /// MariaDB sets the mode for the one statement; MySQL has no `SET STATEMENT`, so the session's mode is set
    /// around it and put back.
    public static func showCreateTable(_ table: String, on connection: MariaDBConnection) throws(MariaDBError) -> String? {
        do throws(MariaDBError) {
            if connection.flavor.hasSetStatement {
                return try connection.query("SET STATEMENT sql_mode = '' FOR SHOW CREATE TABLE \(table)").string(0, 1)
            }
            let mode = try connection.query("SELECT @@SESSION.sql_mode").string(0, 0) ?? ""
            try connection.execute("SET SESSION sql_mode = ''")
            let definition = Result<String?, MariaDBError> { () throws(MariaDBError) in
                try connection.query("SHOW CREATE TABLE \(table)").string(0, 1)
            }
            try connection.execute("SET SESSION sql_mode = \(SQLLiteral.quotedString(mode))")
            return try definition.get()
        } catch {
            if error.code == 1146 { return nil }  // ER_NO_SUCH_TABLE
            throw error
        }
    }

    /// The replica's CREATE TABLE from `showCreateTable` as `showCreateTable(_:on:)` reads it, for a session that
    /// reads backslash escapes (the applier's). Only a statement that will be run (`toRun`) is held to what a
    /// replica may carry (`ReplayedClauses`); comparing and recording definitions takes them as they are.
    /// `dialect`: the definition is a MySQL server's, for a MariaDB target (`MySQLDialect`).
    static func createStatement(showCreateTable: String, database: String, table: String, toRun: Bool = true,
                                dialect: MySQLDialect? = nil) throws(EngineError) -> String {
        var tokens: [SQLToken]
        do {
            tokens = try SQLTokenizer.singleStatement(showCreateTable)
        } catch {
            throw .invalidArgument("cannot read the table definition: \(error)")
        }
        if let dialect {
            do {
                tokens = try dialect.translate(tokens).tokens
            } catch {
                throw .invalidArgument("the table cannot have a replica on this MariaDB target: \(error)")
            }
        }
        guard tokens.count > 3, tokens[0].isKeyword("CREATE"), tokens[1].isKeyword("TABLE"), tokens[2].isName,
              tokens[3].isSymbol("("), let close = tokens.matchingParenthesis(from: 3) else {
            throw .invalidArgument("not a CREATE TABLE statement with column definitions")
        }
        if toRun, let problem = ReplayedClauses.problem(in: tokens) { throw .invalidArgument("the table cannot have a replica: \(problem)") }
        let rendering = SQLRendering(noBackslashEscapes: false)
        let elements = tokens.topLevelItems(from: 4, to: close).map { tokens[$0] }.filter { !isForeignKey($0) }.map { rendering.text($0) }
        let options = removingAutoIncrementOption(Array(tokens[(close + 1)...]))
        return "CREATE TABLE \(SQLLiteral.identifier(database)).\(SQLLiteral.identifier(table)) (\n  "
            + elements.joined(separator: ",\n  ") + "\n)" + (options.isEmpty ? "" : " " + rendering.text(options))
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
