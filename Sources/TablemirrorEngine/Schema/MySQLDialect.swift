import BinlogDecoding

/// A MySQL 8.0/8.4 source's table DDL (CREATE/ALTER TABLE, CREATE/DROP INDEX) as a MariaDB target spells it, run
/// on the statement's tokens before they are parsed. Where MariaDB has an equivalent the tokens are rewritten;
/// where it has none the statement is refused, saying what MariaDB lacks. Other statements pass untouched:
/// RENAME TABLE, TRUNCATE and DROP TABLE are spelled alike, and the rest (databases, grants…) is not replayed.
///
/// Translated:
/// - `utf8mb4_0900_*` and `utf8mb4_<lang>_0900_*` collations after `COLLATE` (see `MySQLCollations`);
/// - an index's `INVISIBLE`/`VISIBLE` → `IGNORED`/nothing (visible is the default), `ALTER INDEX i INVISIBLE|VISIBLE`
///   → `IGNORED`/`NOT IGNORED`; a column's `INVISIBLE` is the same in both and stays, its `VISIBLE` is left out;
/// - `ALGORITHM=…` and `LOCK=…` left out: MariaDB knows them but refuses an ALGORITHM or LOCK it cannot honour
///   where MySQL could, and on a replica how the change is made does not matter, only that it is made;
/// - `CREATE TABLE … START TRANSACTION` (MySQL 8.0.21+ logs an atomic CREATE TABLE … SELECT so, its rows following
///   as row events) → the clause left out;
/// - CHECK … `ENFORCED` → the word left out (enforced is the default); a check `NOT ENFORCED` (or altered to it)
///   is left out or dropped: the source does not hold rows to it, so the replica must not refuse them;
///   `DROP CHECK c` → `DROP CONSTRAINT c`;
/// - a column's `SRID n` → `REF_SYSTEM_ID=n`, after the column's type, where MariaDB reads it;
/// - JSON's `col->'$.path'` and `col->>'$.path'` (generated columns, defaults, checks) → `JSON_EXTRACT(col, '$.path')`
///   and `JSON_UNQUOTE(JSON_EXTRACT(col, '$.path'))`, which is what MySQL defines them as;
/// - column names written bare (in definitions, key parts, CHANGE, AFTER, ALTER/DROP/RENAME COLUMN) are quoted:
///   MariaDB reserves words MySQL does not (`OFFSET` since 10.6), and a quoted name is the same name (not listed
///   as a change);
/// - options of storage MariaDB does not have, left out: `AUTOEXTEND_SIZE`, `SECONDARY_ENGINE`, `ENGINE_ATTRIBUTE`,
///   `SECONDARY_ENGINE_ATTRIBUTE`, `COMPRESSION` (InnoDB page compression), `ENCRYPTION='N'`, a column's
///   `NOT SECONDARY`, `SECONDARY_LOAD`/`SECONDARY_UNLOAD`, a column's `COLUMN_FORMAT`/`STORAGE` (NDB's), and
///   `TABLESPACE` (MariaDB ignores it, but not written `TABLESPACE=`);
/// - the type `GEOMCOLLECTION` → `GEOMETRYCOLLECTION`.
///
/// Refused: functional key parts (`INDEX ((expr))`), `ALTER COLUMN c SET VISIBLE|INVISIBLE`, `ALTER CHECK c
/// ENFORCED`, `ENCRYPTION='Y'` (a replica left unencrypted would go against the source's choice), full-text
/// indexes `WITH PARSER` (MySQL's ngram and MeCab parsers), MySQL 9's
/// `VECTOR` type before MariaDB 11.7, and collations `MySQLCollations` cannot map.
///
/// A bare name elsewhere (in an expression, a generated column's say) that MariaDB reserves is not found: the target
/// refuses the statement with a syntax error, and stops at it as at any statement it cannot run.
///
/// MySQL's executable comments (`/*!80023 INVISIBLE */`) need no rule of their own: their content ran on the
/// source (it writes a comment it skipped as a plain one), the tokenizer reads it as code, and it is translated
/// and replayed as code like the rest of the statement.
struct MySQLDialect: Sendable {
    var collations: MySQLCollations

