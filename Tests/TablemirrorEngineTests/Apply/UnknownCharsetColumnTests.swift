import BinlogDecoding
import Testing
@testable import TablemirrorEngine

/// A character value whose set is not known is found, by column, before anything is written.
struct UnknownCharsetColumnTests {
    @Test func namesTheColumnOfAnUnknownSet() {
        let sjis = Charset.named("sjis")
        let known = rowChange(.insert, after: [.signed(1), .encoded([0x95, 0x5C], charset: sjis)])
        let unknown = rowChange(.update, before: [.signed(1), .encoded([0x41], charset: nil)], after: [.signed(1), .text("a")])
        #expect(UnknownCharsetColumn.first(in: [known]) == nil)
        #expect(UnknownCharsetColumn.first(in: [known, unknown]) == "name")
        let error = EngineError.unknownCharacterSet(table: "product.items", column: "name", detail: "collation 4000")
        #expect(error.description.contains("column name of product.items"))
    }
}
