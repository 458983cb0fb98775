import BinlogDecoding
import MariaDBClient
import Testing
import TestSupport

/// The replica connection against a real server: starting points, checksums, rotation, heartbeats, purged logs.
@Suite("Binlog stream from a live server", .serialized, .enabled(if: TestServer.isConfigured))
struct BinlogStreamTests {
    private func writeSomeRows(_ database: String, count: Int = 3) throws -> MariaDBConnection {
        let connection = try TestServer.connect()
        try connection.execute("CREATE DATABASE IF NOT EXISTS \(database)")
        try connection.execute("CREATE TABLE IF NOT EXISTS \(database).t (id INT PRIMARY KEY, v VARCHAR(20))")
        for id in 1...count { try connection.execute("INSERT INTO \(database).t VALUES (\(id), 'row \(id)')") }
        return connection
    }

    private func decodeAll(_ events: [[UInt8]], checksums: Bool) throws -> [DecodedEvent] {
        var decoder = BinlogEventDecoder(checksumBeforeFormatDescription: checksums)
        return try events.map { try decoder.decode($0) }
    }

    @Test("From a file and position: CRC32 checksums asked for, verified, and the rows come back")
    func startFromPosition() throws {
        let database = TestServer.uniqueDatabase("tm_stream")
        let admin = try TestServer.connect()
        let start = try TestServer.currentPosition(admin)
        let connection = try writeSomeRows(database)
        defer { try? connection.execute("DROP DATABASE \(database)") }
        let (events, checksums) = try BinlogCapture.events(from: start)
        #expect(checksums)
        let decoded = try decodeAll(events, checksums: checksums)
        // The stream begins with the server's fake rotate naming the file, then its format description.
        guard case let .rotate(rotate) = decoded.first?.body else { Issue.record("no rotate first"); return }
        #expect(rotate.nextFileName == start.file)
        #expect(decoded.contains { if case .formatDescription = $0.body { true } else { false } })
        let inserted = decoded.compactMap { event -> RowsEvent? in
            if case let .rows(rows) = event.body, rows.database == database { rows } else { nil }
        }
        #expect(inserted.count == 3)
    }

    @Test("From a MariaDB GTID position: only later transactions arrive")
    func startFromGTID() throws {
        let database = TestServer.uniqueDatabase("tm_gtid")
        let connection = try writeSomeRows(database, count: 2)
        defer { try? connection.execute("DROP DATABASE \(database)") }
        let gtid = try #require(try connection.query("SELECT @@gtid_binlog_pos").string(0, 0))
        try connection.execute("INSERT INTO \(database).t VALUES (100, 'after gtid')")
        let stream = try BinlogStream(TestServer.options(), request: BinlogStreamRequest(
            start: .mariadbGTID(gtid), serverID: UInt32.random(in: 6_000_000..<7_000_000), heartbeatSeconds: 0, stopAtEnd: true))
        defer { stream.close() }
        var decoder = BinlogEventDecoder(checksumBeforeFormatDescription: stream.checksumsEnabled)
        var ids: [Int64] = []
        while let bytes = try stream.next() {
            if case let .rows(rows) = try decoder.decode(bytes).body, rows.database == database {
                for row in rows.rows { if case let .signed(id)?? = row.after?.values.first { ids.append(id) } }
            }
        }
        #expect(ids == [100])
    }

    @Test("Rotation: the stream follows FLUSH BINARY LOGS into the next file")
    func followsRotation() throws {
        let database = TestServer.uniqueDatabase("tm_rotate")
        let admin = try TestServer.connect()
        let start = try TestServer.currentPosition(admin)
        let connection = try writeSomeRows(database, count: 1)
        defer { try? connection.execute("DROP DATABASE \(database)") }
        try admin.execute("FLUSH BINARY LOGS")
        try connection.execute("INSERT INTO \(database).t VALUES (2, 'next file')")
        let next = try TestServer.currentPosition(admin)
        #expect(next.file != start.file)
        let (events, checksums) = try BinlogCapture.events(from: start)
        var stream = ChangeStream(file: start.file)
        var decoder = BinlogEventDecoder(checksumBeforeFormatDescription: checksums)
        var filesOfRows: [String] = []
        for bytes in events {
            for change in stream.changes(for: try decoder.decode(bytes)) {
                if case let .row(row) = change, row.database == database { filesOfRows.append(row.file) }
            }
        }
        #expect(filesOfRows == [start.file, next.file])
    }

    @Test("Heartbeats arrive while the source is idle")
    func heartbeats() throws {
        let admin = try TestServer.connect()
        let start = try TestServer.currentPosition(admin)
        let stream = try BinlogStream(TestServer.options(), request: BinlogStreamRequest(
            start: .position(file: start.file, offset: start.offset), serverID: 4_000_123, heartbeatSeconds: 0.2))
        defer { stream.close() }
        var decoder = BinlogEventDecoder(checksumBeforeFormatDescription: stream.checksumsEnabled)
        var heartbeats = 0
        // Other suites write to the same server meanwhile; heartbeats come once the stream is idle.
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            guard let bytes = try stream.next() else { break }
            if case .heartbeat = try decoder.decode(bytes).body { heartbeats += 1 }
            if heartbeats >= 2 { break }
        }
        #expect(heartbeats >= 2)
    }

    @Test("A purged or unknown binlog file is a clear, non-retryable error")
    func purgedPosition() throws {
        do {
            let stream = try BinlogStream(TestServer.options(), request: BinlogStreamRequest(
                start: .position(file: "tm-bin.999999", offset: 4), serverID: UInt32.random(in: 6_000_000..<7_000_000), heartbeatSeconds: 0, stopAtEnd: true))
            defer { stream.close() }
            _ = try stream.next()
            Issue.record("reading from a missing binlog file succeeded")
        } catch {
            #expect(error.kind == .binlogUnavailable)
            #expect(!error.isRetryable)
            #expect(error.description.contains("1236"))
        }
    }

    @Test("A wrong password is permanent and its message holds no secret")
    func wrongPassword() throws {
        var options = TestServer.options()
        options.password = "definitely-wrong-secret"
        do {
            _ = try MariaDBConnection(options)
            Issue.record("connected with a wrong password")
        } catch {
            #expect(error.kind == .permanent)
            #expect(!error.description.contains("definitely-wrong-secret"))
        }
    }

    @Test("A refused connection is retryable")
    func refusedConnection() throws {
        var options = TestServer.options()
        options.port = 1
        options.connectTimeoutSeconds = 2
        do {
            _ = try MariaDBConnection(options)
            Issue.record("connected to port 1")
        } catch {
            #expect(error.kind == .connection)
            #expect(error.isRetryable)
        }
    }
}