    init(target: ServerVersion) { collations = MySQLCollations(target: target) }

    /// The translation for a source and a target, or nil when statements pass as written (a MariaDB source, or
    /// a MySQL target).
    static func between(sourceIsMariaDB: Bool, target: ServerVersion) -> MySQLDialect? {
        !sourceIsMariaDB && target.isMariaDB ? MySQLDialect(target: target) : nil
    }

    struct Translation {
        var tokens: [SQLToken]
        /// What was rewritten or left out, for the log (empty: the statement is unchanged).
        var changes: [String]
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    func translate(_ tokens: [SQLToken]) throws(Refusal) -> Translation {
        var walk = DialectWalk(tokens: tokens, collations: collations)
        try walk.run()
        return Translation(tokens: walk.edits.result, changes: walk.edits.changes)
    }
}

/// One statement's walk for `MySQLDialect`: finds the statement's shape, then each part that MariaDB spells
/// differently, recording the changes in `edits`.
private struct DialectWalk {
    let tokens: [SQLToken]
    let collations: MySQLCollations
    var edits: TokenEdits
    /// Each token's parenthesis depth (a parenthesis counts outside itself).
    let depths: [Int]

    init(tokens: [SQLToken], collations: MySQLCollations) {
        self.tokens = tokens
        self.collations = collations
        edits = TokenEdits(tokens)
        var depth = 0
        depths = tokens.map { token in
            if token.isSymbol(")") { depth -= 1 }
            defer { if token.isSymbol("(") { depth += 1 } }
            return depth
        }
    }

    func word(_ index: Int) -> String? {
        tokens.indices.contains(index) && tokens[index].kind == .word ? tokens[index].text.uppercased() : nil
    }

    func text(_ range: Range<Int>) -> String { SQLRendering(noBackslashEscapes: false).text(tokens[range]) }

    /// The index after `name` or `db.name` at `index`.
    func afterName(_ index: Int) -> Int {
        guard index < tokens.count, tokens[index].isName else { return index }
        if index + 2 < tokens.count, tokens[index + 1].isSymbol("."), tokens[index + 2].isName { return index + 3 }
        return index + 1
    }

    /// The index after the keywords `words` at `index`, or nil when they are not there.
    func after(_ words: String..., at index: Int) -> Int? {
        for (offset, expected) in words.enumerated() where word(index + offset) != expected { return nil }
        return index + words.count
    }

    mutating func run() throws(MySQLDialect.Refusal) {
        if word(0) == "CREATE" {
            let indexAt = ["UNIQUE", "FULLTEXT", "SPATIAL"].contains(word(1) ?? "") ? 2 : 1
            if word(1) == "TABLE" {
                try createTable(from: 2)
            } else if word(indexAt) == "INDEX" {
                try createIndex(from: indexAt + 1)
            } else {
                return  // CREATE TEMPORARY TABLE, views, databases…: not replayed
            }
        } else if word(0) == "ALTER" {
            var index = 0
            while ["ONLINE", "IGNORE"].contains(word(index + 1) ?? "") { index += 1 }
            guard word(index + 1) == "TABLE" else { return }
            try alterTable(from: index + 2)
        } else if word(0) == "DROP", word(1) == "INDEX" {
            // DROP INDEX i ON t ALGORITHM=… LOCK=…
            guard let on = tokens.firstIndex(where: { $0.isKeyword("ON") }) else { return }
            try options(from: afterName(on + 1), to: tokens.count, in: .statement)
        } else {
            return
        }
        translateJSONOperators()
        try translateCollations()
        try completeUTF8MB4Charsets()
    }

    // MARK: statements

    mutating func createTable(from start: Int) throws(MySQLDialect.Refusal) {
        let name = after("IF", "NOT", "EXISTS", at: start) ?? start
        let open = afterName(name)
        guard open < tokens.count, tokens[open].isSymbol("("), word(open + 1) != "LIKE",
              let close = tokens.matchingParenthesis(from: open) else { return }
        for item in tokens.topLevelItems(from: open + 1, to: close) {
            try definition(item, listStart: open + 1)
        }
        try options(from: open + 1, to: close, in: .definitions)
        try options(from: close + 1, to: tokens.count, in: .statement)
        // START TRANSACTION ends the statement: the table's rows follow in the same transaction.
        if let start = (close + 1..<tokens.count).first(where: { word($0) == "START" && word($0 + 1) == "TRANSACTION" && depths[$0] == 0 }) {
            edits.removeListPart(start..<(start + 2), listStart: close + 1)
            edits.note("START TRANSACTION left out")
        }
    }

