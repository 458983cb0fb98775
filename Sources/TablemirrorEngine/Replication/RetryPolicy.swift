import BinlogDecoding
import MariaDBClient

/// What a pipeline failure was, as far as deciding what to do next goes.
enum FailureClass: Equatable, Sendable {
    /// The target's connection failed or was lost: reconnect.
    case targetConnection
    /// Deadlock, lock wait timeout, read-only server, a schema change still running on the target: try again.
    case transient
    /// The source could not be reached or its connection was lost.
    case sourceUnreachable
    /// The source no longer has the binlog the checkpoint points into (purged, error 1236).
    case binlogPurged
    /// The source server (a new primary, after a failover) lacks transactions the target has applied.
    case checkpointNotOnSource
    /// The source refused what the reader asked, and will again: a binlog request not about purged logs (1236), a
    /// login, a query.
    case sourceRefused
    /// An event that cannot be decoded.
    case corruptEvent
    /// A statement larger than the target's `max_allowed_packet`, not yet pinned to one row change.
    case statementTooLarge
    /// One row change (or copied row) whose statement the target refuses for its size.
    case rowTooLarge
    /// The target refused a change (a constraint, a value, a schema change): the same input fails the same way.
    case refused

    /// Classifies what a pipeline threw. `fromSource`: the reader failed (rather than the applier).
    static func of(_ error: any Error, fromSource: Bool) -> FailureClass {
        switch error {
        case let EngineError.database(error): return of(error, fromSource: fromSource)
        case EngineError.corruptEvent: return .corruptEvent
        case is RowTooLarge: return .rowTooLarge
        case is StatementTooLarge: return .statementTooLarge
        case is NoPrimarySource: return .sourceUnreachable
        case is CheckpointNotOnSource: return .checkpointNotOnSource
        case is SchemaChangeRunner.StillRunning: return .transient
        case let error as MariaDBError:
            if error.code == 1153 { return .statementTooLarge }  // ER_NET_PACKET_TOO_LARGE, from the server
            switch error.kind {
            case .connection: return fromSource ? .sourceUnreachable : .targetConnection
            case .transient: return .transient
            case .binlogUnavailable: return error.isPurgedBinlog ? .binlogPurged : .sourceRefused
            case .permanent: return fromSource ? .sourceRefused : .refused
            }
        default:
            // The engine's own errors (a schema change refused where the reader plans it, say) recur as they are.
            return .refused
        }
    }

    /// The alert (and status) kind this class stops or retries under.
    var failure: ReplicatorStatus.Failure {
        switch self {
        case .sourceUnreachable: return .sourceUnreachable
        case .binlogPurged: return .binlogPurged
        case .checkpointNotOnSource: return .sourceLacksCheckpoint
        case .corruptEvent: return .corruptEvent
        case .rowTooLarge, .statementTooLarge: return .rowTooLarge
        case .targetConnection, .transient, .sourceRefused, .refused: return .target
        }
    }
}

/// What the supervisor does after a pipeline failed.
enum RetryDecision: Equatable, Sendable {
    /// Wait this long, then reconnect and start again from the checkpoint (the `attempt`-th try in a row).
    case retry(afterSeconds: Double, attempt: Int)
    /// Start again at once, applying change by change up to `until`, so the change at fault is known exactly.
    case applyCarefully(until: BinlogPosition)
    /// Stop this target until an operator acts, alerting under `alert`.
    case stop(alert: ReplicatorStatus.Failure)
}

/// The supervisor's retry decisions, as a value: given each failure's class and where the target stood, what to
/// do next. Attempts count failures in a row, across reconnects; they start again only once the target made
/// progress (its checkpoint moved) or had been running without a failure for `quietPeriod` — so a failure that
/// recurs after every reconnect backs off to the maximum instead of retrying at the first interval for ever.
struct RetryPolicy: Sendable {
    var firstWait: Double
    var maximumWait: Double
    /// A failure this long after the previous one counts as a first failure again.
    var quietPeriod: Double

    /// Failures in a row so far.
    private(set) var attempts = 0
    /// The checkpoint and time of the last failure.
    private var lastFailure: (checkpoint: BinlogPosition?, at: Double)?

