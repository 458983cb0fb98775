#if canImport(Glibc)
import Glibc
#endif
import BinlogDecoding
import MariaDBClient

/// What `tablemirror decode` was asked to do; the CLI fills it in and calls `run`.
public struct DecodeRequest: Sendable {
    public enum Input: Sendable {
        case files([String])
        case remote(ConnectionOptions, BinlogStreamRequest)
    }

    public var input: Input
    public var json: Bool

    public init(input: Input, json: Bool) {
        self.input = input
        self.json = json
    }
}

public enum DecodeCommandRunner {
    /// Decodes and prints; returns a summary line for stderr.
    public static func run(_ request: DecodeRequest) throws -> String {
        let output = BufferedOutput()
        defer { output.flush() }
        let write: (Change) -> Void = { change in
            let line: String?
            if request.json {
                switch change {
                case let .row(row): line = JSONLineWriter.line(for: row)
                case let .ddl(ddl): line = JSONLineWriter.line(for: ddl)
                default: line = nil
                }
            } else {
                line = ChangeTextFormatter.text(for: change)
            }
            if let line { output.write(line) }
        }
        switch request.input {
        case let .files(paths):
            let session = DecodeSession()
            for path in paths {
                try session.run(try BinlogFileReader(path: path), handle: write)
            }
            return summary(session)
        case let .remote(options, streamRequest):
            let schema: MariaDBConnection
            var resolved = streamRequest
            do {
                schema = try MariaDBConnection(options)
                if case .position(file: "", offset: _) = streamRequest.start {
                    guard let first = try schema.query("SHOW BINARY LOGS").string(0, 0) else {
                        throw EngineError.invalidArgument("\(options): the server has no binary logs (is log_bin on?)")
                    }
                    resolved.start = .position(file: first, offset: 4)
                }
            } catch let error as MariaDBError {
                throw EngineError.database(error)
            }
            let session = DecodeSession(schemaConnection: schema)
            let source: RemoteEventSource
            do { source = try RemoteEventSource(options, request: resolved) } catch { throw EngineError.database(error) }
            try session.run(source, handle: write)
            return summary(session)
        }
    }

    private static func summary(_ session: DecodeSession) -> String {
        var text = "decoded \(session.eventCount) events, \(session.rowCount) row changes"
        let skipped = session.decoder.skippedEventCounts.sorted { $0.key < $1.key }
        if !skipped.isEmpty {
            text += "; skipped (not interpreted): " + skipped.map { "type \($0.key) ×\($0.value)" }.joined(separator: ", ")
        }
        return text
    }
}

/// Collects output lines and writes them to stdout in large blocks.
final class BufferedOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 17) }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        // Write to the descriptor directly: stdio's `stdout` global is not concurrency-safe in Swift 6.
        buffer.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = Glibc.write(1, raw.baseAddress! + written, raw.count - written)  // safe: non-empty buffer
                if count <= 0 { break }
                written += count
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
