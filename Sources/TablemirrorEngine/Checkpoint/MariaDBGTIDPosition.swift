/// A MariaDB GTID position: for each replication domain, the last transaction applied in it
/// (`domain-server-sequence`, comma-separated, as in `@@gtid_binlog_pos` and `BINLOG_GTID_POS()`).
/// A target's checkpoint keeps its whole position, not only the last transaction's GTID, so that a reader can
/// continue from it on another server of the same replication topology, where file names and offsets differ.
public struct MariaDBGTIDPosition: Sendable, Equatable, CustomStringConvertible {
    public struct GTID: Sendable, Equatable, Hashable, CustomStringConvertible {
        public var domain: UInt32
        public var server: UInt32
        public var sequence: UInt64

        /// `domain-server-sequence`; nil for anything else (a MySQL `uuid:n`, say).
        public init?(_ text: some StringProtocol) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, let domain = UInt32(parts[0]), let server = UInt32(parts[1]),
                  let sequence = UInt64(parts[2]) else { return nil }
            self.init(domain: domain, server: server, sequence: sequence)
        }

        public init(domain: UInt32, server: UInt32, sequence: UInt64) {
            self.domain = domain
            self.server = server
            self.sequence = sequence
        }

        public var description: String { "\(domain)-\(server)-\(sequence)" }
    }

    /// The last transaction of each domain.
    public private(set) var last: [UInt32: GTID]

    /// Parses a position; the empty text is the empty position (a server that has logged no transaction yet).
    /// Nil when any part is not a MariaDB GTID, or a domain appears twice.
    public init?(_ text: String) {
        last = [:]
        for part in text.split(separator: ",") {
            guard let gtid = GTID(part.trimmingCharacters(in: .whitespacesAndNewlines)), last[gtid.domain] == nil else { return nil }
            last[gtid.domain] = gtid
        }
    }

    /// The position after `gtid`: its domain's entry replaced.
    public func advanced(by gtid: GTID) -> MariaDBGTIDPosition {
        var next = self
        next.last[gtid.domain] = gtid
        return next
    }

    /// Whether `other` agrees with every domain of this position (it may know more domains): the same place in
    /// the history of each domain this position has.
    public func agrees(with other: MariaDBGTIDPosition) -> Bool {
        last.allSatisfy { other.last[$0.key] == $0.value }
    }

    public var isEmpty: Bool { last.isEmpty }

    /// Domains in order, as MariaDB writes them.
    public var description: String {
        last.keys.sorted().compactMap { last[$0]?.description }.joined(separator: ",")
    }
}

/// A server's `@@gtid_binlog_state`: the last sequence number logged by each (domain, server) pair its binlogs
/// still hold. It tells whether the server has a transaction at all, whoever it came from.
public struct MariaDBGTIDState: Sendable, Equatable {
    private var last: [Pair: UInt64] = [:]

    private struct Pair: Hashable {
        var domain: UInt32
        var server: UInt32
    }

    public init?(_ text: String) {
        for part in text.split(separator: ",") {
            guard let gtid = MariaDBGTIDPosition.GTID(part.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
            let pair = Pair(domain: gtid.domain, server: gtid.server)
            last[pair] = max(last[pair] ?? 0, gtid.sequence)
        }
    }

    /// The transactions of `position` this server has not logged: the ones whose (domain, server) it has not
    /// reached. Empty when it can serve a reader continuing from `position`.
    public func missing(from position: MariaDBGTIDPosition) -> [MariaDBGTIDPosition.GTID] {
        position.last.values.filter { gtid in
            (last[Pair(domain: gtid.domain, server: gtid.server)] ?? 0) < gtid.sequence
        }.sorted { $0.domain < $1.domain }
    }
}
