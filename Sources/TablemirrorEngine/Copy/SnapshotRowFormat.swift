import BinlogDecoding
import MariaDBClient

/// How a source table's rows, read as text through a snapshot, are written back as SQL literals: numbers as
/// they are (a quoted number compared with a BIGINT key would be compared as a double), bytes as hex, the
/// rest quoted; character columns in a set other than utf8mb3, utf8mb4 and latin1 (whose text survives the
/// connection's utf8mb4 unchanged) are read as their bytes and written back with their set's introducer. The
/// connection reading the rows and the one writing them both use time_zone +00:00, so TIMESTAMP text means the
/// same instant on both sides.
struct SnapshotRowFormat {
    enum Kind: Equatable { case number, float, bytes, text, encoded(Charset) }

    let table: QualifiedTableName
    let columns: [String]
    let kinds: [Kind]
    /// Indexes of the primary key's columns (empty: no primary key).
    var keyColumns: [Int] = []

    /// Reads the table's columns. The table is opened first: inside a snapshot that takes its metadata lock
    /// (no DDL can change it until the snapshot ends, so the columns read here are the rows' columns), and a
    /// table that is missing or changed after the snapshot began fails with the server's own error (1146, 1412).
    static func read(_ table: QualifiedTableName, from source: MariaDBConnection) throws -> SnapshotRowFormat {
        _ = try source.query("SELECT * FROM \(table.quoted) LIMIT 0")
        let result = try source.query("""
            SELECT COLUMN_NAME, DATA_TYPE, COLUMN_KEY, CHARACTER_SET_NAME FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = \(SQLLiteral.quotedString(table.database)) AND TABLE_NAME = \(SQLLiteral.quotedString(table.table))
            ORDER BY ORDINAL_POSITION
            """)
        guard !result.rows.isEmpty else { throw EngineError.invalidArgument("\(table) does not exist on the source") }
        let numbers: Set<String> = ["tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "double"]
        let bytes: Set<String> = ["binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "bit", "geometry",
                                  "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                                  "geometrycollection"]
        var columns: [String] = [], kinds: [Kind] = [], key: [Int] = []
        for row in result.rows.indices {
            if result.string(row, 2) == "PRI" { key.append(row) }
            columns.append(result.string(row, 0) ?? "")
            let type = (result.string(row, 1) ?? "").lowercased()
            kinds.append(type == "float" ? .float : numbers.contains(type) ? .number : bytes.contains(type) ? .bytes : .text)
            if let name = result.string(row, 3) {
                guard let charset = Charset.named(name) else {
                    throw EngineError.unknownCharacterSet(table: table.description, column: columns[row], detail: "information_schema says \(name)")
                }
                if case .other = TextEncoding(charset) { kinds[row] = .encoded(charset) }
            }
        }
        return SnapshotRowFormat(table: table, columns: columns, kinds: kinds, keyColumns: key)
    }

    /// Every column in table order, as expressions whose text reads back exactly: the server prints a FLOAT
    /// with six digits (1.0000001 as "1"), so FLOATs are read as doubles, which round back to the same FLOAT.
    var selectList: String { expressions.joined(separator: ", ") }

    var expressions: [String] {
        columns.indices.map { index in
            let name = SQLLiteral.identifier(columns[index])
            switch kinds[index] {
            case .float: return "\(name) + 0e0"
            case .encoded: return "CAST(\(name) AS BINARY)"
            default: return name
            }
        }
    }

    /// A 64-bit hash of a whole row, the same on any server holding the same values (NULL told from '').
    var rowHash: String {
        let nulls = "CONCAT(" + columns.map { "ISNULL(\(SQLLiteral.identifier($0)))" }.joined(separator: ", ") + ")"
        return "CAST(CONV(LEFT(MD5(CONCAT_WS(0x1F, \(selectList), \(nulls))), 16), 16, 10) AS UNSIGNED)"
    }

    var columnList: String { "(" + columns.map(SQLLiteral.identifier).joined(separator: ", ") + ")" }

    func render(_ cell: QueryResult.Cell, column index: Int, into out: inout String) {
        guard let cell else { out += "NULL"; return }
        switch kinds[index] {
        case .number, .float: out += String(decoding: cell, as: UTF8.self)
        case .bytes: SQLLiteral.hex(cell, into: &out)
        case .text: SQLLiteral.quoted(String(decoding: cell, as: UTF8.self), into: &out)
        case let .encoded(charset): SQLLiteral.render(.encoded(cell, charset: charset), column: columns[index], into: &out)
        }
    }

    /// `(v1, v2, …)` for a whole row.
    func renderRow(_ cells: [QueryResult.Cell], into out: inout String) {
        out += "("
        for index in cells.indices {
            if index > 0 { out += ", " }
            render(cells[index], column: index, into: &out)
        }
        out += ")"
    }
}
