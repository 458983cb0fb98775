import BinlogDecoding
import MariaDBClient

/// MySQL 8's DDL replayed on a MariaDB target: the tokens of a statement (or of a `SHOW CREATE TABLE`) from a MySQL
/// source, with what MariaDB spells differently translated and what it lacks refused. Pure and token-level, like the
/// rest of the replay: it never reads or writes text, only replaces, moves or drops the source's own tokens (and
/// writes the few keywords of the MariaDB spelling), so nothing from the source becomes SQL of another shape.
///
/// Translated: `utf8mb4_0900_*` collations to MariaDB's UCA 14.0 ones (`utf8mb4_uca1400_*`, 10.10+; older targets
/// `utf8mb4_unicode_520_ci`), index `VISIBLE`/`INVISIBLE` to `NOT IGNORED`/`IGNORED` (10.6+), a geometry column's
/// `SRID n` to `REF_SYSTEM_ID=n` after its type, `DROP CHECK c` to `DROP CONSTRAINT IF EXISTS c`. Dropped, because
/// a replica is the same table whatever they say: `ALGORITHM=`/`LOCK=` (MariaDB may refuse an INSTANT that MySQL
/// could do; the target picks its own way), `START TRANSACTION` (how MySQL 8.0.21+ logs an atomic CREATE TABLE …
/// SELECT, whose rows follow as row events), `ENFORCED`, a whole `CHECK … NOT ENFORCED` (MySQL does not hold the
/// rows to it, so a replica must not either), and storage options MariaDB lacks (`AUTOEXTEND_SIZE`, `ENGINE_ATTRIBUTE`,
/// `SECONDARY_ENGINE[_ATTRIBUTE]`, `ENCRYPTION`). Refused (the target stops, saying which): functional key parts,
/// `ALTER COLUMN … SET [IN]VISIBLE`, `ALTER CHECK|CONSTRAINT … [NOT] ENFORCED`, and collations with no MariaDB
/// counterpart.
struct MySQLDialect: Sendable {
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// The MariaDB target's version: which spellings it has.
    var target: ServerVersion

    /// Whether statements from `source` need this on `target`: a MySQL source and a MariaDB target.
    static func between(source: ServerVersion, target: ServerVersion) -> MySQLDialect? {
        !source.isMariaDB && target.isMariaDB ? MySQLDialect(target: target) : nil
    }

    static func between(_ source: MariaDBConnection, _ target: MariaDBConnection) -> MySQLDialect? {
        between(source: ServerVersion(source.serverVersion), target: ServerVersion(target.serverVersion))
    }

    /// The tokens as MariaDB reads them, and what was translated (for the log).
    func translate(_ input: [SQLToken]) throws(Refused) -> (tokens: [SQLToken], translations: [String]) {
        var tokens = input
        var notes: [String] = []
        try refuseWhatHasNoEquivalent(tokens)
        try translateCollations(&tokens, &notes)
        translateJSONOperators(&tokens, &notes)
        quoteColumnNames(&tokens)
        dropClauses(&tokens, &notes)
        try translateIndexVisibility(&tokens, &notes)
        try moveSRIDs(&tokens, &notes)
        removeDanglingCommas(&tokens)
        return (tokens, notes)
    }

    /// What `translate` changes in a statement's text, for the log (nil when it cannot be read).
    func translations(of text: String, session: QuerySessionSettings) -> [String]? {
        guard let tokens = try? SQLTokenizer.tokens(text, ansiQuotes: session.ansiQuotes, noBackslashEscapes: session.noBackslashEscapes) else { return nil }
        return try? translate(tokens).translations
    }

    // MARK: Refusals

