import Foundation
import BinlogDecoding
import MariaDBClient

/// What each target's pipeline is doing, shared between the pipelines and whoever reports on them.
public final class ReplicatorStatus: @unchecked Sendable {
    public enum State: Sendable, Equatable {
        case starting
        case copying
        case streaming
        /// A retryable failure (a lost connection, say): waiting before reconnecting.
        case retrying(attempt: Int, error: String)
        /// A permanent failure: this target stopped; the others go on.
        case stopped(error: String)
        /// Another daemon leads this target (see `Leadership`).
        case standby
        case finished
    }

    public struct Target: Sendable, Equatable {
        public var state: State = .starting
        /// Source transactions applied.
        public var appliedTransactions = 0
        public var appliedRows = 0
        /// Rows applied per source table (`db.table`) since the daemon started.
        public var rowsPerTable: [String: Int] = [:]
        /// Target transactions committed (several source transactions may share one).
        public var targetTransactions = 0
        /// Online copies under way: source table → rows copied so far.
        public var copies: [String: Int] = [:]
        /// Copies finished since the daemon started.
        public var finishedCopies = 0
        /// Changes this daemon put in the target's dead letters.
        public var deadLetters = 0
        /// Dead letters of this target waiting in its `_tablemirror.dead_letter` (from any daemon, until retried or
        /// discarded), as the alert monitor last counted them; nil until counted.
        public var storedDeadLetters: Int?
        /// What the last failure was about (while retrying or stopped).
        public var failure: Failure?
        /// Source commit time of the oldest transaction handed to the target and not yet committed there.
        public var pendingSince: UInt32?
        /// Where this target's reader has got in the source's binlog, and where its checkpoint is.
        public var readPosition: BinlogPosition?
        public var checkpoint: Checkpoint?
        /// Items waiting in the applier's queue.
        public var queueDepth = 0
        /// When a change to each source table was last committed in this target (seconds since the epoch).
        public var tablesAppliedAt: [String: Double] = [:]
        /// The last error (retrying or stopped), kept after recovery for the status.
        public var lastError: String?
        /// Mapped source tables not replicated here because another table stands where the replica should go
        /// (source table → that table): tablemirror never replaces a table it did not create.
        public var foreignTables: [String: String] = [:]
        /// The TLS cipher of the reader's source connection and of the applier's target connection, recorded
        /// when they connect: nil while not connected, `.clear` when not encrypted.
        public var sourceEncryption: ConnectionEncryption?
        public var targetEncryption: ConnectionEncryption?
        /// The source server the reader reads from (the primary, where several are configured).
        public var sourceServer: String?
        /// Who leads this target, with `ha:` configured.
        public var leadership: Leadership?
        /// Applied rows sampled once a second over the last minute, for rows/s.
        public var rowSamples: [RowSample] = []
        /// Lag and applied rows over the last hour, for the console's chart.
        public var history = LagHistory()

        public struct RowSample: Sendable, Equatable {
            public var at: Double
            public var rows: Int
        }

        /// Rows per second over the samples kept (the last minute).
        public var rowsPerSecond: Double {
            guard let first = rowSamples.first, let last = rowSamples.last, last.at > first.at else { return 0 }
            return Double(last.rows - first.rows) / (last.at - first.at)
        }

        /// Binlog bytes read but not yet committed here (within one binlog file; nil across a rotation).
        public var lagBytes: UInt64? {
            guard let read = readPosition, let applied = checkpoint?.position, read.file == applied.file else { return nil }
            return read.offset > applied.offset ? read.offset - applied.offset : 0
        }

        /// Source commit time of the last transaction the reader got through, while it has a backlog (nil once
        /// the source had nothing more to send: a heartbeat came).
        public var readingSince: UInt32?

