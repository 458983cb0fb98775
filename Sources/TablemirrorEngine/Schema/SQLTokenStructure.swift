/// The bracket structure of a statement's tokens: where a parenthesis closes, and the comma-separated items at
/// one depth (a CREATE TABLE's definitions, an ALTER's changes).
extension Array where Element == SQLToken {
    /// The index of the parenthesis closing the one at `open`.
    func matchingParenthesis(from open: Int) -> Int? {
        var depth = 0
        for index in open..<count {
            if self[index].isSymbol("(") { depth += 1 }
            if self[index].isSymbol(")") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    /// Token ranges between commas at parenthesis depth 0, from `start` up to `end` (empty items left out).
    func topLevelItems(from start: Int, to end: Int) -> [Range<Int>] {
        var items: [Range<Int>] = []
        var depth = 0
        var itemStart = start
        for index in start..<Swift.max(start, end) {
            if self[index].isSymbol("(") { depth += 1 }
            if self[index].isSymbol(")") { depth -= 1 }
            if depth == 0 && self[index].isSymbol(",") {
                if itemStart < index { items.append(itemStart..<index) }
                itemStart = index + 1
            }
        }
        if itemStart < end { items.append(itemStart..<end) }
        return items
    }
}
