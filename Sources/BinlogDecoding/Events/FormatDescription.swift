/// The format description event: how the rest of the binlog is laid out.
public struct FormatDescription: Sendable, Equatable {
    public enum ChecksumAlgorithm: UInt8, Sendable {
        case off = 0
        case crc32 = 1
        case undefined = 255
    }

    public var binlogVersion: UInt16
    public var serverVersion: String
    public var createdAt: UInt32
    public var commonHeaderLength: Int
    /// Post-header length per event type code (index = type code - 1).
    public var postHeaderLengths: [UInt8]
    public var checksumAlgorithm: ChecksumAlgorithm

    public var isMariaDB: Bool { serverVersion.contains("MariaDB") }

    /// Post-header length of an event type, or the given default when the server did not list it.
    public func postHeaderLength(of type: EventType, default fallback: Int) -> Int {
        let index = Int(type.rawValue) - 1
        guard index >= 0, index < postHeaderLengths.count else { return fallback }
        return Int(postHeaderLengths[index])
    }

    /// What a binlog stream assumes before its first format description: a v4 header and no checksum.
    public static let assumedBeforeFirst = FormatDescription(
        binlogVersion: 4, serverVersion: "", createdAt: 0, commonHeaderLength: EventHeader.length,
        postHeaderLengths: [], checksumAlgorithm: .off)

    public init(binlogVersion: UInt16, serverVersion: String, createdAt: UInt32, commonHeaderLength: Int,
                postHeaderLengths: [UInt8], checksumAlgorithm: ChecksumAlgorithm) {
        self.binlogVersion = binlogVersion
        self.serverVersion = serverVersion
        self.createdAt = createdAt
        self.commonHeaderLength = commonHeaderLength
        self.postHeaderLengths = postHeaderLengths
        self.checksumAlgorithm = checksumAlgorithm
    }

    /// Decodes the body of a format description event (the reader covers the whole event after the header).
    init(body reader: inout ByteReader, eventEnd: Int) throws(BinlogDecodingError) {
        binlogVersion = try reader.uint16("binlog version")
        let versionBytes = try reader.bytes(50, "server version")
        serverVersion = String(decoding: versionBytes.prefix { $0 != 0 }, as: UTF8.self)
        createdAt = try reader.uint32("create timestamp")
        commonHeaderLength = Int(try reader.uint8("common header length"))
        guard commonHeaderLength >= EventHeader.length else {
            throw .malformed(what: "format description", detail: "common header length \(commonHeaderLength) < 19")
        }
        // Servers that write checksums end this event with the algorithm byte and a CRC32 (5 bytes);
        // older servers do not, so the split depends on the version that wrote it.
        let hasChecksumAlgorithm = Self.versionWritesChecksumAlgorithm(serverVersion)
        let trailer = hasChecksumAlgorithm ? 5 : 0
        let postHeaderCount = eventEnd - reader.offset - trailer
        guard postHeaderCount >= 0 else {
            throw .truncated(what: "format description post-header lengths", needed: trailer, available: eventEnd - reader.offset)
        }
        postHeaderLengths = try reader.bytes(postHeaderCount, "post-header lengths")
        if hasChecksumAlgorithm {
            let raw = try reader.uint8("checksum algorithm")
            guard let algorithm = ChecksumAlgorithm(rawValue: raw) else {
                throw .malformed(what: "format description", detail: "unknown checksum algorithm \(raw)")
            }
            checksumAlgorithm = algorithm
        } else {
            checksumAlgorithm = .off
        }
    }

    /// MySQL 5.6.1+ and MariaDB 5.3+ write the checksum algorithm into the format description.
    static func versionWritesChecksumAlgorithm(_ version: String) -> Bool {
        let parsed = ServerVersion(version)
        guard parsed.major > 0 || parsed.minor > 0 else { return false }
        return parsed.isMariaDB ? parsed.isAtLeast(5, 3) : parsed.isAtLeast(5, 6, 1)
    }
}