    mutating func createIndex(from start: Int) throws(MySQLDialect.Refusal) {
        guard let on = (start..<tokens.count).first(where: { word($0) == "ON" }) else { return }
        let open = afterName(on + 1)
        guard open < tokens.count, tokens[open].isSymbol("("), let close = tokens.matchingParenthesis(from: open) else { return }
        try keyParts(open: open, close: close)
        try indexOptions(in: (close + 1)..<tokens.count)
        try options(from: close + 1, to: tokens.count, in: .statement)
    }

    mutating func alterTable(from start: Int) throws(MySQLDialect.Refusal) {
        var head = afterName(after("IF", "EXISTS", at: start) ?? start)
        if word(head) == "NOWAIT" { head += 1 }
        if word(head) == "WAIT", head + 1 < tokens.count, tokens[head + 1].kind == .number { head += 2 }
        for item in tokens.topLevelItems(from: head, to: tokens.count) {
            try alterSpec(item, listStart: head)
        }
        try options(from: head, to: tokens.count, in: .alter)
    }

    // MARK: parts

    /// One definition of a CREATE TABLE (or what an ALTER's ADD adds): an index, a check or a column.
    mutating func definition(_ item: Range<Int>, listStart: Int) throws(MySQLDialect.Refusal) {
        switch word(afterConstraint(item.lowerBound)) {
        case "KEY", "INDEX", "UNIQUE", "PRIMARY", "FULLTEXT", "SPATIAL":
            try index(item)
        case "CHECK":
            check(item, whole: item, listStart: listStart)
        case "FOREIGN":
            return
        default:
            try column(item)
        }
    }

    /// Where `[CONSTRAINT [symbol]] PRIMARY KEY|UNIQUE|FOREIGN KEY|CHECK …` at `index` says what it is.
    func afterConstraint(_ index: Int) -> Int {
        guard word(index) == "CONSTRAINT" else { return index }
        return ["PRIMARY", "UNIQUE", "FOREIGN", "CHECK"].contains(word(index + 1) ?? "") ? index + 1 : index + 2
    }

    /// An index definition: its key parts, then its options.
    mutating func index(_ item: Range<Int>) throws(MySQLDialect.Refusal) {
        guard let open = item.first(where: { tokens[$0].isSymbol("(") }), let close = tokens.matchingParenthesis(from: open),
              close < item.upperBound else { return }
        try keyParts(open: open, close: close)
        try indexOptions(in: (close + 1)..<item.upperBound)
    }

    /// A key part that is an expression (`((lower(a)))`, `((CAST(j->'$.x' AS UNSIGNED ARRAY)))`) is refused; a
    /// column's name is quoted.
    mutating func keyParts(open: Int, close: Int) throws(MySQLDialect.Refusal) {
        for part in tokens.topLevelItems(from: open + 1, to: close) {
            if tokens[part.lowerBound].isSymbol("(") {
                throw MySQLDialect.Refusal(description: "MySQL's functional key part has no MariaDB equivalent: \(text(open..<(close + 1)))")
            }
            quoteName(part.lowerBound)
        }
    }

    /// A bare name at `index` written quoted: the same name, whatever words the target reserves.
    mutating func quoteName(_ index: Int) {
        guard index < tokens.count, tokens[index].kind == .word else { return }
        edits.replace(index, with: tokens[index].text, kind: .quotedIdentifier)
    }

    /// An index's options: visibility, and a full-text parser (MySQL's ngram and MeCab are not MariaDB's).
    mutating func indexOptions(in range: Range<Int>) throws(MySQLDialect.Refusal) {
        let depth = range.isEmpty ? 0 : depths[range.lowerBound]
        for index in range where depths[index] == depth {
            if word(index) == "WITH", word(index + 1) == "PARSER" {
                let parser = tokens[min(index + 2, tokens.count - 1)].text
                throw MySQLDialect.Refusal(description: "MySQL's full-text parser \(parser) has no MariaDB equivalent: \(text(range))")
            } else if word(index) == "INVISIBLE" {
                edits.replace(index, with: "IGNORED")
                edits.note("index INVISIBLE → IGNORED")
            } else if word(index) == "VISIBLE" {
                edits.remove(index..<(index + 1))
                edits.note("index VISIBLE (the default) left out")
            }
        }
    }

