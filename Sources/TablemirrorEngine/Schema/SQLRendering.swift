/// Statement text rebuilt from tokens, never spliced from the source's text: every identifier is quoted by us
/// (backticks doubled), every string re-escaped by us, words, numbers and symbols written as read. However
/// strange the source's text — quotes inside names, comment markers, combining marks, a `;` — what reaches a
/// target is exactly the tokens tablemirror understood, so a misjudged boundary cannot turn data into SQL.
/// Comments are left out; executable comments' content is kept as code (the tokenizer reads it so).
struct SQLRendering {
    /// The session that runs the text reads backslashes in strings as themselves (NO_BACKSLASH_ESCAPES).
    var noBackslashEscapes: Bool

    /// Tokens that touched in the source's text touch again (`_utf8mb4'x'`, `b'101'`, `1.5e-3`); others are
    /// separated by one space.
    func text(_ tokens: some Collection<SQLToken>) -> String {
        var out = ""
        var previousEnd: String.Index?
        var previousKind: SQLToken.Kind?
        for token in tokens {
            // Two strings that touched (`'a'"b"`, one string `ab`) must not be written as `'a''b'` (`a'b`):
            // apart, the server still joins them.
            if let previousEnd, previousEnd != token.range.lowerBound || (previousKind == .string && token.kind == .string) { out += " " }
            previousKind = token.kind
            append(token, to: &out)
            previousEnd = token.range.upperBound
        }
        return out
    }

    private func append(_ token: SQLToken, to out: inout String) {
        switch token.kind {
        case .quotedIdentifier:
            out += SQLLiteral.identifier(token.text)
        case .string:
            if noBackslashEscapes {
                out += "'" + token.text.doubling("'") + "'"
            } else {
                SQLLiteral.quoted(token.text, into: &out)
            }
        case .word, .number, .symbol:
            out += token.text
        }
    }
}

extension SQLTokenizer {
    /// Tokens of one statement: a trailing `;` is dropped, any other is refused (one statement per text,
    /// whatever the source wrote).
    static func singleStatement(_ text: String, ansiQuotes: Bool = false, noBackslashEscapes: Bool = false) throws(Unreadable) -> [SQLToken] {
        var tokens = try tokens(text, ansiQuotes: ansiQuotes, noBackslashEscapes: noBackslashEscapes)
        while tokens.last?.isSymbol(";") == true { tokens.removeLast() }
        guard !tokens.contains(where: { $0.isSymbol(";") }) else { throw Unreadable(description: "more than one statement (a ';' outside quotes)") }
        return tokens
    }
}
