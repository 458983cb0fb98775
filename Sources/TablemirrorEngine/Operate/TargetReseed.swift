import BinlogDecoding
import MariaDBClient

/// `tablemirror reseed`: a target that cannot stream from its checkpoint any more (the source purged that binlog)
/// starts again from a fresh snapshot of the source. Its checkpoint moves to the snapshot's position and every
/// mapped table of the target is copied again online, as `resync` copies one: the stream from the new position
/// is applied as usual, and each table's chunks replace its replica's rows at their own snapshot positions, at or
/// after the new checkpoint. What the purged binlog held is not replayed; the copies bring it. Replicas whose
/// structure differs from the source's (a schema change in the purged stretch) are rebuilt, the others refilled
/// in place, so readers keep their rows meanwhile.
public enum TargetReseed {
    public struct Request: Sendable {
        /// The tables copied again.
        public var entries: [TableSelection.Entry]
        public var previous: Checkpoint?
        public var checkpoint: Checkpoint
        /// Tables whose replicas are rebuilt from the source's definition.
        public var rebuilt: [QualifiedTableName]
    }

    /// Moves the target's checkpoint to a fresh snapshot position and asks for a copy of every mapped table, in one
    /// target transaction. Refused while a running daemon is applying the target (its applier would go on from the
    /// old position): reseed is for a stopped target, or a daemon that is down.
    public static func request(target name: String, rebuildAll: Bool, configuration: Configuration, connections: Replicator.Connections,
                               plan: ReplicationPlan) throws -> Request {
        let selection = try TableSelection.resolve([], target: name, plan: plan)
        if let live = AdminClient.status(configuration.admin)?[name], let state = live["state"] as? String,
           state != DaemonStatusDocument.stateName(.stopped(error: "")) {
            throw EngineError.invalidArgument("target \(name) is \(state) in the running daemon; reseed only a stopped target (or with the daemon down) — `tablemirror resync` copies tables again while it streams")
        }
        guard let options = connections.targets[name] else { throw EngineError.invalidArgument("no connection for target \(name)") }
        let source = try connections.connectToPrimary()
        let target = try MariaDBConnection(options)
        try ControlSchema.ensure(target)
        let previous = try CheckpointStore.read(target: name, from: target)
        // The position first, then the comparisons: a schema change after the position is then either replayed
        // onto a replica that still needs it, or found as a difference (and the replica rebuilt).
        let snapshot = try ConsistentSnapshot.begin(on: source, tables: [], method: configuration.source.snapshot)
        try source.execute("COMMIT")
        let checkpoint = Checkpoint(position: snapshot.position, gtid: snapshot.gtidPosition, sourceTimestamp: snapshot.takenAt)
        if let previous, !previous.position.isBefore(checkpoint.position) {
            throw EngineError.invalidArgument("target \(name) is already at \(previous.position), at or after the source's position \(checkpoint.position): nothing to reseed")
        }
        var statements = [CheckpointStore.writeStatement(target: name, checkpoint)]
        var rebuilt: [QualifiedTableName] = []
        for entry in selection.entries {
            let recreate = try rebuildAll || CopyRequests.needsRebuild(entry, source: source, target: target)
            if recreate { rebuilt.append(entry.route.source) }
            statements.append(CopyProgressStore.requestStatement(target: name, source: entry.route.source, reason: "reseed", recreate: recreate))
        }
        try target.execute("START TRANSACTION")
        do {
            for statement in statements { try target.execute(statement) }
            try target.execute("COMMIT")
        } catch {
            try? target.execute("ROLLBACK")
            throw error
        }
        return Request(entries: selection.entries, previous: previous, checkpoint: checkpoint, rebuilt: rebuilt)
    }
}
