import BinlogDecoding
import MariaDBClient

/// Where a target continues on the source server it reads from now, and the GTID position there.
///
/// A checkpoint's file and offset are a place in one server's binlog. After a source failover the new primary's
/// binlog has other names and offsets for the same transactions, so the checkpoint is found there by its GTID
/// position — never by file and offset — and checked: the new server's own `BINLOG_GTID_POS()` at the place
/// found must be exactly the checkpoint's position. A server that lacks some of the checkpoint's transactions
/// (a replica promoted before it had them, or one that purged them) cannot serve it: the target stops there.
///
/// A MySQL source with `gtid_mode=ON` and a checkpoint that holds its executed GTID set is asked for its binlog by
/// that set (auto-position: the server sends exactly the transactions the set lacks), once the set is checked
/// against the server's (`mysqlStart`). Otherwise the reader asks by file and offset.
struct CheckpointOnSource: Equatable {
    /// Where the reader starts, in this server's binlog: transactions up to here are the checkpoint's.
    var position: BinlogPosition
    /// The source's GTID state there (nil: the server has no GTIDs, or the checkpoint none to continue from).
    var gtids: SourceGTIDs?
    /// The checkpoint's position was another server's: it was found on this one by its GTIDs.
    var isRelocated = false

    /// How the binlog is asked for: by the MySQL set, when there is one (auto-position), else by the position.
    var streamStart: BinlogStreamRequest.Start {
        if case let .mysql(set) = gtids { return .mysqlGTIDSet(set.description) }
        return .position(file: position.file, offset: position.offset)
    }

    /// - Parameter failover: several source servers are configured, so the checkpoint may be another one's.
    static func locate(_ checkpoint: Checkpoint, on options: ConnectionOptions, serverID: UInt32,
                       failover: Bool) throws -> CheckpointOnSource {
        let source = try MariaDBConnection(options)
        defer { source.close() }
        guard source.isMariaDB else {
            // A MySQL checkpoint's file and offset cannot be told from another server's of the same name yet.
            if failover {
                throw CheckpointNotOnSource(server: options.description, reason:
                    "source failover (source.servers) follows MariaDB sources only; list one MySQL server")
            }
            return try mysqlStart(checkpoint, on: source)
        }
        let recorded = checkpoint.gtid.flatMap(MariaDBGTIDPosition.init)
        guard failover else {
            // One server: the checkpoint's position is its own. The GTID position is read from it only when the
            // checkpoint has none (written by an older version).
            let gtid = try recorded ?? gtidPosition(at: checkpoint.position, on: source)
            return CheckpointOnSource(position: checkpoint.position, gtids: .mariaDB(gtid))
        }
        let here = try? gtidPosition(at: checkpoint.position, on: source)
        guard let recorded, !recorded.isEmpty else {
            // Without GTIDs the checkpoint can only be taken where its position is.
            if let here { return CheckpointOnSource(position: checkpoint.position, gtids: .mariaDB(here)) }
            throw CheckpointNotOnSource(server: options.description, reason:
                "the checkpoint \(checkpoint.position) has no GTID position and is not a position in this server's binlog")
        }
        if let here, recorded.agrees(with: here) { return CheckpointOnSource(position: checkpoint.position, gtids: .mariaDB(here)) }

        let state = try source.query("SELECT @@global.gtid_binlog_state").string(0, 0).flatMap(MariaDBGTIDState.init)
        let missing = state?.missing(from: recorded) ?? Array(recorded.last.values)
        guard missing.isEmpty else {
            throw CheckpointNotOnSource(server: options.description, reason:
                "it lacks transactions this target has applied: \(missing.map(\.description).joined(separator: ", ")) (checkpoint GTID position \(recorded))")
        }
        // On a quiet server the place found is the end of its binlog; a write in between moves that end, so
        // the place is looked for again.
        for _ in 1...3 {
            let found = try firstPlace(after: recorded, on: options, source: source, serverID: serverID)
            let there = try gtidPosition(at: found.position, on: source)
            if recorded.agrees(with: there), Set(there.last.keys).isSubset(of: Set(recorded.last.keys)) {
                return CheckpointOnSource(position: found.position, gtids: .mariaDB(there), isRelocated: true)
            }
            if !found.atEnd {
                throw CheckpointNotOnSource(server: options.description, reason:
                    "its binlog at \(found.position), where the transactions after the checkpoint begin, is at GTID position \(there), not the checkpoint's \(recorded)")
            }
        }
        throw CheckpointNotOnSource(server: options.description, reason:
            "the end of its binlog kept moving past the checkpoint's GTID position \(recorded) while it was looked for")
    }