    /// A column definition's attributes MariaDB spells differently; the expressions within are left alone.
    mutating func column(_ item: Range<Int>) throws(MySQLDialect.Refusal) {
        guard !item.isEmpty else { return }
        let depth = depths[item.lowerBound]
        quoteName(item.lowerBound)
        if word(item.lowerBound + 1) == "GEOMCOLLECTION" {
            edits.replace(item.lowerBound + 1, with: "GEOMETRYCOLLECTION")
            edits.note("GEOMCOLLECTION → GEOMETRYCOLLECTION")
        }
        if word(item.lowerBound + 1) == "VECTOR", !collations.target.isAtLeast(11, 7) {
            throw MySQLDialect.Refusal(description: "MySQL's VECTOR type has no MariaDB equivalent before MariaDB 11.7: \(text(item))")
        }
        // The type follows the name; its arguments, if any, are in parentheses.
        var typeEnd = item.lowerBound + 1
        if typeEnd + 1 < item.upperBound, tokens[typeEnd + 1].isSymbol("("), let close = tokens.matchingParenthesis(from: typeEnd + 1) {
            typeEnd = close
        }
        var index = item.lowerBound + 1
        while index < item.upperBound {
            defer { index += 1 }
            guard depths[index] == depth else { continue }
            switch word(index) {
            case "VISIBLE":
                edits.remove(index..<(index + 1))
                edits.note("column VISIBLE (the default) left out")
            case "SECONDARY" where word(index - 1) == "NOT":
                edits.remove((index - 1)..<(index + 1))
                edits.note("NOT SECONDARY left out")
            case "SRID" where index + 1 < item.upperBound && tokens[index + 1].kind == .number && typeEnd < index:
                let srid = tokens[index + 1].text
                guard srid.allSatisfy(\.isNumber) else { continue }
                edits.remove(index..<(index + 2))
                edits.insert(word: "REF_SYSTEM_ID=" + srid, after: typeEnd, spacing: index)
                edits.note("SRID \(srid) → REF_SYSTEM_ID=\(srid)")
            case "AFTER":
                // The name after it is a column's, whatever word it is (`AFTER visible` is no attribute).
                quoteName(index + 1)
                index += 1
            case "COLUMN_FORMAT" where ["FIXED", "DYNAMIC", "DEFAULT"].contains(word(index + 1) ?? ""),
                 "STORAGE" where ["DISK", "MEMORY", "DEFAULT"].contains(word(index + 1) ?? ""):
                // NDB's column storage: MySQL's InnoDB ignores it too.
                edits.remove(index..<(index + 2))
                edits.note("column \(tokens[index].text.uppercased()) left out (NDB's, MariaDB has no such attribute)")
            case "CONSTRAINT" where word(index + 2) == "CHECK", "CHECK":
                check(index..<item.upperBound, whole: nil, listStart: item.lowerBound)
            default:
                continue
            }
        }
    }

    /// `[CONSTRAINT [name]] CHECK (expr) [[NOT] ENFORCED]` starting at `range`'s start. A check not enforced is
    /// left out: `whole` (the definition or the ALTER's change it is) when it is one, else just the check.
    mutating func check(_ range: Range<Int>, whole: Range<Int>?, listStart: Int) {
        guard let checkAt = range.first(where: { word($0) == "CHECK" }), checkAt + 1 < range.upperBound,
              tokens[checkAt + 1].isSymbol("("), let close = tokens.matchingParenthesis(from: checkAt + 1) else { return }
        if word(close + 1) == "ENFORCED" {
            edits.remove((close + 1)..<(close + 2))
            edits.note("CHECK ENFORCED (the default) → CHECK")
        } else if word(close + 1) == "NOT", word(close + 2) == "ENFORCED" {
            if let whole {
                edits.removeListPart(whole, listStart: listStart)
            } else {
                edits.remove(range.lowerBound..<(close + 3))
            }
            edits.note("CHECK … NOT ENFORCED left out (the source does not hold rows to it)")
        }
    }

