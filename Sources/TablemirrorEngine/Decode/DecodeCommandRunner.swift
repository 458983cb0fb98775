#if canImport(Glibc)
import Glibc
#endif
import BinlogDecoding
import Foundation
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
    /// Decodes and prints; returns a summary line for stderr. Reading and decoding run on their own thread
    /// and formatting on this one, so the two halves overlap on two cores; the queue between them is
    /// bounded, so memory does not grow with the input.
    public static func run(_ request: DecodeRequest) throws -> String {
        let queue = BoundedQueue<[Change]>(capacity: 16, bytes: 16 << 20)
        let summary = SummaryBox()
        let decoder = Thread {
            do {
                summary.text = try decode(request, into: queue)
                queue.finish()
            } catch {
                queue.finish(throwing: error)
            }
        }
        decoder.stackSize = 8 << 20
        decoder.start()

        let output = BufferedOutput()
        defer { output.flush() }
        while let batch = try queue.take() {
            for change in batch { write(change, json: request.json, to: output) }
        }
        return summary.text
    }

    private static func write(_ change: Change, json: Bool, to output: BufferedOutput) {
        if json {
            switch change {
            case let .row(row): output.writeLine { JSONLineWriter.write(row, to: $0) }
            case let .ddl(ddl): output.writeLine { JSONLineWriter.write(ddl, to: $0) }
            default: break
            }
        } else if let text = ChangeTextFormatter.text(for: change) {
            output.writeLine { $0.appendText(text) }
        }
    }

    /// Runs on the decoding thread: reads the input, decodes it, and hands changes over in batches. What was
    /// decoded before an error is handed over before the error, so it is printed first.
    private static func decode(_ request: DecodeRequest, into queue: BoundedQueue<[Change]>) throws -> String {
        var batch: [Change] = []
        var filled = QueueBudget(items: 256, bytes: 1 << 20)
        let hand: (Change) -> Void = { change in
            batch.append(change)
            filled.add(change.footprint)
            if filled.isFull {
                queue.put(batch)
                batch.removeAll(keepingCapacity: true)
                filled.removeAll()
            }
        }
        defer { if !batch.isEmpty { queue.put(batch) } }
        let session: DecodeSession
        switch request.input {
        case let .files(paths):
            session = DecodeSession()
            for path in paths {
                try session.run(try BinlogFileReader(path: path), handle: hand)
            }
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
            session = DecodeSession(schemaConnection: schema)
            let source: RemoteEventSource
            do { source = try RemoteEventSource(options, request: resolved) } catch { throw EngineError.database(error) }
            try session.run(source, handle: hand)
        }
        return summary(session)
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

/// The decoding thread's summary, read by the caller after the queue is drained.
private final class SummaryBox: @unchecked Sendable {
    var text = ""
}

/// Collects output lines and writes them to stdout in large blocks.
final class BufferedOutput {
    private let sink = ByteSink(capacity: 1 << 17)

    func writeLine(_ body: (ByteSink) -> Void) {
        body(sink)
        sink.append(0x0A)
        if sink.count >= 1 << 16 { flush() }
    }

    func flush() {
        // Write to the descriptor directly: stdio's `stdout` global is not concurrency-safe in Swift 6.
        let bytes = sink.bytes
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var written = 0
        while written < bytes.count {
            let count = Glibc.write(1, base + written, bytes.count - written)
            if count <= 0 { break }
            written += count
        }
        sink.removeAll()
    }
}
