#if canImport(Glibc)
import Glibc
#endif
@testable import BinlogDecoding
import Testing

/// The decoder against a second opinion: beside most fixture binlogs lies what
/// `mariadb-binlog --verbose --base64-output=decode-rows` (TZ=UTC) printed for it. Every row change that tool
/// printed must come out of our decoder too, in the same order, on the same table, with the same operation,
/// the same columns present in each image, and the same value in each column.
///
/// The comparison renders our values the way mariadb-binlog prints them (see `ReferenceForm`) and compares
/// bytes, rather than parsing the tool's output back into values: the printed forms are a function of the
/// stored bytes, so rendering is exact, while parsing them back would not be (its string quoting, for one,
/// cannot be inverted).
@Suite("Fixture reference decodings", .enabled(if: Fixtures.isAvailable, Fixtures.missingComment))
struct FixtureReferenceTests {
    static let fixtures = ReferenceFixture.all()

    @Test("The fixtures are present")
    func fixturesArePresent() {
        #expect(Self.fixtures.contains { $0.referencePath != nil },
                "no binlog fixtures with reference decodings under \(Fixtures.root)/binlogs (set TM_TEST_FIXTURES)")
    }

    @Test("Rows agree with mariadb-binlog", arguments: fixtures)
    func rowsAgreeWithReference(_ fixture: ReferenceFixture) throws {
        let decoded = DecodedFile(path: fixture.binlogPath)
        guard let referencePath = fixture.referencePath else {
            // mariadb-binlog could not decode this file fully (compressed payloads, JSON, tagged GTIDs, corrupt
            // bytes): nothing to compare against. Reaching this line means our decoder neither crashed nor hung;
            // every failure it reports is a BinlogDecodingError by the decoder's typed throws.
            print("[FixtureReference] \(fixture.name): no reference decoding (mariadb-binlog failed); ours: "
                  + "\(decoded.eventCount) events, \(decoded.rows.count) rows, "
                  + (decoded.failure.map { "stopped: \($0)" } ?? "decoded to the end"))
            return
        }
        let reference = ReferenceDecoding.parse(Fixtures.readFile(referencePath))
        try #require(reference.problems.isEmpty, "\(fixture.name): unreadable reference: \(reference.problems.prefix(5))")

        var comparison = RowComparison(fileName: fixture.name)
        comparison.compare(reference: reference.rows, decoded: decoded.rows)

        print("[FixtureReference] \(fixture.name): \(comparison.rowsCompared) rows compared, "
              + "\(comparison.valuesCompared) values, \(comparison.mismatchCount) mismatches"
              + (decoded.failure.map { "; decoder stopped: \($0)" } ?? ""))
        if let failure = decoded.failure {
            Issue.record("\(fixture.name): mariadb-binlog decoded this file, ours stopped: \(failure)")
        }
        if comparison.mismatchCount > 0 {
            Issue.record(Comment(rawValue: comparison.report()))
        }
    }
}

// MARK: - Fixture files
extension FixtureReferenceTests {

    /// A binlog fixture and, when mariadb-binlog decoded it fully, the path of that decoding.
    struct ReferenceFixture: Sendable, CustomTestStringConvertible {
        /// `owner__repo/file`, for messages.
        let name: String
        let binlogPath: String
        /// nil when only a `.mariadb-binlog.FAILED.txt` marker lies beside the binlog (or nothing at all).
        let referencePath: String?

        var testDescription: String { name }

        static func all() -> [ReferenceFixture] {
            Fixtures.binlogFiles().map { path in
                let name = path.split(separator: "/").suffix(2).joined(separator: "/")
                let reference = path + ".mariadb-binlog.txt"
                return ReferenceFixture(name: name, binlogPath: path, referencePath: access(reference, F_OK) == 0 ? reference : nil)
            }
        }
    }
}

// MARK: - Our side
extension FixtureReferenceTests {

    /// One row change as our decoder produced it, with the table map columns it was decoded with.
    struct DecodedRow {
        var message: RowChangeMessage
        var columns: [ColumnDefinition]
    }

    /// A whole file through EventFramer, BinlogEventDecoder and ChangeStream, stopping at the first error.
    struct DecodedFile {
        private(set) var rows: [DecodedRow] = []
        private(set) var eventCount = 0
        /// Why decoding stopped before the end of the file, if it did.
        private(set) var failure: String?

