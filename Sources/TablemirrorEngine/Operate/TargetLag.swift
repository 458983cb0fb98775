import BinlogDecoding
import Foundation
import MariaDBClient

/// How far a target is behind the source, read from the target's checkpoint and the source's binlog — the
/// truth whether or not the daemon runs.
public struct TargetLag: Sendable {
    public var target: String
    public var checkpoint: Checkpoint?
    /// When the checkpoint row was last written (the target's clock).
    public var checkpointWrittenAt: Date?
    public var head: SourceHead
    /// Binlog bytes between the checkpoint and the source's head.
    public var bytes: UInt64?
    /// Zero when caught up; else the age of the last applied source transaction (as the native replica's
    /// Seconds_Behind_Master counts). Nil without a checkpoint.
    public var seconds: Double?

    public static func read(target: String, on connection: MariaDBConnection, head: SourceHead, binlogSizes: [String: UInt64],
                            now: Date = Date()) throws -> TargetLag {
        let checkpoint = try CheckpointStore.read(target: target, from: connection)
        let written = try? connection.query("SELECT UNIX_TIMESTAMP(updated_at) FROM `\(CheckpointStore.schema)`.`checkpoint` WHERE target = \(SQLLiteral.quotedString(target))")
            .string(0, 0).flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
        var lag = TargetLag(target: target, checkpoint: checkpoint, checkpointWrittenAt: written ?? nil, head: head)
        if let checkpoint {
            let bytes = distance(from: checkpoint.position, to: head.position, sizes: binlogSizes)
            lag.bytes = bytes
            lag.seconds = bytes == 0 ? 0 : max(0, now.timeIntervalSince1970 - Double(checkpoint.sourceTimestamp))
        }
        return lag
    }

    /// Bytes of binlog from one position to another, across files (`SHOW BINARY LOGS` gives their sizes).
    static func distance(from start: BinlogPosition, to end: BinlogPosition, sizes: [String: UInt64]) -> UInt64 {
        guard start.isBefore(end) else { return 0 }
        if start.file == end.file { return end.offset - start.offset }
        var total = (sizes[start.file] ?? start.offset) &- start.offset
        for (file, size) in sizes where start.file < file && file < end.file { total += size }
        return total + end.offset
    }

    public static func binlogSizes(_ source: MariaDBConnection) throws -> [String: UInt64] {
        let logs = try source.query("SHOW BINARY LOGS")
        var sizes: [String: UInt64] = [:]
        for row in logs.rows.indices {
            if let name = logs.string(row, 0), let size = logs.string(row, 1).flatMap({ UInt64($0) }) { sizes[name] = size }
        }
        return sizes
    }
}
