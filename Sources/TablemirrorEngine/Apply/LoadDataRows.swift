import BinlogDecoding
import MariaDBClient

/// New rows of one table as one `LOAD DATA LOCAL` statement and the tab-separated rows it reads: the server stores
/// each field as it comes instead of parsing it out of SQL text (measured: 2.2–2.5 s against 3.1–3.3 s for the
/// same 260,000 rows as multi-row INSERT text, read-only triggers included; see BENCHMARKS.md).
///
/// Every value lands exactly as `SQLLiteral` writes it in an INSERT: text, JSON, numbers and times as their text
/// (read as utf8mb4 and converted to the column's set, as the session's INSERT text is), bytes and geometry as hex
/// through `UNHEX`, ENUM, SET, BIT and YEAR as the numbers the INSERT writes, through `CAST(… AS UNSIGNED)` (a
/// loaded field is a string, and the string '0' is YEAR 2000, '1' an ENUM member named 1). A value in another
/// character set is not loaded (`canLoad`): its bytes go as `_charset X'…'` in an INSERT.
///
/// A load skips a duplicate key and stores a value it must convert with only a warning; the connection checks that
/// every row was written without one (`MariaDBConnection.execute(_:serving:)`), so a load is exact or fails.
struct LoadDataRows {
    /// Fewer new rows go as INSERT text: a load costs the server a request for its rows and a reply.
    static let minimumRows = 64

    private enum FieldKind: Equatable {
        /// Written as text, stored as the column converts it.
        case text
        /// Hex digits, stored through UNHEX.
        case hex
        /// A number the column takes as its index, bits or year, through CAST(… AS UNSIGNED).
        case number
    }

    let plan: TableApplyPlan
    let names: [String]
    /// The present columns, in order; every row of the load has exactly these.
    let columns: [Int]
    /// Per present column, how its fields are written: nil while every field so far was NULL.
    private var kinds: [FieldKind?]
    private var data: [UInt8] = []
    private(set) var count = 0

    var byteCount: Int { data.count }

    /// Whether every value of the row can be loaded exactly.
    static func canLoad(_ image: RowImage) -> Bool {
        image.values.allSatisfy { value in
            guard let value else { return true }
            switch value {
            case .encoded, .jsonDiff: return false
            default: return true
            }
        }
    }

    init(plan: TableApplyPlan, names: [String], columns: [Int]) {
        self.plan = plan
        self.names = names
        self.columns = columns
        kinds = Array(repeating: nil, count: columns.count)
    }

    /// Whether `image` can join these rows: the same columns, each written the same way.
    func accepts(_ image: RowImage) -> Bool {
        image.values.indices.filter { image.values[$0] != nil } == columns
            && zip(columns, kinds).allSatisfy { column, kind in
                guard let kind, let value = image.values[column], let own = Self.kind(of: value) else { return true }
                return own == kind
            }
    }

    /// Adds a row that `canLoad` and `accepts` accepted.
    mutating func add(_ image: RowImage) {
        for (position, column) in columns.enumerated() {
            if position > 0 { data.append(UInt8(ascii: "\t")) }
            guard let value = image.values[column], let kind = Self.kind(of: value) else {
                data.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
                continue
            }
            kinds[position] = kind
            switch kind {
            case .text:
                append(escaped: Self.text(of: value))
            case .hex:
                appendHex(value.binaryBytes ?? [])
            case .number:
                data.append(contentsOf: SQLLiteral.render(value, column: names[column]).utf8)
            }
        }
        data.append(UInt8(ascii: "\n"))
        count += 1
    }

    /// The statement, and the rows it reads.
    func statement() -> TargetStatement {
        var targets: [String] = []
        var assignments: [String] = []
        for (position, column) in columns.enumerated() {
            let name = SQLLiteral.identifier(names[column])
            switch kinds[position] ?? .text {
            case .text:
                targets.append(name)
            case .hex:
                targets.append("@tm_\(position)")
                assignments.append("\(name) = UNHEX(@tm_\(position))")
            case .number:
                targets.append("@tm_\(position)")
                assignments.append("\(name) = CAST(@tm_\(position) AS UNSIGNED)")
            }
        }
        var sql = "LOAD DATA LOCAL INFILE '\(LocalRows.fileName)' INTO TABLE \(plan.qualifiedName) CHARACTER SET utf8mb4"
            + " FIELDS TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\' LINES STARTING BY '' TERMINATED BY '\\n'"
            + " (\(targets.joined(separator: ", ")))"
        if !assignments.isEmpty { sql += " SET " + assignments.joined(separator: ", ") }
        return TargetStatement(sql: sql, rows: LocalRows(bytes: data, count: count))
    }

    /// How a value is written; nil for NULL (and a FLOAT or DOUBLE that is not finite, which INSERT writes as NULL).
    private static func kind(of value: ColumnValue) -> FieldKind? {
        switch value {
        case .null: return nil
        case let .float(number): return number.isFinite ? .text : nil
        case let .double(number): return number.isFinite ? .text : nil
        case .bytes, .geometry: return .hex
        case .enumeration, .set, .bit, .year: return .number
        default: return .text
        }
    }

    private static func text(of value: ColumnValue) -> String {
        switch value {
        case .text, .json, .date, .time, .datetime, .timestamp: return value.sqlText ?? ""
        default: return SQLLiteral.render(value, column: "")
        }
    }

    /// The field's bytes, with the three bytes the load reads specially (escape, field and line terminators)
    /// escaped; every other byte is taken as it is.
    private mutating func append(escaped text: String) {
        var text = text
        reserve(text.utf8.count)
        text.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let escaped: UInt8
                switch bytes[index] {
                case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
                case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
                case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
                default: continue
                }
                data.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                data.append(contentsOf: [UInt8(ascii: "\\"), escaped])
                runStart = index + 1
            }
            data.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }

    /// Room for a large value at once (growing by doubling could hold three times it); small ones grow as usual,
    /// since reserving a little at a time defeats the doubling.
    private mutating func reserve(_ count: Int) {
        if count >= MemoryBudget.largeRow { data.reserveCapacity(data.count + count + 64) }
    }

    private mutating func appendHex(_ bytes: [UInt8]) {
        reserve(2 * bytes.count)
        for byte in bytes {
            data.append(SQLLiteral.hexDigits[Int(byte >> 4)])
            data.append(SQLLiteral.hexDigits[Int(byte & 0x0F)])
        }
    }
}