        private var tableMaps: [UInt64: TableMap] = [:]
        private var stream: ChangeStream

        init(path: String) {
            stream = ChangeStream(file: String(path.split(separator: "/").last ?? ""))
            var framer = EventFramer()
            framer.append(Fixtures.readFile(path))
            var decoder = BinlogEventDecoder()
            while true {
                let offset = framer.fileOffset
                do throws(BinlogDecodingError) {
                    guard let bytes = try framer.next() else { break }
                    eventCount += 1
                    visit(try decoder.decode(bytes))
                } catch {
                    failure = "event at offset \(offset): \(error)"
                    return
                }
            }
            if framer.pendingByteCount > 0 {
                failure = "file ends inside an event: \(framer.pendingByteCount) bytes left at offset \(framer.fileOffset)"
            }
        }

        private mutating func visit(_ event: DecodedEvent) {
            var columns: [ColumnDefinition] = []
            switch event.body {
            case let .tableMap(map):
                tableMaps[map.tableID] = map
            case let .transactionPayload(inner):
                // What ChangeStream does with a payload, one inner event at a time so table maps are tracked too.
                for innerEvent in inner { visit(innerEvent) }
                return
            case let .rows(rowsEvent):
                columns = tableMaps[rowsEvent.tableID]?.columns ?? []
            default:
                break
            }
            for change in stream.changes(for: event) {
                if case let .row(message) = change { rows.append(DecodedRow(message: message, columns: columns)) }
            }
        }
    }
}

// MARK: - The reference side
extension FixtureReferenceTests {

    /// The row changes in mariadb-binlog's verbose output:
    ///
    ///     ### UPDATE `db`.`t`
    ///     ### WHERE
    ///     ###   @1=1
    ///     ###   @2='a' /* VARSTRING(40) meta=40 nullable=1 is_null=0 */     (the comment only with -vv)
    ///     ### SET
    ///     ###   @1=1
    ///
    /// Read as bytes, not text: the tool writes column bytes above 0x1F as they are, so the output is in whatever
    /// character set each column used, not necessarily UTF-8. It writes bytes up to 0x1F as `\xNN`, so every
    /// value stays on its line.
    enum ReferenceDecoding {
        struct Row {
            var database: String
            var table: String
            var operation: RowChangeMessage.Operation
            /// The WHERE image: 1-based column numbers with the printed value.
            var before: [(column: Int, text: [UInt8])]?
            /// The SET image.
            var after: [(column: Int, text: [UInt8])]?
            /// 1-based line in the reference file where the row starts.
            var line: Int
        }

        static func parse(_ bytes: [UInt8]) -> (rows: [Row], problems: [String]) {
            var rows: [Row] = []
            var problems: [String] = []
            var section: WritableKeyPath<Row, [(column: Int, text: [UInt8])]?>?
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                defer { start = end + 1 }
                lineNumber += 1
                let line = bytes[start..<end]
                guard line.starts(with: Marker.rowLine) else { continue }
                if let name = line.dropping(Marker.insert) {
                    rows.append(newRow(.insert, name, lineNumber, &problems))
                    section = nil
                } else if let name = line.dropping(Marker.update) {
                    rows.append(newRow(.update, name, lineNumber, &problems))
                    section = nil
                } else if let name = line.dropping(Marker.delete) {
                    rows.append(newRow(.delete, name, lineNumber, &problems))
                    section = nil
                } else if line.elementsEqual(Marker.whereSection) || line.elementsEqual(Marker.setSection) {
                    let path: WritableKeyPath<Row, [(column: Int, text: [UInt8])]?> =
                        line.elementsEqual(Marker.whereSection) ? \.before : \.after
                    guard !rows.isEmpty, rows[rows.count - 1][keyPath: path] == nil else {
                        problems.append("line \(lineNumber): unexpected \(String(decoding: line, as: UTF8.self))")
                        continue
                    }
                    rows[rows.count - 1][keyPath: path] = []
                    section = path
                } else if let rest = line.dropping(Marker.column) {
                    guard let equals = rest.firstIndex(of: UInt8(ascii: "=")),
                          let column = Int(String(decoding: rest[..<equals], as: UTF8.self)),
                          let section, !rows.isEmpty else {
                        problems.append("line \(lineNumber): column line outside a row image")
                        continue
                    }
                    rows[rows.count - 1][keyPath: section]?.append((column, valueText(rest[(equals + 1)...])))
                } else {
                    problems.append("line \(lineNumber): unknown row line \(String(decoding: line.prefix(80), as: UTF8.self))")
                }
            }
            return (rows, problems)
        }

