/// One target's lease as read from its `_tablemirror.lease` row, timed by the target server's own clock (so daemons
/// on hosts whose clocks differ agree on when it expires).
struct LeaseRecord: Equatable, Sendable {
    var holder: String
    /// Raised by one at every change of holder: the fencing token every apply transaction checks.
    var epoch: UInt64
    /// Seconds until it expires; zero or less: it has.
    var remainingSeconds: Double
    /// When the holder took it (the target's clock, seconds since the epoch).
    var since: Double
}

/// What one daemon does next about one target's lease, given what it holds and what it just read with the row
/// locked: a plain value, with no connection (`LeaseKeeper` performs it).
enum LeaseDecision: Equatable, Sendable {
    /// Take the lease with this epoch — nobody held it, or the holder let it expire (`from`: the one taken over).
    case acquire(epoch: UInt64, from: String?)
    /// It is ours: push its expiry forward.
    case renew(epoch: UInt64)
    /// Someone else holds it and it has not expired: look again in this many seconds.
    case standBy(leader: LeaseRecord, lookAgainIn: Double)
    /// The lease this daemon held is someone else's now (it expired and was taken): stop applying at once.
    case lost(to: String)

    /// - Parameters:
    ///   - me: this daemon's id.
    ///   - held: the epoch this daemon believes it holds, or nil when it is standing by.
    ///   - record: the lease row, or nil when the target has none yet.
    ///   - checkSeconds: how often a standby looks.
    static func next(me: String, held: UInt64?, record: LeaseRecord?, checkSeconds: Double) -> LeaseDecision {
        guard let record else { return .acquire(epoch: held.map { $0 + 1 } ?? 1, from: nil) }
        if record.holder == me, record.epoch == held { return .renew(epoch: record.epoch) }
        // Not ours as we knew it: a newer epoch (ours or not) means someone took it in between.
        if held != nil { return .lost(to: record.holder) }
        guard record.remainingSeconds <= 0 else {
            return .standBy(leader: record, lookAgainIn: min(checkSeconds, record.remainingSeconds))
        }
        return .acquire(epoch: record.epoch + 1, from: record.holder == me ? nil : record.holder)
    }
}
