#if canImport(Glibc)
import Glibc
#endif
import BinlogDecoding
import CMariaDB

/// Where a binlog stream starts and how it behaves.
public struct BinlogStreamRequest: Sendable {
    public enum Start: Sendable, Equatable {
        case position(file: String, offset: UInt64)
        /// MariaDB GTID position: a comma-separated `domain-server-sequence` list.
        case mariadbGTID(String)
        /// MySQL GTID set: `uuid:1-5:7,uuid2:1-3` (the transactions already seen).
        case mysqlGTIDSet(String)
    }

    public var start: Start
    /// Our server id as a replica: must differ from every real replica's.
    public var serverID: UInt32
    /// How often the source sends a heartbeat while idle, in seconds (0: none).
    public var heartbeatSeconds: Double
    /// Ask the server to end the stream at the end of its binlog instead of waiting for more.
    public var stopAtEnd: Bool

    public init(start: Start, serverID: UInt32, heartbeatSeconds: Double = 5, stopAtEnd: Bool = false) {
        self.start = start
        self.serverID = serverID
        self.heartbeatSeconds = heartbeatSeconds
        self.stopAtEnd = stopAtEnd
    }
}

/// A replica connection reading raw binlog events. Event bytes come out exactly as the server sent them
/// (header, body, checksum); decoding and checksum verification belong to BinlogDecoding.
public final class BinlogStream {
    public let connection: MariaDBConnection
    /// Whether the server will append CRC32 checksums to events (what we asked for and it agreed to).
    public let checksumsEnabled: Bool
    private var replication: UnsafeMutablePointer<MARIADB_RPL>?

    public init(_ options: ConnectionOptions, request: BinlogStreamRequest) throws(MariaDBError) {
        var options = options
        // A healthy idle stream delivers a heartbeat each period; three missed ones mean the source is gone.
        if request.heartbeatSeconds > 0 {
            options.readTimeoutSeconds = max(options.readTimeoutSeconds, UInt32((request.heartbeatSeconds * 3).rounded(.up)))
        } else {
            options.readTimeoutSeconds = 365 * 24 * 3600
        }
        connection = try MariaDBConnection(options)
        do {
            checksumsEnabled = try Self.negotiate(connection, request: request)
            try open(request)
        } catch {
            throw Self.namingPrivileges(error, flavor: connection.flavor)
        }
    }

    /// Access denied (1227: a privilege the command needs; 1045/1044: the account or a database) gets the
    /// privileges a reader of this kind of server needs appended, as the server's message names only one.
    static func namingPrivileges(_ error: MariaDBError, flavor: ServerFlavor) -> MariaDBError {
        guard [1227, 1044, 1045].contains(error.code) else { return error }
        var named = error
        named.message += " (a binlog reader of \(flavor) needs \(flavor.replicationPrivileges) ON *.*)"
        return named
    }

    deinit {
        if let replication { mariadb_rpl_close(replication) }
    }

    /// Session variables a replica sets before asking for the binlog (which ones: `ServerFlavor`).
    private static func negotiate(_ connection: MariaDBConnection, request: BinlogStreamRequest) throws(MariaDBError) -> Bool {
        let checksum = try connection.query("SELECT @@global.binlog_checksum").string(0, 0) ?? "NONE"
        var mariaDBStart: String?
        if case let .mariadbGTID(position) = request.start { mariaDBStart = position }
        let statements = try connection.flavor.replicaSessionStatements(
            heartbeatNanoseconds: request.heartbeatSeconds > 0 ? UInt64(request.heartbeatSeconds * 1_000_000_000) : nil,
            replicaUUID: Self.replicaUUID(serverID: request.serverID), mariaDBStartPosition: mariaDBStart)
        for statement in statements { try connection.execute(statement) }
        return checksum.uppercased() == "CRC32"
    }

    /// A replica UUID that is the same for every stream of one server id ("tablemirror" in hex, then the id), so a
    /// MySQL source replaces a reader's stale dump thread when it reconnects.
    static func replicaUUID(serverID: UInt32) -> String {
        let id = String(serverID, radix: 16)
        return "7461626c-656d-6972-726f-72" + String(repeating: "0", count: 10 - id.count) + id
    }

