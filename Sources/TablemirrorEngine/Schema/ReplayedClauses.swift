/// Clauses a replica's DDL must not carry, because they reach beyond the replica: `UNION=(…)` (a MERGE table over
/// other tables), `CONNECTION=` (FEDERATED, CONNECT, SPIDER: another server), `DATA`/`INDEX DIRECTORY` (files
/// elsewhere), `CONVERT TABLE`/`CONVERT PARTITION … TO TABLE` (moves another table in or out), and storage engines
/// other than the plain local ones. Names in replayed text are only ever the replica's own; these clauses name or
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
            case "ENGINE" where next?.isSymbol("=") == true:
                guard let engine = afterNext, engine.isName, engines.contains(engine.text.uppercased()) else {
                    return "ENGINE=\(afterNext?.text ?? "") is not one of the local engines replicas may use (\(engines.sorted().joined(separator: ", ")))"
                }
            case "ENGINE" where next.map { $0.isName && reachingEngines.contains($0.text.uppercased()) } ?? false:
                return "ENGINE \(next?.text ?? "") reaches beyond the replica"
            default:
                continue
            }
        }
        return nil
    }
}
