#if canImport(Glibc)
import Glibc
#endif
import BinlogDecoding

/// Reads a binlog file from disk in fixed chunks and hands out whole events, so memory does not grow with the file.
public final class BinlogFileReader {
    public let path: String
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }
    private let descriptor: Int32
    private var framer = EventFramer()
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    private var reachedEnd = false

    public init(path: String) throws(EngineError) {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw EngineError.io(path: path, detail: String(cString: strerror(errno)))
        }
    }

    deinit { close(descriptor) }

    /// The next event's bytes and its offset in the file, or nil at the end of the file.
    public func next() throws -> (bytes: [UInt8], offset: UInt64)? {
        while true {
            let offset = framer.fileOffset
            if let event = try framer.next() { return (event, offset) }
            if reachedEnd {
                guard framer.pendingByteCount == 0 else {
                    throw EngineError.truncatedFile(path: path, offset: framer.fileOffset, pendingBytes: framer.pendingByteCount)
                }
                return nil
            }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { throw EngineError.io(path: path, detail: String(cString: strerror(errno))) }
            if count == 0 { reachedEnd = true } else { framer.append(chunk[0..<count]) }
        }
    }
}
