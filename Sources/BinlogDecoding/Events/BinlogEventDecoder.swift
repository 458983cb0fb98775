/// Turns raw event bytes into typed events. It holds the state that decoding needs across events —
/// the format description and the table maps — as a plain value, so it can be tested without any I/O.
public struct BinlogEventDecoder: Sendable {
    public private(set) var format: FormatDescription
    /// Whether events carry a CRC32 trailer before the first format description says so (network streams
    /// send a fake rotate event first, with a checksum when the client asked for them).
    public var checksumBeforeFormatDescription: Bool
    public var verifiesChecksums: Bool
    /// Schema known from the source, for tables whose table maps lack names, signedness or charsets.
    public var schemaHints: [QualifiedTableName: TableSchemaHint] = [:]
    /// How many events of each type code were skipped because this decoder does not interpret them.
    public private(set) var skippedEventCounts: [UInt8: Int] = [:]

    private var layouts: [UInt64: RowLayout] = [:]

    public init(checksumBeforeFormatDescription: Bool = false, verifiesChecksums: Bool = true) {
        format = .assumedBeforeFirst
        self.checksumBeforeFormatDescription = checksumBeforeFormatDescription
        self.verifiesChecksums = verifiesChecksums
    }

    /// Records what the source's schema says about a table and applies it to the table map already in force.
    /// nil forgets what was known (the table map's own metadata is all there is then).
    public mutating func setSchemaHint(_ hint: TableSchemaHint?, for table: QualifiedTableName) throws(BinlogDecodingError) {
        schemaHints[table] = hint
        for (id, layout) in layouts where layout.map.database == table.database && layout.map.table == table.table {
            var map = layout.map
            applySchemaHint(to: &map)
            layouts[id] = try RowLayout(map)
        }
    }

    /// Decodes one complete event (header, body and checksum trailer if any).
    public mutating func decode(_ bytes: [UInt8]) throws(BinlogDecodingError) -> DecodedEvent {
        try decode(bytes, hasChecksumTrailer: nil)
    }

    private mutating func decode(_ bytes: [UInt8], hasChecksumTrailer: Bool?) throws(BinlogDecodingError) -> DecodedEvent {
        var headerReader = ByteReader(bytes)
        let header = try EventHeader(&headerReader)
        guard Int(header.eventLength) <= bytes.count else {
            throw .truncated(what: "event", needed: Int(header.eventLength), available: bytes.count)
        }
        let eventEnd = Int(header.eventLength)
        let isFormatDescription = header.typeCode == EventType.formatDescription.rawValue
        let hasChecksum: Bool
        if let hasChecksumTrailer {
            hasChecksum = hasChecksumTrailer
        } else if isFormatDescription {
            hasChecksum = Self.formatDescriptionHasChecksum(bytes, eventEnd: eventEnd)
        } else if format.serverVersion.isEmpty {
            hasChecksum = checksumBeforeFormatDescription
        } else {
            hasChecksum = format.checksumAlgorithm == .crc32
        }
        var bodyEnd = eventEnd
        if hasChecksum {
            guard eventEnd >= EventHeader.length + 4 else {
                throw .truncated(what: "event checksum", needed: 4, available: eventEnd - EventHeader.length)
            }
            bodyEnd = eventEnd - 4
            if verifiesChecksums {
                var trailer = ByteReader(bytes, offset: bodyEnd, end: eventEnd)
                let expected = try trailer.uint32("checksum")
                var checked = bytes
                if isFormatDescription {
                    // The server sets "binlog in use" in the open file's format description after checksumming it
                    // (and clears it on close), so the checksum covers the event with that flag clear.
                    checked[17] &= ~0x01
                }
                let actual = CRC32.checksum(checked, range: 0..<bodyEnd)
                guard expected == actual else { throw .checksumMismatch(expected: expected, actual: actual) }
            }
        }
        let headerLength = isFormatDescription ? EventHeader.length : format.commonHeaderLength
        guard headerLength <= bodyEnd else {
            throw .truncated(what: "event header", needed: headerLength, available: bodyEnd)
        }
        var reader = ByteReader(bytes, offset: headerLength, end: bodyEnd)
        let body = try decodeBody(header: header, reader: &reader, eventEnd: eventEnd)
        return DecodedEvent(header: header, body: body)
    }

    /// A format description ends with the checksum algorithm byte and, when that is CRC32, the checksum.
    private static func formatDescriptionHasChecksum(_ bytes: [UInt8], eventEnd: Int) -> Bool {
        guard eventEnd >= EventHeader.length + 57 + 5 else { return false }
        var reader = ByteReader(bytes, offset: EventHeader.length + 2, end: EventHeader.length + 52)
        let version = reader.restString()
        guard FormatDescription.versionWritesChecksumAlgorithm(version) else { return false }
        return bytes[eventEnd - 5] == FormatDescription.ChecksumAlgorithm.crc32.rawValue
    }

    private var tableIDWidth: Int {
        format.postHeaderLength(of: .tableMap, default: 8) == 6 ? 4 : 6
    }

