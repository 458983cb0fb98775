/// Splits a byte stream (a binlog file read in chunks) into whole events, holding at most one partial
/// event, so memory stays flat however large the file.
public struct EventFramer: Sendable {
    public static let magic: [UInt8] = [0xFE, 0x62, 0x69, 0x6E]
    /// An event longer than this is treated as corrupt rather than buffered (servers cap events at 1 GiB).
    public static let maximumEventLength = 1 << 30

    private var buffer: [UInt8] = []
    private var consumed = 0
    private var sawMagic: Bool
    /// Offset in the file of the next event to come out.
    public private(set) var fileOffset: UInt64

    /// - Parameter expectsMagic: true for a file that begins with the 4-byte binlog magic.
    public init(expectsMagic: Bool = true) {
        sawMagic = !expectsMagic
        fileOffset = expectsMagic ? 0 : 4
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if consumed > 0 && consumed >= buffer.count / 2 {
            buffer.removeFirst(consumed)
            consumed = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete event, nil when more bytes are needed.
    public mutating func next() throws(BinlogDecodingError) -> [UInt8]? {
        if !sawMagic {
            guard buffer.count - consumed >= 4 else { return nil }
            guard Array(buffer[consumed..<(consumed + 4)]) == Self.magic else { throw .notABinlogFile }
            consumed += 4
            fileOffset = 4
            sawMagic = true
        }
        let available = buffer.count - consumed
        guard available >= EventHeader.length else { return nil }
        var lengthReader = ByteReader(buffer, offset: consumed + 9, end: consumed + 13)
        let length = Int(try lengthReader.uint32("event length"))
        guard length >= EventHeader.length, length <= Self.maximumEventLength else {
            throw .malformed(what: "event length", detail: "\(length) at offset \(fileOffset)")
        }
        guard available >= length else { return nil }
        let event = Array(buffer[consumed..<(consumed + length)])
        consumed += length
        fileOffset += UInt64(length)
        return event
    }

    /// Bytes left over that do not make a whole event (non-zero at the end of a file means it was truncated).
    public var pendingByteCount: Int { buffer.count - consumed }
}
