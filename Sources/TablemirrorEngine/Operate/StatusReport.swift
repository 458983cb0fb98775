import BinlogDecoding
import Foundation
import MariaDBClient

/// `tablemirror status`: per target, its checkpoint against the source's head. Read from the databases
/// themselves, so it tells the truth whether the daemon runs or not.
public struct StatusReport: Sendable {
    public struct Target: Sendable {
        public var name: String
        /// caught up, behind, not started (no checkpoint yet), unreachable.
        public var state: String
        public var lag: TargetLag?
        public var error: String?
        /// Copies (resyncs, new mappings) not finished.
        public var copies: [CopyProgressStore.Progress] = []
    }

    public var head: SourceHead?
    public var targets: [Target]
    public var maxLag: Double
    public var sourceError: String?

    public static func read(_ configuration: Configuration, connections: Replicator.Connections, maxLag: Double) throws -> StatusReport {
        var report = StatusReport(head: nil, targets: [], maxLag: maxLag)
        var sizes: [String: UInt64] = [:]
        do {
            let source = try MariaDBConnection(connections.source)
            report.head = try SourceHead.read(source)
            sizes = try TargetLag.binlogSizes(source)
        } catch {
            report.sourceError = "\(error)"
        }
        for target in configuration.targets {
            var entry = Target(name: target.name, state: "unreachable")
            do {
                guard let options = connections.targets[target.name] else { throw EngineError.invalidArgument("no connection") }
                let connection = try MariaDBConnection(options)
                entry.copies = try CopyProgressStore.unfinished(target: target.name, on: connection)
                if let head = report.head {
                    let lag = try TargetLag.read(target: target.name, on: connection, head: head, binlogSizes: sizes)
                    entry.lag = lag
                    entry.state = lag.checkpoint == nil ? "not started" : (lag.seconds ?? 0) > maxLag ? "behind" : lag.bytes == 0 ? "caught up" : "catching up"
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

    /// 0 when every target is within the maximum lag, 1 when one is not, 2 when it cannot be told.
    public var exitCode: Int32 {
        if sourceError != nil || targets.contains(where: { $0.lag?.seconds == nil }) { return 2 }
        return targets.contains(where: { ($0.lag?.seconds ?? 0) > maxLag }) ? 1 : 0
    }

    public func text() -> [String] {
        var lines: [String] = []
        if let head { lines.append("source head: \(head.position)\(head.gtid.map { " gtid \($0)" } ?? "")") }
        if let sourceError { lines.append("source: unreachable: \(sourceError)") }
        for target in targets {
            var line = "\(target.name): \(target.state)"
            if let lag = target.lag, let checkpoint = lag.checkpoint {
                line += ", at \(checkpoint.position)"
                if let gtid = checkpoint.gtid { line += " gtid \(gtid)" }
                if let bytes = lag.bytes { line += ", \(bytes) bytes behind" }
                if let seconds = lag.seconds { line += ", \(String(format: "%.1f", seconds)) s behind" }
            }
            if let error = target.error { line += ": \(error)" }
            lines.append(line)
            for copy in target.copies {
                lines.append("  copy of \(copy.source) (\(copy.reason)): \(copy.state.rawValue), \(copy.rows) rows in \(copy.chunks) chunks")
            }
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
            fields.append("\"copies\":[" + target.copies.map {
                "{\"table\":\(Self.jsonString($0.source.description)),\"reason\":\(Self.jsonString($0.reason)),\"state\":\"\($0.state.rawValue)\",\"rows\":\($0.rows),\"chunks\":\($0.chunks)}"
            }.joined(separator: ",") + "]")
            targetsJSON.append("{" + fields.joined(separator: ",") + "}")
        }
        let head = self.head.map { "{\"file\":\(Self.jsonString($0.position.file)),\"offset\":\($0.position.offset),\"gtid\":\($0.gtid.map(Self.jsonString) ?? "null")}" } ?? "null"
        return "{\"source_head\":\(head),\"source_error\":\(sourceError.map(Self.jsonString) ?? "null"),\"max_lag\":\(maxLag),\"targets\":[\(targetsJSON.joined(separator: ","))]}"
    }

    public static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
