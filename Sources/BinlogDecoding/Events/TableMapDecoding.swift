/// Decodes table map events, including the optional metadata that `binlog_row_metadata` adds.
enum TableMapDecoding {
    static func decode(_ reader: inout ByteReader, tableIDWidth: Int) throws(BinlogDecodingError) -> TableMap {
        let tableID = try reader.uintLE(tableIDWidth, "table id")
        let flags = try reader.uint16("table map flags")
        let database = try reader.lengthPrefixedNulTerminatedName("table map database")
        let table = try reader.lengthPrefixedNulTerminatedName("table map table")
        let columnCount = try reader.lengthEncodedCount("table map column count")
        let typeCodes = try reader.bytes(columnCount, "column types")
        let metadataLength = try reader.lengthEncodedCount("column metadata length")
        var metadataReader = try reader.subReader(metadataLength, "column metadata")
        var columns: [ColumnDefinition] = []
        columns.reserveCapacity(columnCount)
        for (index, code) in typeCodes.enumerated() {
            guard let type = ColumnType(rawValue: code) else {
                throw .unsupportedColumnType(typeCode: code, column: index)
            }
            columns.append(try column(type: type, code: code, metadata: &metadataReader))
        }
        let nullBitmap = try reader.bytes((columnCount + 7) / 8, "nullability bitmap")
        for index in 0..<columnCount {
            columns[index].isNullable = Bitmap.isSet(nullBitmap, index)
        }
        var map = TableMap(tableID: tableID, flags: flags, database: database, table: table, columns: columns, primaryKey: nil)
        try applyOptionalMetadata(&reader, to: &map)
        return map
    }

    private static func column(type: ColumnType, code: UInt8, metadata reader: inout ByteReader) throws(BinlogDecodingError) -> ColumnDefinition {
        var realType = type
        var metadata: UInt16 = 0
        switch type.metadataLength {
        case 1:
            metadata = UInt16(try reader.uint8("column metadata"))
        case 2:
            switch type {
            case .string, .enumeration, .set:
                // CHAR/ENUM/SET: real type first, then length; the real type byte also carries
                // two high bits of a CHAR's length (for lengths over 255 bytes).
                let first = try reader.uint8("string metadata")
                let second = try reader.uint8("string metadata")
                if first & 0x30 != 0x30 {
                    realType = ColumnType(rawValue: first | 0x30) ?? .string
                    let length = UInt16(second) | (UInt16((first & 0x30) ^ 0x30) << 4)
                    metadata = length
                } else {
                    realType = ColumnType(rawValue: first) ?? .string
                    metadata = UInt16(second)
                }
            case .newDecimal, .bit:
                // Two separate bytes: precision/scale, or bits-in-last-byte/whole bytes.
                let first = try reader.uint8("column metadata")
                let second = try reader.uint8("column metadata")
                metadata = UInt16(first) << 8 | UInt16(second)
            default:
                metadata = try reader.uint16("column metadata")
            }
        default:
            break
        }
        return ColumnDefinition(typeCode: code, realType: realType, metadata: metadata, isNullable: true)
    }

    private enum OptionalField: UInt8 {
        case signedness = 1, defaultCharset, columnCharset, columnName, setValues, enumValues, geometryType,
             simplePrimaryKey, primaryKeyWithPrefix, enumAndSetDefaultCharset, enumAndSetColumnCharset, columnVisibility
    }