    private func refuseWhatHasNoEquivalent(_ tokens: [SQLToken]) throws(Refused) {
        for index in tokens.indices {
            let token = tokens[index]
            if token.isSymbol("("), index + 1 < tokens.count, tokens[index + 1].isSymbol("("), opensKeyParts(tokens, at: index) {
                throw Refused(description: "MySQL's functional key part (an index on an expression) has no MariaDB equivalent")
            }
            if token.isSymbol("("), opensKeyParts(tokens, at: index), let close = tokens.matchingParenthesis(from: index),
               tokens.topLevelItems(from: index + 1, to: close).contains(where: { tokens[$0.lowerBound].isSymbol("(") }) {
                throw Refused(description: "MySQL's functional key part (an index on an expression) has no MariaDB equivalent")
            }
            if token.isKeyword("VECTOR"), index + 1 < tokens.count, tokens[index + 1].isSymbol("("), !target.isAtLeast(11, 7) {
                throw Refused(description: "MySQL 9's VECTOR type needs MariaDB 11.7+; the target is \(target.major).\(target.minor)")
            }
            guard token.isKeyword("ALTER"), index + 1 < tokens.count else { continue }
            let next = tokens[index + 1]
            if next.isKeyword("COLUMN") || (next.isName && !next.isKeyword("TABLE") && !next.isKeyword("INDEX") && !next.isKeyword("KEY")
                                            && !next.isKeyword("CHECK") && !next.isKeyword("CONSTRAINT") && !next.isKeyword("ONLINE")
                                            && !next.isKeyword("IGNORE")) {
                let rest = tokens[(index + 1)...].prefix(6)
                if rest.contains(where: { $0.isKeyword("SET") }), rest.contains(where: { $0.isKeyword("VISIBLE") || $0.isKeyword("INVISIBLE") }) {
                    throw Refused(description: "MySQL's ALTER COLUMN … SET VISIBLE/INVISIBLE has no MariaDB equivalent (MariaDB changes a column's visibility with MODIFY)")
                }
            }
            if next.isKeyword("CHECK") || next.isKeyword("CONSTRAINT"),
               tokens[(index + 1)...].prefix(5).contains(where: { $0.isKeyword("ENFORCED") }) {
                throw Refused(description: "MySQL's ALTER CHECK/CONSTRAINT … ENFORCED has no MariaDB equivalent (MariaDB constraints are always enforced)")
            }
        }
    }

    /// Whether the `(` at `index` opens an index's key parts: after `INDEX|KEY [name]`, `UNIQUE|PRIMARY|FULLTEXT|SPATIAL
    /// [KEY|INDEX] [name]`, or `CREATE … INDEX name ON table`.
    private func opensKeyParts(_ tokens: [SQLToken], at index: Int) -> Bool {
        var back = index - 1
        if back >= 0, tokens[back].isName, !isIndexKeyword(tokens[back]) { back -= 1 }  // the index's name
        if back >= 0, tokens[back].isKeyword("KEY") || tokens[back].isKeyword("INDEX") {
            return true
        }
        if back >= 0, tokens[back].isKeyword("UNIQUE") || tokens[back].isKeyword("FULLTEXT") || tokens[back].isKeyword("SPATIAL") {
            return true
        }
        // CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX name ON [db.]table (
        var on = index - 1
        while on >= 0, tokens[on].isName || tokens[on].isSymbol(".") {
            if tokens[on].isKeyword("ON") { break }
            on -= 1
        }
        return on >= 0 && tokens[on].isKeyword("ON") && tokens.first?.isKeyword("CREATE") == true
            && tokens.prefix(on).contains { $0.isKeyword("INDEX") }
    }

    private func isIndexKeyword(_ token: SQLToken) -> Bool {
        ["KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL", "PRIMARY"].contains { token.isKeyword($0) }
    }

    // MARK: JSON operators

