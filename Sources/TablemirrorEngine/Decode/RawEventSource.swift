import BinlogDecoding
import MariaDBClient

/// Where raw events come from: binlog files on disk or a live server.
public protocol RawEventSource: AnyObject {
    /// For messages: a path or `user@host:port`.
    var sourceName: String { get }
    /// Whether events before the first format description carry a CRC32 (a live stream's fake rotate).
    var checksumBeforeFormatDescription: Bool { get }
    /// The binlog file name events start in, when known before the first rotate event.
    var initialFileName: String { get }
    /// The next event, or nil at the end.
    func nextEvent() throws -> [UInt8]?
}

extension BinlogFileReader: RawEventSource {
    public var sourceName: String { path }
    public var checksumBeforeFormatDescription: Bool { false }
    public var initialFileName: String { fileName }
    public func nextEvent() throws -> [UInt8]? { try next()?.bytes }
}

/// A live server's binlog through a replica connection.
public final class RemoteEventSource: RawEventSource {
    public let stream: BinlogStream
    public let initialFileName: String

    public init(_ options: ConnectionOptions, request: BinlogStreamRequest) throws(MariaDBError) {
        stream = try BinlogStream(options, request: request)
        if case let .position(file, _) = request.start { initialFileName = file } else { initialFileName = "" }
    }

    public var sourceName: String { stream.connection.options.description }
    public var checksumBeforeFormatDescription: Bool { stream.checksumsEnabled }

    public func nextEvent() throws -> [UInt8]? {
        do { return try stream.next() } catch { throw EngineError.database(error) }
    }
}