        private enum Marker {
            static let rowLine = Array("### ".utf8)
            static let insert = Array("### INSERT INTO ".utf8)
            static let update = Array("### UPDATE ".utf8)
            static let delete = Array("### DELETE FROM ".utf8)
            static let whereSection = Array("### WHERE".utf8)
            static let setSection = Array("### SET".utf8)
            static let column = Array("###   @".utf8)
            static let typeComment = Array(" /* ".utf8)
            static let commentEnd = Array(" */".utf8)
            static let metaField = Array(" meta=".utf8)
        }

        private static func newRow(_ operation: RowChangeMessage.Operation, _ name: ArraySlice<UInt8>, _ line: Int,
                                   _ problems: inout [String]) -> Row {
            // `db`.`table`
            let text = String(decoding: name, as: UTF8.self)
            var database = "", table = ""
            if text.hasPrefix("`"), text.hasSuffix("`"), let separator = text.firstRange(of: "`.`") {
                database = String(text[text.index(after: text.startIndex)..<separator.lowerBound])
                table = String(text[separator.upperBound..<text.index(before: text.endIndex)])
            } else {
                problems.append("line \(line): table name \(text)")
            }
            return Row(database: database, table: table, operation: operation, line: line)
        }

        /// The printed value without -vv's trailing type comment, and without the padding that FLOAT's `%-20g`
        /// adds (no printed form ends in a space of its own: strings end with their closing quote).
        private static func valueText(_ value: ArraySlice<UInt8>) -> [UInt8] {
            var value = value
            if value.ends(with: Marker.commentEnd), let comment = value.lastRange(of: Marker.typeComment),
               value[comment.upperBound...].firstRange(of: Marker.metaField) != nil {
                value = value[..<comment.lowerBound]
            }
            while value.last == UInt8(ascii: " ") { value.removeLast() }
            return Array(value)
        }
    }
}

private extension ArraySlice<UInt8> {
    func dropping(_ prefix: [UInt8]) -> ArraySlice<UInt8>? {
        starts(with: prefix) ? dropFirst(prefix.count) : nil
    }

    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(endIndex - suffix.count)...].elementsEqual(suffix)
    }

    func lastRange(of pattern: [UInt8]) -> Range<Int>? {
        guard count >= pattern.count else { return nil }
        for start in stride(from: endIndex - pattern.count, through: startIndex, by: -1)
        where self[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start..<(start + pattern.count)
        }
        return nil
    }
}

// MARK: - Our values in mariadb-binlog's print forms
extension FixtureReferenceTests {

