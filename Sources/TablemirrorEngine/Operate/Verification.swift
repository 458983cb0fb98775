import BinlogDecoding
import Foundation
import MariaDBClient

/// `tablemirror verify`: every selected table compared with each of its replicas.
public enum Verification {
    public static func run(_ entries: [TableSelection.Entry], connections: Replicator.Connections,
                           progress: (TableComparison) -> Void = { _ in }) throws -> [TableComparison] {
        let source = try connections.connectToPrimary()
        var targets: [String: MariaDBConnection] = [:]
        var comparisons: [TableComparison] = []
        for entry in entries {
            guard let options = connections.targets[entry.target.name] else {
                throw EngineError.invalidArgument("no connection for target \(entry.target.name)")
            }
            let target: MariaDBConnection
            if let known = targets[entry.target.name] {
                target = known
            } else {
                target = try MariaDBConnection(options)
                // The result is kept there for the console (a target not prepared yet gets its control tables).
                try ControlSchema.ensure(target)
                targets[entry.target.name] = target
            }
            let comparison = try TableVerifier(route: entry.route, targetName: entry.target.name, source: source, target: target).run()
            try target.execute(VerificationStore.writeStatement(comparison, at: Date()))
            progress(comparison)
            comparisons.append(comparison)
        }
        return comparisons
    }

    /// Asks the daemon to put exactly the differing rows right, in stream order (see `CopyRequests`).
    public static func requestRepairs(_ comparisons: [TableComparison], entries: [TableSelection.Entry],
                                      connections: Replicator.Connections) throws -> [TableSelection.Entry] {
        var repaired: [TableSelection.Entry] = []
        for comparison in comparisons where !comparison.differences.isEmpty {
            guard let entry = entries.first(where: { $0.target.name == comparison.target && $0.route.source == comparison.source }) else { continue }
            if entry.route.apply.keyColumns.isEmpty {
                try CopyRequests.request([entry], reason: "repair", connections: connections)
            } else {
                try CopyRequests.request([entry], reason: "repair", keys: comparison.differences.allKeys, connections: connections)
            }
            repaired.append(entry)
        }
        return repaired
    }
}
