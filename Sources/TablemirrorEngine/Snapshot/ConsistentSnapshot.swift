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

    /// How long the tables were locked to take it (`table-lock` method only).
    public var lockHeldSeconds: Double?

    /// How a snapshot's binlog position is found.
    public enum Method: String, Sendable, Equatable {
        /// MariaDB's snapshot position where the server has it, the table lock elsewhere.
        case auto
        /// The tables to be read are locked (`LOCK TABLES … READ`) on a second connection while the snapshot opens
        /// and the binlog position is read, then unlocked: they cannot change between the view and the position.
        /// The way for servers without MariaDB's snapshot position (MySQL); forced on MariaDB to test it.
        case tableLock = "table-lock"
    }

    /// Opens the snapshot transaction on `connection`; read `tables` through it, then COMMIT to release it.
    /// - Parameter lock: a connection to the same server to take the table lock on, kept by a caller that takes
    ///   many snapshots (nil: one is opened for this snapshot).
    public static func begin(on connection: MariaDBConnection, tables: [QualifiedTableName], method: Method = .auto,
                             lock: MariaDBConnection? = nil) throws(EngineError) -> ConsistentSnapshot {
        do {
            if needsTableLock(method, on: connection) {
                return try beginUnderTableLock(on: connection, tables: tables, lock: lock)
            }
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
            return ConsistentSnapshot(position: BinlogPosition(file: file, offset: offset), gtidPosition: gtid ?? nil,
                                      takenAt: try now(connection))
        } catch let error as MariaDBError {
            throw .database(error)
        } catch let error as EngineError {
            throw error
        } catch {
            throw .invalidArgument("\(error)")
        }
    }

    /// The lock lives on a connection of its own: starting a transaction releases a session's own table locks.
    /// While it is held, no transaction can write the tables, and every one that had written them has committed
    /// (LOCK TABLES waits for them): the view opened then holds all of their changes, and the binlog's head read
    /// then lies after all of them and before any later one.
    /// Whether snapshots on this server with this method take the table lock.
    public static func needsTableLock(_ method: Method, on connection: MariaDBConnection) -> Bool {
        method == .tableLock || !connection.flavor.reportsSnapshotPosition
    }

    private static func beginUnderTableLock(on connection: MariaDBConnection, tables: [QualifiedTableName],
                                            lock kept: MariaDBConnection?) throws -> ConsistentSnapshot {
        let lock = try kept ?? MariaDBConnection(connection.options)
        defer { if kept == nil { lock.close() } }
        if !tables.isEmpty {
            // A writer's long open transaction must not make the lock (and every writer queued behind it) wait long:
            // the copy gives up after 2 s (error 1205) and tries again later.
            try lock.execute("SET SESSION lock_wait_timeout = 2")
            try lock.execute("LOCK TABLES " + tables.map { "\($0.quoted) READ" }.joined(separator: ", "))
        }
        // Held from here: the wait for the lock (for open transactions that wrote the tables) is not counted.
        let started = ContinuousClock.now
        defer { try? lock.execute("UNLOCK TABLES") }
        try connection.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        try connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        var head: SourceHead
        do {
            head = try SourceHead.read(connection)
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        try lock.execute("UNLOCK TABLES")
        let held = ContinuousClock.now - started
        // The GTID position exactly at the head read (`@@gtid_binlog_pos` may already be further on), once the
        // tables are free again: the position is fixed, and the server scans its binlog file to answer.
        if let query = connection.flavor.gtidPositionQuery(fileLiteral: SQLLiteral.quotedString(head.position.file), offset: head.position.offset) {
            head.gtid = try connection.query(query).string(0, 0)
        }
        return ConsistentSnapshot(position: head.position, gtidPosition: head.gtid, takenAt: try now(connection),
                                  lockHeldSeconds: tables.isEmpty ? nil : Double(held.components.seconds) + Double(held.components.attoseconds) / 1e18)
    }

    private static func now(_ connection: MariaDBConnection) throws -> UInt32 {
        try connection.query("SELECT UNIX_TIMESTAMP()").string(0, 0).flatMap { UInt32($0) } ?? 0
    }
}
