import BinlogDecoding
import Foundation
import MariaDBClient

/// Drift found by `verify` is alerted like the daemon's conditions: once when found, and resolved when a
/// later verify finds the replica identical. Verify runs as its own process, so what it has alerted is kept
/// in the target (`_tablemirror.drift`).
public enum DriftAlerts {
    static let table = "`\(CheckpointStore.schema)`.`drift`"

    static let createStatement = """
        CREATE TABLE IF NOT EXISTS \(table) (target VARCHAR(64) NOT NULL, source_table VARCHAR(130) NOT NULL,
          found_at DOUBLE NOT NULL, message TEXT NOT NULL, PRIMARY KEY (target, source_table)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
        """

    public static func report(_ comparisons: [TableComparison], alerts: Configuration.Alerts,
                              connections: Replicator.Connections, now: Date = Date()) throws {
        let dispatcher = AlertDispatcher(channels: alerts.channels)
        for comparison in comparisons {
            guard let options = connections.targets[comparison.target] else { continue }
            let target = try MariaDBConnection(options)
            try ControlSchema.ensure(target)
            let key = "\(SQLLiteral.quotedString(comparison.target)), \(SQLLiteral.quotedString(comparison.source.description))"
            let known = try target.query("SELECT found_at, message FROM \(table) WHERE (target, source_table) = (\(key))")
            let differences = comparison.differences
            var alert = Alert(key: "drift:\(comparison.target):\(comparison.source)", kind: "drift", target: comparison.target,
                              state: .firing, message: "", since: now.timeIntervalSince1970, at: now.timeIntervalSince1970)
            if !differences.isEmpty, known.rows.isEmpty {
                alert.message = "verify found drift in \(comparison.target) \(comparison.replica): \(differences.onlyInSource.count) only in source, \(differences.onlyInReplica.count) only in replica, \(differences.different.count) different"
                try target.execute("INSERT INTO \(table) VALUES (\(key), \(alert.since), \(SQLLiteral.quotedString(alert.message)))")
                dispatcher.send(alert)
            } else if differences.isEmpty, !known.rows.isEmpty {
                alert.state = .resolved
                alert.since = known.string(0, 0).flatMap(Double.init) ?? alert.since
                alert.message = "resolved: " + (known.string(0, 1) ?? "drift")
                try target.execute("DELETE FROM \(table) WHERE (target, source_table) = (\(key))")
                dispatcher.send(alert)
            }
        }
    }
}
