import BinlogDecoding
import Foundation
import Logging
import MariaDBClient

extension Replicator {
    func runPipeline(_ plan: ReplicationPlan.TargetPlan, options: ConnectionOptions, stop: StopSignal,
                             current: CurrentStream, carefulUntil: BinlogPosition?, term: LeaseKeeper.Term?) throws {
        let name = plan.target.name
        status.update(name) { $0.state = .starting }
        let applier = try TargetApplier(plan: plan, options: options, status: status, logger: logger, metrics: metrics)
        applier.carefulUntil = carefulUntil
        if let term {
            // Every commit checks the lease; a daemon taking over ends this connection first.
            applier.core.fence = term.fence
            // Recorded only while the lease is still this term's: a leader that lost it while retrying stops here.
            try applier.connection.execute(LeaseStore.transaction([LeaseStore.applierStatement(target: name, epoch: term.epoch)], fence: term.fence))
        }
        status.update(name) { $0.targetEncryption = ReplicatorStatus.ConnectionEncryption(cipher: applier.tlsCipher) }
        let sourceOptions: ConnectionOptions
        do { sourceOptions = try connections.primarySource() } catch { throw SourceFailure(underlying: error) }
        try applier.prepare(onCopy: { status.update(name) { $0.state = .copying } }) {
            try MariaDBConnection(sourceOptions)
        }
        guard let checkpoint = applier.checkpoint, !stop.isStopped else { return }
        let located: CheckpointOnSource
        do {
            located = try CheckpointOnSource.locate(checkpoint, on: sourceOptions, serverID: streamServerID(for: name),
                                                    failover: connections.hasSourceFailover)
        } catch {
            throw SourceFailure(underlying: error)
        }
        if located.isRelocated {
            try applier.relocate(to: Checkpoint(position: located.position, gtid: located.gtids?.description,
                                                sourceTimestamp: checkpoint.sourceTimestamp))
            logger.warning("target \(name): continuing on the source server \(sourceOptions) at \(located.position), where its GTID position \(located.gtids?.description ?? "") is (the checkpoint was \(checkpoint.position) of another server)")
        }
        let start = located.position
        let schema: MariaDBConnection, source: RemoteEventSource
        do {
            schema = try MariaDBConnection(sourceOptions)
            source = try RemoteEventSource(sourceOptions, request: BinlogStreamRequest(
                start: located.streamStart, serverID: streamServerID(for: name),
                heartbeatSeconds: 1))
        } catch {
            throw SourceFailure(underlying: error)
        }
        current.set(source.stream.interrupter)
        defer { current.set(nil) }
        if stop.isStopped { return }
        status.update(name) {
            $0.state = .streaming
            $0.failure = nil
            $0.sourceEncryption = ReplicatorStatus.ConnectionEncryption(cipher: source.stream.connection.tlsCipher)
            $0.sourceServer = sourceOptions.description
        }

        // The reader decodes with the structures the replicated tables had at the checkpoint (the schema history),
        // not with the source's structures of today.
        let routeFor = { (table: QualifiedTableName) in ReplicationPlan.route(for: table, target: plan.target, in: self.configuration) }
        let structures = try applier.structuresAtCheckpoint(routeFor: routeFor)
        let session = DecodeSession()
        for (table, structure) in structures { try session.setSchemaHint(structure, for: table) }
        var routedPlan = plan
        routedPlan.routes = applier.routesToRead
        let copier = try OnlineCopyDriver(plan: routedPlan, source: sourceOptions, target: options, status: status, logger: logger)
        let lane = ApplierLane(applier: applier)
        // A MySQL source's DDL is spelled for a MariaDB target (`MySQLDialect`); other pairs replay it as written.
        // (Read before the applier's thread starts using its connection.)
        let dialect = MySQLDialect.between(sourceIsMariaDB: schema.isMariaDB, target: ServerVersion(applier.connection.serverVersion))
        let planner = SchemaChangePlanner(routeFor: routeFor) { database in
            let result = try schema.query("""
                SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA
                WHERE SCHEMA_NAME = \(SQLLiteral.quotedString(database))
                """)
            guard let charset = result.string(0, 0), var collation = result.string(0, 1) else { return nil }
            // A MySQL database's default (utf8mb4_0900_ai_ci, say) as a MariaDB target names it.
            if let dialect {
                do {
                    collation = try dialect.collations.targetName(collation)
                } catch {
                    throw SchemaChangePlanner.Refused(description: "the database \(database)'s default: \(error)")
                }
            }
            return "CHARACTER SET \(charset) COLLATE \(collation)"
        }
        let router = ChangeRouter(target: name, lane: lane, copier: copier, routes: routedPlan.routes, planner: planner, dialect: dialect,
                                  position: start, gtids: located.gtids, logger: logger) { table, structure in try session.setSchemaHint(structure, for: table) }
        var readError: (any Error)?
        var reported = (events: 0, at: Date.distantPast)
        // The reader's progress goes to the status and metrics at most twice a second (and at each heartbeat).
        func report(_ position: BinlogPosition, readingSince: UInt32?, force: Bool = false) {
            let now = Date()
            guard force || now.timeIntervalSince(reported.at) >= 0.5 else { return }
            metrics.count("tablemirror_reader_events_total", [("target", name)], by: session.eventCount - reported.events)
            reported = (session.eventCount, now)
            status.update(name) {
                $0.readPosition = position
                $0.readingSince = readingSince
                $0.queueDepth = lane.queueDepth
            }
        }
        // With several source servers, the one read from must still be the primary: one that was made read_only
        // (a switchover) is left for the new one, looked for again by the supervisor.
        var primaryCheckedAt = Date()
        func checkStillPrimary() throws {
            guard connections.hasSourceFailover, Date().timeIntervalSince(primaryCheckedAt) >= 5 else { return }
            primaryCheckedAt = Date()
            if try schema.query("SELECT @@global.read_only").string(0, 0) != "0" {
                throw NoPrimarySource(description: "the source server \(sourceOptions) is read_only now, no longer the primary")
            }
        }
        do {
            try session.run(source, idle: {
                if stop.isStopped { throw StopRequested() }
                try router.idle()
                report(router.readPosition, readingSince: nil, force: true)
                try checkStillPrimary()
            }) { change in
                if stop.isStopped { throw StopRequested() }
                try router.route(change)
                if case let .commit(commit) = change {
                    report(router.readPosition, readingSince: commit.timestamp)
                    try checkStillPrimary()
                }
            }
        } catch is StopRequested {
        } catch {
            readError = error
        }
        lane.finish()
        // The applier's own failure explains a failed send better than the send does.
        if let applyError = lane.waitUntilDone() {
            throw ApplyFailure(underlying: applyError, position: applier.lastSeen, wasCareful: applier.isCareful)
        }
        if let readError, !stop.isStopped { throw SourceFailure(underlying: readError) }
    }

    /// Each pipeline is its own replica connection to the source and needs its own server id.
    func streamServerID(for target: String) -> UInt32 {
        let index = configuration.targets.firstIndex { $0.name == target } ?? 0
        return configuration.source.serverID &+ UInt32(index)
    }
}
