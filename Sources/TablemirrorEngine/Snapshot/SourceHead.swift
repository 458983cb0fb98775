import BinlogDecoding
import MariaDBClient

/// Where the source's binlog ends now, and when its last transaction committed.
public struct SourceHead: Sendable, Equatable {
    public var position: BinlogPosition
    public var gtid: String?

    public static func read(_ source: MariaDBConnection) throws -> SourceHead {
        let statement = statusStatement(source)
        let status = try source.query(statement)
        guard !status.rows.isEmpty, let file = status.string(0, 0), let offset = status.string(0, 1).flatMap({ UInt64($0) }) else {
            throw EngineError.invalidArgument("\(source.options): \(statement) returned nothing (is log_bin on?)")
        }
        // MySQL reports its executed GTID set in the same row (`Executed_Gtid_Set`), so it matches the position.
        let gtid = source.isMariaDB ? (try? source.query("SELECT @@gtid_binlog_pos").string(0, 0)) ?? nil
            : status.string(0, "Executed_Gtid_Set").map { $0.filter { $0 != "\n" } }
        return SourceHead(position: BinlogPosition(file: file, offset: offset), gtid: gtid)
    }

    /// MySQL 8.4 removed `SHOW MASTER STATUS` for `SHOW BINARY LOG STATUS` (8.2+); MariaDB keeps the old name.
    static func statusStatement(_ source: MariaDBConnection) -> String {
        source.isMariaDB || !ServerVersion(source.serverVersion).isAtLeast(8, 2) ? "SHOW MASTER STATUS" : "SHOW BINARY LOG STATUS"
    }
}

