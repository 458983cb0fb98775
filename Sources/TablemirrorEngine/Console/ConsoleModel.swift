import BinlogDecoding
import Foundation

/// What the console's templates show, computed from a snapshot: plain dictionaries of strings, numbers and flags
/// (the template only places them, HTML-escaped — table names, statements and errors come from elsewhere). Pure,
/// for the tests. Keys are distinct between nested sections: a template looks a missing key up in the outer ones.
public enum ConsoleModel {
    public static func context(_ snapshot: ConsoleSnapshot, canAct: Bool, now: Date = Date()) -> [String: Any] {
        let report = snapshot.report
        var context: [String: Any] = [
            "takenAt": time(snapshot.takenAt.timeIntervalSince1970), "takenAtEpoch": Int(snapshot.takenAt.timeIntervalSince1970),
            "canAct": canAct, "readOnly": !canAct,
            "sourceHead": report.head.map { "\($0.position)" } ?? "unknown",
            "sourceGTID": report.head?.gtid ?? "",
            "oldestNeeded": snapshot.oldestNeededFile ?? "none",
            "binlogs": report.binlogSizes.sorted { $0.key < $1.key }.map { name, size -> [String: Any] in
                ["file": name, "fileSize": bytes(size), "isNeeded": snapshot.oldestNeededFile.map { name >= $0 } ?? false,
                 "isOldestNeeded": name == snapshot.oldestNeededFile]
            },
            "targets": report.targets.map { target(snapshot, $0, canAct: canAct, now: now) },
            "openAlerts": snapshot.alerts.open.values.sorted { $0.since < $1.since }.map(alert),
            "recentAlerts": snapshot.alerts.recent.reversed().map(alert),
        ]
        if let error = report.sourceError { context["sourceError"] = error }
        context["sourceServer"] = report.sourceServer ?? snapshot.sourceName
        return context
    }

    private static func target(_ snapshot: ConsoleSnapshot, _ target: StatusReport.Target, canAct: Bool, now: Date) -> [String: Any] {
        let live = snapshot.live[target.name]
        let details = snapshot.details[target.name] ?? ConsoleSnapshot.TargetDetails()
        let chart = LagChart().svg(live?.history ?? LagHistory(), now: now.timeIntervalSince1970)
        var entry: [String: Any] = [
            "name": target.name, "state": target.state, "stateClass": stateClass(target.state),
            "lagSeconds": target.lag?.seconds.map { String(format: "%.1f", $0) } ?? "unknown",
            "lagSecondsValue": target.lag?.seconds.map { String(format: "%.3f", $0) } ?? "",
            "lagBytes": target.lag?.bytes.map(bytes) ?? "unknown", "lagBytesValue": target.lag?.bytes.map(String.init) ?? "",
            "rowsPerSecond": String(format: "%.0f", target.rowsPerSecond ?? 0),
            "position": target.lag?.checkpoint.map { "\($0.position)" } ?? "none yet",
            "chart": chart.svg, "chartPoints": chart.points,
            "tables": details.tables.map { table($0, target: target.name, canAct: canAct, now: now) },
            "deadLetters": details.deadLetters.map { letter($0, canAct: canAct) },
            "hasDeadLetters": !details.deadLetters.isEmpty, "deadLetterCount": target.deadLetters ?? details.deadLetters.count,
            "schemaChanges": details.schemaChanges.map { change -> [String: Any] in
                ["changeTable": change.table.description, "changePosition": "\(change.position)", "changeStatement": change.statement,
                 "changeAt": change.recordedAt]
            },
            "hasSchemaChanges": !details.schemaChanges.isEmpty,
        ]
        if let error = target.error ?? details.error { entry["targetError"] = error }
        if let failure = target.failure { entry["failure"] = failure }
        if let gtid = target.lag?.checkpoint?.gtid { entry["targetGTID"] = gtid }
        if let leadership = live?.leadership {
            entry["role"] = leadership.isLeading ? "leader" : "standby (led by \(leadership.leader ?? "nobody yet"))"
        }
        return entry
    }

    private static func table(_ row: ConsoleSnapshot.TableRow, target: String, canAct: Bool, now: Date) -> [String: Any] {
        let name = row.source.description
        let query = "?target=" + component(target)
        var entry: [String: Any] = [
            "source": name, "replica": row.replica.description, "filter": row.filter ?? "", "rowsApplied": row.rowsApplied,
            "lastApplied": row.lastAppliedAt.map(time) ?? "not since start",
            "resyncURL": "/resync/\(component(name))\(query)", "verifyURL": "/verify/\(component(name))\(query)",
            "repairURL": "/repair/\(component(name))\(query)",
            "verifyResult": "none", "verifyText": "not verified",
        ]
        if let copy = row.copy, copy.state != .done {
            var progress: [String: Any] = ["copyReason": copy.reason, "copyState": copy.state.rawValue, "copyRows": copy.rows,
                                           "copyEstimate": max(copy.estimatedRows ?? copy.rows, copy.rows, 1)]
            if let started = copy.startedAt, now.timeIntervalSince(started) > 0, copy.rows > 0 {
                let rate = Double(copy.rows) / now.timeIntervalSince(started)
                progress["copyRate"] = String(format: "%.0f", rate)
                if let estimate = copy.estimatedRows, estimate > copy.rows { progress["copyETA"] = duration(Double(estimate - copy.rows) / rate) }
            }
            entry["copy"] = progress
        }
        if let result = row.verification {
            entry["verifyResult"] = result.isIdentical ? "identical" : "differs"
            entry["verifyText"] = (result.isIdentical ? "identical (\(result.sourceRows) rows)"
                : "\(result.onlyInSource) only in source, \(result.onlyInReplica) only in replica, \(result.different) different")
                + " at " + time(result.checkedAt)
        }
        return entry
    }

    private static func letter(_ letter: DeadLetterStore.Letter, canAct: Bool) -> [String: Any] {
        let query = "?ids=\(letter.id)"
        return ["letterID": letter.id, "letterTable": letter.source.description, "letterOperation": letter.operation,
                "letterPosition": "\(letter.position)", "letterError": "[\(letter.errorCode)] \(letter.error)", "letterAt": letter.createdAt,
                "letterRetryURL": "/dead-letters/\(component(letter.target))/retry\(query)",
                "letterDiscardURL": "/dead-letters/\(component(letter.target))/discard\(query)"]
    }

    private static func alert(_ alert: Alert) -> [String: Any] {
        ["alertKind": alert.kind, "alertState": alert.state.rawValue, "alertMessage": alert.message,
         "alertSince": time(alert.since), "alertAt": time(alert.at), "alertTarget": alert.target ?? ""]
    }

    /// ok (running), busy (copying, catching up, starting, standing by), warn (retrying, daemon not running),
    /// bad (stopped, unreachable).
    static func stateClass(_ state: String) -> String {
        if state == "running" || state == "finished" { return "ok" }
        if state.hasPrefix("stopped") || state.contains("unreachable") { return "bad" }
        if state == "retrying" || state == "daemon not running" || state == "not started" { return "warn" }
        return "busy"
    }

    /// A URL path component or query value: letters, digits and `._-` as they are, the rest percent-encoded.
    static func component(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "._-")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// As `tablemirror status` writes times.
    static func time(_ epoch: Double) -> String {
        StatusReport.iso(Date(timeIntervalSince1970: epoch))
    }

    static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count), unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "unknown" }
        let total = Int(seconds.rounded())
        return total >= 3600 ? "\(total / 3600) h \(total % 3600 / 60) min" : total >= 60 ? "\(total / 60) min \(total % 60) s" : "\(total) s"
    }
}
