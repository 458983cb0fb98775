import BinlogDecoding

/// A table named in a statement, and where it is written, so the name can be replaced by a replica's.
struct TableReference: Equatable {
    var name: QualifiedTableName
    var range: Range<String.Index>
}

/// The index InnoDB adds for a foreign key when no index leads with its columns. Replicas get it without the
/// foreign key, so they keep the source's indexes (a later `DROP INDEX` of it must find it).
struct ForeignKeyIndex: Equatable, Sendable {
    var name: String
    var columns: [String]
    /// The statement named it (constraint symbol or index name); otherwise InnoDB names it after the first
    /// column, made unique with `_2`, `_3`…
    var isNamed = true
}

/// Statement text around one table name: `before + name + after`.
struct TextAroundName: Equatable {
    var before: String
    var after: String

    /// The statement's tokens before `name` and after it (up to `end`), rendered (see `SQLRendering`).
    init(_ tokens: [SQLToken], around name: TableReference, upTo end: String.Index? = nil, rendering: SQLRendering) {
        before = rendering.text(tokens.lazy.filter { $0.range.upperBound <= name.range.lowerBound })
        after = rendering.text(tokens.lazy.filter { token in
            token.range.lowerBound >= name.range.upperBound && end.map { token.range.upperBound <= $0 } ?? true
        })
    }

    /// The text with `name` (an already quoted, qualified name) in place of the original one.
    func with(_ name: String) -> String { before + " " + name + (after.isEmpty ? "" : " " + after) }
}

/// What a statement from the binlog does to tables — just enough of it to replay it on replicas under their own
/// names: which tables it touches, and the pieces of its text that mention them. Statements that touch no
/// table's structure or contents (CREATE DATABASE, GRANT, triggers, views…) are `.other`.
enum SchemaStatement: Equatable {
    /// ALTER TABLE.
    case alter(AlterTable)
    /// A statement about one table that replays as written once the name is replaced: TRUNCATE, CREATE INDEX,
    /// DROP INDEX, and the like.
    case onTable(TableReference, text: TextAroundName)
    /// RENAME TABLE a TO b, c TO d: in order, each pair seeing the names the earlier pairs left.
    case rename([RenamePair])
    case drop([TableReference])
    case create(CreateTable)
    case dropDatabase(String)
    /// ALTER TABLE … EXCHANGE PARTITION … WITH TABLE: rows move between two tables with no row events.
    case exchangePartition(TableReference, with: TableReference)
    case other

    struct RenamePair: Equatable {
        var from: TableReference
        var to: TableReference
    }

    struct AlterTable: Equatable {
        var table: TableReference
        /// The text before the first change (ALTER [ONLINE] [IGNORE] TABLE [IF EXISTS] name [WAIT n]).
        var head: TextAroundName
        var specs: [Spec]
        /// What follows the last change (normally nothing: comments and a final `;` are not kept).
        var tail: String

        enum Spec: Equatable {
            case keep(String)
            /// ADD … FOREIGN KEY (with the index InnoDB makes for it) / DROP FOREIGN KEY (nil): replicas have no
            /// foreign keys.
            case foreignKey(ForeignKeyIndex?)
            case rename(to: TableReference)
        }
    }

    struct CreateTable: Equatable {
        var table: TableReference
        var ifNotExists: Bool
        var body: Body

        enum Body: Equatable {
            /// CREATE TABLE name LIKE other.
            case like(TableReference)
            /// CREATE TABLE name (definitions) options: the definitions without foreign keys, the options after
            /// them (rendered from tokens).
            case definitions(elements: [String], foreignKeyIndexes: [ForeignKeyIndex], options: String,
                             setsCharset: Bool)
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var message: String
        /// The first table the statement names, when the parser got that far.
        var table: QualifiedTableName?
        /// The statement was understood, but the target has no equivalent for part of it (`MySQLDialect`).
        var hasNoEquivalent = false
        var description: String { message }
    }

    /// Parses `text`, run with `database` as the default database (the query event's) in a session with
    /// `session`'s settings.
    static func parse(_ text: String, database: String, session: QuerySessionSettings = QuerySessionSettings()) throws(ParseError)
        -> SchemaStatement {
        try parse(text, database: database, session: session, translating: nil).statement
    }

