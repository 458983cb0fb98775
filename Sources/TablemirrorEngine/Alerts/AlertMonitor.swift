import Foundation
import Logging
import MariaDBClient

/// Looks at every target's status once a second, turns what is wrong into conditions, and lets the tracker
/// and the dispatcher do the rest. Dead letters are counted in the targets themselves (every few seconds), so
/// the alert lasts until an operator retries or discards them; replicas and grants are audited there too
/// (at start, then every `audit.interval_seconds`), so a finding lasts until it is put right.
final class AlertMonitor: @unchecked Sendable {
    static let interval: TimeInterval = 1
    static let deadLetterInterval: TimeInterval = 5
    /// A takeover is alerted for this long, then resolved: it needs no one to act, only to know.
    static let leaderChangeSeconds: Double = 60

    private let alerts: Configuration.Alerts
    private let audit: Configuration.Audit
    private var auditFindings: [String: [AlertCondition]] = [:]
    private var lastAudit = Date.distantPast
    private let logger: Logger
    private let connections: Replicator.Connections
    private let status: ReplicatorStatus
    private let dispatcher: AlertDispatcher
    private var tracker: AlertTracker
    private var targetConnections: [String: MariaDBConnection] = [:]
    private var deadLetterCounts: [String: Int] = [:]
    private var lastDeadLetterCount = Date.distantPast

    init(alerts: Configuration.Alerts, audit: Configuration.Audit, connections: Replicator.Connections, status: ReplicatorStatus,
         logger: Logger) {
        self.alerts = alerts
        self.audit = audit
        self.logger = logger
        self.connections = connections
        self.status = status
        dispatcher = AlertDispatcher(channels: alerts.channels, logger: logger)
        tracker = AlertTracker(repeatSeconds: alerts.repeatSeconds)
    }

    /// Watches until `stop`; runs on its own thread (webhooks and commands block).
    func run(until stop: StopSignal) {
        while !stop.isStopped {
            let now = Date()
            if now.timeIntervalSince(lastDeadLetterCount) >= Self.deadLetterInterval {
                countDeadLetters()
                lastDeadLetterCount = now
            }
            if now.timeIntervalSince(lastAudit) >= audit.intervalSeconds {
                auditTargets()
                lastAudit = now
            }
            status.sampleRows(now: now.timeIntervalSince1970)
            let conditions = Self.conditions(status.snapshot(), deadLetters: deadLetterCounts, alerts: alerts, now: now)
                + auditFindings.values.flatMap { $0 }
            for alert in tracker.evaluate(conditions, now: now.timeIntervalSince1970) {
                dispatcher.send(alert)
                status.record(alert)
            }
            stop.wait(seconds: Self.interval)
        }
    }

    /// What is wrong now, per target.
    static func conditions(_ targets: [String: ReplicatorStatus.Target], deadLetters: [String: Int],
                           alerts: Configuration.Alerts, now: Date) -> [AlertCondition] {
        var conditions: [AlertCondition] = []
        for (name, target) in targets {
            switch target.state {
            case let .stopped(error):
                conditions.append(AlertCondition(kind: target.failureAlertKind ?? "target-stopped", target: name,
                                                 message: "target \(name) stopped: \(error)"))
            case let .retrying(attempt, error):
                let kind = target.failureAlertKind ?? "target-unreachable"
                if kind == "source-unreachable" {
                    conditions.append(AlertCondition(kind: kind, target: name,
                                                     message: "source unreachable for target \(name) (attempt \(attempt)): \(error)"))
                } else {
                    conditions.append(AlertCondition(kind: kind, target: name,
                                                     message: "target \(name) cannot apply (attempt \(attempt)): \(error)",
                                                     grace: alerts.lagGraceSeconds))
                }
            default:
                break
            }
            if let leadership = target.leadership, let from = leadership.takenOverFrom, let at = leadership.takenOverAt,
               now.timeIntervalSince1970 - at < Self.leaderChangeSeconds {
                conditions.append(AlertCondition(kind: "leader-changed", target: name,
                                                 message: "target \(name): \(leadership.daemon) took over from \(from), whose lease expired"))
            }
            let lag = target.lagSeconds(now: now)
            if lag > alerts.lagSeconds {
                conditions.append(AlertCondition(kind: "lag", target: name,
                                                 message: "target \(name) is \(Int(lag)) s behind the source (threshold \(Int(alerts.lagSeconds)) s)",
                                                 grace: alerts.lagGraceSeconds))
            }
            if !target.foreignTables.isEmpty {
                let tables = target.foreignTables.sorted { $0.key < $1.key }.map { "\($0.key) (its replica's name \($0.value) is taken)" }
                conditions.append(AlertCondition(kind: "replica-foreign-table", target: name,
                                                 message: "target \(name): not replicated, a table tablemirror did not make stands where the replica goes: \(tables.joined(separator: "; "))"))
            }
            if let count = deadLetters[name], count > 0 {
                conditions.append(AlertCondition(kind: "dead-letter", target: name,
                                                 message: "target \(name) has \(count) dead-lettered change(s): tablemirror dead-letters list --target \(name)"))
            }
        }
        return conditions
    }

    private func countDeadLetters() {
        for name in connections.targets.keys {
            withConnection(to: name) { connection in
                let count = try DeadLetterStore.count(target: name, on: connection)
                deadLetterCounts[name] = count
                status.update(name) { $0.storedDeadLetters = count }
            }
        }
    }

    /// Replicas not as tablemirror left them (`replica-tampered`), accounts that may write to them
    /// (`replica-writable-by`). A target that cannot be audited keeps its last findings.
    private func auditTargets() {
        for name in connections.targets.keys.sorted() {
            withConnection(to: name) { connection in
                var found: [AlertCondition] = []
                let tampered = try ReplicaAudit.tampering(target: name, on: connection)
                if !tampered.isEmpty {
                    let list = tampered.map { "\($0.replica): \($0.what)" }.joined(separator: "; ")
                    found.append(AlertCondition(kind: "replica-tampered", target: name,
                                                message: "target \(name): replicas changed outside tablemirror: \(list); `tablemirror resync` rebuilds them"))
                }
                let grants = try ReplicaAudit.grants(target: name, on: connection)
                if !grants.writers.isEmpty {
                    let list = Set(grants.writers.map(\.grantee)).sorted().joined(separator: ", ")
                    found.append(AlertCondition(kind: "replica-writable-by", target: name,
                                                message: "target \(name): other accounts may write to, alter or drop replicas: \(list); `tablemirror check-config --target-audit` lists the grants to revoke"))
                }
                if grants.incomplete && auditFindings[name] == nil {
                    logger.warning("target \(name): the grant audit sees only tablemirror's own grants; GRANT SELECT ON mysql.* to the target user for a full audit")
                }
                auditFindings[name] = found
            }
        }
    }

    /// Runs `body` on the monitor's connection to the target (opened on first use, dropped after an error:
    /// unreachable targets have their own alert).
    private func withConnection(to name: String, _ body: (MariaDBConnection) throws -> Void) {
        guard let options = connections.targets[name] else { return }
        do {
            let connection: MariaDBConnection
            if let open = targetConnections[name] {
                connection = open
            } else {
                connection = try MariaDBConnection(options)
                try ControlSchema.ensure(connection)
                targetConnections[name] = connection
            }
            try body(connection)
        } catch {
            targetConnections[name] = nil
        }
    }
}
