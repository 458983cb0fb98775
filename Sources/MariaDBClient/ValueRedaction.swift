/// Errors travel to logs, `status`, alert payloads and webhooks; row values must not. Literals in a statement
/// excerpt and quoted values in a server message become `?`; identifiers (backquoted, or quoted after `key`,
/// `column`, `table`, `constraint` in the server's messages) stay, since they say where the problem is.
public enum ValueRedaction {
    /// The start of `sql` (`limit` scalars at most) with every string, hex and number literal replaced by `?`.
    public static func excerpt(_ sql: String, limit: Int = 120) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(sql.unicodeScalars)
        var index = 0
        var truncated = false
        while index < scalars.count {
            if out.count >= limit {
                truncated = true
                break
            }
            let scalar = scalars[index]
            let previous = index > 0 ? scalars[index - 1] : " "
            if scalar == "'" || scalar == "\"" {
                index = endOfQuoted(scalars, from: index, backslashEscapes: true)
                // An introducer or hex/bit prefix (`_utf8mb4'…'`, `X'…'`) is part of the value.
                while let last = out.last, continuesName(last) { out.removeLast() }
                out.append("?")
            } else if scalar == "`" {
                let end = endOfQuoted(scalars, from: index, backslashEscapes: false)
                out.append(contentsOf: scalars[index..<end])
                index = end
            } else if isDigit(scalar) && !continuesName(previous) {
                while index < scalars.count && (continuesName(scalars[index]) || scalars[index] == ".") { index += 1 }
                out.append("?")
            } else {
                out.append(scalar)
                index += 1
            }
        }
        return String(out) + (truncated ? "…" : "")
    }

    /// A server error message with its quoted values replaced: `Duplicate entry '?' for key 'email'`.
    public static func message(_ message: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(message.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            // An apostrophe inside a word (`Can't`) opens nothing.
            guard scalar == "'", index == 0 || !continuesName(scalars[index - 1]) else {
                out.append(scalar)
                index += 1
                continue
            }
            let end = endOfQuotedValue(scalars, from: index)
            let before = String(out).lowercased()
            if ["key ", "column ", "table ", "constraint ", "index ", "database ", "field "].contains(where: before.hasSuffix) {
                out.append(contentsOf: scalars[index..<end])
            } else {
                out.append(contentsOf: "'?'".unicodeScalars)
            }
            index = end
        }
        return String(out)
    }

    /// Where the quoted text opening at `start` ends (after its closing quote; the end of the text if none).
    private static func endOfQuoted(_ scalars: [Unicode.Scalar], from start: Int, backslashEscapes: Bool) -> Int {
        let quote = scalars[start]
        var index = start + 1
        while index < scalars.count {
            if backslashEscapes && scalars[index] == "\\" {
                index += 2
                continue
            }
            if scalars[index] == quote {
                if index + 1 < scalars.count && scalars[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return scalars.count
    }

    /// Where a value quoted in a server message ends: at a quote that no name character follows (a value may
    /// hold apostrophes, `'O'Brien'`, and the server does not double them).
    private static func endOfQuotedValue(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start + 1
        while index < scalars.count {
            if scalars[index] == "'" && (index + 1 == scalars.count || !continuesName(scalars[index + 1])) { return index + 1 }
            index += 1
        }
        return scalars.count
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    private static func continuesName(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || isDigit(scalar) || scalar == "_" || scalar == "$"
            || scalar.value >= 0x80
    }
}
