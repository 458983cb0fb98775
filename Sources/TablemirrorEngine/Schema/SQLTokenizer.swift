/// Splits a statement's text into words, quoted identifiers, strings, numbers and symbols, each with its place
/// in the text, so a schema statement can be understood and rewritten (table names replaced) without a full
/// SQL grammar. Comments are skipped, except MariaDB/MySQL executable comments (`/*! … */`, `/*M!100100 … */`),
/// whose content the server runs and so counts as code.
struct SQLToken: Equatable {
    enum Kind: Equatable {
        /// A bare word: a keyword or an unquoted identifier.
        case word
        /// A `backquoted` identifier (its text unescaped).
        case quotedIdentifier
        /// A 'string' or "string".
        case string
        case number
        /// One punctuation character: ( ) , . ; = and the like.
        case symbol
    }

    var kind: Kind
    /// The identifier or word as written (unescaped for quoted identifiers), or the symbol.
    var text: String
    var range: Range<String.Index>

    /// Whether this is the keyword `word` (any letter case).
    func isKeyword(_ word: String) -> Bool {
        kind == .word && text.uppercased() == word
    }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }

    /// Usable as a name: a bare word or a quoted identifier.
    var isName: Bool { kind == .word || kind == .quotedIdentifier }
}

enum SQLTokenizer {
    struct Unterminated: Error, CustomStringConvertible {
        var what: String
        var description: String { "unterminated \(what)" }
    }

    /// Tokens of `text` as a session with these settings reads it: with ANSI_QUOTES `"…"` is an identifier, with
    /// NO_BACKSLASH_ESCAPES a backslash in a string is itself.
    static func tokens(_ text: String, ansiQuotes: Bool = false, noBackslashEscapes: Bool = false) throws(Unterminated) -> [SQLToken] {
        var tokens: [SQLToken] = []
        var index = text.startIndex
        var openExecutableComments = 0
        func peek(_ offset: Int) -> Character? {
            var at = index
            for _ in 0..<offset {
                guard at < text.endIndex else { return nil }
                at = text.index(after: at)
            }
            return at < text.endIndex ? text[at] : nil
        }
        func advance(_ count: Int = 1) {
            for _ in 0..<count where index < text.endIndex { index = text.index(after: index) }
        }
        while index < text.endIndex {
            let character = text[index]
            let start = index
            if character.isWhitespace {
                advance()
            } else if character == "#" || (character == "-" && peek(1) == "-" && (peek(2).map { $0.isWhitespace } ?? true)) {
                while index < text.endIndex && text[index] != "\n" { advance() }
            } else if character == "/" && peek(1) == "*" {
                if peek(2) == "!" || (peek(2) == "M" && peek(3) == "!") {
                    advance(peek(2) == "!" ? 3 : 4)
                    while index < text.endIndex && text[index].isNumber { advance() }
                    openExecutableComments += 1
                } else {
                    advance(2)
                    while index < text.endIndex && !(text[index] == "*" && peek(1) == "/") { advance() }
                    guard index < text.endIndex else { throw Unterminated(what: "comment") }
                    advance(2)
                }
            } else if character == "*" && peek(1) == "/" && openExecutableComments > 0 {
                openExecutableComments -= 1
                advance(2)
            } else if character == "`" || character == "'" || character == "\"" {
                let isIdentifier = character == "`" || (character == "\"" && ansiQuotes)
                advance()
                var value = ""
                var closed = false
                while index < text.endIndex {
                    let next = text[index]
                    if next == character {
                        if peek(1) == character {  // a doubled quote stands for itself
                            value.append(character)
                            advance(2)
                            continue
                        }
                        advance()
                        closed = true
                        break
                    }
                    if next == "\\" && !isIdentifier && !noBackslashEscapes, let escaped = peek(1) {
                        value.append(escaped)
                        advance(2)
                        continue
                    }
                    value.append(next)
                    advance()
                }
                guard closed else { throw Unterminated(what: isIdentifier ? "quoted identifier" : "string") }
                tokens.append(SQLToken(kind: isIdentifier ? .quotedIdentifier : .string, text: value, range: start..<index))
            } else if character.isNumber {
                while index < text.endIndex && (text[index].isNumber || text[index] == ".") { advance() }
                // Identifiers may begin with digits (`2026_batch`): digits followed by a name's characters are a word.
                if index < text.endIndex && Self.continuesName(text[index]) {
                    while index < text.endIndex && Self.continuesName(text[index]) { advance() }
                    tokens.append(SQLToken(kind: .word, text: String(text[start..<index]), range: start..<index))
                } else {
                    tokens.append(SQLToken(kind: .number, text: String(text[start..<index]), range: start..<index))
                }
            } else if Self.continuesName(character) {
                while index < text.endIndex && Self.continuesName(text[index]) { advance() }
                tokens.append(SQLToken(kind: .word, text: String(text[start..<index]), range: start..<index))
            } else {
                advance()
                tokens.append(SQLToken(kind: .symbol, text: String(character), range: start..<index))
            }
        }
        return tokens
    }

    private static func continuesName(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "$" || character == "@"
    }
}
