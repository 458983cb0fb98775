import Foundation
import Logging
import MariaDBClient

/// Looks at every target's status once a second, turns what is wrong into conditions, and lets the tracker
/// and the dispatcher do the rest. Dead letters are counted in the targets themselves (every few seconds), so
/// the alert lasts until an operator retries or discards them.
final class AlertMonitor: @unchecked Sendable {
    static let interval: TimeInterval = 1
    static let deadLetterInterval: TimeInterval = 5

    private let alerts: Configuration.Alerts
    private let connections: Replicator.Connections
    private let status: ReplicatorStatus
    private let dispatcher: AlertDispatcher
    private var tracker: AlertTracker
    private var targetConnections: [String: MariaDBConnection] = [:]
    private var deadLetterCounts: [String: Int] = [:]
    private var lastDeadLetterCount = Date.distantPast

    init(alerts: Configuration.Alerts, connections: Replicator.Connections, status: ReplicatorStatus, logger: Logger) {
        self.alerts = alerts
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
            status.sampleRows(now: now.timeIntervalSince1970)
            let conditions = Self.conditions(status.snapshot(), deadLetters: deadLetterCounts, alerts: alerts, now: now)
            for alert in tracker.evaluate(conditions, now: now.timeIntervalSince1970) { dispatcher.send(alert) }
            var waited = 0.0
            while waited < Self.interval && !stop.isStopped {
                usleep(50_000)
                waited += 0.05
            }
        }
    }

    /// What is wrong now, per target.
    static func conditions(_ targets: [String: ReplicatorStatus.Target], deadLetters: [String: Int],
                           alerts: Configuration.Alerts, now: Date) -> [AlertCondition] {
        var conditions: [AlertCondition] = []
        for (name, target) in targets {
            switch target.state {
            case let .stopped(error):
                let kind = target.failure.map { $0 == .target ? "target-stopped" : $0.rawValue } ?? "target-stopped"
                conditions.append(AlertCondition(kind: kind, target: name, message: "target \(name) stopped: \(error)"))
            case let .retrying(attempt, error):
                if target.failure == .sourceUnreachable {
                    conditions.append(AlertCondition(kind: "source-unreachable", target: name,
                                                     message: "source unreachable for target \(name) (attempt \(attempt)): \(error)"))
                } else {
                    conditions.append(AlertCondition(kind: "target-unreachable", target: name,
                                                     message: "target \(name) cannot apply (attempt \(attempt)): \(error)",
                                                     grace: alerts.lagGraceSeconds))
                }
            default:
                break
            }
            let lag = target.lagSeconds(now: now)
            if lag > alerts.lagSeconds {
                conditions.append(AlertCondition(kind: "lag", target: name,
                                                 message: "target \(name) is \(Int(lag)) s behind the source (threshold \(Int(alerts.lagSeconds)) s)",
                                                 grace: alerts.lagGraceSeconds))
            }
            if let count = deadLetters[name], count > 0 {
                conditions.append(AlertCondition(kind: "dead-letter", target: name,
                                                 message: "target \(name) has \(count) dead-lettered change(s): tablemirror dead-letters list --target \(name)"))
            }
        }
        return conditions
    }

    private func countDeadLetters() {
        for (name, options) in connections.targets {
            do {
                let connection: MariaDBConnection
                if let open = targetConnections[name] {
                    connection = open
                } else {
                    connection = try MariaDBConnection(options)
                    try ControlSchema.ensure(connection)
                    targetConnections[name] = connection
                }
                deadLetterCounts[name] = try DeadLetterStore.count(target: name, on: connection)
            } catch {
                targetConnections[name] = nil  // unreachable targets have their own alert
            }
        }
    }
}