    /// Parses `text` as `parse(_:database:session:)` does, once `dialect` (a MySQL source's statement replayed on a
    /// MariaDB target) has translated it; `translations` are the changes it made.
    static func parse(_ text: String, database: String, session: QuerySessionSettings = QuerySessionSettings(),
                      translating dialect: MySQLDialect?) throws(ParseError) -> (statement: SchemaStatement, translations: [String]) {
        var tokens: [SQLToken]
        do {
            tokens = try SQLTokenizer.tokens(text, ansiQuotes: session.ansiQuotes, noBackslashEscapes: session.noBackslashEscapes)
        } catch {
            throw ParseError(message: "\(error)")
        }
        while tokens.last?.isSymbol(";") == true { tokens.removeLast() }
        let rendering = SQLRendering(noBackslashEscapes: session.noBackslashEscapes)
        var translations: [String] = []
        if let dialect {
            do {
                let translated = try dialect.translate(tokens)
                tokens = translated.tokens
                translations = translated.changes
            } catch {
                throw ParseError(message: error.description, hasNoEquivalent: true)
            }
        }
        return (try parse(tokens, database: database, session: session, rendering: rendering), translations)
    }

    private static func parse(_ tokens: [SQLToken], database: String, session: QuerySessionSettings, rendering: SQLRendering) throws(ParseError)
        -> SchemaStatement {
        var parser = Parser(tokens: tokens, database: database, rendering: rendering)
        let statement: SchemaStatement
        do {
            statement = try parser.statement()
        } catch {
            throw ParseError(message: error.message, table: error.table ?? parser.firstTable)
        }
        // Compound statements (a trigger's or a procedure's body) hold `;` and are ignored; a statement that is
        // replayed must be one statement, whatever the source wrote.
        if statement != .other, tokens.contains(where: { $0.isSymbol(";") }) {
            throw ParseError(message: "more than one statement (a ';' outside quotes)", table: parser.firstTable)
        }
        if statement != .other, let problem = ReplayedClauses.problem(in: tokens) {
            throw ParseError(message: "cannot be replayed on a replica: \(problem)", table: parser.firstTable)
        }
        if statement != .other, session.hasAmbiguousBytes {
            throw ParseError(message: "written in a multi-byte character set whose bytes may hide a quote (collation id \(session.clientCollation ?? 0)); tablemirror replays DDL written in utf8, utf8mb4, latin1 or ascii",
                             table: parser.firstTable)
        }
        return statement
    }
}

/// Walks the tokens of one statement. The pieces it keeps for replay are rendered from tokens, for a session
/// with the source's NO_BACKSLASH_ESCAPES setting.
private struct Parser {
    let tokens: [SQLToken]
    let database: String
    let rendering: SQLRendering
    var position = 0
    /// The first table name read (to tell whether a statement that cannot be understood matters).
    var firstTable: QualifiedTableName?

    typealias ParseError = SchemaStatement.ParseError

    var current: SQLToken? { position < tokens.count ? tokens[position] : nil }

    mutating func accept(_ keyword: String) -> Bool {
        guard current?.isKeyword(keyword) == true else { return false }
        position += 1
        return true
    }

    mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard current?.isSymbol(symbol) == true else { return false }
        position += 1
        return true
    }

    mutating func expect(_ keyword: String) throws(ParseError) {
        guard accept(keyword) else { throw ParseError(message: "expected \(keyword) at \(describeCurrent())") }
    }

    func describeCurrent() -> String {
        current.map { "'\($0.text)'" } ?? "the end"
    }

    /// `name` or `db.name`.
    mutating func tableName() throws(ParseError) -> TableReference {
        guard let first = current, first.isName else { throw ParseError(message: "expected a table name at \(describeCurrent())") }
        position += 1
        if current?.isSymbol(".") == true, position + 1 < tokens.count, tokens[position + 1].isName {
            let second = tokens[position + 1]
            position += 2
            return named(TableReference(name: QualifiedTableName(database: first.text, table: second.text),
                                        range: first.range.lowerBound..<second.range.upperBound))
        }
        return named(TableReference(name: QualifiedTableName(database: database, table: first.text), range: first.range))
    }

    private mutating func named(_ reference: TableReference) -> TableReference {
        if firstTable == nil { firstTable = reference.name }
        return reference
    }

    /// WAIT n | NOWAIT, accepted where the server accepts them.
    mutating func skipWait() {
        if accept("NOWAIT") { return }
        if accept("WAIT"), current?.kind == .number { position += 1 }
    }

