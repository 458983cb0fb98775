import BinlogDecoding
import Foundation
import Logging
import MariaDBClient

/// The daemon's core. Every target has its own pipeline — a reader of the source's binlog from that target's
/// checkpoint, and an applier on its own thread behind a bounded queue — so a slow, failing or unreachable
/// target never holds up the others. Positions live only in the targets: a pipeline that restarts (after a lost
/// connection, or a restart of the daemon) reads from its target's checkpoint and skips what it already has.
public final class Replicator: Sendable {
    public struct Connections: Sendable {
        /// The source's servers, in the configuration's order: one, or the members of a replication topology any
        /// of which may be the primary (`source.servers`).
        public var sourceServers: [ConnectionOptions]
        public var targets: [String: ConnectionOptions]

        public init(source: ConnectionOptions, targets: [String: ConnectionOptions]) {
            self.init(sourceServers: [source], targets: targets)
        }

        public init(sourceServers: [ConnectionOptions], targets: [String: ConnectionOptions]) {
            self.sourceServers = sourceServers
            self.targets = targets
        }

        /// Several source servers are configured: the primary is looked for, and checkpoints travel by GTID.
        public var hasSourceFailover: Bool { sourceServers.count > 1 }
    }

    public let configuration: Configuration
    public let connections: Connections
    public let status: ReplicatorStatus
    public let metrics: ReplicatorMetrics
    public let logger = Logger(label: "tablemirror")
    /// Waits between reconnection attempts: doubling from the first, capped at the last.
    let backoff: (first: Double, maximum: Double)
    /// This daemon's name in leases and heartbeats (`ha:`): as configured, or its host, process id and a random
    /// part (a restarted daemon is another incarnation, which waits for its predecessor's lease to expire).
    let daemonID: String

    public init(configuration: Configuration, connections: Connections, status: ReplicatorStatus = ReplicatorStatus(),
                metrics: ReplicatorMetrics = ReplicatorMetrics(), backoffSeconds: (first: Double, maximum: Double) = (1, 30)) {
        self.configuration = configuration
        self.connections = connections
        self.status = status
        self.metrics = metrics
        backoff = backoffSeconds
        let host = String(ProcessInfo.processInfo.hostName.prefix(40))
        daemonID = configuration.highAvailability?.id
            ?? "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// Replicates until `stop` is signalled. Retryable failures (lost connections, deadlocks) are retried with
    /// backoff; a permanent failure stops that target only. Open target transactions are rolled back on the
    /// way out, so nothing is left half-applied. Throws only when nothing can start (bad plan).
    public func run(until stop: StopSignal) throws {
        let plan = try ReplicationPlan.resolve(configuration, source: try connections.connectToPrimary())
        for mapping in plan.unmatchedMappings {
            logger.warning("mapping \(mapping.source) matches no table on the source: nothing is replicated for it until such a table is created, and then from its CREATE TABLE on")
        }
        for table in plan.tablesWithoutKey {
            logger.warning("\(table) has no primary key: its replicas match rows on every column, one row at a time (slower), and cannot be guarded against TRUNCATE")
        }
        let work = try plan.targets.map { targetPlan in
            guard let options = connections.targets[targetPlan.target.name] else {
                throw EngineError.invalidArgument("no connection for target \(targetPlan.target.name)")
            }
            return (targetPlan, options)
        }
        let monitor = AlertMonitor(alerts: configuration.alerts, audit: configuration.audit, connections: connections, status: status,
                                   logger: logger)
        let monitorStop = StopSignal()
        let monitorThread = JoinableThread(name: "tm-alerts") { monitor.run(until: monitorStop) }
        defer {
            monitorStop.stop()
            monitorThread.join()
        }
        let pipelines = work.map { targetPlan, options in
            JoinableThread(name: "tm-read-\(targetPlan.target.name)") { [self] in
                self.supervise(targetPlan, options: options, stop: stop)
            }
        }
        pipelines.forEach { $0.join() }
        // Targets that stopped on an error wait for the operator: the daemon stays up (alerts repeat, status
        // answers) until told to stop.
        stop.wait()
    }
}
