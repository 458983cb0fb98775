import Foundation
import Logging
import MariaDBClient

/// Keeps one target's lease for this daemon, on a target connection of its own: stands by while another daemon
/// leads, takes the lease once it has expired, renews it while leading, and ends the leadership the moment it can
/// no longer be sure of it. Each step reads the lease row locked and lets `LeaseDecision` say what to do.
///
/// Being sure is not what keeps a former leader from writing: the fence in every apply transaction does that
/// (`LeaseStore.fenceStatement`). Ending the leadership early only stops it trying.
final class LeaseKeeper: @unchecked Sendable {
    /// One stretch of leading the target: the epoch it holds, and a signal raised when it ends.
    struct Term {
        let epoch: UInt64
        let ended: StopSignal
        /// Run in every apply transaction of this term.
        let fence: String
        /// Renews the lease until the term ends.
        fileprivate let renewing: JoinableThread
    }

    let target: String
    let me: String
    private let settings: Configuration.HighAvailability
    private let options: ConnectionOptions
    private let status: ReplicatorStatus
    private let logger: Logger
    private var openConnection: MariaDBConnection?
    /// The connection is used by the standing-by thread, then by the renewing one, and by `release`: one at a time.
    private let lock = NSLock()

    init(target: String, me: String, settings: Configuration.HighAvailability, options: ConnectionOptions,
         status: ReplicatorStatus, logger: Logger) {
        self.target = target
        self.me = me
        self.settings = settings
        self.options = options
        self.status = status
        self.logger = logger
    }

    /// Stands by until this daemon holds the lease, then returns its term, renewed on a thread of its own until the
    /// term ends (the lease is lost, cannot be renewed in time, or `stop`); nil once `stop` is asked first.
    func lead(until stop: StopSignal) -> Term? {
        while !stop.isStopped {
            // The next look comes when the lease could have expired, at most `checkSeconds` on; after an error, then.
            var pause = settings.checkSeconds
            do {
                let decision = try step(held: nil)
                if case let .standBy(_, lookAgainIn)? = decision { pause = max(0.05, lookAgainIn) }
                if case let .acquire(epoch, from)? = decision {
                    let ended = StopSignal()
                    stop.onStop { ended.stop() }
                    let term = Term(epoch: epoch, ended: ended, fence: LeaseStore.fenceStatement(target: target, holder: me, epoch: epoch),
                                    renewing: renew(epoch: epoch, until: ended))
                    announce(epoch: epoch, from: from)
                    return term
                }
            } catch {
                logger.warning("target \(target): lease not readable (\(error)); standing by")
                dropConnection()
            }
            stop.wait(seconds: pause)
        }
        return nil
    }

    /// Ends the term and waits until its renewing has stopped.
    func end(_ term: Term) {
        term.ended.stop()
        term.renewing.join()
    }

    /// Ends the term and lets the lease go at once (a clean stop): a standby need not wait for it to expire.
    func release(_ term: Term) {
        end(term)
        lock.lock()
        defer { lock.unlock() }
        _ = try? connection().execute("""
            UPDATE \(LeaseStore.lease) SET expires_at = NOW(6) WHERE target = \(SQLLiteral.quotedString(target)) \
            AND holder = \(SQLLiteral.quotedString(me)) AND epoch = \(term.epoch)
            """)
    }