    /// `c->'$.a'` → `JSON_EXTRACT(c, '$.a')`, `c->>'$.a'` → `JSON_UNQUOTE(JSON_EXTRACT(c, '$.a'))`: MySQL's column
    /// path operators (in generated columns, defaults, checks), which MariaDB lacks.
    private func translateJSONOperators(_ tokens: inout [SQLToken], _ notes: inout [String]) {
        var index = 0
        while index + 3 < tokens.count {
            guard tokens[index].isName, tokens[index + 1].isSymbol("-"), tokens[index + 2].isSymbol(">") else {
                index += 1
                continue
            }
            let unquote = tokens[index + 3].isSymbol(">")
            let pathIndex = index + (unquote ? 4 : 3)
            guard pathIndex < tokens.count, tokens[pathIndex].kind == .string else {
                index += 1
                continue
            }
            let column = tokens[index], path = tokens[pathIndex]
            var replacement = [retexted(column, "JSON_EXTRACT"), symbol("(", at: column), column, symbol(",", at: path), path, symbol(")", at: path)]
            if unquote { replacement = [retexted(column, "JSON_UNQUOTE"), symbol("(", at: column)] + replacement + [symbol(")", at: path)] }
            notes.append("\(column.text)-\(unquote ? ">>" : ">") → \(unquote ? "JSON_UNQUOTE(JSON_EXTRACT(…))" : "JSON_EXTRACT(…)")")
            tokens.replaceSubrange(index...pathIndex, with: replacement)
            index += replacement.count
        }
    }

    // MARK: Column names

    /// Words that are columns' names where a column is defined: quoted, since a name MySQL allows bare may be a
    /// word MariaDB reserves (`Offset` in MySQL 5's own tables, say).
    private func quoteColumnNames(_ tokens: inout [SQLToken]) {
        let definitionStarters: Set<String> = ["PRIMARY", "KEY", "INDEX", "UNIQUE", "CONSTRAINT", "CHECK", "FOREIGN", "FULLTEXT",
                                               "SPATIAL", "PERIOD"]
        func quote(_ index: Int) {
            guard index < tokens.count, tokens[index].kind == .word else { return }
            tokens[index].kind = .quotedIdentifier
        }
        if tokens.count > 3, tokens[0].isKeyword("CREATE"), let open = tokens.firstIndex(where: { $0.isSymbol("(") }),
           tokens.prefix(open).contains(where: { $0.isKeyword("TABLE") }), let close = tokens.matchingParenthesis(from: open) {
            for item in tokens.topLevelItems(from: open + 1, to: close) where !definitionStarters.contains(tokens[item.lowerBound].text.uppercased())
                || tokens[item.lowerBound].kind != .word {
                // `name type …`: a name followed by its type (a word), not a clause like `LIKE other`.
                if item.count > 1, tokens[item.lowerBound + 1].kind == .word { quote(item.lowerBound) }
            }
        }
        guard tokens.first?.isKeyword("ALTER") == true else { return }
        for index in tokens.indices where tokens[index].isKeyword("ADD") || tokens[index].isKeyword("MODIFY") || tokens[index].isKeyword("CHANGE") {
            var name = index + 1
            if name < tokens.count, tokens[name].isKeyword("COLUMN") { name += 1 }
            guard name + 1 < tokens.count, tokens[name].kind == .word, !definitionStarters.contains(tokens[name].text.uppercased()),
                  !tokens[name].isKeyword("PARTITION"), !tokens[name].isKeyword("IF") else { continue }
            quote(name)
            if tokens[index].isKeyword("CHANGE") { quote(name + 1) }
        }
    }

    // MARK: Collations

    /// MySQL's language tailorings of UCA 9.0.0 and MariaDB's names for the same languages' UCA 14.0.0 ones.
    private static let languages: [String: String] = [
        "is": "icelandic", "lv": "latvian", "ro": "romanian", "sl": "slovenian", "pl": "polish", "et": "estonian",
        "es": "spanish", "sv": "swedish", "tr": "turkish", "cs": "czech", "da": "danish", "lt": "lithuanian",
        "sk": "slovak", "es_trad": "spanish2", "la": "roman", "de_pb": "german2", "hu": "hungarian", "hr": "croatian",
        "vi": "vietnamese",
    ]

    private func translateCollations(_ tokens: inout [SQLToken], _ notes: inout [String]) throws(Refused) {
        for index in tokens.indices where tokens[index].kind != .number && tokens[index].kind != .symbol {
            let mapped = try collation(tokens[index].text)
            guard mapped != tokens[index].text else { continue }
            notes.append("collation \(tokens[index].text) → \(mapped)")
            tokens[index].text = mapped
        }
    }

