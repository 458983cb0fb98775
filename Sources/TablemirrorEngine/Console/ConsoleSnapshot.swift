import BinlogDecoding
import Foundation
import MariaDBClient

/// Everything one console page shows, read at once: the same figures `tablemirror status` reads (from the source
/// and the targets themselves, with this daemon's live ones merged in), plus per target its mapped tables, dead
/// letters, recent schema changes and verifications, and the daemon's alerts and lag history. Read on a dedicated
/// thread; a target that cannot be reached is shown as such, the others as usual.
public struct ConsoleSnapshot {
    public struct TableRow: Sendable {
        public var source: QualifiedTableName
        public var replica: QualifiedTableName
        public var filter: String?
        public var rowsApplied: Int
        public var lastAppliedAt: Double?
        public var copy: CopyProgressStore.Progress?
        public var verification: VerificationStore.Result?
    }

    public struct TargetDetails: Sendable {
        public var tables: [TableRow] = []
        public var deadLetters: [DeadLetterStore.Letter] = []
        public var schemaChanges: [SchemaHistoryStore.Change] = []
        /// Why the details could not be read (the target's server unreachable, say).
        public var error: String?
    }

    public static let deadLetterLimit = 20
    public static let schemaChangeLimit = 10

    public var takenAt: Date
    public var report: StatusReport
    public var live: [String: ReplicatorStatus.Target]
    public var details: [String: TargetDetails]
    public var alerts: AlertLog
    /// The oldest binlog file a target's checkpoint still needs.
    public var oldestNeededFile: String?
    /// The source as configured (`user@host:port`), where the report names no primary of several.
    public var sourceName = ""

    public static func read(replicator: Replicator, now: Date = Date()) -> ConsoleSnapshot {
        let live = replicator.status.snapshot()
        let configuration = replicator.configuration
        let report: StatusReport
        do {
            report = try StatusReport.read(configuration, connections: replicator.connections, maxLag: configuration.alerts.lagSeconds,
                                           daemon: DaemonStatusDocument.byName(live, now: now), preparingTargets: false)
        } catch {
            var failed = StatusReport(head: nil, targets: [], maxLag: configuration.alerts.lagSeconds)
            failed.sourceError = "\(error)"
            report = failed
        }
        var plan: ReplicationPlan?
        var planError: String?
        do {
            let source = try replicator.connections.connectToPrimary()
            defer { source.close() }
            plan = try ReplicationPlan.resolve(configuration, source: source)
        } catch {
            planError = "the mappings cannot be resolved on the source: \(error)"
        }
        var details: [String: TargetDetails] = [:]
        for target in configuration.targets {
            let status = report.targets.first { $0.name == target.name }
            let routes = plan?.targets.first { $0.target.name == target.name }?.routes.values.sorted { $0.source.description < $1.source.description } ?? []
            details[target.name] = readDetails(target.name, routes: routes, status: status, live: live[target.name],
                                               options: replicator.connections.targets[target.name], planError: planError)
        }
        let oldest = report.targets.compactMap { $0.lag?.checkpoint?.position.file }.min()
        let server = configuration.source.server
        return ConsoleSnapshot(takenAt: now, report: report, live: live, details: details, alerts: replicator.status.alerts,
                               oldestNeededFile: oldest, sourceName: "\(server.user)@" + (server.socket ?? "\(server.host):\(server.port)"))
    }

    private static func readDetails(_ name: String, routes: [ReplicationPlan.Route], status: StatusReport.Target?,
                                    live: ReplicatorStatus.Target?, options: ConnectionOptions?, planError: String?) -> TargetDetails {
        var details = TargetDetails(error: planError)
        let copies = Dictionary((status?.copies ?? []).map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first })
        var verifications: [String: VerificationStore.Result] = [:]
        do {
            guard let options else { throw EngineError.invalidArgument("no connection for target \(name)") }
            let connection = try MariaDBConnection(options)
            defer { connection.close() }
            verifications = try VerificationStore.read(target: name, on: connection)
            details.deadLetters = try DeadLetterStore.list(target: name, limit: deadLetterLimit, on: connection)
            details.schemaChanges = try SchemaHistoryStore.recent(target: name, limit: schemaChangeLimit, on: connection)
        } catch {
            details.error = "\(error)"
        }
        details.tables = routes.map { route in
            let key = route.source.description
            return TableRow(source: route.source, replica: route.apply.replica, filter: route.rowFilter,
                            rowsApplied: live?.rowsPerTable[key] ?? 0, lastAppliedAt: status?.tablesAppliedAt[key],
                            copy: copies[route.source], verification: verifications[key])
        }
        return details
    }
}
