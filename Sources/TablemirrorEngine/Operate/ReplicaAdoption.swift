import BinlogDecoding
import MariaDBClient

/// `tablemirror adopt`: an existing table in a target — a copy another tool kept, say — becomes tablemirror's
/// replica, but only when it is one already: the same structure as the source's table (foreign keys and the
/// AUTO_INCREMENT counter aside) and the same rows. It is then recorded as tablemirror's, guarded read-only, and
/// copied once more in stream order (a running daemon may have skipped its changes while it was foreign).
public enum ReplicaAdoption {
    public static func adopt(_ entry: TableSelection.Entry, connections: Replicator.Connections) throws -> String {
        let name = entry.target.name, route = entry.route, replica = route.apply.replica
        guard let options = connections.targets[name] else { throw EngineError.invalidArgument("no connection for target \(name)") }
        let target = try MariaDBConnection(options)
        try ControlSchema.ensure(target)
        switch try ReplicaRegistry.ownership(of: replica, target: name, on: target) {
        case .absent: throw EngineError.invalidArgument("target \(name) has no table \(replica) to adopt")
        case .ours: return "\(replica) in target \(name) is already tablemirror's replica of \(route.source)"
        case .foreign: break
        }
        let source = try connections.connectToPrimary()
        guard let sourceDefinition = try ReplicaTableDefinition.showCreateTable(route.source.quoted, on: source),
              let replicaDefinition = try ReplicaTableDefinition.showCreateTable(replica.quoted, on: target) else {
            throw EngineError.invalidArgument("cannot read the definitions of \(route.source) and \(replica)")
        }
        let normalize = { (definition: String) in
            try ReplicaTableDefinition.createStatement(showCreateTable: definition, database: replica.database, table: replica.table,
                                                       toRun: false)
        }
        guard try normalize(sourceDefinition) == normalize(replicaDefinition) else {
            throw EngineError.invalidArgument("not adopted: \(replica) in target \(name) is not defined like \(route.source) (compare SHOW CREATE TABLE of both)")
        }
        guard let comparison = try Verification.run([entry], connections: connections).first else {
            throw EngineError.invalidArgument("not adopted: \(replica) could not be compared with \(route.source)")
        }
        let differing = comparison.differences.count + comparison.unsettledRows
        guard differing == 0 else {
            throw EngineError.invalidArgument("not adopted: \(replica) in target \(name) differs from \(route.source) in \(differing) row(s) (tablemirror verify shows them)")
        }
        try ReplicaRegistry.record(target: name, replicas: [replica], on: target)
        try ReadOnlyGuard.install(on: target, database: replica.database, table: replica.table)
        try CopyRequests.request([entry], reason: "adopt", connections: connections)
        return "\(replica) in target \(name) adopted as tablemirror's replica of \(route.source) (identical: \(comparison.sourceRows) rows); copied once more in stream order"
    }
}
