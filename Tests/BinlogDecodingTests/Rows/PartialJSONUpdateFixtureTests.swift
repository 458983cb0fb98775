@testable import BinlogDecoding
import Testing

/// MySQL 8's PARTIAL_UPDATE_ROWS_EVENT from a real server (binlog_row_image=MINIMAL,
/// binlog_row_value_options=PARTIAL_JSON): `UPDATE t SET j = JSON_REPLACE(j, '$.age', age2), age2 = ...`.
@Suite(.enabled(if: Fixtures.isAvailable, Fixtures.missingComment))
struct PartialJSONUpdateFixtureTests {
    @Test func diffsCarryTheNewValueOfTheSameRow() throws {
        let path = try #require(Fixtures.binlogFiles().first { $0.hasSuffix("json.binlog.000001") })
        var decoder = BinlogEventDecoder()
        var checked = 0
        for event in Fixtures.events(path) {
            guard case let .rows(rows) = try decoder.decode(event).body, rows.kind == .update else { continue }
            for row in rows.rows {
                guard case let .jsonDiff(diffs)?? = row.after?.values[1] else { continue }
                // Column 4 holds the same number the statement wrote into $.age.
                guard case let .signed(age)?? = row.after?.values[3] else { Issue.record("no age column"); continue }
                #expect(diffs.count == 1)
                #expect(diffs.first?.operation == .replace)
                #expect(diffs.first?.path == "$.age")
                #expect(diffs.first?.value == .int64(age))
                checked += 1
            }
        }
        #expect(checked > 0)
    }
}
