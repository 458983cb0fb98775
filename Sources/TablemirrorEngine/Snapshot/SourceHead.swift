import BinlogDecoding
import MariaDBClient

/// Where the source's binlog ends now, and when its last transaction committed.
public struct SourceHead: Sendable, Equatable {
    public var position: BinlogPosition
    public var gtid: String?

    public static func read(_ source: MariaDBConnection) throws -> SourceHead {
        let statement = source.flavor.binlogHeadStatement
        let status = try source.query(statement)
        guard !status.rows.isEmpty, let file = status.string(0, 0), let offset = status.string(0, 1).flatMap({ UInt64($0) }) else {
            throw EngineError.invalidArgument("\(source.options): \(statement) returned nothing (is log_bin on?)")
        }
        // MySQL reports its executed GTID set in the same row (`Executed_Gtid_Set`); the server reads it just before
        // the position, so a transaction may sit between the two — a reader continuing by that set gets it again,
        // and the checkpoint's position (not the set) decides what is skipped.
        let gtid = source.flavor.isMySQL ? status.string(0, "Executed_Gtid_Set").map { $0.filter { $0 != "\n" } }
            : (try? source.query(source.flavor.gtidStateQuery).string(0, 0)) ?? nil
        return SourceHead(position: BinlogPosition(file: file, offset: offset), gtid: gtid)
    }
}