    /// A collation's name as the target knows it: MySQL's UCA 9.0.0 ones mapped, any other as it is.
    func collation(_ name: String) throws(Refused) -> String {
        let lowered = name.lowercased()
        return lowered.hasPrefix("utf8mb4_") && lowered.contains("0900_") ? try mariaDBCollation(for: name) : name
    }

    private func mariaDBCollation(for mysql: String) throws(Refused) -> String {
        let name = mysql.lowercased()
        if name == "utf8mb4_0900_bin" { return "utf8mb4_bin" }
        guard target.isAtLeast(10, 10) else {
            // Before UCA 14.0 MariaDB's nearest is UCA 5.2.0, accent- and case-insensitive only.
            guard name == "utf8mb4_0900_ai_ci" else {
                throw Refused(description: "collation \(mysql) has no counterpart on MariaDB \(target.major).\(target.minor) (10.10+ has utf8mb4_uca1400_*)")
            }
            return "utf8mb4_unicode_520_ci"
        }
        let rest = "_" + name.dropFirst("utf8mb4_".count)  // `_0900_ai_ci`, `_de_pb_0900_ai_ci`
        let parts = rest.components(separatedBy: "_0900_").map { $0.hasPrefix("_") ? String($0.dropFirst()) : $0 }
        guard parts.count == 2, ["ai_ci", "as_ci", "as_cs"].contains(parts[1]) else {
            throw Refused(description: "collation \(mysql) has no MariaDB counterpart")
        }
        if parts[0].isEmpty { return "utf8mb4_uca1400_\(parts[1])" }
        guard let language = Self.languages[parts[0]] else {
            throw Refused(description: "collation \(mysql) (language \(parts[0])) has no MariaDB counterpart")
        }
        return "utf8mb4_uca1400_\(language)_\(parts[1])"
    }

    // MARK: Clauses dropped

    /// Options whose value follows (with or without `=`) and which a replica does without.
    private static let droppedOptions: Set<String> = [
        "ALGORITHM", "LOCK", "AUTOEXTEND_SIZE", "ENGINE_ATTRIBUTE", "SECONDARY_ENGINE_ATTRIBUTE", "SECONDARY_ENGINE", "ENCRYPTION",
    ]

    private func dropClauses(_ tokens: inout [SQLToken], _ notes: inout [String]) {
        var kept: [SQLToken] = []
        var index = 0
        let isCreateTable = tokens.count > 1 && tokens[0].isKeyword("CREATE") && tokens.prefix(4).contains { $0.isKeyword("TABLE") }
        let isCreateOrAlter = tokens.first?.isKeyword("CREATE") == true || tokens.first?.isKeyword("ALTER") == true
            || tokens.first?.isKeyword("DROP") == true
        while index < tokens.count {
            let token = tokens[index]
            let word = token.kind == .word ? token.text.uppercased() : ""
            // `OPTION [=] value`, not a column named so: a name would be followed by its type, not `=` or a value alone.
            if isCreateOrAlter, Self.droppedOptions.contains(word), isOptionPosition(tokens, index) {
                var end = index + 1
                if end < tokens.count, tokens[end].isSymbol("=") { end += 1 }
                if end < tokens.count { end += 1 }
                notes.append("dropped " + tokens[index..<min(end, tokens.count)].map(\.text).joined(separator: " "))
                if word == "DEFAULT", !kept.isEmpty { kept.removeLast() }
                index = end
                continue
            }
            if word == "DEFAULT", index + 1 < tokens.count, tokens[index + 1].isKeyword("ENCRYPTION") {
                index += 1
                continue
            }
            if isCreateTable, word == "START", index + 1 < tokens.count, tokens[index + 1].isKeyword("TRANSACTION") {
                notes.append("dropped START TRANSACTION (an atomic CREATE TABLE … SELECT: its rows follow as row events)")
                index += 2
                continue
            }
            if word == "NOT", index + 1 < tokens.count, tokens[index + 1].isKeyword("ENFORCED") {
                // `[CONSTRAINT [name]] CHECK (…) NOT ENFORCED`: the whole constraint goes.
                if let start = checkConstraintStart(kept) {
                    notes.append("dropped CHECK … NOT ENFORCED (MySQL does not hold rows to it)")
                    kept.removeSubrange(start...)
                    index += 2
                    continue
                }
            }
            if word == "ENFORCED" {
                index += 1
                continue
            }
            if word == "DROP", index + 2 < tokens.count, tokens[index + 1].isKeyword("CHECK"), tokens[index + 2].isName {
                notes.append("DROP CHECK → DROP CONSTRAINT IF EXISTS")
                kept.append(token)
                kept.append(retexted(tokens[index + 1], "CONSTRAINT"))
                kept.append(retexted(tokens[index + 1], "IF"))
                kept.append(retexted(tokens[index + 1], "EXISTS"))
                index += 2
                continue
            }
            kept.append(token)
            index += 1
        }
        tokens = kept
    }

