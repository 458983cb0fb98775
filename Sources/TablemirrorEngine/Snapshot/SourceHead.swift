import BinlogDecoding
import MariaDBClient

/// Where the source's binlog ends now, and when its last transaction committed.
public struct SourceHead: Sendable, Equatable {
    public var position: BinlogPosition
    public var gtid: String?

    public static func read(_ source: MariaDBConnection) throws -> SourceHead {
        let status = try source.query("SHOW MASTER STATUS")
        guard !status.rows.isEmpty, let file = status.string(0, 0), let offset = status.string(0, 1).flatMap({ UInt64($0) }) else {
            throw EngineError.invalidArgument("\(source.options): SHOW MASTER STATUS returned nothing (is log_bin on?)")
        }
        let gtid = source.isMariaDB ? (try? source.query("SELECT @@gtid_binlog_pos").string(0, 0)) ?? nil : nil
        return SourceHead(position: BinlogPosition(file: file, offset: offset), gtid: gtid)
    }
}
