import BinlogDecoding
import Foundation
import MariaDBClient

/// `tablemirror status`: per target, its checkpoint against the source's head. Read from the databases
/// themselves, so it tells the truth whether the daemon runs or not.
public struct StatusReport: Sendable {
    public struct Target: Sendable {
        public var name: String
        /// running, catching up, copying, retrying, stopped with error (from the daemon); daemon not running;
        /// not started (no checkpoint yet); unreachable (the target's server).
        public var state: String
        public var lag: TargetLag?
        /// Further behind than the maximum lag.
        public var isBehind = false
        public var error: String?
        /// Copies (resyncs, new mappings) not finished.
        public var copies: [CopyProgressStore.Progress] = []
        public var deadLetters: Int?
        /// From the running daemon: rows/s over the last minute.
        public var rowsPerSecond: Double?
        /// When a change to each source table was last committed here.
        public var tablesAppliedAt: [String: Double] = [:]
        /// TLS of this command's own connection to the target, and (when the daemon answered) of the daemon's
        /// reader connection to the source and applier connection to the target.
        public var encryption: ReplicatorStatus.ConnectionEncryption?
        public var daemonSourceEncryption: ReplicatorStatus.ConnectionEncryption?
        public var daemonTargetEncryption: ReplicatorStatus.ConnectionEncryption?
        /// From the running daemon: mapped source tables not replicated here because a table tablemirror did not
        /// make holds their replica's name (source table → that table).
        public var foreignTables: [String: String] = [:]
        /// Mapped source names (or patterns) that match no table on the source yet: replicated once created.
        public var awaitedTables: [String] = []
        /// Why the target cannot go on (`binlog-purged`, `row-too-large`, … — the alert's kind): from the daemon
        /// for a stopped target, or found here when the source no longer has the checkpoint's binlog file.
        public var failure: String?
        /// From the running daemon, with `ha:`: the daemon that leads this target.
        public var leader: String?
    }

    /// Whether a daemon answered on the admin endpoint.
    public var daemonRunning = false

    public var head: SourceHead?
    public var targets: [Target]
    public var maxLag: Double
    public var sourceError: String?
    /// TLS of this command's own connection to the source.
    public var sourceEncryption: ReplicatorStatus.ConnectionEncryption?
    /// The source server read, where several are configured (the one found to be the primary).
    public var sourceServer: String?
    /// The source's binlog files and their sizes.
    public var binlogSizes: [String: UInt64] = [:]

    public static func read(_ configuration: Configuration, connections: Replicator.Connections, maxLag: Double) throws -> StatusReport {
        try read(configuration, connections: connections, maxLag: maxLag, daemon: AdminClient.status(configuration.admin))
    }