    mutating func statement() throws(ParseError) -> SchemaStatement {
        // MariaDB's `SET STATEMENT var = value, … FOR <statement>`: the statement that follows is what counts
        // (the settings stay in the text that is replayed).
        if current?.isKeyword("SET") == true, position + 1 < tokens.count, tokens[position + 1].isKeyword("STATEMENT") {
            while let token = current, !token.isKeyword("FOR") { position += 1 }
            try expect("FOR")
        }
        if accept("ALTER") {
            _ = accept("ONLINE")
            _ = accept("IGNORE")
            guard accept("TABLE") else { return .other }
            return try alter()
        }
        if accept("RENAME") {
            guard accept("TABLE") || accept("TABLES") else { return .other }
            return try rename()
        }
        if accept("TRUNCATE") {
            _ = accept("TABLE")
            return onTable(try tableName())
        }
        if accept("DROP") {
            if accept("TEMPORARY") { return .other }
            if accept("TABLE") || accept("TABLES") { return try drop() }
            if accept("INDEX") { return try dropIndex() }
            if accept("DATABASE") || accept("SCHEMA") {
                if accept("IF") { try expect("EXISTS") }
                guard let name = current, name.isName else { throw ParseError(message: "expected a database name") }
                return .dropDatabase(name.text)
            }
            return .other
        }
        if accept("CREATE") {
            if accept("OR") { try expect("REPLACE") }
            if accept("TEMPORARY") { return .other }
            if accept("TABLE") { return try create() }
            _ = accept("UNIQUE") || accept("FULLTEXT") || accept("SPATIAL")
            if accept("INDEX") { return try createIndex() }
            return .other
        }
        return .other
    }

    func onTable(_ table: TableReference) -> SchemaStatement {
        .onTable(table, text: TextAroundName(tokens, around: table, rendering: rendering))
    }

    mutating func alter() throws(ParseError) -> SchemaStatement {
        if accept("IF") { try expect("EXISTS") }
        let table = try tableName()
        skipWait()
        let head = TextAroundName(tokens, around: table, upTo: current?.range.lowerBound ?? tokens.last?.range.upperBound, rendering: rendering)
        var specs: [SchemaStatement.AlterTable.Spec] = []
        let items = tokens.topLevelItems(from: position, to: tokens.count)
        let tail = items.last.map { rendering.text(tokens[$0.upperBound...]) } ?? ""
        for range in items {
            let spec = Array(tokens[range])
            guard let first = spec.first else { continue }
            let words = spec.prefix(4).map { $0.kind == .word ? $0.text.uppercased() : "" }
            if first.isKeyword("RENAME"), !(words.count > 1 && ["COLUMN", "INDEX", "KEY"].contains(words[1])) {
                var inner = Parser(tokens: spec, database: table.name.database, rendering: rendering, position: 1)
                _ = inner.accept("TO") || inner.accept("AS")
                specs.append(.rename(to: try inner.tableName()))
            } else if first.isKeyword("ADD"), words.contains("FOREIGN") {
                specs.append(.foreignKey(foreignKeyIndex(spec.dropFirst())))
            } else if first.isKeyword("DROP"), words.count > 1, words[1] == "FOREIGN" {
                specs.append(.foreignKey(nil))
            } else if first.isKeyword("DROP"), words.count > 1, words[1] == "CONSTRAINT" {
                // A foreign key's constraint (absent from replicas) or a CHECK (present): drop it if it is there.
                let name = spec.dropFirst(words.count > 2 && words[2] == "IF" ? 4 : 2)
                guard let symbol = name.first else { throw ParseError(message: "DROP CONSTRAINT without a name") }
                specs.append(.keep("DROP CONSTRAINT IF EXISTS \(SQLLiteral.identifier(symbol.text))"))
            } else if first.isKeyword("EXCHANGE") {
                guard let with = spec.firstIndex(where: { $0.isKeyword("TABLE") }) else {
                    throw ParseError(message: "EXCHANGE PARTITION without WITH TABLE")
                }
                var inner = Parser(tokens: spec, database: table.name.database, rendering: rendering, position: with + 1)
                return .exchangePartition(table, with: try inner.tableName())
            } else {
                specs.append(.keep(rendering.text(spec)))
            }
        }
        return .alter(SchemaStatement.AlterTable(table: table, head: head, specs: specs, tail: tail))
    }

    mutating func rename() throws(ParseError) -> SchemaStatement {
        if accept("IF") { try expect("EXISTS") }
        var pairs: [SchemaStatement.RenamePair] = []
        repeat {
            let from = try tableName()
            skipWait()
            try expect("TO")
            pairs.append(SchemaStatement.RenamePair(from: from, to: try tableName()))
        } while acceptSymbol(",")
        return .rename(pairs)
    }

