import BinlogDecoding
import Testing
@testable import TablemirrorEngine

struct MemoryFootprintTests {
    @Test func aRowCountsItsPayloadsBytes() {
        let blob = rowChange(.insert, after: [.signed(1), .bytes([UInt8](repeating: 7, count: 20 << 20))])
        #expect(blob.footprint >= 20 << 20 && blob.footprint < (20 << 20) + 1_024)
        let text = rowChange(.update, before: [.signed(1), .text("é")], after: [.signed(1), .text(String(repeating: "x", count: 1_000))])
        #expect(text.footprint >= 1_002)
        // Text in a set other than utf8 and latin1 travels as its bytes: a 20 MiB ucs2 value counts as 20 MiB.
        let encoded = rowChange(.insert, after: [.signed(1), .encoded([UInt8](repeating: 0, count: 20 << 20), charset: Charset.named("ucs2"))])
        #expect(encoded.footprint >= 20 << 20)
    }

    @Test func smallRowsStillAddUp() {
        let rows = (0..<1_000).map { rowChange(.insert, after: [.signed(Int64($0)), .null]) }
        #expect(ApplyItem.rows(rows).footprint >= 1_000 * 3 * fixedFootprint)
    }

    @Test func aCopyChunkCountsItsStatements() {
        let chunk = TableChunk(source: QualifiedTableName(database: "d", table: "t"), position: BinlogPosition(file: "b.000001", offset: 4),
                               statements: [String(repeating: "x", count: 4_000), "DELETE"], rowCount: 1, isLast: false)
        #expect(ApplyItem.copyChunk(chunk).footprint >= 4_006)
    }
}