    /// `ALGORITHM` and the others are options where `=` follows, or at an item's start followed by a value.
    private func isOptionPosition(_ tokens: [SQLToken], _ index: Int) -> Bool {
        if index + 1 < tokens.count, tokens[index + 1].isSymbol("=") { return true }
        let previous = index > 0 ? tokens[index - 1] : nil
        guard previous == nil || previous?.isSymbol(",") == true || previous?.isSymbol(")") == true || previous?.kind == .number
                || previous?.kind == .string || previous?.isKeyword("DEFAULT") == true else { return false }
        guard index + 1 < tokens.count else { return false }
        let value = tokens[index + 1]
        return value.kind == .string || value.kind == .number || (value.kind == .word && !value.isKeyword("INT"))
    }

    /// Where the CHECK constraint ending `kept` starts: after the last `,` or `(` at its depth.
    private func checkConstraintStart(_ kept: [SQLToken]) -> Int? {
        var depth = 0
        var index = kept.count - 1
        var sawCheck = false
        while index >= 0 {
            let token = kept[index]
            if token.isSymbol(")") { depth += 1 }
            if token.isSymbol("(") {
                if depth == 0 { return sawCheck ? index + 1 : nil }
                depth -= 1
            }
            if depth == 0, token.isKeyword("CHECK") { sawCheck = true }
            if depth == 0, token.isSymbol(",") { return sawCheck ? index : nil }
            if depth == 0, sawCheck, token.isKeyword("ADD") { return index }
            index -= 1
        }
        return nil
    }

    // MARK: Index visibility

    private func translateIndexVisibility(_ tokens: inout [SQLToken], _ notes: inout [String]) throws(Refused) {
        var out: [SQLToken] = []
        // An ALTER's first change starts after the table's name; a CREATE TABLE's first definition after its `(`.
        var elementStart = tokens.indices.first { afterAlterTableName(tokens, $0) } ?? 0
        var depth = 0
        for (index, token) in tokens.enumerated() {
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if (token.isSymbol(",") && depth <= 1) || (token.isSymbol("(") && depth == 1 && elementStart == 0) { elementStart = out.count + 1 }
            let visibility = token.isKeyword("VISIBLE") || token.isKeyword("INVISIBLE")
            guard visibility, isIndexElement(Array(out[min(elementStart, out.count)...]), statement: tokens) else {
                out.append(token)
                continue
            }
            guard target.isAtLeast(10, 6) else {
                throw Refused(description: "index \(token.text.uppercased()) needs MariaDB 10.6+ (IGNORED indexes); the target is \(target.major).\(target.minor)")
            }
            notes.append("index \(token.text.uppercased()) → \(token.isKeyword("VISIBLE") ? "NOT IGNORED" : "IGNORED")")
            if token.isKeyword("VISIBLE") { out.append(retexted(token, "NOT")) }
            out.append(retexted(token, "IGNORED"))
            _ = index
        }
        tokens = out
    }