    /// How mariadb-binlog's verbose mode prints a column value, worked out from its output in the fixtures
    /// (and its -vv type comments). Each form is a function of the stored bytes, so rendering ours and comparing
    /// bytes is exact, except where the printed form itself loses information:
    /// - FLOAT prints six significant digits, so our value is checked to that precision only;
    /// - BINARY(n) prints without its trailing zero bytes, which our decoder restores (see `.bytes`);
    /// - MySQL's JSON type has no print form (the tool fails on such files, so they have no reference).
    /// Forms for types the fixtures do not contain (YEAR, fractional TIME/DATETIME, multi-byte SET, BINARY,
    /// GEOMETRY) follow the same printing rules but are not exercised by any reference.
    enum ReferenceForm {
        /// The printed form of one of our values, nil for a value the tool has no print form for (it fails on
        /// MySQL's JSON type, so a file with JSON columns has no reference to compare against anyway).
        static func render(_ value: ColumnValue, column: ColumnDefinition?) -> [UInt8]? {
            switch value {
            case .null:
                return Array("NULL".utf8)
            case let .signed(number):
                // Integers are printed as read signed at the column's width and, when that is negative, the same
                // bits read unsigned in parentheses: `-1 (18446744073709551615)`. Whether our decoder read the
                // column signed (no signedness metadata) or unsigned, the bits, and so the form, are the same.
                // A value outside the column's range (a sign extension gone wrong) is rendered as itself, so it
                // cannot match by having its surplus bits masked off.
                let width = integerWidth(column)
                let bits = Int64(8 * width)
                guard width == 8 || (number >= -(1 << (bits - 1)) && number < 1 << (bits - 1)) else {
                    return Array("\(number) (out of range for a \(width)-byte column)".utf8)
                }
                return integerForm(UInt64(bitPattern: number), width: width)
            case let .unsigned(number):
                let width = integerWidth(column)
                guard width == 8 || number < UInt64(1) << UInt64(8 * width) else {
                    return Array("\(number) (out of range for a \(width)-byte column)".utf8)
                }
                return integerForm(number, width: width)
            case let .float(number):
                // FLOAT: printf `%-20g`, six significant digits (the padding is dropped from the reference).
                // Rendered from our value with the same printf, so the comparison is exact at that precision.
                return Array(printf("%g", Double(number)).utf8)
            case let .double(number):
                // DOUBLE: printf `%.20g`, more digits than a double holds, so exact.
                return Array(printf("%.20g", number).utf8)
            case let .decimal(digits):
                // DECIMAL: every digit of the declared scale, as the server prints it; ours must be the same text.
                return Array(digits.utf8)
            case let .year(year):
                // YEAR: the stored byte plus 1900 (so 0, the zero year, prints as 1900).
                return Array(digits(year == 0 ? 1900 : Int(year), 4).utf8)
            case let .date(date):
                // DATE: with colons, `'2020:01:02'`.
                return Array("'\(digits(Int(date.year), 4)):\(digits(Int(date.month), 2)):\(digits(Int(date.day), 2))'".utf8)
            case let .time(time):
                return Array(("'" + (time.isNegative ? "-" : "") + "\(digits(Int(time.hours), 2)):"
                    + "\(digits(Int(time.minutes), 2)):\(digits(Int(time.seconds), 2))"
                    + fraction(time.microseconds, precision: time.precision) + "'").utf8)
            case let .datetime(value):
                return Array(("'\(digits(Int(value.date.year), 4))-\(digits(Int(value.date.month), 2))-\(digits(Int(value.date.day), 2)) "
                    + "\(digits(Int(value.hours), 2)):\(digits(Int(value.minutes), 2)):\(digits(Int(value.seconds), 2))"
                    + fraction(value.microseconds, precision: value.precision) + "'").utf8)
            case let .timestamp(seconds, microseconds, precision):
                // TIMESTAMP: seconds since the epoch, with the declared fractional digits: `1748678689.574`.
                return Array((String(seconds) + fraction(microseconds, precision: precision)).utf8)
            case let .enumeration(index, _):
                // ENUM: the 1-based index.
                return Array(String(index).utf8)
            case let .set(bits, _):
                // SET: the stored bytes as bits, `b'00000101'`. The tool prints the bytes in stored order, most
                // significant bit first, and SET is stored little-endian: for a multi-byte set the bytes print
                // lowest first.
                let byteCount = max(1, Int((column?.metadata ?? 1) & 0xFF))
                var text = "b'"
                for byte in 0..<byteCount {
                    let value = UInt8(truncatingIfNeeded: bits >> UInt64(8 * byte))
                    text += binary(UInt64(value), width: 8)
                }
                return Array((text + "'").utf8)
            case let .bit(bits, width):
                // BIT(n): its n bits, `b'101'`.
                return Array(("b'" + binary(bits, width: width) + "'").utf8)
            case let .text(text):
                return quoted(textBytes(text, column: column))
            case let .bytes(bytes):
                // BINARY(n) is stored without its trailing zero bytes and printed that way; our decoder pads it
                // back to n bytes as SELECT shows it. The stored value never ends in a zero byte, so stripping
                // ours loses nothing the reference could show.
                if column?.realType == .string, column?.textEncoding == .binary {
                    var stored = bytes[...]
                    while stored.last == 0 { stored.removeLast() }
                    return quoted(Array(stored))
                }
                return quoted(bytes)
            case let .encoded(bytes, _):
                // A character value in its own character set: mariadb-binlog prints its stored bytes.
                return quoted(bytes)
            case let .geometry(bytes):
                return quoted(bytes)
            case .json, .jsonDiff:
                return nil
            }
        }

