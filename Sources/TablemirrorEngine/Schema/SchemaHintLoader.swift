import BinlogDecoding
import MariaDBClient

/// Reads a table's columns from the source's information_schema, for binlogs written without full metadata.
public enum SchemaHintLoader {
    public static func load(_ table: QualifiedTableName, from connection: MariaDBConnection) throws(MariaDBError) -> TableSchemaHint? {
        let result = try connection.query("""
            SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, CHARACTER_SET_NAME, COLUMN_KEY
            FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = \(connection.quote(table.database)) AND TABLE_NAME = \(connection.quote(table.table))
            ORDER BY ORDINAL_POSITION
            """)
        guard !result.rows.isEmpty else { return nil }
        var columns: [TableSchemaHint.Column] = []
        var primaryKey: [Int] = []
        for row in result.rows.indices {
            let columnType = result.string(row, 1) ?? ""
            let dataType = (result.string(row, 2) ?? "").lowercased()
            let binaryTypes: Set<String> = ["binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"]
            columns.append(TableSchemaHint.Column(
                name: result.string(row, 0) ?? "@\(row + 1)",
                isUnsigned: columnType.lowercased().contains("unsigned"),
                characterSet: binaryTypes.contains(dataType) ? "binary" : result.string(row, 3),
                enumValues: dataType == "enum" ? parseValueList(columnType) : nil,
                setValues: dataType == "set" ? parseValueList(columnType) : nil))
            if result.string(row, 4) == "PRI" { primaryKey.append(row) }
        }
        return TableSchemaHint(columns: columns, primaryKey: primaryKey)
    }

    /// `enum('a','b''c')` → ["a", "b'c"].
    static func parseValueList(_ columnType: String) -> [String] {
        guard let open = columnType.firstIndex(of: "("), let close = columnType.lastIndex(of: ")"), open < close else { return [] }
        var values: [String] = []
        var current = ""
        var inQuote = false
        var characters = columnType[columnType.index(after: open)..<close].makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if inQuote {
                if character == "'" {
                    if pending == "'" {
                        current.append("'")
                        pending = characters.next()
                    } else {
                        inQuote = false
                        values.append(current)
                        current = ""
                    }
                } else if character == "\\", let escaped = pending {
                    current.append(escaped)
                    pending = characters.next()
                } else {
                    current.append(character)
                }
            } else if character == "'" {
                inQuote = true
            }
        }
        return values
    }
}
