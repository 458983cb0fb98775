import MariaDBClient

/// Reads raw events from a position to the end of the server's binlog (non-blocking dump).
public enum BinlogCapture {
    public static func events(from start: (file: String, offset: UInt64), serverID: UInt32 = 0) throws -> (events: [[UInt8]], checksums: Bool) {
        let stream = try BinlogStream(TestServer.options(),
                                      request: BinlogStreamRequest(start: .position(file: start.file, offset: start.offset),
                                                                   serverID: serverID, heartbeatSeconds: 0, stopAtEnd: true))
        defer { stream.close() }
        var events: [[UInt8]] = []
        while let event = try stream.next() { events.append(event) }
        return (events, stream.checksumsEnabled)
    }
}
