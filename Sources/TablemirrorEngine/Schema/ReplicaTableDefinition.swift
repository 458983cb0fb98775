/// The CREATE TABLE for a replica: the source's `SHOW CREATE TABLE`, with the table named for the target and
/// only what cannot hold there removed — foreign keys (the tables they point at may not be replicated, and
/// the replica must accept rows in the source's commit order whatever they reference) and the
/// AUTO_INCREMENT counter (the replica never generates ids: it receives them).
public enum ReplicaTableDefinition {
    public static func createStatement(showCreateTable: String, database: String, table: String) throws(EngineError) -> String {
        guard let open = showCreateTable.firstIndex(of: "("),
              showCreateTable.uppercased().hasPrefix("CREATE TABLE ") else {
            throw .invalidArgument("not a CREATE TABLE statement: \(showCreateTable.prefix(60))")
        }
        let body = showCreateTable[open...]
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeAll { isForeignKey($0) }
        // The last definition line must not end with a comma once the ones after it are gone.
        if let closing = lines.lastIndex(where: { $0.hasPrefix(")") }), closing > 0 {
            var previous = closing - 1
            while previous > 0 && lines[previous].trimmingSpaces().isEmpty { previous -= 1 }
            if lines[previous].hasSuffix(",") { lines[previous].removeLast() }
            lines[closing] = removingAutoIncrementOption(lines[closing])
        }
        return "CREATE TABLE \(SQLLiteral.identifier(database)).\(SQLLiteral.identifier(table)) " + lines.joined(separator: "\n")
    }

    private static func isForeignKey(_ line: String) -> Bool {
        let upper = line.uppercased()
        return upper.contains("FOREIGN KEY") && (upper.trimmingSpaces().hasPrefix("CONSTRAINT") || upper.trimmingSpaces().hasPrefix("FOREIGN KEY"))
    }

    /// `) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=…` → without `AUTO_INCREMENT=42`.
    static func removingAutoIncrementOption(_ options: String) -> String {
        var words = options.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        words.removeAll { $0.uppercased().hasPrefix("AUTO_INCREMENT=") }
        return words.joined(separator: " ")
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
