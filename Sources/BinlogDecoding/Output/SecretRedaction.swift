/// Statements in a binlog can carry passwords (`CREATE USER … IDENTIFIED BY 'secret'`, `SET PASSWORD = …`).
/// Everything tablemirror prints or stores goes through this first, so no secret leaves it.
public enum SecretRedaction {
    /// Keywords after which the next quoted literal is a secret.
    private static let markers = ["IDENTIFIED BY", "IDENTIFIED WITH", "IDENTIFIED VIA", "USING", "PASSWORD(",
                                  "PASSWORD =", "PASSWORD=", "PASSWORD '", "PASSWORD \"", "AS '"]

    public static func redact(_ statement: String) -> String {
        let upper = statement.uppercased()
        // Only account statements carry secrets; leave everything else untouched (and fast).
        guard upper.contains("PASSWORD") || upper.contains("IDENTIFIED") else { return statement }
        var characters = Array(statement)
        let upperCharacters = Array(upper)
        guard characters.count == upperCharacters.count else { return "<statement with credentials redacted>" }
        var index = 0
        var afterMarker = false
        while index < characters.count {
            if !afterMarker, markers.contains(where: { matches($0, upperCharacters, at: index) }) {
                afterMarker = true
            }
            let character = characters[index]
            if afterMarker, character == "'" || character == "\"" {
                // Replace the literal's content up to its closing quote (doubled quotes stay inside).
                var end = index + 1
                while end < characters.count {
                    if characters[end] == character {
                        if end + 1 < characters.count && characters[end + 1] == character { end += 2; continue }
                        break
                    }
                    if characters[end] == "\\" { end += 1 }
                    end += 1
                }
                let closing = min(end, characters.count)
                characters.replaceSubrange((index + 1)..<closing, with: Array("<redacted>"))
                index += "<redacted>".count + 2
                afterMarker = false
                continue
            }
            index += 1
        }
        return String(characters)
    }

    private static func matches(_ marker: String, _ text: [Character], at index: Int) -> Bool {
        var position = index
        for character in marker {
            guard position < text.count, text[position] == character else { return false }
            position += 1
        }
        return true
    }
}
