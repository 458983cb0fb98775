/// Changes to a statement's tokens, made by index into the original list and applied at once, so the indexes
/// found by one look at the statement stay right however many changes come before them.
///
/// A replacement keeps the range of the token it replaces: the rendering separates tokens whose ranges do not
/// touch, so text written in place of one token is spaced as that token was. Words tablemirror writes itself
/// (`NOT IGNORED`, `REF_SYSTEM_ID=4326`) are one `.word` token whose text is fixed by the code — never text
/// of the source's except a `.number` token's digits.
struct TokenEdits {
    let tokens: [SQLToken]
    private(set) var removed = Set<Int>()
    private var replaced: [Int: SQLToken] = [:]
    private var insertedAfter: [Int: [SQLToken]] = [:]
    /// What was changed, once each, in the order first made (for the log line).
    private(set) var changes: [String] = []

    init(_ tokens: [SQLToken]) { self.tokens = tokens }

    mutating func note(_ change: String) {
        if !changes.contains(change) { changes.append(change) }
    }

    mutating func remove(_ range: Range<Int>) { removed.formUnion(range) }

    /// The token at `index` written as `text` (a name, a string or one word, as the token was).
    mutating func replace(_ index: Int, with text: String, kind: SQLToken.Kind? = nil) {
        var token = tokens[index]
        token.text = text
        if let kind { token.kind = kind }
        replaced[index] = token
    }

    /// A word written after the token at `index`, spaced apart from it (it takes the range of `spacing`, a token
    /// of the statement that does not touch the one at `index`).
    mutating func insert(word: String, after index: Int, spacing: Int) {
        insert([SQLToken(kind: .word, text: word, range: tokens[spacing].range)], after: index)
    }

    mutating func insert(_ written: [SQLToken], after index: Int) {
        insertedAfter[index, default: []] += written
    }

    /// A token written by tablemirror, placed (for spacing) at `position`: written tokens at one position touch
    /// each other, and a statement's token touches them when it ends or begins there.
    static func written(_ kind: SQLToken.Kind, _ text: String, at position: String.Index) -> SQLToken {
        SQLToken(kind: kind, text: text, range: position..<position)
    }

    /// Removes `range`, a part of a comma-separated list (an ALTER's changes, a CREATE TABLE's definitions or
    /// options), and the comma that joined it to the rest when it was a whole item of the list: its neighbours
    /// (left as they are) are a comma or the list's edge. The list's items start at `listStart`.
    mutating func removeListPart(_ range: Range<Int>, listStart: Int) {
        remove(range)
        let previous = (listStart..<range.lowerBound).last { !removed.contains($0) }
        let next = (range.upperBound..<tokens.count).first { !removed.contains($0) }
        let previousIsEdge = previous.map { tokens[$0].isSymbol(",") } ?? true
        let nextIsEdge = next.map { tokens[$0].isSymbol(",") || tokens[$0].isSymbol(")") } ?? true
        guard previousIsEdge && nextIsEdge else { return }
        if let previous, tokens[previous].isSymbol(",") {
            removed.insert(previous)
        } else if let next, tokens[next].isSymbol(",") {
            removed.insert(next)
        }
    }

    var result: [SQLToken] {
        var out: [SQLToken] = []
        // What was written after a removed token goes with it (a rewrite inside a part left out, say).
        for index in tokens.indices where !removed.contains(index) {
            out.append(replaced[index] ?? tokens[index])
            out += insertedAfter[index] ?? []
        }
        return out
    }
}