    /// One look at the lease, in one transaction with its row locked: what `LeaseDecision` says, performed.
    private func step(held: UInt64?) throws -> LeaseDecision? {
        lock.lock()
        defer { lock.unlock() }
        let connection = try connection()
        if held == nil { try endExpiredLeadersApplier(on: connection) }
        try connection.execute("BEGIN")
        do {
            let record = try LeaseStore.read(target: target, locked: true, on: connection)
            let decision = LeaseDecision.next(me: me, held: held, record: record, checkSeconds: settings.checkSeconds)
            switch decision {
            case let .acquire(epoch, _):
                try connection.execute(LeaseStore.acquireStatement(target: target, holder: me, epoch: epoch, leaseSeconds: settings.leaseSeconds))
            case let .renew(epoch):
                try connection.execute(LeaseStore.renewStatement(target: target, holder: me, epoch: epoch, leaseSeconds: settings.leaseSeconds))
            case .standBy, .lost:
                break
            }
            let leading = decision.isLeading
            try connection.execute(LeaseStore.heartbeatStatement(target: target, holder: me, leading: leading))
            let others = try LeaseStore.others(target: target, except: me, seenWithin: 3 * settings.leaseSeconds, on: connection)
            try connection.execute("COMMIT")
            show(decision, others: others)
            return decision
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Before a standby takes an expired lease, it ends the former leader's applying connection (recorded in the lease
    /// row; same account): a transaction that leader left open while paused would hold row locks the new leader's
    /// writes wait for, or even the lease row itself (its commit would be fenced anyway). Done before the row is
    /// read locked, which would otherwise wait for that very transaction.
    private func endExpiredLeadersApplier(on connection: MariaDBConnection) throws {
        guard let record = try LeaseStore.read(target: target, locked: false, on: connection), record.remainingSeconds <= 0,
              record.holder != me, let old = try LeaseStore.applierConnection(target: target, on: connection) else { return }
        _ = try? connection.execute("KILL CONNECTION \(old)")
    }

    /// Renews every `renewSeconds` until the term ends; ends it when the lease is lost, or when no renewal got
    /// through for a whole lease (this daemon can no longer tell whether a standby took over).
    private func renew(epoch: UInt64, until ended: StopSignal) -> JoinableThread {
        JoinableThread(name: "tm-lease-\(target)") { [self] in
            var renewed = ProcessInfo.processInfo.systemUptime
            while !ended.wait(seconds: settings.renewSeconds) {
                do {
                    if case .renew? = try step(held: epoch) {
                        renewed = ProcessInfo.processInfo.systemUptime
                        continue
                    }
                    logger.warning("target \(target): the lease is another daemon's now; standing by")
                } catch {
                    dropConnection()
                    guard ProcessInfo.processInfo.systemUptime - renewed >= settings.leaseSeconds else { continue }
                    logger.warning("target \(target): the lease could not be renewed for \(settings.leaseSeconds) s (\(error)); standing by")
                }
                ended.stop()
            }
        }
    }

    private func announce(epoch: UInt64, from: String?) {
        if let from {
            logger.warning("target \(target): took over from \(from) (its lease expired); leading at epoch \(epoch)")
        } else {
            logger.info("target \(target): leading at epoch \(epoch)")
        }
    }

    /// The status shows who leads, since when, and the other daemons seen.
    private func show(_ decision: LeaseDecision, others: [String]) {
        let now = Date().timeIntervalSince1970
        status.update(target) { target in
            var leadership = target.leadership ?? ReplicatorStatus.Leadership(daemon: me)
            leadership.standbys = others
            switch decision {
            case let .acquire(epoch, from):
                leadership.leader = me
                leadership.epoch = epoch
                leadership.since = now
                if let from { (leadership.takenOverFrom, leadership.takenOverAt) = (from, now) }
            case let .renew(epoch):
                leadership.leader = me
                leadership.epoch = epoch
            case let .standBy(leader, _):
                leadership.leader = leader.holder
                leadership.epoch = leader.epoch
                leadership.since = leader.since
                target.state = .standby
            case let .lost(to):
                leadership.leader = to
            }
            target.leadership = leadership
        }
    }

    private func connection() throws -> MariaDBConnection {
        if let openConnection { return openConnection }
        let fresh = try MariaDBConnection(options)
        // Expiries are NOW(6) + an interval stored in TIMESTAMP: computed in UTC, a DST change cannot stretch a lease.
        try fresh.execute("SET SESSION time_zone = '+00:00'")
        try ControlSchema.ensure(fresh)
        openConnection = fresh
        return fresh
    }

    private func dropConnection() {
        lock.lock()
        openConnection = nil
        lock.unlock()
    }
}

extension LeaseDecision {
    /// This daemon holds the lease after the decision is performed.
    var isLeading: Bool {
        switch self {
        case .acquire, .renew: return true
        case .standBy, .lost: return false
        }
    }
}
