import Foundation

/// The daemon's own view of its targets, as `/status` serves it (and `tablemirror status` merges it in).
public enum DaemonStatusDocument {
    /// `adminRequests`: the tables whose resync or repair requests to the endpoint are running.
    public static func json(_ targets: [String: ReplicatorStatus.Target], now: Date = Date(), adminRequests: [String] = []) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: ["targets": entries(targets, now: now), "admin_requests_running": adminRequests] as [String: Any], options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Each target's entry of the document, by name (what `AdminClient.status` reads back from another process).
    public static func byName(_ targets: [String: ReplicatorStatus.Target], now: Date = Date()) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: entries(targets, now: now).compactMap { entry in (entry["name"] as? String).map { ($0, entry) } })
    }

    private static func entries(_ targets: [String: ReplicatorStatus.Target], now: Date) -> [[String: Any]] {
        targets.sorted { $0.key < $1.key }.map { name, target in
            var entry: [String: Any] = [
                "name": name, "state": stateName(target.state), "lag_seconds": target.lagSeconds(now: now),
                "rows_per_second": target.rowsPerSecond, "applied_rows": target.appliedRows,
                "applied_transactions": target.appliedTransactions, "dead_letters": target.deadLetters,
                "queue_depth": target.queueDepth, "copies": target.copies,
                "tables_applied_at": target.tablesAppliedAt,
            ]
            if let bytes = target.lagBytes { entry["lag_bytes"] = bytes }
            if let encryption = target.sourceEncryption { entry["source_tls"] = encryption.jsonObject }
            if let server = target.sourceServer { entry["source_server"] = server }
            if let encryption = target.targetEncryption { entry["target_tls"] = encryption.jsonObject }
            if let error = target.lastError { entry["last_error"] = error }
            if !target.foreignTables.isEmpty { entry["foreign_tables"] = target.foreignTables }
            if let failure = target.failure { entry["failure"] = failure.rawValue }
            if let leadership = target.leadership {
                var lease: [String: Any] = ["daemon": leadership.daemon, "role": leadership.isLeading ? "leader" : "standby",
                                            "standbys": leadership.standbys]
                if let leader = leadership.leader { lease["leader"] = leader }
                if let since = leadership.since { lease["since"] = since }
                if let epoch = leadership.epoch { lease["epoch"] = epoch }
                if let from = leadership.takenOverFrom, let at = leadership.takenOverAt { lease["took_over"] = ["from": from, "at": at] }
                entry["leadership"] = lease
            }
            if let read = target.readPosition { entry["read_position"] = ["file": read.file, "offset": read.offset] }
            if let checkpoint = target.checkpoint {
                entry["position"] = ["file": checkpoint.position.file, "offset": checkpoint.position.offset]
            }
            return entry
        }
    }

    /// running (streaming and caught up), catching up, copying, retrying, stopped with error, finished.
    public static func stateName(_ state: ReplicatorStatus.State) -> String {
        switch state {
        case .starting: return "starting"
        case .copying: return "copying"
        case .streaming: return "running"
        case .retrying: return "retrying"
        case .stopped: return "stopped with error"
        case .standby: return "standby"
        case .finished: return "finished"
        }
    }
}
