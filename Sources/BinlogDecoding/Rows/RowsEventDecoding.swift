/// Decodes the body of write/update/delete rows events (v1, v2, MariaDB compressed, MySQL partial JSON).
enum RowsEventDecoding {
    struct Variant {
        var kind: RowsEvent.Kind
        var hasExtraData: Bool
        var isCompressed: Bool
        var isPartialJSON: Bool

        init?(_ type: EventType) {
            switch type {
            case .writeRowsV1: self.init(.insert)
            case .updateRowsV1: self.init(.update)
            case .deleteRowsV1: self.init(.delete)
            case .writeRowsV2: self.init(.insert, extra: true)
            case .updateRowsV2: self.init(.update, extra: true)
            case .deleteRowsV2: self.init(.delete, extra: true)
            case .partialUpdateRows: self.init(.update, extra: true, partial: true)
            case .writeRowsCompressedV1: self.init(.insert, compressed: true)
            case .updateRowsCompressedV1: self.init(.update, compressed: true)
            case .deleteRowsCompressedV1: self.init(.delete, compressed: true)
            case .writeRowsCompressedV2: self.init(.insert, extra: true, compressed: true)
            case .updateRowsCompressedV2: self.init(.update, extra: true, compressed: true)
            case .deleteRowsCompressedV2: self.init(.delete, extra: true, compressed: true)
            default: return nil
            }
        }

        private init(_ kind: RowsEvent.Kind, extra: Bool = false, compressed: Bool = false, partial: Bool = false) {
            self.kind = kind
            hasExtraData = extra
            isCompressed = compressed
            isPartialJSON = partial
        }
    }

    /// Reads the table id first so the caller can find the layout, then the rest.
    static func tableID(_ reader: ByteReader, width: Int) throws(BinlogDecodingError) -> UInt64 {
        var copy = reader
        return try copy.uintLE(width, "rows table id")
    }

    static func decode(_ reader: inout ByteReader, variant: Variant, tableIDWidth: Int,
                       layout: RowLayout) throws(BinlogDecodingError) -> RowsEvent {
        let tableID = try reader.uintLE(tableIDWidth, "rows table id")
        let flags = try reader.uint16("rows flags")
        if variant.hasExtraData {
            let extraLength = Int(try reader.uint16("rows extra data length"))
            guard extraLength >= 2 else {
                throw .malformed(what: "rows extra data", detail: "length \(extraLength) < 2")
            }
            try reader.skip(extraLength - 2, "rows extra data")
        }
        let columnCount = try reader.lengthEncodedInteger("rows column count")
        guard columnCount == UInt64(layout.readers.count) else {
            throw .malformed(what: "rows event", detail: "\(columnCount) columns, but table map \(layout.map.database).\(layout.map.table) has \(layout.readers.count)")
        }
        let bitmapLength = (layout.readers.count + 7) / 8
        let beforeColumns = try reader.bytes(bitmapLength, "columns-present bitmap")
        let afterColumns = variant.kind == .update ? try reader.bytes(bitmapLength, "after-image bitmap") : beforeColumns

        var rowsReader: ByteReader
        if variant.isCompressed {
            rowsReader = ByteReader(try MariaDBCompression.uncompress(reader.restBytes()))
        } else {
            rowsReader = reader
            reader.skipToEnd()
        }

        var rows: [RowChange] = []
        while !rowsReader.isAtEnd {
            let rowStart = rowsReader.offset
            switch variant.kind {
            case .insert:
                var noDocuments: [Int: JSONValue]?
                rows.append(RowChange(before: nil, after: try image(&rowsReader, present: afterColumns, layout: layout,
                                                                     documents: &noDocuments)))
            case .delete:
                var noDocuments: [Int: JSONValue]?
                rows.append(RowChange(before: try image(&rowsReader, present: beforeColumns, layout: layout,
                                                        documents: &noDocuments), after: nil))
            case .update:
                // Partial JSON diffs apply to the before value, so keep those documents decoded.
                var documents: [Int: JSONValue]? = variant.isPartialJSON ? [:] : nil
                let before = try image(&rowsReader, present: beforeColumns, layout: layout, documents: &documents)
                var partialJSON: [Int: Bool] = [:]
                if variant.isPartialJSON {
                    partialJSON = try partialJSONColumns(&rowsReader, layout: layout)
                }
                let after = try image(&rowsReader, present: afterColumns, layout: layout, partialJSON: partialJSON,
                                      documents: &documents)
                rows.append(RowChange(before: before, after: after))
            }
            // A row always takes at least one byte; a corrupt bitmap naming no columns would otherwise loop forever.
            guard rowsReader.offset > rowStart else {
                throw .malformed(what: "rows event", detail: "a row image with no columns and no null bitmap")
            }
        }
        return RowsEvent(kind: variant.kind, tableID: tableID, flags: flags, database: layout.map.database,
                         table: layout.map.table, columnNames: layout.columnNames, rows: rows)
    }

    @inline(__always)
    private static func image(_ reader: inout ByteReader, present: [UInt8], layout: RowLayout,
                              partialJSON: [Int: Bool] = [:],
                              documents: inout [Int: JSONValue]?) throws(BinlogDecodingError) -> RowImage {
        let columnCount = layout.readers.count
        let presentCount = Bitmap.popCount(present, bits: columnCount)
        let nulls = try reader.range((presentCount + 7) / 8, "row null bitmap")
        var values = [ColumnValue?](repeating: nil, count: columnCount)
        var presentIndex = 0
        for column in 0..<columnCount where Bitmap.isSet(present, column) {
            let nullByte = reader.bytes[nulls.lowerBound + presentIndex >> 3]
            if nullByte & (1 << UInt8(presentIndex & 7)) != 0 {
                values[column] = .null
            } else if partialJSON[column] == true {
                // The diff area's length is a fixed four bytes, unlike most lengths in row images.
                let length = Int(try reader.uint32("partial JSON diff length"))
                let diffs = try JSONPartialUpdate.parse(diffs: reader.bytes[try reader.range(length, "partial JSON diffs")])
                if let before = documents?[column] {
                    let document = try JSONPartialUpdate.apply(diffs, to: before)
                    documents?[column] = document
                    values[column] = .json(document.jsonText())
                } else {
                    // binlog_row_image=MINIMAL: the before value is not in the event, so the change is the diff itself.
                    values[column] = .jsonDiff(diffs)
                }
            } else if documents != nil, case let .mysqlJSON(lengthWidth) = layout.readers[column] {
                let length = Int(try reader.uintLE(lengthWidth, "json length"))
                let document = try MySQLJSONBinary.decode(reader.bytes[try reader.range(length, "json")])
                documents?[column] = document
                values[column] = .json(document.jsonText())
            } else {
                values[column] = try layout.readers[column].read(&reader)
            }
            presentIndex += 1
        }
        return RowImage(values: values)
    }

    /// In a partial update event, after the before image: value options and, when partial JSON is on,
    /// one bit per JSON column of the table (whether or not either image has it) saying whether its after
    /// value is a diff.
    private static func partialJSONColumns(_ reader: inout ByteReader, layout: RowLayout) throws(BinlogDecodingError) -> [Int: Bool] {
        let options = try reader.lengthEncodedInteger("partial update value options")
        guard options & 1 != 0 else { return [:] }
        let jsonColumns = layout.jsonColumns
        let bits = try reader.bytes((jsonColumns.count + 7) / 8, "partial JSON bitmap")
        var partial: [Int: Bool] = [:]
        for (bit, column) in jsonColumns.enumerated() {
            partial[column] = Bitmap.isSet(bits, bit)
        }
        return partial
    }

}
