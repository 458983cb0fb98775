/// The table `tablemirror status` prints in a terminal: one row per target, columns aligned, the state
/// coloured when asked. A plain value: rows in, lines out, so its layout is tested without a server.
public struct StatusTable: Sendable, Equatable {
    /// How a state reads at a glance. ANSI colours: green, yellow, red; `plain` is left uncoloured.
    public enum Tone: Sendable, Equatable {
        case healthy, moving, failing, plain

        var ansiColour: String? {
            switch self {
            case .healthy: return "\u{1B}[32m"
            case .moving: return "\u{1B}[33m"
            case .failing: return "\u{1B}[31m"
            case .plain: return nil
            }
        }
    }

    public struct Row: Sendable, Equatable {
        public var target: String
        public var state: String
        public var tone: Tone
        public var position: String?
        public var lagSeconds: Double?
        public var lagBytes: UInt64?
        public var rowsPerSecond: Double?
        public var deadLetters: Int?
        public var leader: String?
        public var gtid: String?

        public init(target: String, state: String, tone: Tone, position: String? = nil, lagSeconds: Double? = nil,
                    lagBytes: UInt64? = nil, rowsPerSecond: Double? = nil, deadLetters: Int? = nil, leader: String? = nil,
                    gtid: String? = nil) {
            self.target = target
            self.state = state
            self.tone = tone
            self.position = position
            self.lagSeconds = lagSeconds
            self.lagBytes = lagBytes
            self.rowsPerSecond = rowsPerSecond
            self.deadLetters = deadLetters
            self.leader = leader
            self.gtid = gtid
        }
    }

    public var rows: [Row]

    public init(rows: [Row]) { self.rows = rows }

    private enum Alignment { case left, right }

    /// The header and one line per row. Numbers are right-aligned, text left-aligned; a missing value is `-`.
    /// GTID is the last column because a MySQL GTID set can be long and would push every column after it.
    /// Colour wraps the padded state cell, so escape codes never count towards a column's width.
    public func lines(colour: Bool) -> [String] {
        let columns: [(title: String, alignment: Alignment, cell: (Row) -> String)] = [
            ("TARGET", .left, { $0.target }),
            ("STATE", .left, { $0.state }),
            ("POSITION", .left, { $0.position ?? "-" }),
            ("LAG S", .right, { $0.lagSeconds.map { String(format: "%.1f", $0) } ?? "-" }),
            ("LAG BYTES", .right, { $0.lagBytes.map(String.init) ?? "-" }),
            ("ROWS/S", .right, { $0.rowsPerSecond.map { String(Int($0.rounded())) } ?? "-" }),
            ("DEAD", .right, { $0.deadLetters.map(String.init) ?? "-" }),
            ("LEADER", .left, { $0.leader ?? "-" }),
            ("GTID", .left, { $0.gtid ?? "-" }),
        ]
        let cells = rows.map { row in columns.map { Self.printable($0.cell(row)) } }
        let widths = columns.indices.map { index in
            ([columns[index].title] + cells.map { $0[index] }).map(\.count).max() ?? 0
        }
        func line(_ values: [String], tone: Tone?) -> String {
            var parts: [String] = []
            for (index, value) in values.enumerated() {
                let isLast = index == values.count - 1
                let padding = String(repeating: " ", count: widths[index] - value.count)
                var cell = columns[index].alignment == .right ? padding + value : (isLast ? value : value + padding)
                if index == 1, colour, let code = tone?.ansiColour { cell = code + cell + "\u{1B}[0m" }
                parts.append(cell)
            }
            return parts.joined(separator: "  ")
        }
        return [line(columns.map(\.title), tone: nil)] + zip(rows, cells).map { line($1, tone: $0.tone) }
    }

    /// Text as it may reach a terminal: control characters (C0, DEL, C1 — escape sequences, a newline that would
    /// break the table) written as `\u{1B}`, so a server's error or a name cannot retitle, clear or write to the
    /// operator's terminal, or draw a table of its own.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
