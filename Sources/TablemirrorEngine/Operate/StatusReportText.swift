import Foundation

/// How one target of a `StatusReport` reads as text: its row of the status table and the lines under its name.
extension StatusReport.Target {
    var tableRow: StatusTable.Row {
        var state = self.state + (failure.map { " (\($0))" } ?? "")
        if isBehind { state += " (over --max-lag)" }
        let checkpoint = lag?.checkpoint
        return StatusTable.Row(target: name, state: state, tone: tone, position: checkpoint.map { "\($0.position)" },
                               lagSeconds: checkpoint == nil ? nil : lag?.seconds, lagBytes: checkpoint == nil ? nil : lag?.bytes,
                               rowsPerSecond: rowsPerSecond, deadLetters: deadLetters, leader: leader, gtid: checkpoint?.gtid)
    }

    /// Green when streaming and current (or a healthy standby), yellow while moving towards it (catching up,
    /// copying, retrying, not started, over the maximum lag), red when nothing is being applied (stopped, a
    /// failure, no daemon, a server unreachable).
    var tone: StatusTable.Tone {
        if failure != nil || state.hasPrefix("stopped") || state.hasSuffix("unreachable") || state == "daemon not running" {
            return .failing
        }
        if isBehind { return .moving }
        switch state {
        case "running", "standby": return .healthy
        case "catching up", "copying", "retrying", "starting", "not started": return .moving
        default: return .plain
        }
    }

    /// What does not fit a column, indented under the target's name; empty when there is nothing more to say.
    var detailLines: [String] {
        var lines: [String] = []
        if let error { lines.append("  error: \(error)") }
        if let encryption {
            var tls = "  connection: \(encryption.text)"
            if let reader = daemonSourceEncryption { tls += "; daemon's source connection: \(reader.text)" }
            if let applier = daemonTargetEncryption { tls += "; daemon's target connection: \(applier.text)" }
            lines.append(tls)
        }
        for (table, at) in tablesAppliedAt.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(table): last change applied \(StatusReport.iso(Date(timeIntervalSince1970: at)))")
        }
        for copy in copies {
            lines.append("  copy of \(copy.source) (\(copy.reason)): \(copy.state.rawValue), \(copy.rows) rows in \(copy.chunks) chunks")
        }
        for (source, table) in foreignTables.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(source): not replicated, \(table) is a table tablemirror did not make (rename it away, or tablemirror adopt)")
        }
        for source in awaitedTables {
            lines.append("  \(source): mapped, but no such table on the source yet (replicated from its CREATE TABLE on)")
        }
        return lines
    }
}