    /// One change of an ALTER TABLE.
    mutating func alterSpec(_ item: Range<Int>, listStart: Int) throws(MySQLDialect.Refusal) {
        let start = item.lowerBound
        switch (word(start), word(start + 1)) {
        case ("ADD", "COLUMN"):
            try addedColumns(item.dropFirst(2), listStart: listStart)
        case ("ADD", "PARTITION"):
            return
        case ("ADD", _):
            let added = (start + 1)..<item.upperBound
            let first = afterConstraint(start + 1)
            if word(first) == "CHECK" {
                check(added, whole: item, listStart: listStart)
            } else if ["KEY", "INDEX", "UNIQUE", "PRIMARY", "FULLTEXT", "SPATIAL", "FOREIGN"].contains(word(first) ?? "") {
                try definition(added, listStart: listStart)
            } else {
                try addedColumns(added, listStart: listStart)
            }
        case ("MODIFY", _):
            try column((start + (word(start + 1) == "COLUMN" ? 2 : 1))..<item.upperBound)
        case ("CHANGE", _):
            let old = start + (word(start + 1) == "COLUMN" ? 2 : 1)
            quoteName(old)
            try column((old + 1)..<item.upperBound)
        case ("ALTER", "INDEX"), ("ALTER", "KEY"):
            let visibility = start + 3
            if word(visibility) == "INVISIBLE" {
                edits.replace(visibility, with: "IGNORED")
                edits.note("ALTER INDEX … INVISIBLE → IGNORED")
            } else if word(visibility) == "VISIBLE" {
                edits.replace(visibility, with: "NOT IGNORED")
                edits.note("ALTER INDEX … VISIBLE → NOT IGNORED")
            }
        case ("ALTER", "CHECK"), ("ALTER", "CONSTRAINT"):
            if word(start + 3) == "NOT", word(start + 4) == "ENFORCED" {
                edits.replace(start, with: "DROP")
                edits.replace(start + 1, with: "CONSTRAINT")
                edits.remove((start + 3)..<(start + 5))
                edits.note("ALTER CHECK … NOT ENFORCED → DROP CONSTRAINT (the source no longer holds rows to it)")
            } else if word(start + 3) == "ENFORCED" {
                throw MySQLDialect.Refusal(description: "MySQL's ALTER CHECK … ENFORCED has no MariaDB equivalent (replicas leave out checks "
                                           + "the source does not enforce, and the statement does not give the expression): \(text(item))")
            }
        case ("ALTER", _):
            let name = start + (word(start + 1) == "COLUMN" ? 2 : 1)
            if word(name + 1) == "SET", word(name + 2) == "VISIBLE" || word(name + 2) == "INVISIBLE" {
                throw MySQLDialect.Refusal(description: "MySQL's ALTER COLUMN … SET VISIBLE/INVISIBLE has no MariaDB equivalent (MariaDB "
                                           + "changes a column's visibility only with MODIFY and the column's whole definition): \(text(item))")
            }
            quoteName(name)
        case ("DROP", "CHECK"):
            edits.replace(start + 1, with: "CONSTRAINT")
            edits.note("DROP CHECK → DROP CONSTRAINT")
        case ("DROP", "COLUMN"):
            quoteName(start + 2)
        case ("DROP", let what) where !["INDEX", "KEY", "PRIMARY", "FOREIGN", "CONSTRAINT", "PARTITION"].contains(what ?? ""):
            quoteName(start + 1)  // DROP c: a column
        case ("RENAME", "COLUMN"):
            quoteName(start + 2)
            quoteName(start + 4)
        case ("SECONDARY_LOAD", _), ("SECONDARY_UNLOAD", _):
            edits.removeListPart(item, listStart: listStart)
            edits.note("\(tokens[start].text) left out")
        default:
            return
        }
    }

