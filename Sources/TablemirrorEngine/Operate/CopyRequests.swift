import BinlogDecoding
import Foundation
import MariaDBClient

/// Copies asked of the daemon by an operator (`resync`, `verify --repair`): written into each target's copy
/// table, where the daemon's pipeline for that target takes them up between two transactions, and followed
/// from there until done.
public enum CopyRequests {
    /// Asks for a copy of each selected table (of the given rows only, for a repair) into its target.
    public static func request(_ entries: [TableSelection.Entry], reason: String, keys: [[String]]? = nil,
                               connections: Replicator.Connections) throws {
        let source = try connections.connectToPrimary()
        for entry in entries {
            let target = try connect(entry.target.name, connections)
            try ControlSchema.ensure(target)
            let recreate = try keys == nil && needsRebuild(entry, source: source, target: target)
            try target.execute(CopyProgressStore.requestStatement(target: entry.target.name, source: entry.route.source, reason: reason,
                                                                  keys: keys, recreate: recreate))
        }
    }

    /// Whether the replica must be rebuilt rather than refilled: a schema change failed on it, or its structure
    /// is not the source table's (rows alone cannot fix that).
    static func needsRebuild(_ entry: TableSelection.Entry, source: MariaDBConnection, target: MariaDBConnection) throws -> Bool {
        let name = entry.target.name, route = entry.route
        if try SchemaChangeMarker.read(target: name, on: target)?.failedTables.contains(route.source) == true { return true }
        guard let replica = try SchemaChangeMarker.definition(of: route.apply.qualifiedName, on: target),
              let original = try SchemaChangeMarker.definition(of: route.source.quoted, on: source) else { return true }
        let normalize = { (definition: String) in
            try ReplicaTableDefinition.createStatement(showCreateTable: definition, database: route.apply.database, table: route.apply.table,
                                                       toRun: false)
        }
        return try normalize(replica) != normalize(original)
    }

    /// Reports progress every couple of seconds until every copy is done; false if `timeout` passed first.
    public static func wait(for entries: [TableSelection.Entry], connections: Replicator.Connections, timeout: Double,
                            report: (String) -> Void) throws -> Bool {
        var reports: [String: ProgressReport] = [:]
        var targets: [String: MariaDBConnection] = [:]
        let started = Date()
        var warnedIdle = false
        while true {
            var done = true
            for entry in entries {
                let name = entry.target.name
                let target = try targets[name] ?? connect(name, connections)
                targets[name] = target
                let label = "\(name) \(entry.route.source)"
                guard let progress = try CopyProgressStore.progress(target: name, source: entry.route.source, on: target) else {
                    throw EngineError.invalidArgument("\(label): the request disappeared from the target")
                }
                if progress.state != .done { done = false }
                var line = reports[label] ?? ProgressReport(total: progress.estimatedRows, startRows: progress.rows)
                if progress.state == .requested {
                    if !warnedIdle && Date().timeIntervalSince(started) > 10 {
                        report("\(label): waiting for the daemon to take the request up (is `tablemirror run` running?)")
                        warnedIdle = true
                    }
                } else if let text = line.line(rows: progress.rows, finished: progress.state == .done) {
                    if reports[label] != nil || progress.state != .done {
                        report("\(label): \(progress.chunks) chunks, \(text)")
                    } else {
                        report("\(label): done, \(progress.chunks) chunks, \(progress.rows) rows")
                    }
                }
                reports[label] = line
            }
            if done { return true }
            if Date().timeIntervalSince(started) > timeout { return false }
            usleep(200_000)
        }
    }

    private static func connect(_ target: String, _ connections: Replicator.Connections) throws -> MariaDBConnection {
        guard let options = connections.targets[target] else { throw EngineError.invalidArgument("no connection for target \(target)") }
        return try MariaDBConnection(options)
    }
}