    /// `daemon`: the running daemon's `/status` targets by name (nil: none answered); the console passes its own,
    /// and `preparingTargets: false`: a page read every few seconds must not run DDL (the control tables' CREATE …
    /// IF NOT EXISTS takes metadata locks), and the daemon made those tables when it started on each target.
    public static func read(_ configuration: Configuration, connections: Replicator.Connections, maxLag: Double,
                            daemon: [String: [String: Any]]?, preparingTargets: Bool = true) throws -> StatusReport {
        var report = StatusReport(head: nil, targets: [], maxLag: maxLag)
        report.daemonRunning = daemon != nil
        var sizes: [String: UInt64] = [:]
        var awaited: [String: [String]] = [:]
        do {
            let options = try connections.primarySource()
            if connections.hasSourceFailover { report.sourceServer = options.description }
            let source = try MariaDBConnection(options)
            report.sourceEncryption = ReplicatorStatus.ConnectionEncryption(cipher: source.tlsCipher)
            report.head = try SourceHead.read(source)
            sizes = try TargetLag.binlogSizes(source)
            report.binlogSizes = sizes
            awaited = try ReplicationPlan.unmatchedSources(configuration, source: source)
        } catch {
            report.sourceError = "\(error)"
        }
        for target in configuration.targets {
            var entry = Target(name: target.name, state: "unreachable")
            entry.awaitedTables = awaited[target.name] ?? []
            do {
                guard let options = connections.targets[target.name] else { throw EngineError.invalidArgument("no connection") }
                let connection = try MariaDBConnection(options)
                entry.encryption = ReplicatorStatus.ConnectionEncryption(cipher: connection.tlsCipher)
                if preparingTargets { try ControlSchema.ensure(connection) }
                entry.copies = try CopyProgressStore.unfinished(target: target.name, on: connection)
                entry.deadLetters = try DeadLetterStore.count(target: target.name, on: connection)
                let live = daemon?[target.name]
                entry.rowsPerSecond = live?["rows_per_second"] as? Double
                entry.daemonSourceEncryption = ReplicatorStatus.ConnectionEncryption(jsonObject: live?["source_tls"])
                entry.daemonTargetEncryption = ReplicatorStatus.ConnectionEncryption(jsonObject: live?["target_tls"])
                // Recorded in the target with each commit: known whether or not the daemon runs.
                entry.tablesAppliedAt = try TableActivityStore.read(target: target.name, on: connection)
                if let error = live?["last_error"] as? String { entry.error = error }
                entry.foreignTables = live?["foreign_tables"] as? [String: String] ?? [:]
                entry.leader = (live?["leadership"] as? [String: Any])?["leader"] as? String
                if live?["state"] as? String == DaemonStatusDocument.stateName(.stopped(error: "")) {
                    entry.failure = live?["failure"] as? String
                }
                if let head = report.head {
                    let lag = try TargetLag.read(target: target.name, on: connection, head: head, binlogSizes: sizes)
                    entry.lag = lag
                    entry.isBehind = (lag.seconds ?? 0) > maxLag
                    let daemonState = live?["state"] as? String
                    if let checkpoint = lag.checkpoint, let oldest = sizes.keys.min(), checkpoint.position.file < oldest {
                        entry.failure = ReplicatorStatus.Failure.binlogPurged.rawValue
                        entry.error = "the source's oldest binlog is \(oldest), the checkpoint is in \(checkpoint.position.file); "
                            + (ReplicatorStatus.Failure.binlogPurged.remedy(target: target.name) ?? "")
                    }
                    if lag.checkpoint == nil {
                        entry.state = daemonState ?? "not started"
                    } else if let daemonState {
                        entry.state = daemonState == "running" && lag.bytes != 0 ? "catching up" : daemonState
                    } else {
                        entry.state = "daemon not running"
                    }
                } else {
                    entry.state = "source unreachable"
                }
            } catch {
                entry.error = "\(error)"
            }
            report.targets.append(entry)
        }
        return report
    }

    /// 0 when every target is within the maximum lag, 1 when one is not, is stopped, cannot go on (its binlog
    /// purged), or has a mapping set aside,
    /// 2 when it cannot be told.
    public var exitCode: Int32 {
        if sourceError != nil || targets.contains(where: { $0.lag?.seconds == nil }) { return 2 }
        let troubled = targets.contains {
            ($0.lag?.seconds ?? 0) > maxLag || $0.state.hasPrefix("stopped") || $0.failure != nil || !$0.foreignTables.isEmpty
        }
        return troubled ? 1 : 0
    }

    /// The text for people: the source's lines, a table of the targets (`StatusTable`), then under each target's
    /// name what does not fit a column — its error, connections, tables, copies. `colour` colours the states
    /// (only for a terminal: scripts and tests read the plain text).
    /// Every text from elsewhere (server errors, the daemon's answer, names) is made printable (`StatusTable.printable`);
    /// only the table's own colours reach a terminal as escape sequences.
    public func text(colour: Bool = false) -> [String] {
        var lines: [String] = []
        if let sourceServer { lines.append("source primary: \(sourceServer)") }
        if let head { lines.append("source head: \(head.position)\(head.gtid.map { " gtid \($0)" } ?? "")") }
        lines.append(daemonRunning ? "daemon: running" : "daemon: not running (figures read from the databases)")
        if let sourceError { lines.append("source: unreachable: \(sourceError)") }
        if let sourceEncryption { lines.append("source connection: \(sourceEncryption.text)") }
        lines = lines.map(StatusTable.printable)
        guard !targets.isEmpty else { return lines }
        lines.append("")
        lines += StatusTable(rows: targets.map(\.tableRow)).lines(colour: colour)
        for target in targets {
            let details = target.detailLines
            if details.isEmpty { continue }
            lines.append("")
            lines.append(StatusTable.printable("\(target.name):"))
            lines += details.map(StatusTable.printable)
        }
        return lines
    }