    /// `ADD [COLUMN] c type …` or `ADD [COLUMN] (c type …, …)`.
    mutating func addedColumns(_ range: Range<Int>, listStart: Int) throws(MySQLDialect.Refusal) {
        guard let first = range.first else { return }
        if tokens[first].isSymbol("("), let close = tokens.matchingParenthesis(from: first) {
            for item in tokens.topLevelItems(from: first + 1, to: close) { try definition(item, listStart: first + 1) }
        } else {
            try column(range)
        }
    }

    /// Where `options` looks: a CREATE TABLE's definitions (only columns' and indexes' ENGINE_ATTRIBUTE there), an
    /// ALTER's changes, or the options ending a CREATE TABLE or an index statement.
    enum OptionPlace { case definitions, alter, statement }

    /// Table options (and an ALTER's or an index statement's ALGORITHM/LOCK) at depth 0 from `start`, and the
    /// storage options MariaDB lacks wherever they are. In an ALTER an option is a change of its own (it follows
    /// a comma or the head): a column named `lock` or `algorithm` is not taken for one.
    mutating func options(from start: Int, to end: Int, in place: OptionPlace) throws(MySQLDialect.Refusal) {
        let isAlter = place == .alter
        var index = start
        while index < end {
            defer { index += 1 }
            guard let name = word(index) else { continue }
            let valueAt = index + 1 < end && tokens[index + 1].isSymbol("=") ? index + 2 : index + 1
            guard valueAt < end else { continue }
            let value = tokens[valueAt]
            let startsChange = index == start || tokens[index - 1].isSymbol(",")
            let option = index..<(valueAt + 1)
            switch name {
            case "ALGORITHM", "LOCK":
                let values: Set<String> = name == "ALGORITHM" ? ["DEFAULT", "INSTANT", "INPLACE", "COPY", "NOCOPY"]
                                                              : ["DEFAULT", "NONE", "SHARED", "EXCLUSIVE"]
                guard depths[index] == 0, value.kind == .word, values.contains(value.text.uppercased()), !isAlter || startsChange else { continue }
                edits.removeListPart(option, listStart: start)
                edits.note("\(name)=\(value.text.uppercased()) left out")
            case "AUTOEXTEND_SIZE", "SECONDARY_ENGINE", "COMPRESSION":
                guard depths[index] == 0, value.kind != .symbol, !isAlter || startsChange || valueAt > index + 1 else { continue }
                edits.removeListPart(option, listStart: start)
                edits.note("\(name) left out (MariaDB has no such option)")
            case "ENGINE_ATTRIBUTE", "SECONDARY_ENGINE_ATTRIBUTE":
                guard value.kind == .string else { continue }
                if depths[index] == 0 { edits.removeListPart(option, listStart: start) } else { edits.remove(option) }
                edits.note("\(name) left out (MariaDB has no such option)")
            case "TABLESPACE" where place != .definitions && value.isName && word(index - 1) != "DISCARD" && word(index - 1) != "IMPORT":
                // MariaDB's InnoDB keeps each table in its own file and ignores TABLESPACE, but not spelled `TABLESPACE=`.
                guard !isAlter || startsChange || valueAt > index + 1 else { continue }
                if depths[index] == 0 { edits.removeListPart(option, listStart: start) } else { edits.remove(option) }
                edits.note("TABLESPACE left out (MariaDB keeps each InnoDB table in its own file)")
            case "ENCRYPTION":
                guard depths[index] == 0, value.kind == .string else { continue }
                guard value.text.uppercased() == "N" else {
                    throw MySQLDialect.Refusal(description: "MySQL's ENCRYPTION='\(value.text)' has no MariaDB equivalent in a statement "
                                               + "(MariaDB encrypts with ENCRYPTED=YES and a key management plugin on the target): \(text(option))")
                }
                edits.removeListPart(option, listStart: start)
                edits.note("ENCRYPTION='N' left out (MariaDB does not encrypt unless told)")
            default:
                continue
            }
        }
    }

