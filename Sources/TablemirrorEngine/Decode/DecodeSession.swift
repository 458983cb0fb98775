import BinlogDecoding
import MariaDBClient

/// Reads events from a source, decodes them, and hands out ordered changes. A corrupt event stops
/// the session with `EngineError.corruptEvent` naming its position; nothing is skipped silently.
public final class DecodeSession {
    public private(set) var decoder: BinlogEventDecoder
    public private(set) var changeStream: ChangeStream
    /// Where the source's schema is read for tables whose table maps lack metadata (nil: files only).
    private let schemaConnection: MariaDBConnection?
    private var tablesWithHints: Set<QualifiedTableName> = []
    public private(set) var eventCount = 0
    public private(set) var rowCount = 0

    public init(schemaConnection: MariaDBConnection? = nil) {
        decoder = BinlogEventDecoder()
        changeStream = ChangeStream(file: "")
        self.schemaConnection = schemaConnection
    }

    /// Decodes every event of `source` until it ends (or `handle` throws), calling `handle` for each change,
    /// and `idle` at each heartbeat (the source had nothing new to send for a while).
    public func run(_ source: RawEventSource, idle: () throws -> Void = {}, handle: (Change) throws -> Void) throws {
        decoder.checksumBeforeFormatDescription = source.checksumBeforeFormatDescription
        changeStream = ChangeStream(file: source.initialFileName)
        while let bytes = try source.nextEvent() {
            let event: DecodedEvent
            do {
                event = try decoder.decode(bytes)
                if case let .tableMap(map) = event.body { try loadHintIfNeeded(for: map) }
            } catch let error as BinlogDecodingError {
                throw EngineError.corruptEvent(source: source.sourceName,
                                               position: BinlogPosition(file: changeStream.file, offset: changeStream.offset ?? 4),
                                               underlying: error)
            }
            eventCount += 1
            for change in changeStream.changes(for: event) {
                if case .row = change { rowCount += 1 }
                try handle(change)
            }
            if case .heartbeat = event.body { try idle() }
        }
    }

    /// What is known of a table's columns from here on in the stream (after a schema change, or from the schema
    /// history at the start): it replaces whatever was known or would be read from the source.
    public func setSchemaHint(_ hint: TableSchemaHint?, for table: QualifiedTableName) throws {
        tablesWithHints.insert(table)
        do { try decoder.setSchemaHint(hint, for: table) } catch { throw EngineError.invalidArgument("schema of \(table): \(error)") }
    }

    private func loadHintIfNeeded(for map: TableMap) throws {
        guard let schemaConnection else { return }
        let name = QualifiedTableName(database: map.database, table: map.table)
        guard !tablesWithHints.contains(name) else { return }
        tablesWithHints.insert(name)
        let hint: TableSchemaHint?
        do { hint = try SchemaHintLoader.load(name, from: schemaConnection) } catch { throw EngineError.database(error) }
        if let hint { try decoder.setSchemaHint(hint, for: name) }
    }
}
