import BinlogDecoding
import Testing
@testable import TablemirrorEngine

/// Values the applier stops on are found, by column, before anything is written.
struct UnwritableValueTests {
    @Test func namesTheColumnOfAnUnknownSet() {
        let sjis = Charset.named("sjis")
        let known = rowChange(.insert, after: [.signed(1), .encoded([0x95, 0x5C], charset: sjis)])
        let unknown = rowChange(.update, before: [.signed(1), .encoded([0x41], charset: nil)], after: [.signed(1), .text("a")])
        #expect(UnwritableValue.first(in: [known], refusingPartialJSON: true) == nil)
        #expect(UnwritableValue.first(in: [known, unknown], refusingPartialJSON: false)?.column == "name")
        #expect(UnwritableValue.first(in: [known, unknown], refusingPartialJSON: false)?.kind == .unknownCharacterSet)
        let error = EngineError.unknownCharacterSet(table: "product.items", column: "name", detail: "collation 4000")
        #expect(error.description.contains("column name of product.items"))
    }

    /// A partial JSON update whose before image held the document was rebuilt whole by the decoder (`.json`); one
    /// without it (binlog_row_image=MINIMAL) is only a diff, which a MariaDB target is not given.
    @Test func namesTheColumnOfAPartialJSONUpdateWithoutItsDocument() {
        let rebuilt = rowChange(.update, before: [.signed(1), .json("{\"a\": 1}")], after: [.signed(1), .json("{\"a\": 2}")])
        let diffOnly = rowChange(.update, before: [.signed(1), nil], after: [.signed(1), .jsonDiff([])])
        #expect(UnwritableValue.first(in: [rebuilt], refusingPartialJSON: true) == nil)
        #expect(UnwritableValue.first(in: [rebuilt, diffOnly], refusingPartialJSON: true)?.kind == .partialJSON)
        #expect(UnwritableValue.first(in: [rebuilt, diffOnly], refusingPartialJSON: true)?.column == "name")
        // A MySQL target applies the diff with MySQL's own functions.
        #expect(UnwritableValue.first(in: [diffOnly], refusingPartialJSON: false) == nil)
        let error = EngineError.partialJSONWithoutDocument(table: "product.items", column: "doc")
        #expect(error.description.contains("binlog_row_image=FULL") && error.description.contains("resync"))
    }
}