        /// Seconds the target is behind: how long ago the oldest source transaction it has not committed was
        /// committed on the source — one handed to the applier, or, while the reader works through a backlog
        /// (of other tables' transactions too), the one it is reading.
        public func lagSeconds(now: Date = Date()) -> Double {
            let oldest = [pendingSince, readingSince].compactMap { $0 }.min()
            return oldest.map { max(0, now.timeIntervalSince1970 - Double($0)) } ?? 0
        }
    }

    /// Whether a connection is encrypted, and with which cipher.
    public struct ConnectionEncryption: Sendable, Equatable {
        public var cipher: String?
        public static let clear = ConnectionEncryption(cipher: nil)

        public init(cipher: String?) {
            self.cipher = cipher
        }

        public var isEncrypted: Bool { cipher != nil }
        /// `{"encrypted": …, "cipher": …}` as /status and `tablemirror status --json` show it.
        public var jsonObject: [String: Any] { ["encrypted": isEncrypted, "cipher": cipher ?? NSNull()] }
        /// Read back from `jsonObject` (what `tablemirror status` gets from the daemon); nil for anything else.
        public init?(jsonObject: Any?) {
            guard let object = jsonObject as? [String: Any], let encrypted = object["encrypted"] as? Bool else { return nil }
            cipher = encrypted ? (object["cipher"] as? String ?? "") : nil
        }

        /// "TLS (cipher)" or "not encrypted".
        public var text: String { cipher.map { "TLS (\($0))" } ?? "not encrypted" }
    }

    /// One target's lease, as this daemon last saw it.
    public struct Leadership: Sendable, Equatable {
        /// This daemon's id.
        public var daemon: String
        /// The daemon holding the lease, and since when (seconds since the epoch).
        public var leader: String?
        public var since: Double?
        public var epoch: UInt64?
        /// The other daemons that looked at this target's lease lately.
        public var standbys: [String] = []
        /// The last takeover by this daemon: from whom, and when.
        public var takenOverFrom: String?
        public var takenOverAt: Double?

        public init(daemon: String) {
            self.daemon = daemon
        }

        public var isLeading: Bool { leader == daemon }
    }

    public enum Failure: String, Sendable, Equatable, CaseIterable {
        case sourceUnreachable = "source-unreachable"
        case binlogPurged = "binlog-purged"
        /// The source server cannot continue from the checkpoint by GTID (a failover to a server lacking some).
        case sourceLacksCheckpoint = "source-lacks-checkpoint"
        case corruptEvent = "corrupt-event"
        /// A row (or copied row) larger than the target's max_allowed_packet.
        case rowTooLarge = "row-too-large"
        case target
    }

    private let lock = NSLock()
    private var targets: [String: Target] = [:]

    public init() {}

    public func snapshot() -> [String: Target] {
        lock.lock()
        defer { lock.unlock() }
        return targets
    }

    /// Keeps a minute of applied-row samples per target, and an hour of lag history (called once a second).
    func sampleRows(now: Double) {
        lock.lock()
        for name in Array(targets.keys) {
            guard var target = targets[name] else { continue }
            target.rowSamples.append(Target.RowSample(at: now, rows: target.appliedRows))
            target.rowSamples.removeAll { now - $0.at > 60 }
            target.history.offer(LagHistory.Sample(at: now, lagSeconds: target.lagSeconds(now: Date(timeIntervalSince1970: now)),
                                                   lagBytes: target.lagBytes, rows: target.appliedRows))
            targets[name] = target
        }
        lock.unlock()
    }

    private var alertLog = AlertLog()

    /// The alerts sent so far (firing now, and the latest notifications).
    public var alerts: AlertLog {
        lock.lock()
        defer { lock.unlock() }
        return alertLog
    }

    func record(_ alert: Alert) {
        lock.lock()
        alertLog.record(alert)
        lock.unlock()
    }

    func update(_ name: String, _ change: (inout Target) -> Void) {
        lock.lock()
        change(&targets[name, default: Target()])
        lock.unlock()
    }
}
