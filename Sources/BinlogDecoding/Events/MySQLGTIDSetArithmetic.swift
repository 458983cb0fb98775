/// MySQL GTID sets as values to compute with: parsed from their text form, normalized (members in order, each
/// member's intervals sorted and merged), and combined by union, subtraction and containment — what a checkpoint
/// that keeps the executed set needs, and what deciding whether a server can serve it needs.
extension MySQLGTIDSet {
    public static let empty = MySQLGTIDSet(entries: [])

    /// Parses MySQL's text form: `uuid:1-5:7,uuid2:3`, and since 8.3 tagged members `uuid:tag:1-3` (intervals after a
    /// tag belong to it, `uuid:1-3:tag:5` holds untagged 1–3 and tagged 5). Whitespace and newlines (as
    /// `@@gtid_executed` prints them) are ignored; the empty text is the empty set. Nil when malformed.
    public init?(text: String) {
        var entries: [Entry] = []
        for member in text.filter({ !$0.isWhitespace }).split(separator: ",") {
            let parts = member.split(separator: ":", omittingEmptySubsequences: false)
            guard let uuidText = parts.first, let uuid = Self.uuidBytes(uuidText), parts.count >= 2 else { return nil }
            var tag = ""
            for part in parts.dropFirst() {
                if let interval = Self.interval(part) {
                    entries.append(Entry(uuid: uuid, tag: tag, intervals: [interval]))
                } else if Self.isTag(part) {
                    tag = part.lowercased()
                } else {
                    return nil
                }
            }
        }
        self = MySQLGTIDSet(entries: entries).normalized
    }

    /// This set with the transaction `uuid[:tag]:number` (one GTID as a GTID event gives it), read without building
    /// a set for it: a reader does this at every commit. Nil when the text is not one GTID.
    public func inserting(gtid text: String) -> MySQLGTIDSet? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let uuid = Self.uuidBytes(parts[0]), let number = parts.last.flatMap({ Int64($0) }),
              number >= 1, number < Int64.max else { return nil }
        if parts.count == 3 {
            guard Self.isTag(parts[1]) else { return nil }
            return inserting(uuid: uuid, tag: parts[1].lowercased(), number: number)
        }
        return inserting(uuid: uuid, number: number)
    }

    public var isEmpty: Bool { entries.allSatisfy { $0.intervals.isEmpty } }

    /// Every transaction of either set.
    public func union(_ other: MySQLGTIDSet) -> MySQLGTIDSet {
        MySQLGTIDSet(entries: entries + other.entries).normalized
    }

    /// The transactions of this set that `other` lacks.
    public func subtracting(_ other: MySQLGTIDSet) -> MySQLGTIDSet {
        let removed = Dictionary(grouping: other.normalized.entries, by: \.key).mapValues { $0.flatMap(\.intervals) }
        let left = normalized.entries.map { entry in
            Entry(uuid: entry.uuid, tag: entry.tag, intervals: Self.subtract(removed[entry.key] ?? [], from: entry.intervals))
        }
        return MySQLGTIDSet(entries: left).normalized
    }

    /// Whether every transaction of `other` is in this set.
    public func contains(_ other: MySQLGTIDSet) -> Bool {
        other.subtracting(self).isEmpty
    }

    /// This set with one more transaction (`uuid[:tag]:number`). The next transaction of a member's last interval —
    /// what a reader meets at almost every commit — extends it in place (on a normalized set, that keeps it
    /// normalized); anything else is a union.
    public func inserting(uuid: [UInt8], tag: String = "", number: Int64) -> MySQLGTIDSet {
        if let index = entries.firstIndex(where: { $0.uuid == uuid && $0.tag == tag }),
           let last = entries[index].intervals.last, last.end == number {
            var next = self
            next.entries[index].intervals[next.entries[index].intervals.count - 1].end = number + 1
            return next
        }
        return union(MySQLGTIDSet(entries: [Entry(uuid: uuid, tag: tag, intervals: [Interval(start: number, end: number + 1)])]))
    }

    /// Members ordered by server UUID then tag (untagged first), intervals sorted, overlapping and adjacent ones merged,
    /// empty members dropped: two sets with the same transactions are equal.
    public var normalized: MySQLGTIDSet {
        let grouped = Dictionary(grouping: entries, by: \.key)
        let merged = grouped.keys.sorted { ($0.uuid, $0.tag) < ($1.uuid, $1.tag) }.compactMap { key -> Entry? in
            let group = grouped[key] ?? []
            let intervals = Self.merge(group.flatMap(\.intervals))
            guard !intervals.isEmpty, let first = group.first else { return nil }
            return Entry(uuid: first.uuid, tag: key.tag, intervals: intervals)
        }
        return MySQLGTIDSet(entries: merged)
    }

    // MARK: Intervals (half-open, as stored)

    private static func merge(_ intervals: [Interval]) -> [Interval] {
        var result: [Interval] = []
        for interval in intervals.filter({ $0.start < $0.end }).sorted(by: { $0.start < $1.start }) {
            if let last = result.last, interval.start <= last.end {
                result[result.count - 1].end = max(last.end, interval.end)
            } else {
                result.append(interval)
            }
        }
        return result
    }

    private static func subtract(_ removed: [Interval], from intervals: [Interval]) -> [Interval] {
        var result: [Interval] = []
        for interval in intervals {
            var pieces = [interval]
            for cut in merge(removed) {
                pieces = pieces.flatMap { piece -> [Interval] in
                    guard cut.start < piece.end, cut.end > piece.start else { return [piece] }
                    return [Interval(start: piece.start, end: cut.start), Interval(start: cut.end, end: piece.end)]
                        .filter { $0.start < $0.end }
                }
            }
            result += pieces
        }
        return result
    }

    private static func interval(_ text: Substring) -> Interval? {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count <= 2, let first = bounds.first, let start = Int64(first), start >= 1,
              let last = Int64(bounds.last ?? first), last >= start, last < Int64.max else { return nil }
        return Interval(start: start, end: last + 1)
    }

    /// A tag: a letter or `_`, then up to 31 letters, digits or `_`.
    private static func isTag(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter || first == "_", text.count <= 32 else { return false }
        return text.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
    }

    private static func uuidBytes(_ text: Substring) -> [UInt8]? {
        let hex = Array(text.filter { $0 != "-" }.utf8)
        guard hex.count == 32, text.count == 36 || text.count == 32 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 32, by: 2) {
            guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

extension MySQLGTIDSet.Entry {
    /// Server UUID (as text, so it orders as MySQL prints) and tag.
    fileprivate var key: Key { Key(uuid: UUIDText.format(uuid), tag: tag) }

    fileprivate struct Key: Hashable {
        var uuid: String
        var tag: String
    }
}
