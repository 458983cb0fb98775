import BinlogDecoding
import Foundation
import Logging
import MariaDBClient

extension Replicator {
    /// Runs one target's pipeline until stopped. With `ha:`, only while this daemon leads the target: it stands by
    /// until it holds the target's lease, applies under it (every commit fenced by it), and stands by again when
    /// the lease is lost.
    func supervise(_ plan: ReplicationPlan.TargetPlan, options: ConnectionOptions, stop: StopSignal) {
        let name = plan.target.name
        defer { status.update(name) { $0.state = .finished } }
        guard let settings = configuration.highAvailability else {
            superviseTerm(plan, options: options, stop: stop, term: nil)
            return
        }
        let keeper = LeaseKeeper(target: name, me: daemonID, settings: settings, options: options, status: status, logger: logger)
        status.update(name) { $0.state = .standby }
        while let term = keeper.lead(until: stop) {
            let outcome = superviseTerm(plan, options: options, stop: term.ended, term: term)
            if stop.isStopped {
                keeper.release(term)
                break
            }
            if outcome == .sourceLost {
                keeper.release(term)
            } else {
                keeper.end(term)
            }
            // A standby applies nothing: what it had pending is the new leader's now, not its lag, and its failures
            // are not the target's.
            status.update(name) {
                $0.state = .standby
                $0.pendingSince = nil
                $0.readingSince = nil
                $0.failure = nil
                if outcome == .sourceLost { $0.leadership?.leader = nil }
            }
            // Handed over at once; competing again only after a lease, so that a standby that reads the source leads.
            if outcome == .sourceLost, stop.wait(seconds: settings.leaseSeconds) { break }
        }
    }

    private enum TermOutcome {
        case ended
        /// With `ha:`, reading the source failed for `ha.step_down_seconds`: the lease is to be handed over.
        case sourceLost
    }

    /// Runs one target's pipeline again and again until `stop` (or the end of the lease `term`) or a permanent
    /// failure. What to do after a failure is `RetryPolicy`'s decision; this only carries it out.
    @discardableResult
    private func superviseTerm(_ plan: ReplicationPlan.TargetPlan, options: ConnectionOptions, stop: StopSignal,
                               term: LeaseKeeper.Term?) -> TermOutcome {
        let name = plan.target.name
        let current = CurrentStream()
        stop.onStop { current.interrupt() }
        var policy = RetryPolicy(firstWait: backoff.first, maximumWait: backoff.maximum)
        var carefulUntil: BinlogPosition?
        /// Since when reading the source has failed, try after try.
        var sourceLostSince: Double?
        while !stop.isStopped {
            do {
                try runPipeline(plan, options: options, stop: stop, current: current, carefulUntil: carefulUntil, term: term)
                if stop.isStopped { break }
            } catch where stop.isStopped {
                break
            } catch {
                let underlying = (error as? ApplyFailure)?.underlying ?? (error as? SourceFailure)?.underlying ?? error
                if LeaseStore.isFenced(underlying) {
                    logger.warning("target \(name): a commit was refused because another daemon holds the lease now; standing by")
                    break
                }
                let failureClass = FailureClass.of(underlying, fromSource: error is SourceFailure)
                let applied = error as? ApplyFailure
                let decision = policy.decide(failureClass, checkpoint: status.snapshot()[name]?.checkpoint?.position,
                                             failedAt: applied?.position, wasCareful: applied?.wasCareful ?? false,
                                             carefulUntil: carefulUntil, now: ProcessInfo.processInfo.systemUptime)
                switch decision {
                case let .applyCarefully(until):
                    // A refused change somewhere in a group: run that stretch again carefully, change by change,
                    // to dead-letter it or to stop right at its transaction.
                    logger.warning("target \(name): \(underlying); applying up to \(until) change by change")
                    carefulUntil = until
                case let .retry(wait, attempt):
                    let now = ProcessInfo.processInfo.systemUptime
                    sourceLostSince = failureClass == .sourceUnreachable ? (attempt == 1 ? now : sourceLostSince ?? now) : nil
                    if term != nil, let since = sourceLostSince, let limit = configuration.highAvailability?.sourceLostStepDownSeconds,
                       now - since >= limit {
                        logger.warning("target \(name): the source could not be read for \(Int(now - since)) s (\(underlying)); handing the lease over to a daemon that can")
                        return .sourceLost
                    }
                    metrics.count("tablemirror_errors_total", [("target", name), ("kind", failureClass.failure.rawValue)])
                    metrics.count("tablemirror_retries_total", [("target", name)])
                    logger.warning("target \(name): \(underlying); retrying in \(wait) s (attempt \(attempt))")
                    status.update(name) {
                        $0.state = .retrying(attempt: attempt, error: "\(underlying)")
                        $0.failure = failureClass.failure
                        $0.lastError = "\(underlying)"
                    }
                    stop.wait(seconds: wait)
                case let .stop(alert):
                    metrics.count("tablemirror_errors_total", [("target", name), ("kind", alert.rawValue)])
                    let reason = "\(underlying)" + (alert.remedy(target: name).map { "; \($0)" } ?? "")
                    logger.error("target \(name) stopped (\(alert.rawValue)): \(reason)")
                    status.update(name) {
                        $0.state = .stopped(error: reason)
                        $0.failure = alert
                        $0.lastError = reason
                    }
                    // Stopped until an operator acts: a resync or reseed asked for after the stop starts it again.
                    guard waitForCopyRequest(target: name, options: options, stop: stop) else { break }
                    logger.info("target \(name): a copy was requested; starting again")
                    carefulUntil = nil
                    policy = RetryPolicy(firstWait: backoff.first, maximumWait: backoff.maximum)
                }
            }
        }
        return .ended
    }

    /// Waits (polling the target) for a copy requested after now; false when told to stop first.
    func waitForCopyRequest(target name: String, options: ConnectionOptions, stop: StopSignal) -> Bool {
        var since: Double?
        while !stop.isStopped {
            if let connection = try? MariaDBConnection(options) {
                if since == nil { since = (try? connection.query("SELECT UNIX_TIMESTAMP(NOW(6))").string(0, 0)).flatMap { $0.flatMap(Double.init) } }
                let requests = (try? CopyProgressStore.unfinished(target: name, on: connection)) ?? []
                if let since, requests.contains(where: { $0.state == .requested && (Double($0.generation) ?? 0) > since }) { return true }
            }
            stop.wait(seconds: 2)
        }
        return false
    }
}
