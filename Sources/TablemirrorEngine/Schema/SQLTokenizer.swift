/// Splits a statement's text into words, quoted identifiers, strings, numbers and symbols, each with its place
/// in the text, so a schema statement can be understood and rebuilt (table names replaced) without a full SQL
/// grammar. Comments are skipped, except MariaDB/MySQL executable comments (`/*! … */`, `/*M!100100 … */`),
/// whose content the server runs and so counts as code.
///
/// It reads Unicode scalars, as the server reads the statement's UTF-8 bytes: a quote followed by a combining
/// mark is still a quote (Swift's `Character` would fold the two into one grapheme and miss the quote).
/// Everything the server treats specially is ASCII; every other scalar is a name character, as in the server.
struct SQLToken: Equatable {
    enum Kind: Equatable {
        /// A bare word: a keyword or an unquoted identifier.
        case word
        /// A `backquoted` identifier (its text unescaped).
        case quotedIdentifier
        /// A 'string' or "string" (its text unescaped).
        case string
        case number
        /// One punctuation character: ( ) , . ; = and the like.
        case symbol
    }

    var kind: Kind
    /// The identifier or word as written (unescaped for quoted identifiers and strings), or the symbol.
    var text: String
    /// Where the token stands in the statement (indices of its Unicode scalars).
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
    /// Text that cannot be read as one statement: an unterminated quote or comment, a second statement.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String

        static func unterminated(_ what: String) -> Unreadable { Unreadable(description: "unterminated \(what)") }
    }

    /// Tokens of `text` as a session with these settings reads it: with ANSI_QUOTES `"…"` is an identifier, with
    /// NO_BACKSLASH_ESCAPES a backslash in a string is itself.
    static func tokens(_ text: String, ansiQuotes: Bool = false, noBackslashEscapes: Bool = false) throws(Unreadable) -> [SQLToken] {
        let scalars = text.unicodeScalars
        var tokens: [SQLToken] = []
        var index = scalars.startIndex
        var openExecutableComments = 0
        func peek(_ offset: Int) -> Unicode.Scalar? {
            var at = index
            for _ in 0..<offset {
                guard at < scalars.endIndex else { return nil }
                at = scalars.index(after: at)
            }
            return at < scalars.endIndex ? scalars[at] : nil
        }
        func advance(_ count: Int = 1) {
            for _ in 0..<count where index < scalars.endIndex { index = scalars.index(after: index) }
        }
        func token(_ kind: SQLToken.Kind, from start: String.Index, text value: String? = nil) -> SQLToken {
            SQLToken(kind: kind, text: value ?? String(scalars[start..<index]), range: start..<index)
        }
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let start = index
            if isSpace(scalar) {
                advance()
            } else if scalar == "#" || (scalar == "-" && peek(1) == "-" && (peek(2).map(isCommentDashFollower) ?? true)) {
                while index < scalars.endIndex && scalars[index] != "\n" { advance() }
            } else if scalar == "/" && peek(1) == "*" {
                if peek(2) == "!" || (peek(2) == "M" && peek(3) == "!") {
                    // The source rewrites a versioned comment it skipped into a plain one before logging it
                    // (`/*!99999` becomes `/* 99999`), so one still marked here ran there: its content is code.
                    // Nesting the tokenizer cannot follow as the server does is refused.
                    guard openExecutableComments == 0 else { throw Unreadable(description: "an executable comment inside another") }
                    advance(peek(2) == "!" ? 3 : 4)
                    // The version is exactly five digits, or six: the server reads no more, and what follows is code.
                    if (0..<5).allSatisfy({ peek($0).map(isDigit) ?? false }) { advance(peek(5).map(isDigit) == true ? 6 : 5) }
                    openExecutableComments += 1
                } else if openExecutableComments > 0 {
                    throw Unreadable(description: "a comment inside an executable comment")
                } else {
                    advance(2)
                    while index < scalars.endIndex && !(scalars[index] == "*" && peek(1) == "/") {
                        // A server that logged a skipped versioned comment may have left a nested one in it.
                        if scalars[index] == "/" && peek(1) == "*" { throw Unreadable(description: "a comment inside a comment") }
                        advance()
                    }
                    guard index < scalars.endIndex else { throw .unterminated("comment") }
                    advance(2)
                }
            } else if scalar == "*" && peek(1) == "/" && openExecutableComments > 0 {
                openExecutableComments -= 1
                advance(2)
            } else if scalar == "`" || scalar == "'" || scalar == "\"" {
                let isIdentifier = scalar == "`" || (scalar == "\"" && ansiQuotes)
                advance()
                var value = String.UnicodeScalarView()
                var closed = false
                while index < scalars.endIndex {
                    let next = scalars[index]
                    if next == scalar {
                        if peek(1) == scalar {  // a doubled quote stands for itself
                            value.append(scalar)
                            advance(2)
                            continue
                        }
                        advance()
                        closed = true
                        break
                    }
                    if next == "\\" && !isIdentifier && !noBackslashEscapes, let escaped = peek(1) {
                        // `\%` and `\_` keep their backslash (LIKE patterns); other escapes stand for one character.
                        if escaped == "%" || escaped == "_" { value.append("\\") }
                        value.append(unescaped(escaped))
                        advance(2)
                        continue
                    }
                    value.append(next)
                    advance()
                }
                guard closed else { throw .unterminated(isIdentifier ? "quoted identifier" : "string") }
                tokens.append(token(isIdentifier ? .quotedIdentifier : .string, from: start, text: String(value)))
            } else if isDigit(scalar) {
                while index < scalars.endIndex && (isDigit(scalars[index]) || scalars[index] == ".") { advance() }
                // Identifiers may begin with digits (`2026_batch`): digits followed by a name's characters are a word.
                if index < scalars.endIndex && continuesName(scalars[index]) {
                    while index < scalars.endIndex && continuesName(scalars[index]) { advance() }
                    tokens.append(token(.word, from: start))
                } else {
                    tokens.append(token(.number, from: start))
                }
            } else if continuesName(scalar) {
                while index < scalars.endIndex && continuesName(scalars[index]) { advance() }
                tokens.append(token(.word, from: start))
            } else {
                advance()
                tokens.append(token(.symbol, from: start))
            }
        }
        return tokens
    }

    /// The server's white space: ASCII only (a no-break space is part of a name to it).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }

    /// `--` starts a comment only when a space or a control character follows it.
    private static func isCommentDashFollower(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x20
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    /// Characters of an unquoted name: ASCII letters, digits, `_` and `$`, and every scalar beyond ASCII (the
    /// server's rule); `@` too, for `user@host` and `@variables`.
    static func continuesName(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || isDigit(scalar) || scalar == "_"
            || scalar == "$" || scalar == "@" || scalar.value >= 0x80
    }

    /// A string's backslash escape as the server reads it; an escape it does not know stands for the character.
    private static func unescaped(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar {
        case "0": return "\0"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "b": return "\u{08}"
        case "Z": return "\u{1A}"
        default: return scalar
        }
    }
}