    private mutating func decodeBody(header: EventHeader, reader: inout ByteReader,
                                     eventEnd: Int) throws(BinlogDecodingError) -> BinlogEvent {
        guard let type = header.type else { return skip(header.typeCode) }
        switch type {
        case .formatDescription:
            let description = try FormatDescription(body: &reader, eventEnd: eventEnd)
            format = description
            // A new binlog file starts: table ids from the old one no longer apply.
            layouts.removeAll(keepingCapacity: true)
            return .formatDescription(description)
        case .rotate:
            return .rotate(try ControlEventDecoding.rotate(&reader))
        case .query, .queryCompressed:
            return .query(try ControlEventDecoding.query(&reader, compressed: type == .queryCompressed))
        case .xid:
            return .xid(transactionID: try reader.uint64("xid"))
        case .mariadbGTID:
            return .mariadbGTID(try ControlEventDecoding.mariadbGTID(&reader, serverID: header.serverID))
        case .mariadbGTIDList:
            return .mariadbGTIDList(try ControlEventDecoding.mariadbGTIDList(&reader))
        case .binlogCheckpoint:
            return .binlogCheckpoint(fileName: try ControlEventDecoding.binlogCheckpoint(&reader))
        case .annotateRows:
            return .annotateRows(statement: reader.restString())
        case .mysqlGTID, .mysqlAnonymousGTID:
            return .mysqlGTID(try ControlEventDecoding.mysqlGTID(&reader, anonymous: type == .mysqlAnonymousGTID))
        case .mysqlTaggedGTID:
            return .mysqlGTID(try MySQLTaggedGTIDDecoding.event(&reader))
        case .mysqlPreviousGTIDs:
            return .mysqlPreviousGTIDs(try ControlEventDecoding.mysqlPreviousGTIDs(&reader))
        case .tableMap:
            var map = try TableMapDecoding.decode(&reader, tableIDWidth: tableIDWidth)
            applySchemaHint(to: &map)
            layouts[map.tableID] = try RowLayout(map)
            return .tableMap(map)
        case .heartbeat, .heartbeatV2:
            return .heartbeat(fileName: reader.restString())
        case .stop:
            return .stop
        case .transactionPayload:
            return .transactionPayload(try decodePayload(&reader))
        default:
            if let variant = RowsEventDecoding.Variant(type) {
                let tableID = try RowsEventDecoding.tableID(reader, width: tableIDWidth)
                guard let layout = layouts[tableID] else { throw .unknownTableID(tableID) }
                return .rows(try RowsEventDecoding.decode(&reader, variant: variant, tableIDWidth: tableIDWidth, layout: layout))
            }
            return skip(header.typeCode)
        }
    }

    private mutating func skip(_ typeCode: UInt8) -> BinlogEvent {
        skippedEventCounts[typeCode, default: 0] += 1
        return .skipped(typeCode: typeCode)
    }

    /// MySQL's transaction payload: a few length-prefixed header fields, then the (usually zstd-compressed)
    /// events of one transaction, each with its own header and no checksum.
    private mutating func decodePayload(_ reader: inout ByteReader) throws(BinlogDecodingError) -> [DecodedEvent] {
        var payloadSize: Int?
        var compression: UInt64 = 0
        var uncompressedSize: Int?
        while true {
            let fieldType = try reader.lengthEncodedInteger("payload field type")
            if fieldType == 0 { break }
            let length = try reader.lengthEncodedCount("payload field length")
            var field = try reader.subReader(length, "payload field")
            switch fieldType {
            case 1: payloadSize = Int(clamping: try field.lengthEncodedInteger("payload size"))
            case 2: compression = try field.lengthEncodedInteger("payload compression")
            case 3: uncompressedSize = Int(clamping: try field.lengthEncodedInteger("payload uncompressed size"))
            default: break
            }
        }
        let size = payloadSize ?? reader.remaining
        let range = try reader.range(size, "transaction payload")
        let inner: [UInt8]
        switch compression {
        case 0:
            guard let uncompressedSize else {
                throw .malformed(what: "transaction payload", detail: "zstd payload without uncompressed size")
            }
            inner = try ZstdDecompression.decompress(reader.bytes[range], expectedSize: uncompressedSize)
        case 255:
            inner = Array(reader.bytes[range])
        default:
            throw .malformed(what: "transaction payload", detail: "unknown compression type \(compression)")
        }
        var events: [DecodedEvent] = []
        var offset = 0
        while offset < inner.count {
            var headerReader = ByteReader(inner, offset: offset)
            let header = try EventHeader(&headerReader)
            let end = offset + Int(header.eventLength)
            guard end <= inner.count else {
                throw .truncated(what: "event in transaction payload", needed: Int(header.eventLength), available: inner.count - offset)
            }
            events.append(try decode(Array(inner[offset..<end]), hasChecksumTrailer: false))
            offset = end
        }
        return events
    }

    /// Fills in what the table map lacks (names, signedness, charsets, enum and set values) from the source schema.
    private func applySchemaHint(to map: inout TableMap) {
        guard let hint = schemaHints[QualifiedTableName(database: map.database, table: map.table)],
              hint.columns.count == map.columns.count else { return }
        for (index, column) in hint.columns.enumerated() {
            if map.columns[index].name == nil { map.columns[index].name = column.name }
            if map.columns[index].isUnsigned == nil { map.columns[index].isUnsigned = column.isUnsigned }
            if map.columns[index].textEncoding == .unknown {
                map.columns[index].textEncoding = TextEncoding(characterSetName: column.characterSet)
            }
            if map.columns[index].enumValues == nil { map.columns[index].enumValues = column.enumValues }
            if map.columns[index].setValues == nil { map.columns[index].setValues = column.setValues }
        }
        if map.primaryKey == nil, !hint.primaryKey.isEmpty { map.primaryKey = hint.primaryKey }
    }
}