    private func open(_ request: BinlogStreamRequest) throws(MariaDBError) {
        let context = "requesting the binlog from \(connection.options)"
        switch request.start {
        case let .mysqlGTIDSet(set):
            guard let parsed = MySQLGTIDSet(text: set) else {
                throw MariaDBError(code: 0, sqlState: "", message: "not a MySQL GTID set: \(set)", context: context)
            }
            let payload = MySQLDumpGTIDCommand.arguments(gtidSet: parsed, serverID: request.serverID, nonBlocking: request.stopAtEnd)
            let status = payload.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) {
                    tm_send_command(connection.handle, enum_server_command(rawValue: 0x1E), $0.baseAddress, $0.count)
                }
            }
            if status != 0 { throw connection.lastError(context: context) }
        case .position, .mariadbGTID:
            guard let replication = mariadb_rpl_init_ex(connection.handle, UInt32(MARIADB_RPL_VERSION)) else {
                throw connection.lastError(context: context)
            }
            self.replication = replication
            var file = ""
            var offset: UInt64 = 4
            if case let .position(startFile, startOffset) = request.start {
                file = startFile
                offset = startOffset
            }
            _ = file.withCString { tm_rpl_set_filename(replication, $0, strlen($0)) }
            _ = tm_rpl_set_start(replication, UInt(offset))
            _ = tm_rpl_set_server_id(replication, request.serverID)
            var flags = UInt32(MARIADB_RPL_BINLOG_SEND_ANNOTATE_ROWS)
            if request.stopAtEnd { flags |= UInt32(MARIADB_RPL_BINLOG_DUMP_NON_BLOCK) }
            _ = tm_rpl_set_flags(replication, flags)
            if mariadb_rpl_open(replication) != 0 { throw connection.lastError(context: context) }
        }
    }

    /// The next event's bytes, or nil when the server ended the stream (only with `stopAtEnd`).
    public func next() throws(MariaDBError) -> [UInt8]? {
        let length = mysql_net_read_packet(connection.handle)
        // libmariadb's packet_error is (unsigned int)-1; the error is then set on the handle.
        if length == UInt(UInt32.max) || length == UInt.max {
            throw connection.lastError(context: "reading the binlog stream from \(connection.options)")
        }
        guard length > 0, let packet = tm_last_packet(connection.handle) else {
            throw MariaDBError(code: 2027, sqlState: "HY000", message: "empty packet in binlog stream",
                               context: "reading the binlog stream from \(connection.options)")
        }
        switch packet[0] {
        case 0x00:
            return Array(UnsafeBufferPointer(start: packet + 1, count: Int(length) - 1))
        case 0xFE where length < 9:
            return nil
        case 0xFF:
            throw Self.errorPacket(UnsafeBufferPointer(start: packet, count: Int(length)),
                                   context: "reading the binlog stream from \(connection.options)")
        default:
            throw MariaDBError(code: 2027, sqlState: "HY000", message: "unexpected packet type \(packet[0]) in binlog stream",
                               context: "reading the binlog stream from \(connection.options)")
        }
    }

    /// An ERR packet: 0xFF, error code, '#' and a five-character SQL state, then the message.
    static func errorPacket(_ packet: UnsafeBufferPointer<UInt8>, context: String) -> MariaDBError {
        guard packet.count >= 3 else {
            return MariaDBError(code: 2027, sqlState: "HY000", message: "short error packet", context: context)
        }
        let code = UInt32(packet[1]) | UInt32(packet[2]) << 8
        var rest = packet.count > 3 ? Array(packet[3...]) : []
        var state = ""
        if rest.first == UInt8(ascii: "#"), rest.count >= 6 {
            state = String(decoding: rest[1..<6], as: UTF8.self)
            rest.removeFirst(6)
        }
        return MariaDBError(code: code, sqlState: state, message: String(decoding: rest, as: UTF8.self), context: context)
    }

    /// Something another thread can use to make a read blocked in `next()` fail at once, to stop a reader
    /// that waits for events.
    public var interrupter: StreamInterrupter { StreamInterrupter(socket: Int32(mysql_get_socket(connection.handle))) }

    public func close() {
        if let replication {
            mariadb_rpl_close(replication)
            self.replication = nil
        }
        connection.close()
    }
}

/// Shuts the stream's socket down (the connection handle stays valid until closed by its owner).
public struct StreamInterrupter: Sendable {
    let socket: Int32

    public func interrupt() {
        if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
    }
}