    /// An element that defines or alters an index (not a column, whose INVISIBLE is MariaDB's too).
    private func isIndexElement(_ element: [SQLToken], statement: [SQLToken]) -> Bool {
        var words = element.filter { $0.kind == .word }.prefix(3).map { $0.text.uppercased() }
        if words.first == "ADD" { words.removeFirst() }
        if words.first == "CONSTRAINT" { return element.contains { isIndexKeyword($0) } }
        if words.first == "ALTER", words.dropFirst().first == "INDEX" || words.dropFirst().first == "KEY" { return true }
        if let first = words.first, ["INDEX", "KEY", "UNIQUE", "PRIMARY", "FULLTEXT", "SPATIAL"].contains(first) { return true }
        // CREATE [UNIQUE|FULLTEXT|SPATIAL] INDEX … VISIBLE
        return statement.first?.isKeyword("CREATE") == true && statement.prefix(3).contains { $0.isKeyword("INDEX") }
    }

    // MARK: SRID

    private static let geometryTypes: Set<String> = [
        "GEOMETRY", "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION", "GEOMCOLLECTION",
    ]

    /// `p POINT NOT NULL SRID 4326` → `p POINT REF_SYSTEM_ID = 4326 NOT NULL`: MariaDB wants it right after the type.
    private func moveSRIDs(_ tokens: inout [SQLToken], _ notes: inout [String]) throws(Refused) {
        while let srid = tokens.indices.first(where: { tokens[$0].isKeyword("SRID") && $0 + 1 < tokens.count && tokens[$0 + 1].kind == .number }) {
            guard let type = tokens[..<srid].lastIndex(where: { $0.kind == .word && Self.geometryTypes.contains($0.text.uppercased()) }),
                  !tokens[type..<srid].contains(where: { $0.isSymbol(",") }) else {
                throw Refused(description: "SRID outside a geometry column's definition")
            }
            let number = tokens[srid + 1]
            tokens.removeSubrange(srid...(srid + 1))
            tokens.insert(contentsOf: [retexted(tokens[type], "REF_SYSTEM_ID"), retexted(tokens[type], "="), number], at: type + 1)
            notes.append("SRID \(number.text) → REF_SYSTEM_ID=\(number.text)")
        }
    }

    // MARK: Helpers

    /// Commas left with nothing on one side by a dropped clause.
    private func removeDanglingCommas(_ tokens: inout [SQLToken]) {
        var index = 0
        while index < tokens.count {
            let isComma = tokens[index].isSymbol(",")
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            let previous = index > 0 ? tokens[index - 1] : nil
            if isComma, next == nil || next?.isSymbol(",") == true || next?.isSymbol(")") == true || previous?.isSymbol("(") == true
                || afterAlterTableName(tokens, index) {
                tokens.remove(at: index)
                continue
            }
            index += 1
        }
    }

    /// Whether `index` directly follows `ALTER … TABLE [IF EXISTS] [db.]name`.
    private func afterAlterTableName(_ tokens: [SQLToken], _ index: Int) -> Bool {
        guard tokens.first?.isKeyword("ALTER") == true, let table = tokens.firstIndex(where: { $0.isKeyword("TABLE") }) else { return false }
        var name = table + 1
        if name + 1 < tokens.count, tokens[name].isKeyword("IF"), tokens[name + 1].isKeyword("EXISTS") { name += 2 }
        name += 1
        if name + 1 < tokens.count, tokens[name].isSymbol(".") { name += 2 }
        return index == name
    }

    /// A keyword written in place of a source token (its place, so the rendering spaces it as the token was).
    private func retexted(_ token: SQLToken, _ text: String) -> SQLToken {
        SQLToken(kind: .word, text: text, range: token.range)
    }

    private func symbol(_ text: String, at token: SQLToken) -> SQLToken {
        SQLToken(kind: .symbol, text: text, range: token.range)
    }
}