    /// `name->'path'` → `JSON_EXTRACT(name, 'path')`, `name->>'path'` → `JSON_UNQUOTE(JSON_EXTRACT(name, 'path'))`:
    /// MySQL allows a column (maybe qualified) on the left and a string on the right, and defines them so.
    mutating func translateJSONOperators() {
        for arrow in tokens.indices.dropFirst() where tokens[arrow].isSymbol("-") && arrow + 2 < tokens.count && tokens[arrow + 1].isSymbol(">")
            && tokens[arrow].range.upperBound == tokens[arrow + 1].range.lowerBound {
            let unquotes = tokens[arrow + 2].isSymbol(">") && tokens[arrow + 1].range.upperBound == tokens[arrow + 2].range.lowerBound
            let pathAt = arrow + (unquotes ? 3 : 2)
            guard pathAt < tokens.count, tokens[pathAt].kind == .string, tokens[arrow - 1].isName else { continue }
            var column = arrow - 1
            if column >= 2, tokens[column - 1].isSymbol("."), tokens[column - 2].isName { column -= 2 }
            guard column > 0 else { continue }
            let at = tokens[arrow].range.lowerBound
            let functions = unquotes ? ["JSON_UNQUOTE", "JSON_EXTRACT"] : ["JSON_EXTRACT"]
            edits.insert(functions.flatMap { [TokenEdits.written(.word, $0, at: at), TokenEdits.written(.symbol, "(", at: at)] }, after: column - 1)
            edits.remove(arrow..<pathAt)
            edits.insert([TokenEdits.written(.symbol, ",", at: at)], after: arrow - 1)
            edits.insert(functions.map { _ in TokenEdits.written(.symbol, ")", at: at) }, after: pathAt)
            edits.note(unquotes ? "->> → JSON_UNQUOTE(JSON_EXTRACT(…))" : "-> → JSON_EXTRACT(…)")
        }
    }

    /// `utf8mb4` named without a collation (a column's `CHARACTER SET utf8mb4`, a table's `DEFAULT CHARSET=utf8mb4`,
    /// `CONVERT TO CHARACTER SET utf8mb4`): MySQL 8 gives it its default, `utf8mb4_0900_ai_ci` (NO PAD), MariaDB
    /// its own (PAD SPACE): two values the source keeps apart (`'a'`, `'a '`) would meet in a replica's unique key.
    /// The MySQL default is written out, mapped. (A server whose `default_collation_for_utf8mb4` was changed to
    /// `utf8mb4_general_ci` logs that collation in the statement's session, which is not read here.)
    mutating func completeUTF8MB4Charsets() throws(MySQLDialect.Refusal) {
        for index in tokens.indices where word(index) == "CHARSET" || (word(index) == "SET" && word(index - 1) == "CHARACTER") {
            let at = index + 1 < tokens.count && tokens[index + 1].isSymbol("=") ? index + 2 : index + 1
            guard at < tokens.count, tokens[at].text.lowercased() == "utf8mb4", tokens[at].kind != .symbol else { continue }
            // A COLLATE of the same clause: within the column (up to its `,` or `)`), or among the table's options.
            let depth = depths[index]
            var end = at + 1
            while end < tokens.count, !(depths[end] == depth && (tokens[end].isSymbol(",") || tokens[end].isSymbol(")"))),
                  depths[end] >= depth {
                end += 1
            }
            guard !(at + 1..<end).contains(where: { word($0) == "COLLATE" && depths[$0] == depth }) else { continue }
            let name = try collations.targetName("utf8mb4_0900_ai_ci")
            // With the charset's own place: spaced apart from it, touching what touched it (`utf8mb4)`), and after the
            // table's name where the charset is (the replay splits the text around that name by place).
            edits.insert(word: "COLLATE " + name, after: at, spacing: at)
            edits.note("utf8mb4 without a collation → COLLATE \(name) (MySQL 8's default)")
        }
    }

    /// The collation after each `COLLATE` (a name, a quoted name or a string), wherever it is.
    mutating func translateCollations() throws(MySQLDialect.Refusal) {
        for index in tokens.indices where word(index) == "COLLATE" {
            let at = index + 1 < tokens.count && tokens[index + 1].isSymbol("=") ? index + 2 : index + 1
            guard at < tokens.count, tokens[at].kind != .symbol, tokens[at].kind != .number else { continue }
            let name = try collations.targetName(tokens[at].text)
            guard name != tokens[at].text else { continue }
            edits.replace(at, with: name)
            edits.note("\(tokens[at].text) → \(name)")
        }
    }
}
