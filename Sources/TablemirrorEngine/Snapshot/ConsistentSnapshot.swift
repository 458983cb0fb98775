import BinlogDecoding
import MariaDBClient

/// A read view of the source together with the exact binlog position it corresponds to: every transaction
/// before the position is visible in the view, none after it. On MariaDB, `START TRANSACTION WITH CONSISTENT
/// SNAPSHOT` reports that position (`binlog_snapshot_file/position`) without taking any lock, so a copy made
/// through the view followed by the stream from the position misses and repeats nothing.
public struct ConsistentSnapshot: Sendable, Equatable {
    public var position: BinlogPosition
    /// The GTID position at the snapshot (`@@gtid_binlog_pos` as of it), when the server can say.
    public var gtidPosition: String?
    /// When the snapshot was taken, by the source's clock (seconds since 1970): the age of the data read
    /// through it, which the lag of a target fresh from its initial copy counts from.
    public var takenAt: UInt32 = 0

    /// Opens the snapshot transaction on `connection`; read the tables through it, then COMMIT to release it.
    public static func begin(on connection: MariaDBConnection) throws(EngineError) -> ConsistentSnapshot {
        do {
            try connection.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            let status = try connection.query("SHOW STATUS LIKE 'binlog_snapshot_%'")
            var values: [String: String] = [:]
            for row in status.rows.indices {
                if let name = status.string(row, 0)?.lowercased(), let value = status.string(row, 1) { values[name] = value }
            }
            guard let file = values["binlog_snapshot_file"], !file.isEmpty,
                  let offset = values["binlog_snapshot_position"].flatMap({ UInt64($0) }) else {
                try? connection.execute("ROLLBACK")
                throw EngineError.invalidArgument(
                    "\(connection.options): the server reports no binlog snapshot position (MariaDB with log_bin is needed)")
            }
            let gtid = try? connection.query("SELECT BINLOG_GTID_POS(\(SQLLiteral.quotedString(file)), \(offset))").string(0, 0)
            let now = try connection.query("SELECT UNIX_TIMESTAMP()").string(0, 0).flatMap { UInt32($0) } ?? 0
            return ConsistentSnapshot(position: BinlogPosition(file: file, offset: offset), gtidPosition: gtid ?? nil, takenAt: now)
        } catch let error as MariaDBError {
            throw .database(error)
        } catch let error as EngineError {
            throw error
        } catch {
            throw .invalidArgument("\(error)")
        }
    }
}
