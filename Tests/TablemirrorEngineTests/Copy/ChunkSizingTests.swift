import Testing
@testable import TablemirrorEngine

struct ChunkSizingTests {
    @Test func smallRowsAskForTheRowLimit() {
        var sizing = ChunkSizing(maxRows: 2_000, bytes: 4 << 20)
        #expect(sizing.nextLimit == 2_000)
        sizing.record(rows: 2_000, bytes: 2_000 * 100)
        #expect(sizing.nextLimit == 2_000)
    }

    @Test func largeRowsAskForFewerSoAChunkStaysNearItsBytes() {
        var sizing = ChunkSizing(maxRows: 2_000, bytes: 4 << 20)
        sizing.record(rows: 10, bytes: 10 * (64 << 10))
        #expect(sizing.nextLimit == 64)
        sizing.record(rows: 1, bytes: 128 << 20)
        #expect(sizing.nextLimit == 1, "a row larger than the budget is still read, alone")
        sizing.record(rows: 0, bytes: 0)
        #expect(sizing.nextLimit == 1, "an empty chunk says nothing of the rows")
    }

    @Test func aChunkIsFullAtItsBytes() {
        let sizing = ChunkSizing(maxRows: 2_000, bytes: 1_000)
        #expect(!sizing.isFull(999))
        #expect(sizing.isFull(1_000))
    }
}
