import BinlogDecoding

/// MySQL 8's UCA 9.0.0 collations (`utf8mb4_0900_*`, `utf8mb4_<language>_0900_*`) named as the nearest
/// collation a MariaDB target has. All of MySQL's `_0900_` collations are NO PAD (`'a'` and `'a '` differ), so
/// they map to NO PAD collations: with PAD SPACE, two keys the source holds apart could collide on the replica.
///
/// | MySQL                           | MariaDB ≥ 10.10                        | MariaDB < 10.10              |
/// |---------------------------------|----------------------------------------|------------------------------|
/// | `utf8mb4_0900_ai_ci`            | `utf8mb4_uca1400_nopad_ai_ci`          | `utf8mb4_unicode_520_nopad_ci` |
/// | `utf8mb4_0900_as_ci`, `_as_cs`  | `utf8mb4_uca1400_nopad_as_ci`, `_as_cs` | `utf8mb4_nopad_bin`          |
/// | `utf8mb4_0900_bin`              | `utf8mb4_nopad_bin`                    | `utf8mb4_nopad_bin`          |
/// | `utf8mb4_<lang>_0900_<s>`       | `utf8mb4_uca1400_<name>_nopad_<s>`     | refused                      |
///
/// Before 10.10 a sensitive collation becomes binary: it keeps apart every pair of values the source keeps
/// apart (a unique key accepts what the source accepted), though it sorts by code point. `<lang>` → `<name>`
/// is `languages`; MySQL's other tailorings (Bosnian, Bulgarian, Chinese, Galician, Japanese, Mongolian,
/// Norwegian, Russian, Serbian) have no MariaDB counterpart, nor has Japanese's kana-sensitive `_as_cs_ks`.
struct MySQLCollations {
    /// The MariaDB target's version: UCA 14.0.0 collations came with 10.10.
    var target: ServerVersion

    /// MySQL's language codes and MariaDB's names for the same tailoring.
    static let languages: [String: String] = [
        "cs": "czech", "da": "danish", "de_pb": "german2", "eo": "esperanto", "es": "spanish", "es_trad": "spanish2",
        "et": "estonian", "hr": "croatian", "hu": "hungarian", "is": "icelandic", "la": "roman", "lt": "lithuanian",
        "lv": "latvian", "pl": "polish", "ro": "romanian", "sk": "slovak", "sl": "slovenian", "sv": "swedish",
        "tr": "turkish", "vi": "vietnamese",
    ]

    /// The accent and case sensitivities MariaDB's UCA 14.0.0 collations come in.
    static let sensitivities: Set<String> = ["ai_ci", "ai_cs", "as_ci", "as_cs"]

    enum Mapping: Equatable {
        /// Not one of MySQL's `_0900_` collations: it stays as written.
        case unchanged
        case mapped(String)
        case refused(String)
    }

    /// The MariaDB collation for the collation `name` written in a MySQL statement.
    func mariaDB(for name: String) -> Mapping {
        let lowered = name.lowercased()
        guard lowered.hasPrefix("utf8mb4_"), let marker = lowered.range(of: "0900_") else { return .unchanged }
        let prefix = lowered[lowered.index(lowered.startIndex, offsetBy: 8)..<marker.lowerBound]  // "" or "<lang>_"
        let sensitivity = String(lowered[marker.upperBound...])
        let isAtLeast1010 = target.isAtLeast(10, 10)
        if prefix.isEmpty {
            if sensitivity == "bin" { return .mapped("utf8mb4_nopad_bin") }
            guard Self.sensitivities.contains(sensitivity) else { return .refused("MySQL's collation \(name) has no MariaDB equivalent") }
            if isAtLeast1010 { return .mapped("utf8mb4_uca1400_nopad_\(sensitivity)") }
            return .mapped(sensitivity == "ai_ci" ? "utf8mb4_unicode_520_nopad_ci" : "utf8mb4_nopad_bin")
        }
        guard prefix.hasSuffix("_"), let language = Self.languages[String(prefix.dropLast())] else {
            return .refused("MySQL's collation \(name) has no MariaDB equivalent (MariaDB has no collation for that language)")
        }
        guard Self.sensitivities.contains(sensitivity) else { return .refused("MySQL's collation \(name) has no MariaDB equivalent") }
        guard isAtLeast1010 else {
            let version = "\(target.major).\(target.minor)"
            return .refused("MySQL's collation \(name) has no MariaDB equivalent before MariaDB 10.10 (the target is \(version))")
        }
        return .mapped("utf8mb4_uca1400_\(language)_nopad_\(sensitivity)")
    }

    /// `name` as the target spells it: mapped, or as written when it is not one of MySQL's `_0900_` collations.
    func targetName(_ name: String) throws(MySQLDialect.Refusal) -> String {
        switch mariaDB(for: name) {
        case .unchanged: return name
        case let .mapped(mapped): return mapped
        case let .refused(reason): throw MySQLDialect.Refusal(description: reason)
        }
    }
}
