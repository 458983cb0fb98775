/// The common 19-byte header that starts every binlog event.
public struct EventHeader: Sendable, Equatable {
    public static let length = 19
    /// LOG_EVENT_ARTIFICIAL_F: made up by the server for a stream (a fake rotate), at no place in any file.
    public static let artificialFlag: UInt16 = 0x20

    public var timestamp: UInt32
    public var typeCode: UInt8
    public var serverID: UInt32
    /// Length of the whole event: header, body and checksum.
    public var eventLength: UInt32
    /// Offset of the next event in the binlog file; 0 for events the server makes up for a stream.
    public var nextPosition: UInt32
    public var flags: UInt16

    public var type: EventType? { EventType(rawValue: typeCode) }

    public init(_ reader: inout ByteReader) throws(BinlogDecodingError) {
        timestamp = try reader.uint32("event timestamp")
        typeCode = try reader.uint8("event type")
        serverID = try reader.uint32("server id")
        eventLength = try reader.uint32("event length")
        nextPosition = try reader.uint32("next position")
        flags = try reader.uint16("event flags")
        guard eventLength >= UInt32(Self.length) else {
            throw .malformed(what: "event header", detail: "event length \(eventLength) is shorter than its header")
        }
    }

    public init(timestamp: UInt32, typeCode: UInt8, serverID: UInt32, eventLength: UInt32, nextPosition: UInt32, flags: UInt16) {
        self.timestamp = timestamp
        self.typeCode = typeCode
        self.serverID = serverID
        self.eventLength = eventLength
        self.nextPosition = nextPosition
        self.flags = flags
    }
}
