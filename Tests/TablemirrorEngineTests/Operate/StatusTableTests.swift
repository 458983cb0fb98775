import Testing
@testable import TablemirrorEngine

/// The status table: columns aligned whatever the values' widths, numbers to the right, `-` for what is not
/// known, and colour only around the state, so it never shifts a column.
struct StatusTableTests {
    private let rows = [
        StatusTable.Row(target: "orders", state: "running", tone: .healthy, position: "bin.000003:1234", lagSeconds: 0,
                        lagBytes: 0, rowsPerSecond: 1250.4, deadLetters: 0, leader: "db-a-1", gtid: "0-1-55"),
        StatusTable.Row(target: "purchasing", state: "stopped with error (row-too-large)", tone: .failing,
                        position: "bin.000002:98765", lagSeconds: 312.3, lagBytes: 1_048_576, deadLetters: 3),
        StatusTable.Row(target: "far", state: "unreachable", tone: .failing),
    ]

    @Test func columnsAreAlignedWithoutColour() {
        let lines = StatusTable(rows: rows).lines(colour: false)
        #expect(lines == [
            "TARGET      STATE                               POSITION          LAG S  LAG BYTES  ROWS/S  DEAD  LEADER  GTID",
            "orders      running                             bin.000003:1234     0.0          0    1250     0  db-a-1  0-1-55",
            "purchasing  stopped with error (row-too-large)  bin.000002:98765  312.3    1048576       -     3  -       -",
            "far         unreachable                         -                     -          -       -     -  -       -",
        ])
        #expect(!lines.joined().contains("\u{1B}"))
    }

    @Test func colourWrapsOnlyTheStateAndKeepsTheColumns() {
        let plain = StatusTable(rows: rows).lines(colour: false)
        let coloured = StatusTable(rows: rows).lines(colour: true)
        #expect(coloured[0] == plain[0], "the header is never coloured")
        // The state column is as wide as its longest state (34 characters), padding inside the colour.
        #expect(coloured[1].contains("\u{1B}[32mrunning" + String(repeating: " ", count: 27) + "\u{1B}[0m  bin.000003:1234"))
        #expect(coloured[2].contains("\u{1B}[31mstopped with error (row-too-large)\u{1B}[0m"))
        let stripped = coloured.map { $0.replacingOccurrences(of: "\u{1B}[32m", with: "").replacingOccurrences(of: "\u{1B}[31m", with: "")
            .replacingOccurrences(of: "\u{1B}[0m", with: "") }
        #expect(stripped == plain)
    }

    @Test func movingStatesAreYellowAndPlainOnesUncoloured() {
        let lines = StatusTable(rows: [
            StatusTable.Row(target: "a", state: "catching up", tone: .moving),
            StatusTable.Row(target: "b", state: "finished", tone: .plain),
        ]).lines(colour: true)
        #expect(lines[1].contains("\u{1B}[33mcatching up\u{1B}[0m"))
        #expect(!lines[2].contains("\u{1B}"))
    }

    @Test func aReportsTargetsGetTheirToneFromStateFailureAndLag() {
        var target = StatusReport.Target(name: "t", state: "running")
        #expect(target.tone == .healthy)
        target.isBehind = true
        #expect(target.tone == .moving)
        #expect(target.tableRow.state == "running (over --max-lag)")
        target = StatusReport.Target(name: "t", state: "daemon not running")
        #expect(target.tone == .failing)
        target = StatusReport.Target(name: "t", state: "copying")
        #expect(target.tone == .moving)
        target.failure = "binlog-purged"
        #expect(target.tone == .failing && target.tableRow.state == "copying (binlog-purged)")
    }
}

/// Text from a server or a daemon cannot reach the operator's terminal as escape sequences.
struct StatusTablePrintableTests {
    @Test func controlCharactersAreWrittenOut() {
        #expect(StatusTable.printable("plain é") == "plain é")
        #expect(StatusTable.printable("a\u{1B}]0;x\u{07}b\nc\u{9B}") == "a\\u{1B}]0;x\\u{7}b\\u{A}c\\u{9B}")
        let table = StatusTable(rows: [StatusTable.Row(target: "orders\u{1B}[2J", state: "running", tone: .healthy)]).lines(colour: false)
        #expect(table.allSatisfy { !$0.contains("\u{1B}") })
    }
}

struct StatusReportPrintableTests {
    /// A source error with escape sequences, and no target to list, still reaches the terminal written out.
    @Test func theSourcesErrorIsWrittenOutToo() {
        var report = StatusReport(head: nil, targets: [], maxLag: 60)
        report.sourceError = "refused \u{1B}]0;owned\u{07}"
        #expect(report.text().allSatisfy { !$0.contains("\u{1B}") && !$0.contains("\u{07}") })
    }
}