    mutating func drop() throws(ParseError) -> SchemaStatement {
        if accept("IF") { try expect("EXISTS") }
        var tables: [TableReference] = []
        repeat {
            tables.append(try tableName())
        } while acceptSymbol(",")
        return .drop(tables)
    }

    mutating func dropIndex() throws(ParseError) -> SchemaStatement {
        if accept("IF") { try expect("EXISTS") }
        position += 1  // the index name
        try expect("ON")
        return onTable(try tableName())
    }

    mutating func createIndex() throws(ParseError) -> SchemaStatement {
        if accept("IF") {
            try expect("NOT")
            try expect("EXISTS")
        }
        while let token = current, !token.isKeyword("ON") { position += 1 }
        try expect("ON")
        return onTable(try tableName())
    }

    mutating func create() throws(ParseError) -> SchemaStatement {
        var ifNotExists = false
        if accept("IF") {
            try expect("NOT")
            try expect("EXISTS")
            ifNotExists = true
        }
        let table = try tableName()
        let parenthesized = current?.isSymbol("(") == true
        let likeAt = parenthesized ? position + 1 : position
        if likeAt < tokens.count, tokens[likeAt].isKeyword("LIKE") {
            position = likeAt + 1
            return .create(SchemaStatement.CreateTable(table: table, ifNotExists: ifNotExists, body: .like(try tableName())))
        }
        guard parenthesized, let close = tokens.matchingParenthesis(from: position) else {
            throw ParseError(message: "CREATE TABLE \(table.name) without column definitions (CREATE … SELECT) cannot be replayed")
        }
        var elements: [String] = []
        var foreignKeyIndexes: [ForeignKeyIndex] = []
        for range in tokens.topLevelItems(from: position + 1, to: close) {
            let element = Array(tokens[range])
            let words = element.prefix(3).map { $0.kind == .word ? $0.text.uppercased() : "" }
            if words.first == "FOREIGN" || (words.first == "CONSTRAINT" && words.dropFirst().contains("FOREIGN")) {
                if let index = foreignKeyIndex(element[...]) { foreignKeyIndexes.append(index) }
                continue
            }
            elements.append(rendering.text(element))
        }
        let after = tokens[(close + 1)...]
        if after.contains(where: { $0.isKeyword("SELECT") }) {
            throw ParseError(message: "CREATE TABLE \(table.name) … SELECT cannot be replayed (its rows come from other tables)")
        }
        let setsCharset = after.contains { $0.isKeyword("CHARSET") || $0.isKeyword("CHARACTER") || $0.isKeyword("COLLATE") }
        let options = rendering.text(tokens[(close + 1)...])
        return .create(SchemaStatement.CreateTable(table: table, ifNotExists: ifNotExists,
                                                   body: .definitions(elements: elements, foreignKeyIndexes: foreignKeyIndexes, options: options,
                                                                      setsCharset: setsCharset)))
    }

    /// `[CONSTRAINT [symbol]] FOREIGN KEY [index] (columns) REFERENCES …`: the index InnoDB creates for it
    /// (named after the symbol, else the index name, else the first column) unless one already leads with
    /// those columns.
    func foreignKeyIndex(_ spec: ArraySlice<SQLToken>) -> ForeignKeyIndex? {
        guard let foreign = spec.firstIndex(where: { $0.isKeyword("FOREIGN") }),
              let open = spec[foreign...].firstIndex(where: { $0.isSymbol("(") }),
              let close = spec[open...].firstIndex(where: { $0.isSymbol(")") }) else { return nil }
        let columns = spec[(open + 1)..<close].filter(\.isName).map(\.text)
        guard !columns.isEmpty else { return nil }
        var symbol: String?
        if let constraint = spec[..<foreign].firstIndex(where: { $0.isKeyword("CONSTRAINT") }), constraint + 1 < foreign,
           spec[constraint + 1].isName {
            symbol = spec[constraint + 1].text
        }
        var nameAt = foreign + 2  // after FOREIGN KEY
        if nameAt + 2 < open, spec[nameAt].isKeyword("IF"), spec[nameAt + 1].isKeyword("NOT"), spec[nameAt + 2].isKeyword("EXISTS") { nameAt += 3 }
        let indexName = nameAt < open && spec[nameAt].isName ? spec[nameAt].text : nil
        guard let name = symbol ?? indexName else { return ForeignKeyIndex(name: columns[0], columns: columns, isNamed: false) }
        return ForeignKeyIndex(name: name, columns: columns)
    }
}