    init(firstWait: Double, maximumWait: Double, quietPeriod: Double? = nil) {
        self.firstWait = firstWait
        self.maximumWait = maximumWait
        self.quietPeriod = quietPeriod ?? max(60, maximumWait * 5)
    }

    /// - Parameters:
    ///   - checkpoint: the target's checkpoint now (nil before its first).
    ///   - failedAt: where the applier had got when it failed (nil: the reader failed, or nothing was applied).
    ///   - wasCareful: the failing stretch was already applied change by change.
    ///   - carefulUntil: the end of the stretch last applied change by change, if any.
    ///   - now: seconds on any steady clock.
    mutating func decide(_ failure: FailureClass, checkpoint: BinlogPosition?, failedAt: BinlogPosition?, wasCareful: Bool,
                         carefulUntil: BinlogPosition?, now: Double) -> RetryDecision {
        let madeProgress = lastFailure.map { last in
            now - last.at >= quietPeriod || checkpoint.map { current in last.checkpoint.map { $0.isBefore(current) } ?? true } == true
        } ?? true
        if madeProgress { attempts = 0 }
        lastFailure = (checkpoint, now)
        switch failure {
        case .targetConnection, .transient, .sourceUnreachable:
            attempts += 1
            return .retry(afterSeconds: min(maximumWait, firstWait * Double(1 << min(attempts - 1, 16))), attempt: attempts)
        case .refused, .statementTooLarge:
            // A change somewhere in a group: run that stretch again change by change — once; the careful pass
            // then stops right at the change (or dead-letters it).
            if !wasCareful, let failedAt, carefulUntil.map({ $0.isBefore(failedAt) }) ?? true {
                return .applyCarefully(until: failedAt)
            }
            return .stop(alert: failure.failure)
        case .rowTooLarge, .binlogPurged, .checkpointNotOnSource, .sourceRefused, .corruptEvent:
            return .stop(alert: failure.failure)
        }
    }
}

/// A statement larger than the target's `max_allowed_packet`: never sent (the server would drop the connection,
/// which looks like a network failure).
struct StatementTooLarge: Error, CustomStringConvertible {
    var bytes: Int
    var limit: Int
    var description: String {
        "a statement of \(bytes) bytes exceeds the target's max_allowed_packet (\(limit) bytes)"
    }
}

/// One row change, or one copied row, whose statement exceeds the target's `max_allowed_packet`: the target stops
/// there, naming the table, its key columns and the change's binlog position (values never appear in errors).
struct RowTooLarge: Error, CustomStringConvertible {
    var table: String
    /// The primary key's columns (empty: the table has none; nil: not known here).
    var keyColumns: [String]?
    var position: BinlogPosition?
    var what: String
    var bytes: Int
    var limit: Int
    var description: String {
        let key = keyColumns.map { $0.isEmpty ? ", no primary key" : ", key (\($0.joined(separator: ", ")))" } ?? ""
        let place = position.map { " at \($0)" } ?? ""
        return "\(what) in \(table)\(key)\(place): its statement needs at least \(bytes) bytes, over the target's max_allowed_packet (\(limit) bytes); raise max_allowed_packet on the target (SET GLOBAL max_allowed_packet, and in its configuration) and restart tablemirror"
    }
}

extension MariaDBError {
    /// Error 1236 saying the binlog asked for was purged (by file name, or by GTID on MariaDB and MySQL).
    var isPurgedBinlog: Bool {
        guard code == 1236 else { return false }
        let text = message.lowercased()
        return text.contains("could not find first log file name") || text.contains("purged")
    }
}

extension ReplicatorStatus.Failure {
    /// What an operator does about a target stopped under this kind, for its alert and the status.
    func remedy(target: String) -> String? {
        switch self {
        case .binlogPurged:
            return "the source no longer has the binlog from this target's checkpoint: `tablemirror reseed --target \(target)` copies its tables again from a fresh snapshot and moves the checkpoint there"
        case .sourceLacksCheckpoint:
            return "make a server that has every transaction of this target's checkpoint the primary (the target continues once tablemirror is restarted), or `tablemirror reseed --target \(target)` to copy its tables again from this one"
        case .rowTooLarge, .sourceUnreachable, .corruptEvent, .target:
            return nil
        }
    }
}
