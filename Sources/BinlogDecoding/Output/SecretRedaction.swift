/// Statements in a binlog can carry passwords and password hashes (`CREATE USER … IDENTIFIED BY 'secret'`,
/// `ALTER USER … IDENTIFIED WITH 'plugin' AS 'hash'`, `SET PASSWORD = …`). Everything tablemirror prints or
/// stores goes through this first, so no secret leaves it.
///
/// The statement is read as the server reads it, one Unicode scalar at a time, skipping quoted text and
/// comments, so a keyword inside a literal arms nothing. A literal (string, hex or number) right after `BY`,
/// `USING`, `AS`, `PASSWORD` or `=` — possibly behind `(` — is a secret; the authentication plugin named after
/// `WITH` or `VIA` is not, and stays readable.
public enum SecretRedaction {
    private static let replacement = "<redacted>"
    private static let arming: Set<String> = ["BY", "USING", "AS", "PASSWORD", "OLD_PASSWORD"]

    public static func redact(_ statement: String) -> String {
        let scalars = Array(statement.unicodeScalars)
        // Only account statements carry secrets; leave everything else untouched (and fast).
        guard containsAccountKeyword(scalars) else { return statement }
        var out = String.UnicodeScalarView()
        var armed = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "'" || scalar == "\"" || scalar == "`" {
                let end = closingQuote(scalars, from: index)
                if armed && scalar != "`" {
                    out.append(scalar)
                    out.append(contentsOf: replacement.unicodeScalars)
                    if end < scalars.count { out.append(scalar) }
                } else {
                    out.append(contentsOf: scalars[index..<min(end + 1, scalars.count)])
                }
                armed = false
                index = end + 1
            } else if scalar == "/" && index + 1 < scalars.count && scalars[index + 1] == "*" {
                // An executable comment's content is code the server runs: read on inside it. Any other comment
                // is copied as it is and neither arms nor disarms.
                if let opener = executableCommentOpener(scalars, at: index) {
                    out.append(contentsOf: scalars[index..<(index + opener)])
                    index += opener
                    continue
                }
                let end = commentEnd(scalars, from: index)
                out.append(contentsOf: scalars[index..<end])
                index = end
            } else if isWordScalar(scalar) {
                var end = index
                while end < scalars.count && isWordScalar(scalars[end]) { end += 1 }
                let word = String(String.UnicodeScalarView(scalars[index..<end])).uppercased()
                if armed && (scalar.properties.numericType != nil || word.hasPrefix("0X")) {
                    // A hash written as a hex or number literal (MySQL logs some as 0x…).
                    out.append(contentsOf: replacement.unicodeScalars)
                    armed = false
                } else {
                    out.append(contentsOf: scalars[index..<end])
                    armed = arming.contains(word)
                }
                index = end
            } else {
                out.append(scalar)
                if scalar == "=" {
                    armed = true
                } else if !scalar.properties.isWhitespace && scalar != "(" {
                    armed = false
                }
                index += 1
            }
        }
        return String(out)
    }

    private static func containsAccountKeyword(_ scalars: [Unicode.Scalar]) -> Bool {
        var index = 0
        while index < scalars.count {
            guard isWordScalar(scalars[index]) else { index += 1; continue }
            var end = index
            while end < scalars.count && isWordScalar(scalars[end]) { end += 1 }
            let word = String(String.UnicodeScalarView(scalars[index..<end])).uppercased()
            if word == "PASSWORD" || word == "IDENTIFIED" { return true }
            index = end
        }
        return false
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "$" || (scalar.isASCII ? scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) : true)
    }

    /// Index of the quote closing the literal opened at `start` (doubled quotes and backslash escapes stay
    /// inside), or `scalars.count` when it is never closed.
    private static func closingQuote(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        let quote = scalars[start]
        var index = start + 1
        while index < scalars.count {
            if scalars[index] == quote {
                if index + 1 < scalars.count && scalars[index + 1] == quote { index += 2; continue }
                return index
            }
            if scalars[index] == "\\" && quote != "`" { index += 1 }
            index += 1
        }
        return scalars.count
    }

    /// Length of `/*!` or `/*M!` at `start`, or nil for a plain comment.
    private static func executableCommentOpener(_ scalars: [Unicode.Scalar], at start: Int) -> Int? {
        let rest = scalars[(start + 2)...].prefix(2)
        if rest.first == "!" { return 3 }
        return rest.elementsEqual(["M", "!"]) ? 4 : nil
    }

    private static func commentEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start + 2
        while index + 1 < scalars.count {
            if scalars[index] == "*" && scalars[index + 1] == "/" { return index + 2 }
            index += 1
        }
        return scalars.count
    }
}