    private static func applyOptionalMetadata(_ reader: inout ByteReader, to map: inout TableMap) throws(BinlogDecodingError) {
        while !reader.isAtEnd {
            let typeByte = try reader.uint8("optional metadata type")
            let length = try reader.lengthEncodedCount("optional metadata length")
            var field = try reader.subReader(length, "optional metadata field")
            guard let kind = OptionalField(rawValue: typeByte) else { continue }
            switch kind {
            case .signedness:
                let bitmap = field.restBytes()
                var numericIndex = 0
                for index in map.columns.indices where map.columns[index].realType.isNumeric {
                    // Most significant bit first, one bit per numeric column.
                    let byte = numericIndex / 8
                    if byte < bitmap.count {
                        map.columns[index].isUnsigned = bitmap[byte] & (0x80 >> UInt8(numericIndex % 8)) != 0
                    }
                    numericIndex += 1
                }
            case .defaultCharset:
                try applyDefaultCharset(&field, to: &map, where: { $0.isCharacter })
            case .enumAndSetDefaultCharset:
                try applyDefaultCharset(&field, to: &map, where: { $0.isEnumOrSet })
            case .columnCharset:
                try applyColumnCharsets(&field, to: &map, where: { $0.isCharacter })
            case .enumAndSetColumnCharset:
                try applyColumnCharsets(&field, to: &map, where: { $0.isEnumOrSet })
            case .columnName:
                for index in map.columns.indices {
                    let nameLength = try field.lengthEncodedCount("column name length")
                    map.columns[index].name = try field.string(nameLength, "column name")
                }
            case .setValues:
                let lists = try stringLists(&field)
                for (index, list) in zip(map.columns.indices.filter { map.columns[$0].realType == .set }, lists) {
                    map.columns[index].setValues = list
                }
            case .enumValues:
                let lists = try stringLists(&field)
                for (index, list) in zip(map.columns.indices.filter { map.columns[$0].realType == .enumeration }, lists) {
                    map.columns[index].enumValues = list
                }
            case .simplePrimaryKey:
                var key: [Int] = []
                while !field.isAtEnd { key.append(try columnIndex(&field, in: map)) }
                map.primaryKey = key
            case .primaryKeyWithPrefix:
                var key: [Int] = []
                while !field.isAtEnd {
                    key.append(try columnIndex(&field, in: map))
                    _ = try field.lengthEncodedInteger("primary key prefix")
                }
                map.primaryKey = key
            case .geometryType, .columnVisibility:
                break
            }
        }
    }

    private static func applyDefaultCharset(_ field: inout ByteReader, to map: inout TableMap,
                                            where covers: (ColumnDefinition) -> Bool) throws(BinlogDecodingError) {
        let defaultCollation = try field.lengthEncodedInteger("default collation")
        var overrides: [Int: UInt64] = [:]
        while !field.isAtEnd {
            let column = Int(clamping: try field.lengthEncodedInteger("charset column index"))
            overrides[column] = try field.lengthEncodedInteger("charset collation")
        }
        var covered = 0
        for index in map.columns.indices where covers(map.columns[index]) {
            // Override indexes count only the covered columns.
            map.columns[index].textEncoding = TextEncoding(collationID: overrides[covered] ?? defaultCollation)
            covered += 1
        }
    }

    private static func applyColumnCharsets(_ field: inout ByteReader, to map: inout TableMap,
                                            where covers: (ColumnDefinition) -> Bool) throws(BinlogDecodingError) {
        for index in map.columns.indices where covers(map.columns[index]) {
            guard !field.isAtEnd else { break }
            map.columns[index].textEncoding = TextEncoding(collationID: try field.lengthEncodedInteger("column collation"))
        }
    }

    private static func columnIndex(_ field: inout ByteReader, in map: TableMap) throws(BinlogDecodingError) -> Int {
        let index = try field.lengthEncodedInteger("primary key column")
        guard index < UInt64(map.columns.count) else {
            throw .malformed(what: "primary key metadata", detail: "column \(index) of \(map.columns.count)")
        }
        return Int(index)
    }

    private static func stringLists(_ field: inout ByteReader) throws(BinlogDecodingError) -> [[String]] {
        var lists: [[String]] = []
        while !field.isAtEnd {
            let count = try field.lengthEncodedCount("value count")
            var list: [String] = []
            for _ in 0..<count {
                let length = try field.lengthEncodedCount("value length")
                list.append(try field.string(length, "enum or set value"))
            }
            lists.append(list)
        }
        return lists
    }
}

enum Bitmap {
    @inline(__always)
    static func isSet(_ bitmap: [UInt8], _ index: Int) -> Bool {
        bitmap[index >> 3] & (1 << UInt8(index & 7)) != 0
    }

    /// Set bits among the first `bits` (the bytes past them are zero-padded by the server, but mask anyway).
    static func popCount(_ bitmap: [UInt8], bits: Int) -> Int {
        var count = 0
        for byteIndex in 0..<((bits + 7) / 8) {
            let remaining = bits - byteIndex * 8
            let mask: UInt8 = remaining >= 8 ? 0xFF : UInt8((1 << remaining) - 1)
            count += (bitmap[byteIndex] & mask).nonzeroBitCount
        }
        return count
    }
}