    public func json() -> String {
        var targetsJSON: [String] = []
        for target in targets {
            var fields = ["\"name\":\(Self.jsonString(target.name))", "\"state\":\(Self.jsonString(target.state))"]
            let checkpoint = target.lag?.checkpoint
            fields.append("\"lag_seconds\":" + (target.lag?.seconds.map { String(format: "%.3f", $0) } ?? "null"))
            fields.append("\"lag_bytes\":" + (target.lag?.bytes.map(String.init) ?? "null"))
            fields.append("\"position\":" + (checkpoint.map { "{\"file\":\(Self.jsonString($0.position.file)),\"offset\":\($0.position.offset)}" } ?? "null"))
            fields.append("\"gtid\":" + (checkpoint?.gtid.map(Self.jsonString) ?? "null"))
            fields.append("\"last_error\":" + (target.error.map(Self.jsonString) ?? "null"))
            fields.append("\"failure\":" + (target.failure.map(Self.jsonString) ?? "null"))
            fields.append("\"behind\":\(target.isBehind)")
            fields.append("\"dead_letters\":" + (target.deadLetters.map(String.init) ?? "null"))
            fields.append("\"rows_per_second\":" + (target.rowsPerSecond.map { String(format: "%.1f", $0) } ?? "null"))
            fields.append("\"tls\":" + Self.tlsJSON(target.encryption))
            fields.append("\"daemon_source_tls\":" + Self.tlsJSON(target.daemonSourceEncryption))
            fields.append("\"daemon_target_tls\":" + Self.tlsJSON(target.daemonTargetEncryption))
            fields.append("\"foreign_tables\":{" + target.foreignTables.sorted { $0.key < $1.key }
                .map { "\(Self.jsonString($0.key)):\(Self.jsonString($0.value))" }.joined(separator: ",") + "}")
            fields.append("\"awaited_tables\":[" + target.awaitedTables.map(Self.jsonString).joined(separator: ",") + "]")
            fields.append("\"tables\":{" + target.tablesAppliedAt.sorted(by: { $0.key < $1.key }).map {
                "\(Self.jsonString($0.key)):{\"last_applied_at\":\(Self.jsonString(Self.iso(Date(timeIntervalSince1970: $0.value))))}"
            }.joined(separator: ",") + "}")
            fields.append("\"copies\":[" + target.copies.map {
                "{\"table\":\(Self.jsonString($0.source.description)),\"reason\":\(Self.jsonString($0.reason)),\"state\":\"\($0.state.rawValue)\",\"rows\":\($0.rows),\"chunks\":\($0.chunks)}"
            }.joined(separator: ",") + "]")
            targetsJSON.append("{" + fields.joined(separator: ",") + "}")
        }
        let head = self.head.map { "{\"file\":\(Self.jsonString($0.position.file)),\"offset\":\($0.position.offset),\"gtid\":\($0.gtid.map(Self.jsonString) ?? "null")}" } ?? "null"
        return "{\"daemon_running\":\(daemonRunning),\"source_head\":\(head),\"source_error\":\(sourceError.map(Self.jsonString) ?? "null"),\"source_server\":\(sourceServer.map(Self.jsonString) ?? "null"),\"source_tls\":\(Self.tlsJSON(sourceEncryption)),\"max_lag\":\(maxLag),\"targets\":[\(targetsJSON.joined(separator: ","))]}"
    }

    /// `{"encrypted":…,"cipher":…}`, or null when the connection was not made.
    static func tlsJSON(_ encryption: ReplicatorStatus.ConnectionEncryption?) -> String {
        guard let encryption else { return "null" }
        return "{\"encrypted\":\(encryption.isEncrypted),\"cipher\":\(encryption.cipher.map(jsonString) ?? "null")}"
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    public static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