        /// The column's integer width in bytes; 8 when the column is not known.
        private static func integerWidth(_ column: ColumnDefinition?) -> Int {
            switch column?.realType {
            case .tiny: return 1
            case .short: return 2
            case .int24: return 3
            case .long: return 4
            default: return 8
            }
        }

        private static func integerForm(_ bits: UInt64, width: Int) -> [UInt8] {
            let unusedBits = UInt64(64 - 8 * width)
            let unsigned = unusedBits == 0 ? bits : bits & ((1 << (64 - unusedBits)) - 1)
            let signed = Int64(bitPattern: unsigned << unusedBits) >> Int64(unusedBits)
            return Array((signed < 0 ? "\(signed) (\(unsigned))" : "\(signed)").utf8)
        }

        /// Strings, BLOBs and TEXT: quoted, bytes above 0x1F as they are (quotes and backslashes included, not
        /// escaped), bytes up to 0x1F as `\xNN`.
        static func quoted(_ bytes: [UInt8]) -> [UInt8] {
            let hex = Array("0123456789abcdef".utf8)
            var out: [UInt8] = [UInt8(ascii: "'")]
            out.reserveCapacity(bytes.count + 2)
            for byte in bytes {
                if byte > 0x1F {
                    out.append(byte)
                } else {
                    out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
            }
            out.append(UInt8(ascii: "'"))
            return out
        }

        /// The stored bytes of a text value: our decoder turned latin1 columns into Unicode, everything else was UTF-8.
        private static func textBytes(_ text: String, column: ColumnDefinition?) -> [UInt8] {
            guard column?.textEncoding == .latin1 else { return Array(text.utf8) }
            return text.unicodeScalars.map { latin1Bytes[$0.value] ?? UInt8(ascii: "?") }
        }

        /// The inverse of the decoder's latin1 (Windows-1252) table.
        private static let latin1Bytes: [UInt32: UInt8] = {
            var table: [UInt32: UInt8] = [:]
            for byte in 0...255 {
                if let scalar = Latin1.decode([UInt8(byte)][...]).unicodeScalars.first { table[scalar.value] = UInt8(byte) }
            }
            return table
        }()

        private static func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value.magnitude)
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - text.count)) + text
        }

        private static func fraction(_ microseconds: UInt32, precision: UInt8) -> String {
            guard precision > 0 else { return "" }
            return "." + digits(Int(microseconds), 6).prefix(Int(min(precision, 6)))
        }

        private static func binary(_ value: UInt64, width: Int) -> String {
            guard width > 0 else { return "" }
            return String((0..<width).reversed().map { value >> UInt64($0) & 1 == 1 ? "1" : "0" })
        }

        static func printf(_ format: String, _ value: Double) -> String {
            var buffer = [CChar](repeating: 0, count: 512)
            let count = withVaList([value]) { arguments in
                buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
            }
            return String(decoding: buffer.prefix(max(0, min(Int(count), buffer.count - 1))).map { UInt8(bitPattern: $0) },
                          as: UTF8.self)
        }
    }
}

// MARK: - Comparison
extension FixtureReferenceTests {

    /// Compares the reference rows with ours, in order, and keeps what differed.
    struct RowComparison {
        struct Mismatch {
            var row: Int
            var referenceLine: Int
            var table: String
            var detail: String
            /// What kind of difference, for grouping: the column type and the value case, or the structural kind.
            var kind: String
        }

        let fileName: String
        private(set) var rowsCompared = 0
        private(set) var valuesCompared = 0
        private(set) var mismatches: [Mismatch] = []
        private(set) var mismatchCount = 0
        private(set) var countsByKind: [String: Int] = [:]

        init(fileName: String) {
            self.fileName = fileName
        }

