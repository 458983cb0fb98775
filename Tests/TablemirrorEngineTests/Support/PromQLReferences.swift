/// The metric names and label names a PromQL expression refers to, found by scanning its tokens rather than by
/// parsing its grammar: enough to check a dashboard or a rule against what a server exports.
///
/// - An identifier followed by `(` is a function or an aggregation; PromQL's keywords and aggregation operators
///   (`sum by (…)`) are never metrics; any other identifier is a metric name.
/// - `{…}` after a metric name (or on its own) holds label matchers: their names belong to that selector.
/// - `by (…)`, `without (…)`, `on (…)`, `ignoring (…)`, `group_left (…)` and `group_right (…)` hold label names
///   that the metrics the expression reads must carry: they are kept apart, as grouping labels.
/// - Strings, `[…]` ranges and subqueries, numbers and durations, comments and Grafana variables (`$target`,
///   `${x}`, `$__rate_interval`) are skipped. Label names that functions take as strings (`label_replace`) are
///   not seen.
struct PromQLReferences: Equatable {
    struct Selector: Equatable {
        /// nil for a selector with no name before its braces (`{__name__=~"…"}`).
        var metric: String?
        var labels: [String]
    }

    private(set) var selectors: [Selector] = []
    private(set) var groupingLabels: [String] = []

    static let groupingKeywords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right"]
    /// Words that are never metric names where they stand without a `(` after them.
    static let keywords: Set<String> = [
        "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan", "start", "end",
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
        "limitk", "limit_ratio",
    ]

    init(_ expression: String) {
        let characters = Array(expression)
        var index = 0
        // The selector whose `{…}` may follow (only blanks may stand between).
        var open: Int?
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\"", "'", "`":
                index = Self.end(ofStringAt: index, in: characters)
                open = nil
            case "[":
                while index < characters.count, characters[index] != "]" { index += 1 }
                index += 1
                open = nil
            case "#":
                while index < characters.count, characters[index] != "\n" { index += 1 }
            case "{":
                let (labels, end) = Self.matchers(from: index + 1, in: characters)
                if let open { selectors[open].labels += labels } else { selectors.append(Selector(metric: nil, labels: labels)) }
                index = end
                open = nil
            case "$":
                index += 1
                if index < characters.count, characters[index] == "{" {
                    while index < characters.count, characters[index] != "}" { index += 1 }
                    index += 1
                } else {
                    while index < characters.count, Self.isIdentifierPart(characters[index]) { index += 1 }
                }
                open = nil
            case _ where character.isASCII && character.isNumber, ".":
                // Numbers, hexadecimal, exponents and durations (5m, 1h30m): letters and digits run together.
                while index < characters.count, Self.isIdentifierPart(characters[index]) || characters[index] == "." { index += 1 }
                open = nil
            case _ where Self.isIdentifierStart(character):
                let start = index
                while index < characters.count, Self.isIdentifierPart(characters[index]) { index += 1 }
                let word = String(characters[start..<index])
                var next = index
                while next < characters.count, characters[next].isWhitespace { next += 1 }
                let followedByParenthesis = next < characters.count && characters[next] == "("
                open = nil
                if Self.groupingKeywords.contains(word), followedByParenthesis {
                    index = next + 1
                    while index < characters.count, characters[index] != ")" {
                        let nameStart = index
                        while index < characters.count, Self.isIdentifierPart(characters[index]) { index += 1 }
                        if index > nameStart { groupingLabels.append(String(characters[nameStart..<index])) } else { index += 1 }
                    }
                    index += 1
                } else if !followedByParenthesis, !Self.keywords.contains(word), !Self.groupingKeywords.contains(word) {
                    selectors.append(Selector(metric: word, labels: []))
                    open = selectors.count - 1
                }
            default:
                if !character.isWhitespace { open = nil }
                index += 1
            }
        }
    }

    /// The label names of the matchers from just after `{`, and the index after the closing `}`.
    private static func matchers(from start: Int, in characters: [Character]) -> ([String], Int) {
        var labels: [String] = []
        var index = start
        while index < characters.count, characters[index] != "}" {
            let character = characters[index]
            if character == "\"" || character == "'" || character == "`" {
                index = end(ofStringAt: index, in: characters)
            } else if isIdentifierStart(character) {
                let nameStart = index
                while index < characters.count, isIdentifierPart(characters[index]) { index += 1 }
                labels.append(String(characters[nameStart..<index]))
            } else {
                index += 1
            }
        }
        return (labels, index + 1)
    }

    /// The index just after the string that starts at `start` (backslash escapes, except in backquotes).
    private static func end(ofStringAt start: Int, in characters: [Character]) -> Int {
        let quote = characters[start]
        var index = start + 1
        while index < characters.count, characters[index] != quote {
            index += quote != "`" && characters[index] == "\\" ? 2 : 1
        }
        return index + 1
    }

    private static func isIdentifierStart(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character == "_" || character == ":")
    }

    private static func isIdentifierPart(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == ":")
    }
}