    /// A MySQL server: by the checkpoint's GTID set where the server has GTIDs on and the checkpoint a set, else by
    /// file and offset.
    private static func mysqlStart(_ checkpoint: Checkpoint, on source: MariaDBConnection) throws -> CheckpointOnSource {
        let flavor = source.flavor
        guard let modeQuery = flavor.gtidModeQuery, let purgedQuery = flavor.purgedGTIDsQuery,
              try source.query(modeQuery).string(0, 0)?.uppercased() == "ON",
              let recorded = checkpoint.gtid.flatMap({ MySQLGTIDSet(text: $0) }), !recorded.isEmpty else {
            return CheckpointOnSource(position: checkpoint.position, gtids: nil)
        }
        let executed = try source.query(flavor.gtidStateQuery).string(0, 0).flatMap { MySQLGTIDSet(text: $0) }
        let purged = try source.query(purgedQuery).string(0, 0).flatMap { MySQLGTIDSet(text: $0) }
        guard let executed, let purged else {
            throw CheckpointNotOnSource(server: source.options.description, reason: "it reports GTID sets tablemirror cannot read")
        }
        return try mysqlStart(checkpoint.position, recorded: recorded, executed: executed, purged: purged,
                              server: source.options.description)
    }

    /// Whether a MySQL server can continue from a checkpoint's executed set by auto-position: it must have every
    /// transaction of the set (or the target applied some the server lacks: a replica promoted too early) and still
    /// hold every transaction the set lacks (not purged them). Pure, for the tests.
    static func mysqlStart(_ position: BinlogPosition, recorded: MySQLGTIDSet, executed: MySQLGTIDSet, purged: MySQLGTIDSet,
                           server: String) throws -> CheckpointOnSource {
        let missing = recorded.subtracting(executed)
        guard missing.isEmpty else {
            throw CheckpointNotOnSource(server: server, reason: "it lacks transactions this target has applied: \(missing) (checkpoint GTID set \(recorded))")
        }
        let gone = purged.subtracting(recorded)
        guard gone.isEmpty else {
            throw CheckpointNotOnSource(server: server, reason: "it purged transactions this target has not applied yet: \(gone) (reseed the target)")
        }
        return CheckpointOnSource(position: position, gtids: .mysql(recorded))
    }

    /// The server's GTID position at a place in its binlog.
    private static func gtidPosition(at position: BinlogPosition, on source: MariaDBConnection) throws -> MariaDBGTIDPosition {
        guard let query = source.flavor.gtidPositionQuery(fileLiteral: SQLLiteral.quotedString(position.file), offset: position.offset) else {
            throw CheckpointNotOnSource(server: source.options.description, reason: "a \(source.flavor) server has no GTID position at a binlog place")
        }
        let text = try source.query(query).string(0, 0)
        guard let text, let gtid = MariaDBGTIDPosition(text) else {
            throw CheckpointNotOnSource(server: source.options.description, reason: "it has no GTID position at \(position)")
        }
        return gtid
    }

    /// Where the first transaction after `gtid` begins in the server's binlog — asked of the server as a replica
    /// continuing from that GTID position would ask, the stream ending at the end of the binlog — or, when there
    /// is none yet, the end of its binlog.
    private static func firstPlace(after gtid: MariaDBGTIDPosition, on options: ConnectionOptions, source: MariaDBConnection,
                                   serverID: UInt32) throws -> (position: BinlogPosition, atEnd: Bool) {
        let request = BinlogStreamRequest(start: .mariadbGTID(gtid.description), serverID: serverID, heartbeatSeconds: 1, stopAtEnd: true)
        var file = ""
        do {
            let stream = try BinlogStream(options, request: request)
            defer { stream.close() }
            var decoder = BinlogEventDecoder(checksumBeforeFormatDescription: stream.checksumsEnabled)
            while let bytes = try stream.next() {
                let event = try decoder.decode(bytes)
                if case let .rotate(rotate) = event.body { file = rotate.nextFileName }
                guard case .mariadbGTID = event.body else { continue }
                let header = event.header
                guard header.nextPosition >= header.eventLength, !file.isEmpty else {
                    throw CheckpointNotOnSource(server: options.description, reason: "its binlog does not say where the transactions after \(gtid) begin")
                }
                return (BinlogPosition(file: file, offset: UInt64(header.nextPosition - header.eventLength)), false)
            }
        } catch let error as MariaDBError where error.kind == .binlogUnavailable {
            throw CheckpointNotOnSource(server: options.description, reason: "it cannot send its binlog from GTID position \(gtid): \(error.message)")
        }
        let logs = try source.query("SHOW BINARY LOGS")
        guard let row = logs.rows.indices.first(where: { logs.string($0, 0) == file }),
              let size = logs.string(row, 1).flatMap({ UInt64($0) }) else {
            throw CheckpointNotOnSource(server: options.description, reason: "its binlog \(file.isEmpty ? "(none named)" : file) is not listed by SHOW BINARY LOGS")
        }
        return (BinlogPosition(file: file, offset: size), true)
    }
}

/// The source server cannot continue a target from its checkpoint: the target stops there (alert
/// `source-lacks-checkpoint`) rather than guess.
struct CheckpointNotOnSource: Error, CustomStringConvertible {
    var server: String
    var reason: String
    var description: String { "the source server \(server) cannot continue from this target's checkpoint: \(reason)" }
}