        mutating func compare(reference: [ReferenceDecoding.Row], decoded: [DecodedRow]) {
            if reference.count != decoded.count {
                record(row: min(reference.count, decoded.count), line: reference.last?.line ?? 0, table: "-",
                       kind: "row count",
                       detail: "mariadb-binlog printed \(reference.count) row changes, our decoder gave \(decoded.count)")
            }
            for (index, (expected, ours)) in zip(reference, decoded).enumerated() {
                let message = ours.message
                let table = "\(expected.database).\(expected.table)"
                guard expected.database == message.database, expected.table == message.table,
                      expected.operation == message.operation else {
                    record(row: index, line: expected.line, table: table, kind: "row identity",
                           detail: "expected \(expected.operation) on \(table), got \(message.operation) on "
                               + "\(message.database).\(message.table); rows are out of step, comparison stops here")
                    return
                }
                rowsCompared += 1
                compareImage("WHERE", expected.before, message.before, ours.columns, row: index, line: expected.line, table: table)
                compareImage("SET", expected.after, message.after, ours.columns, row: index, line: expected.line, table: table)
            }
        }

        private mutating func compareImage(_ section: String, _ expected: [(column: Int, text: [UInt8])]?, _ image: RowImage?,
                                           _ columns: [ColumnDefinition], row: Int, line: Int, table: String) {
            guard let expected else {
                if image != nil {
                    record(row: row, line: line, table: table, kind: "image presence", detail: "\(section): reference has no such image, ours has one")
                }
                return
            }
            guard let image else {
                record(row: row, line: line, table: table, kind: "image presence", detail: "\(section): reference has the image, ours has none")
                return
            }
            // The columns each image carries (binlog_row_image MINIMAL/NOBLOB leave some out: not printed).
            let expectedColumns = expected.map(\.column)
            let ourColumns = image.values.indices.filter { image.values[$0] != nil }.map { $0 + 1 }
            if expectedColumns != ourColumns {
                record(row: row, line: line, table: table, kind: "columns in image",
                       detail: "\(section): reference columns @\(expectedColumns.map(String.init).joined(separator: ",@")), "
                           + "ours @\(ourColumns.map(String.init).joined(separator: ",@"))")
            }
            for (column, text) in expected {
                guard column >= 1, column <= image.values.count, let value = image.values[column - 1] else { continue }
                let definition = column <= columns.count ? columns[column - 1] : nil
                guard let rendered = ReferenceForm.render(value, column: definition) else { continue }
                valuesCompared += 1
                if rendered != text {
                    let type = definition.map(Self.describe) ?? "unknown type"
                    record(row: row, line: line, table: table, kind: "\(type.split(separator: " ").first ?? "?") as \(Self.caseName(value))",
                           detail: "\(section) @\(column) (\(type)): expected \(Self.show(text)), got \(Self.show(rendered)) "
                               + "from \(Self.show(value))")
                }
            }
        }

        private mutating func record(row: Int, line: Int, table: String, kind: String, detail: String) {
            mismatchCount += 1
            countsByKind[kind, default: 0] += 1
            // Keep the first few overall and the first of each kind.
            if mismatches.count < 12 || countsByKind[kind] == 1 {
                mismatches.append(Mismatch(row: row, referenceLine: line, table: table, detail: detail, kind: kind))
            }
        }

        func report() -> String {
            var lines = ["\(fileName): \(mismatchCount) mismatches in \(rowsCompared) rows compared ("
                + countsByKind.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"]
            for mismatch in mismatches {
                lines.append("  \(fileName) row \(mismatch.row) (reference line \(mismatch.referenceLine), \(mismatch.table)): \(mismatch.detail)")
            }
            return lines.joined(separator: "\n")
        }

        static func describe(_ column: ColumnDefinition) -> String {
            var text = "\(column.realType) meta=\(column.metadata) type=\(column.typeCode)"
            if let unsigned = column.isUnsigned { text += unsigned ? " unsigned" : " signed" }
            if column.isCharacter { text += " charset=\(column.textEncoding)" }
            return text
        }

        static func caseName(_ value: ColumnValue) -> String {
            String(String(describing: value).prefix { $0 != "(" })
        }

        static func show(_ bytes: [UInt8]) -> String {
            let text = String(decoding: bytes, as: UTF8.self)
            return text.count > 120 ? String(text.prefix(120)) + "…(\(bytes.count) bytes)" : text
        }

        static func show(_ value: ColumnValue) -> String {
            let text = String(describing: value)
            return text.count > 120 ? String(text.prefix(120)) + "…" : text
        }
    }
}
