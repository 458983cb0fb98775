import BinlogDecoding

/// Rows that differ between a source table and a replica, by primary key (SQL literals, in key column order).
public struct RowDifferences: Sendable, Equatable {
    public var onlyInSource: [[String]] = []
    public var onlyInReplica: [[String]] = []
    /// In both, with different values.
    public var different: [[String]] = []

    public var isEmpty: Bool { onlyInSource.isEmpty && onlyInReplica.isEmpty && different.isEmpty }
    public var count: Int { onlyInSource.count + onlyInReplica.count + different.count }
    var allKeys: [[String]] { onlyInSource + onlyInReplica + different }

    mutating func merge(_ other: RowDifferences) {
        onlyInSource += other.onlyInSource
        onlyInReplica += other.onlyInReplica
        different += other.different
    }

    func sorted() -> RowDifferences {
        let order: ([String], [String]) -> Bool = { $0.lexicographicallyPrecedes($1) }
        return RowDifferences(onlyInSource: onlyInSource.sorted(by: order), onlyInReplica: onlyInReplica.sorted(by: order),
                              different: different.sorted(by: order))
    }
}

/// The outcome of comparing one source table with its replica in one target.
public struct TableComparison: Sendable, Equatable {
    public var target: String
    public var source: QualifiedTableName
    public var replica: QualifiedTableName
    public var keyColumns: [String]
    public var chunks = 0
    public var sourceRows = 0
    public var differences = RowDifferences()
    /// Rows that still differed but that the source kept changing through every re-check: not reported.
    public var unsettledRows = 0

    /// `id=5` or `(a=1, b='x')`.
    public func describe(_ key: [String]) -> String {
        guard keyColumns.count == key.count else { return key.joined(separator: ", ") }
        let pairs = zip(keyColumns, key).map { "\($0)=\($1)" }
        return pairs.count == 1 ? pairs[0] : "(" + pairs.joined(separator: ", ") + ")"
    }
}
