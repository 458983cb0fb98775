/// Clauses a replica's DDL must not carry, because they reach beyond the replica: `UNION=(…)` (a MERGE table over
/// other tables), `CONNECTION=` (FEDERATED, CONNECT, SPIDER: another server), `DATA`/`INDEX DIRECTORY` (files
/// elsewhere), `CONVERT TABLE`/`CONVERT PARTITION … TO TABLE` (moves another table in or out), sequence functions
/// in defaults (`NEXTVAL`, `SETVAL`, `NEXT VALUE FOR`: filling existing rows would run them on the target's
/// sequences), `IMPORT`/`DISCARD TABLESPACE` (rows change without row events), and storage engines other than the
/// plain local ones. Names in replayed text are only ever the replica's own; these clauses name or
/// reach others, so a statement with one is refused (the target stops at it, saying which).
enum ReplayedClauses {
    static let engines: Set<String> = ["INNODB", "MYISAM", "ARIA", "MEMORY", "HEAP", "ARCHIVE", "ROCKSDB", "CSV"]
    /// Engines that reach other tables, servers or files, refused also where `ENGINE x` could be a column named
    /// `engine` (`ENGINE=x` is held to `engines`).
    static let reachingEngines: Set<String> = ["MRG_MYISAM", "MERGE", "FEDERATED", "FEDERATEDX", "CONNECT", "SPIDER", "OQGRAPH", "S3",
                                               "CASSANDRA", "SPHINXSE", "SPHINX", "SEQUENCE", "BLACKHOLE"]

    /// Why `tokens` (part of a statement replayed on a target) cannot be replayed, or nil.
    static func problem(in tokens: some Collection<SQLToken>) -> String? {
        let tokens = Array(tokens)
        for (index, token) in tokens.enumerated() where token.kind == .word {
            let previous = index > 0 ? tokens[index - 1] : nil
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            let afterNext = index + 2 < tokens.count ? tokens[index + 2] : nil
            switch token.text.uppercased() {
            case "UNION" where next?.isSymbol("=") == true || next?.isSymbol("(") == true:
                return "UNION=(…) makes the replica a MERGE table over other tables"
            case "CONNECTION" where next?.isSymbol("=") == true || next?.kind == .string:
                return "CONNECTION= points the replica at another server"
            case "DIRECTORY" where previous?.isKeyword("DATA") == true || previous?.isKeyword("INDEX") == true:
                return "DATA/INDEX DIRECTORY puts the replica's files outside the server's data directory"
            case "CONVERT" where next?.isKeyword("TABLE") == true || next?.isKeyword("PARTITION") == true:
                return "CONVERT TABLE/PARTITION moves another table into or out of the replica"
            case "ENGINE":
                // `ENGINE = x`, `ENGINE 'x'`: an engine, held to the list. `ENGINE x` may also be a column named
                // engine (`engine INT`): only names of engines that reach further are refused there.
                let engine = next?.isSymbol("=") == true ? afterNext : next
                guard let engine else { continue }
                let name = engine.text.uppercased()
                if next?.isSymbol("=") == true || engine.kind == .string {
                    if !engines.contains(name) {
                        return "ENGINE \(engine.text) is not one of the local engines replicas may use (\(engines.sorted().joined(separator: ", ")))"
                    }
                } else if reachingEngines.contains(name) {
                    return "ENGINE \(engine.text) reaches beyond the replica"
                }
            case "NEXTVAL", "SETVAL", "LASTVAL":
                if next?.isSymbol("(") == true { return "\(token.text)() in a default would run on the target's sequences" }
            case "NEXT", "PREVIOUS":
                if next?.isKeyword("VALUE") == true { return "\(token.text) VALUE FOR in a default would run on the target's sequences" }
            case "TABLESPACE" where previous?.isKeyword("IMPORT") == true || previous?.isKeyword("DISCARD") == true:
                return "IMPORT/DISCARD TABLESPACE changes the rows without row events (resync the table instead)"
            default:
                continue
            }
        }
        return nil
    }
}
