import Foundation

/// What `tablemirror verify` prints: a line per table and replica, then every differing row by its key; or
/// the same as one JSON document.
public enum VerificationReport {
    public static func text(_ comparisons: [TableComparison]) -> [String] {
        var lines: [String] = []
        for comparison in comparisons {
            let differences = comparison.differences
            var head = "\(comparison.target): \(comparison.source) → \(comparison.replica): \(comparison.sourceRows) source rows in \(comparison.chunks) chunks"
            if comparison.unsettledRows > 0 { head += " (\(comparison.unsettledRows) rows changing on the source throughout, not compared)" }
            guard !differences.isEmpty else {
                lines.append(head + ": identical")
                continue
            }
            lines.append(head + ": \(differences.onlyInSource.count) only in source, \(differences.onlyInReplica.count) only in replica, \(differences.different.count) different")
            for (label, keys) in [("only in source", differences.onlyInSource), ("only in replica", differences.onlyInReplica),
                                  ("different", differences.different)] {
                for key in keys { lines.append("  \(label): \(comparison.describe(key))") }
            }
        }
        return lines
    }

    public static func json(_ comparisons: [TableComparison]) -> String {
        let tables: [[String: Any]] = comparisons.map { comparison in
            func keys(_ list: [[String]]) -> [[String: String]] {
                list.map { key in Dictionary(uniqueKeysWithValues: zip(comparison.keyColumns, key).map { ($0, $1) }) }
            }
            return [
                "target": comparison.target, "source": comparison.source.description, "replica": comparison.replica.description,
                "source_rows": comparison.sourceRows, "chunks": comparison.chunks, "identical": comparison.differences.isEmpty,
                "unsettled_rows": comparison.unsettledRows,
                "only_in_source": keys(comparison.differences.onlyInSource),
                "only_in_replica": keys(comparison.differences.onlyInReplica),
                "different": keys(comparison.differences.different),
            ]
        }
        let document: [String: Any] = ["identical": comparisons.allSatisfy { $0.differences.isEmpty }, "tables": tables]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
