import BinlogDecoding
import Testing
@testable import TablemirrorEngine

/// The lower bound of a row's SQL never exceeds what the SQL really takes: a row it calls too large is.
struct StatementSizeTests {
    @Test func theBoundIsBelowTheRenderedStatement() {
        let image = RowImage(values: [.signed(7), .bytes(Array(repeating: 0x41, count: 1000)), .text(String(repeating: "é'", count: 300)),
                                      .json("{\"a\": 1}"), nil, .null, .encoded(Array(repeating: 0x42, count: 500), charset: Charset.named("sjis"))])
        let bound = StatementSize.minimumLength(of: image)
        #expect(bound == 1 + 2000 + 900 + 8 + 1 + 1 + 1000)
        let change = RowChangeMessage(database: "d", table: "t", operation: .insert, columnNames: ["id", "b", "t", "j", "m", "n", "s"],
                                      before: nil, after: image, file: "bin.000001", startOffset: 4, endOffset: 5000, gtid: nil,
                                      transactionStart: nil, timestamp: 0)
        let sql = RowChangeSQL.statements(for: [change], plan: TableApplyPlan(database: "d", table: "t", keyColumns: [0])).joined()
        #expect(sql.utf8.count > bound)
    }
}
